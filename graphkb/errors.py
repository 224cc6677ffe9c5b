"""One vocabulary of failures, shared by every store and mapped to HTTP only at the web edge."""

from __future__ import annotations

from typing import Any

__all__ = [
    "GraphKBError",
    "NotFound",
    "ValidationError",
    "Conflict",
    "EditConflict",
    "ReferencedError",
    "Forbidden",
    "StoreUnavailable",
]


class GraphKBError(Exception):
    """Base class of every error graphkb raises on purpose."""

    code = "error"

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": str(self)}


class NotFound(GraphKBError):
    code = "not_found"


class ValidationError(GraphKBError):
    """Input breaks the ontology or a limit; ``field`` names the offending field."""

    code = "validation_error"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.reason = message

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "field": self.field}


class Conflict(GraphKBError):
    code = "conflict"


class EditConflict(Conflict):
    """The entity moved on since the revision the write was based on.

    Carries the entity's current revision so the caller can show what changed in between.
    """

    code = "edit_conflict"

    def __init__(self, entity_id: str, base_revision: int | None, current: Any):
        self.entity_id = entity_id
        self.base_revision = base_revision
        self.current = current  # graphkb.model.Revision
        number = getattr(current, "number", None)
        super().__init__(
            f"{entity_id}: edit conflict, based on revision {base_revision} but the entity is at revision {number}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            **super().to_dict(),
            "entity": self.entity_id,
            "base_revision": self.base_revision,
            "current_revision": getattr(self.current, "number", None),
        }


class ReferencedError(Conflict):
    """Deleting an entity that other entities still point to is refused; lists the referrers."""

    code = "referenced"

    def __init__(self, entity_id: str, referrers: list[str]):
        self.entity_id = entity_id
        self.referrers = referrers
        super().__init__(
            f"{entity_id} is still referenced by {len(referrers)} entit"
            f"{'y' if len(referrers) == 1 else 'ies'}: {', '.join(referrers[:20])}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "referrers": self.referrers}


class Forbidden(GraphKBError):
    code = "forbidden"


class StoreUnavailable(GraphKBError):
    code = "store_unavailable"
