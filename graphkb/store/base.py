"""The Store protocol: the one interface every storage backend implements.

Every write is one transaction and records exactly one revision per entity it changes.
A write names the revision it is based on (``base_revision``); if the entity has moved on,
the write raises :class:`~graphkb.errors.EditConflict` carrying the current revision and
changes nothing. Every write bumps the store's graph version.

Deleting is soft. Deleting an entity that other live entities still point to is refused with
:class:`~graphkb.errors.ReferencedError` listing the referrers: the contributor removes or
re-targets those statements first, each as a revision of its own subject, so no statement
silently disappears.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, runtime_checkable

from ..errors import NotFound, ValidationError
from ..model import Entity, EntitySummary, Incoming, Page, Revision, Stats, Subgraph
from ..revisions import diff_revisions
from ..schema import Ontology

__all__ = ["Store", "BaseStore", "Progress", "SORT_KEYS", "new_statement_id"]

Progress = Callable[[int], None]
"""Called with the number of items just done; long operations report through it."""

SORT_KEYS = ("label", "-label", "id", "-id", "updated", "-updated")


def new_statement_id() -> str:
    """A fresh statement id: time-ordered (so index inserts append) plus randomness."""
    return f"s{time.time_ns() // 1000:013x}{uuid.uuid4().hex[:6]}"


@runtime_checkable
class Store(Protocol):
    ontology: Ontology

    # -- reading -------------------------------------------------------------------------

    def get(self, entity_id: str) -> Entity:
        """The entity with its statements, deleted or not. Raises NotFound."""

    def get_many(self, ids: Iterable[str]) -> dict[str, EntitySummary]:
        """Summaries of the entities among ``ids`` that exist (deleted ones included)."""

    def list(
        self,
        entity_type: str | None = None,
        *,
        offset: int = 0,
        limit: int = 50,
        sort: str = "label",
        lang: str = "de",
        text: str = "",
        include_deleted: bool = False,
    ) -> Page:
        """Live entities (of one type), sorted by one of SORT_KEYS, paged; ``text`` filters by label."""

    def search(self, query: str, *, types: Iterable[str] | None = None, limit: int = 20) -> list[EntitySummary]:
        """Live entities whose labels, aliases or descriptions match ``query``, best first.

        Case-insensitive and umlaut-tolerant (``Trägerverbund`` = ``traegerverbund`` = ``Trager``),
        and finds parts of compound words (``verbund``).
        """

    def neighbours(
        self,
        entity_id: str,
        *,
        depth: int = 1,
        relation_types: Iterable[str] | None = None,
        entity_types: Iterable[str] | None = None,
        limit: int = 200,
    ) -> Subgraph:
        """Live entities within ``depth`` hops (either direction) and the statements between them.

        The start entity is always the first node. ``entity_types`` filters the nodes reached
        (the walk only passes through them), ``relation_types`` the statements followed.
        At most ``limit`` nodes; ``truncated`` says whether more were reachable.
        """

    def incoming(self, entity_id: str, *, relation_types: Iterable[str] | None = None) -> list[Incoming]:
        """Statements of live entities that point at ``entity_id`` ("what links here")."""

    def cited_by(self, source_id: str, *, limit: int = 500) -> list[Incoming]:
        """Statements of live entities that cite ``source_id`` (the evidence a Source gives), at most ``limit``."""

    def history(self, entity_id: str, *, offset: int = 0, limit: int = 50) -> list[Revision]:
        """The entity's revisions, newest first, without snapshots. Raises NotFound."""

    def revision(self, entity_id: str, number: int) -> Revision:
        """One revision with its full snapshot. Raises NotFound."""

    def recent_changes(
        self,
        *,
        offset: int = 0,
        limit: int = 50,
        entity_type: str | None = None,
        author: str | None = None,
    ) -> list[Revision]:
        """Revisions across the whole graph, newest first, without snapshots."""

    def stats(self) -> Stats:
        """Counts of live entities by type, statements by relation type, revisions; the graph version."""

    def graph_version(self) -> int:
        """A counter bumped by every write: caches compare it to know they are stale."""

    def iter_entities(self, *, include_deleted: bool = True) -> Iterator[Entity]:
        """Every entity with its statements, in id order."""

    def iter_revisions(self) -> Iterator[Revision]:
        """Every revision with its snapshot, in the order they were written."""

    # -- writing -------------------------------------------------------------------------

    def create(self, entity: Entity, *, author: str, summary: str = "") -> Revision:
        """Add a new entity; its id is the slug of the German label unless given.

        A given id that exists (even deleted) raises Conflict; a generated one gets a numeric suffix.
        """

    def update(self, entity: Entity, *, base_revision: int, author: str, summary: str = "") -> Revision:
        """Replace the entity's fields and statements. Type and id never change."""

    def delete(self, entity_id: str, *, base_revision: int, author: str, reason: str) -> Revision:
        """Soft-delete; refused with ReferencedError while live entities point at it."""

    def restore(self, entity_id: str, *, base_revision: int, author: str, summary: str = "") -> Revision:
        """Undo a soft delete; refused when a statement's target was deleted meanwhile."""

    def revert(
        self, entity_id: str, to_revision: int, *, base_revision: int, author: str, summary: str = ""
    ) -> Revision:
        """A new revision whose content is that of ``to_revision``."""

    def diff(self, entity_id: str, a: int, b: int) -> dict[str, Any]:
        """What changed from revision ``a`` to revision ``b`` (see graphkb.revisions.diff_revisions)."""

    def bulk_import(
        self,
        entities: Iterable[Entity],
        *,
        author: str,
        summary: str = "import",
        revisions: Iterable[Revision] | None = None,
        progress: Progress | None = None,
    ) -> int:
        """Add many new entities in one transaction; returns how many.

        Without ``revisions`` each entity gets revision 1 (action ``import``). With them (an export
        being restored) the given history is written as it is and each entity keeps its
        revision number. Statements may point at entities of the same import.

        The store takes the entities it is given: it may normalise them in place and fill in
        ids, so hand over fresh objects (as generators, seed and JSON import do).
        """

    def close(self) -> None:
        """Release connections."""


class BaseStore:
    """Behaviour both backends share, written once against the protocol's primitives."""

    ontology: Ontology

    def diff(self, entity_id: str, a: int, b: int) -> dict[str, Any]:
        return diff_revisions(self.revision(entity_id, a), self.revision(entity_id, b))

    def revert(
        self, entity_id: str, to_revision: int, *, base_revision: int, author: str, summary: str = ""
    ) -> Revision:
        old = self.revision(entity_id, to_revision).entity()
        current = self.get(entity_id)
        if current.deleted:
            raise ValidationError("restore the entity before reverting it", "revision")
        old.revision = current.revision
        summary = summary or f"Revert to revision {to_revision}"
        return self._write_update(old, base_revision=base_revision, author=author, summary=summary, action="revert")

    def update(self, entity: Entity, *, base_revision: int, author: str, summary: str = "") -> Revision:
        return self._write_update(entity, base_revision=base_revision, author=author, summary=summary, action="edit")

    def _write_update(self, entity: Entity, *, base_revision: int, author: str, summary: str, action: str) -> Revision:
        raise NotImplementedError

    # shared helpers for implementations ----------------------------------------------------

    def _prepare(self, entity: Entity, type_of: Callable[[str], str | None]) -> Entity:
        """Validate a copy of ``entity`` and give new statements ids; returns the copy to store."""
        entity = entity.copy()
        self.ontology.validate_entity(entity, type_of)
        self._assign_statement_ids(entity)
        return entity

    @staticmethod
    def _assign_statement_ids(entity: Entity) -> None:
        seen: set[str] = set()
        for st in entity.statements:
            if not st.id or st.id in seen:
                st.id = new_statement_id()
            seen.add(st.id)

    @staticmethod
    def _require(found: Any, entity_id: str) -> Any:
        if found is None:
            raise NotFound(f"no entity {entity_id!r}")
        return found
