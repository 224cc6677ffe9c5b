"""The domain's data: entities with their statements and citations, and revisions. No I/O here."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .text import LANGS

__all__ = [
    "Citation",
    "Statement",
    "Entity",
    "EntitySummary",
    "Revision",
    "Page",
    "Edge",
    "Subgraph",
    "Incoming",
    "Stats",
    "User",
    "ApiToken",
    "ROLES",
    "empty_texts",
]


def empty_texts() -> dict[str, str]:
    return {lang: "" for lang in LANGS}


def _texts(value: dict[str, Any] | None) -> dict[str, str]:
    value = value or {}
    return {lang: str(value.get(lang) or "") for lang in LANGS}


def _alias_lists(value: dict[str, Any] | None) -> dict[str, list[str]]:
    value = value or {}
    return {lang: [str(a) for a in (value.get(lang) or [])] for lang in LANGS}


def _nested(values: dict[str, Any]) -> bool:
    return any(isinstance(v, list | dict) for v in values.values())


def pick(texts: dict[str, str], lang: str) -> str:
    """The text in ``lang``, falling back to the other language."""
    if texts.get(lang):
        return texts[lang]
    return next((texts[other] for other in LANGS if texts.get(other)), "")


@dataclass(frozen=True)
class Citation:
    """Evidence for a statement: a Source entity, the verbatim quote, and where in the source."""

    source: str
    quote: str
    locator: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "quote": self.quote, "locator": self.locator}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Citation:
        return cls(
            source=str(data.get("source") or ""),
            quote=str(data.get("quote") or ""),
            locator=str(data.get("locator") or ""),
        )


@dataclass
class Statement:
    """An outgoing typed relation of its subject entity, with qualifiers and citations."""

    type: str
    target: str
    qualifiers: dict[str, Any] = field(default_factory=dict)
    citations: list[Citation] = field(default_factory=list)
    id: str | None = None

    def content_key(self) -> tuple:
        """Everything but the id: two statements saying the same thing compare equal."""
        return (
            self.type,
            self.target,
            tuple(sorted((k, repr(v)) for k, v in self.qualifiers.items())),
            tuple((c.source, c.quote, c.locator) for c in self.citations),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "target": self.target,
            "qualifiers": dict(sorted(self.qualifiers.items())),
            "citations": [c.to_dict() for c in self.citations],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Statement:
        return cls(
            id=data.get("id") or None,
            type=str(data.get("type") or ""),
            target=str(data.get("target") or ""),
            qualifiers=dict(data.get("qualifiers") or {}),
            citations=[Citation.from_dict(c) for c in data.get("citations") or []],
        )


@dataclass
class Entity:
    """A node of the graph: typed, labelled in German and English, owning its statements.

    ``revision``, ``deleted`` and the ``created_*``/``updated_*`` fields are set by the store;
    callers leave them alone when they create or edit.
    """

    type: str
    labels: dict[str, str] = field(default_factory=empty_texts)
    id: str | None = None
    aliases: dict[str, list[str]] = field(default_factory=lambda: {lang: [] for lang in LANGS})
    descriptions: dict[str, str] = field(default_factory=empty_texts)
    body: str = ""
    properties: dict[str, Any] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    revision: int = 0
    deleted: bool = False
    deleted_reason: str = ""
    created_at: str = ""
    updated_at: str = ""
    updated_by: str = ""

    def __post_init__(self) -> None:
        self.labels = _texts(self.labels)
        self.descriptions = _texts(self.descriptions)
        self.aliases = _alias_lists(self.aliases)

    def label(self, lang: str = "de") -> str:
        return pick(self.labels, lang)

    def description(self, lang: str = "de") -> str:
        return pick(self.descriptions, lang)

    def content_dict(self) -> dict[str, Any]:
        """What a contributor edits: no bookkeeping, statements without ids (for comparisons)."""
        data = self.to_dict()
        for key in ("revision", "deleted", "deleted_reason", "created_at", "updated_at", "updated_by"):
            data.pop(key)
        for st in data["statements"]:
            st.pop("id")
        return data

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "labels": dict(self.labels),
            "aliases": {k: list(v) for k, v in self.aliases.items()},
            "descriptions": dict(self.descriptions),
            "body": self.body,
            "properties": dict(sorted(self.properties.items())),
            "statements": [s.to_dict() for s in self.statements],
            "revision": self.revision,
            "deleted": self.deleted,
            "deleted_reason": self.deleted_reason,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "updated_by": self.updated_by,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(
            id=data.get("id") or None,
            type=str(data.get("type") or ""),
            labels=data.get("labels") or {},
            aliases=data.get("aliases") or {},
            descriptions=data.get("descriptions") or {},
            body=str(data.get("body") or ""),
            properties=dict(data.get("properties") or {}),
            statements=[Statement.from_dict(s) for s in data.get("statements") or []],
            revision=int(data.get("revision") or 0),
            deleted=bool(data.get("deleted")),
            deleted_reason=str(data.get("deleted_reason") or ""),
            created_at=str(data.get("created_at") or ""),
            updated_at=str(data.get("updated_at") or ""),
            updated_by=str(data.get("updated_by") or ""),
        )

    def copy(self) -> Entity:
        """A copy that shares nothing mutable.

        Written out rather than deepcopy (10x slower), and past ``__init__``, whose
        normalisation the original already went through: bulk imports copy every entity.
        """
        new = object.__new__(Entity)
        new.__dict__.update(self.__dict__)
        new.labels = dict(self.labels)
        new.aliases = {k: list(v) for k, v in self.aliases.items()}
        new.descriptions = dict(self.descriptions)
        new.properties = copy.deepcopy(self.properties) if _nested(self.properties) else dict(self.properties)
        new.statements = [
            Statement(
                st.type,
                st.target,
                copy.deepcopy(st.qualifiers) if _nested(st.qualifiers) else dict(st.qualifiers),
                list(st.citations),
                st.id,
            )
            for st in self.statements
        ]
        return new


@dataclass(slots=True)
class EntitySummary:
    """Enough of an entity to list, link and draw it."""

    id: str
    type: str
    labels: dict[str, str]
    descriptions: dict[str, str] = field(default_factory=empty_texts)
    deleted: bool = False

    def label(self, lang: str = "de") -> str:
        return pick(self.labels, lang)

    def description(self, lang: str = "de") -> str:
        return pick(self.descriptions, lang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "labels": dict(self.labels),
            "descriptions": dict(self.descriptions),
            "deleted": self.deleted,
        }

    @classmethod
    def of(cls, entity: Entity) -> EntitySummary:
        return cls(entity.id or "", entity.type, dict(entity.labels), dict(entity.descriptions), entity.deleted)


@dataclass(frozen=True)
class Revision:
    """One write to one entity. ``snapshot`` is the entity's full state after the write."""

    entity_id: str
    number: int
    parent: int | None
    author: str
    timestamp: str
    summary: str
    action: str  # create | edit | delete | restore | revert | import
    snapshot: dict[str, Any] | None = None
    entity_type: str = ""
    label: str = ""
    size: int = 0  # length of the snapshot's JSON, for "size of change" in history views

    def entity(self) -> Entity:
        if self.snapshot is None:
            raise ValueError("revision loaded without its snapshot")
        return Entity.from_dict(self.snapshot)

    def to_dict(self, with_snapshot: bool = True) -> dict[str, Any]:
        data = {
            "entity_id": self.entity_id,
            "number": self.number,
            "parent": self.parent,
            "author": self.author,
            "timestamp": self.timestamp,
            "summary": self.summary,
            "action": self.action,
            "entity_type": self.entity_type,
            "label": self.label,
            "size": self.size,
        }
        if with_snapshot:
            data["snapshot"] = self.snapshot
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Revision:
        return cls(
            entity_id=data["entity_id"],
            number=int(data["number"]),
            parent=data.get("parent"),
            author=data.get("author") or "",
            timestamp=data.get("timestamp") or "",
            summary=data.get("summary") or "",
            action=data.get("action") or "edit",
            snapshot=data.get("snapshot"),
            entity_type=data.get("entity_type") or "",
            label=data.get("label") or "",
            size=int(data.get("size") or 0),
        )


@dataclass(frozen=True)
class Page:
    items: list[EntitySummary]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class Edge:
    statement_id: str
    subject: str
    type: str
    target: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.statement_id, "subject": self.subject, "type": self.type, "target": self.target}


@dataclass(frozen=True)
class Subgraph:
    nodes: list[EntitySummary]
    edges: list[Edge]
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodes": [n.to_dict() for n in self.nodes],
            "edges": [e.to_dict() for e in self.edges],
            "truncated": self.truncated,
        }


@dataclass(frozen=True)
class Incoming:
    """A statement of another entity that points at the one being looked at."""

    subject: EntitySummary
    statement: Statement

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject.to_dict(), "statement": self.statement.to_dict()}


@dataclass(frozen=True)
class Stats:
    entities: int
    deleted: int
    statements: int
    citations: int
    revisions: int
    graph_version: int
    by_type: dict[str, int]
    by_relation: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "entities": self.entities,
            "deleted": self.deleted,
            "statements": self.statements,
            "citations": self.citations,
            "revisions": self.revisions,
            "graph_version": self.graph_version,
            "by_type": dict(sorted(self.by_type.items())),
            "by_relation": dict(sorted(self.by_relation.items())),
        }


ROLES = ("reader", "editor", "admin")


@dataclass
class User:
    """An account. The store keeps the password hash only; hashing is the web layer's job."""

    name: str
    role: str = "reader"
    password_hash: str = ""
    email: str = ""
    created_at: str = ""
    disabled: bool = False

    def validated(self) -> User:
        """A trimmed copy, or ValidationError naming the field."""
        from .errors import ValidationError  # model stays free of I/O; errors are plain classes

        name = (self.name or "").strip()
        if not name or len(name) > 100 or any(c.isspace() or c in "/\\" for c in name):
            raise ValidationError("1 to 100 characters, no spaces or slashes", "name")
        if self.role not in ROLES:
            raise ValidationError(f"must be one of {', '.join(ROLES)}", "role")
        if len(self.email) > 200:
            raise ValidationError("longer than 200 characters", "email")
        return User(name, self.role, self.password_hash, self.email.strip(), self.created_at, bool(self.disabled))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "password_hash": self.password_hash,
            "email": self.email,
            "created_at": self.created_at,
            "disabled": self.disabled,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> User:
        return cls(
            name=str(data.get("name") or ""),
            role=str(data.get("role") or "reader"),
            password_hash=str(data.get("password_hash") or ""),
            email=str(data.get("email") or ""),
            created_at=str(data.get("created_at") or ""),
            disabled=bool(data.get("disabled")),
        )


@dataclass(frozen=True)
class ApiToken:
    """The record of an account's API token: never the secret, only its SHA-256.

    A token ``gkb_<id>_<secret>`` is made and checked by the web layer; the store keeps this
    record: the public ``id`` (12 hex digits), the account it acts for, the label its owner gave
    it, the hex SHA-256 of the secret, when it was made and a fingerprint of the account's
    password hash at that time (a password change ends the token).

    >>> t = ApiToken("0123456789ab", "jörg", "Auswertung", "a" * 64, "2026-01-01T00:00:00+00:00", "f" * 16)
    >>> t.display()
    'gkb_0123456789ab_…'
    >>> t.validated() == t
    True
    """

    id: str
    user: str
    label: str
    secret_hash: str
    created_at: str
    password_fingerprint: str

    FIELDS: ClassVar[tuple[str, ...]] = ("id", "user", "label", "secret_hash", "created_at", "password_fingerprint")
    PREFIX: ClassVar[str] = "gkb_"
    LABEL_MAX: ClassVar[int] = 100

    def display(self) -> str:
        """How the token starts, so its owner can tell which one it is."""
        return f"{self.PREFIX}{self.id}_…"

    def validated(self) -> ApiToken:
        """The record with a trimmed label, or ValidationError naming the field."""
        from .errors import ValidationError

        if not re.fullmatch(r"[0-9a-f]{12}", self.id or ""):
            raise ValidationError("12 hexadecimal digits", "id")
        if not (self.user or "").strip():
            raise ValidationError("a token belongs to an account", "user")
        label = " ".join((self.label or "").split())
        if not label or len(label) > self.LABEL_MAX:
            raise ValidationError(f"1 to {self.LABEL_MAX} characters", "label")
        if not re.fullmatch(r"[0-9a-f]{64}", self.secret_hash or ""):
            raise ValidationError("a hex SHA-256 digest", "secret_hash")
        if not self.created_at:
            raise ValidationError("when the token was made", "created_at")
        return ApiToken(self.id, self.user, label, self.secret_hash, self.created_at, self.password_fingerprint)

    def to_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.FIELDS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ApiToken:
        return cls(**{name: str(data.get(name) or "") for name in cls.FIELDS})
