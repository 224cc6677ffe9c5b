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
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..errors import NotFound, ValidationError
from ..model import ApiToken, Entity, EntitySummary, Incoming, Page, Revision, Stats, Subgraph, User
from ..revisions import diff_revisions
from ..schema import Ontology

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "Store",
    "BaseStore",
    "NodeRow",
    "EdgeRow",
    "Progress",
    "SORT_KEYS",
    "new_statement_id",
    "author_name",
    "paging",
    "chunks",
    "now",
]

NodeRow = tuple[str, str, str, str, str, str, dict[str, Any]]
"""An entity as graph_rows gives it: id, type, label_de, label_en, description_de, description_en, properties."""
EdgeRow = tuple[str, str, str, str, dict[str, Any], list[dict[str, str]]]
"""A statement as graph_rows gives it: id, subject, type, target, qualifiers, citations."""

Progress = Callable[[int], None]
"""Called with the number of items just done; long operations report through it."""

SORT_KEYS = ("label", "-label", "id", "-id", "updated", "-updated")


def new_statement_id() -> str:
    """A fresh statement id: time-ordered (so index inserts append) plus randomness."""
    return f"s{time.time_ns() // 1000:013x}{uuid.uuid4().hex[:6]}"


def now() -> str:
    """The time of a write, as stored: UTC, milliseconds, ``Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def author_name(author: str) -> str:
    """The author of a write, trimmed; every write needs one."""
    author = (author or "").strip()
    if not author:
        raise ValidationError("every write needs an author", "author")
    if len(author) > 100:
        raise ValidationError("longer than 100 characters", "author")
    return author


def paging(offset: Any, limit: Any, maximum: int = 1000) -> tuple[int, int]:
    """Offset and limit as checked integers (ValidationError naming the field otherwise)."""
    try:
        offset, limit = int(offset), int(limit)
    except (TypeError, ValueError):
        raise ValidationError("must be whole numbers", "offset/limit") from None
    if offset < 0:
        raise ValidationError("must not be negative", "offset")
    if not 1 <= limit <= maximum:
        raise ValidationError(f"must be between 1 and {maximum}", "limit")
    return offset, limit


def chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


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

    def incoming(
        self, entity_id: str, *, relation_types: Iterable[str] | None = None, limit: int | None = None
    ) -> list[Incoming]:
        """Statements of live entities that point at ``entity_id`` ("what links here"), by relation
        type and subject label; the first ``limit`` of them (None: all)."""

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

    def changes_since(self, version: int, *, limit: int = 1000) -> list[str] | None:
        """Ids of the entities written (created, edited, deleted, restored, imported) after graph
        version ``version``, newest first, each once.

        None when the store cannot tell: ``version`` is newer than the store's, older than the
        store's change record, or more than ``limit`` entities changed. A cache treats None as
        "rebuild from scratch"; ``[]`` means nothing changed.
        """

    def iter_entities(self, *, include_deleted: bool = True) -> Iterator[Entity]:
        """Every entity with its statements, in id order."""

    def iter_revisions(self) -> Iterator[Revision]:
        """Every revision with its snapshot, in the order they were written."""

    def graph_rows(self) -> tuple[list[NodeRow], list[EdgeRow]]:
        """The live graph as plain rows, for projections (cheaper than iter_entities).

        Nodes are ``(id, type, label_de, label_en, description_de, description_en, properties)``;
        edges ``(statement id, subject, type, target, qualifiers, citations)``, only between live
        entities, citations as ``{"source", "quote", "locator"}`` dicts.
        """

    # -- accounts ------------------------------------------------------------------------

    def get_user(self, name: str) -> User:
        """The account called ``name``. Raises NotFound."""

    def list_users(self) -> list[User]:
        """Every account, by name."""

    def save_user(self, user: User) -> User:
        """Create or replace the account ``user.name``; returns what was stored."""

    # -- API tokens (records only: the secret's SHA-256, never the secret) -------------------
    # Accounts are never deleted (only disabled), so tokens need no cascade. Token writes do not
    # bump the graph version: they are not part of the graph.

    def save_api_token(self, token: ApiToken) -> ApiToken:
        """Add the record of a new token of an existing account; returns what was stored.

        Raises ValidationError naming the field for a bad record, NotFound when ``token.user`` has
        no account, Conflict when a token with ``token.id`` exists (a record is never replaced).
        """

    def api_token(self, token_id: str) -> ApiToken:
        """The record of the token ``token_id``, whoever owns it. Raises NotFound."""

    def list_api_tokens(self, user: str) -> list[ApiToken]:
        """The tokens of the account ``user``, oldest first (by creation time, then id); [] for none."""

    def delete_api_tokens(self, user: str, token_id: str | None = None) -> int:
        """Delete the token ``token_id`` of ``user`` (None: every token of ``user``); returns how many.

        A token of another account is left alone and counts 0, as an unknown id does.
        """

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

    def to_networkx(self) -> nx.MultiDiGraph:
        """The live graph as a networkx MultiDiGraph of the caller's own (see graphkb.projection)."""

    def close(self) -> None:
        """Release connections."""


class BaseStore:
    """Behaviour both backends share, written once against the protocol's primitives."""

    ontology: Ontology

    def to_networkx(self) -> nx.MultiDiGraph:
        """The live graph as a networkx ``MultiDiGraph`` of one's own (a copy: change it freely).

        Nodes are entities, edges statements, with the attributes graphkb.projection documents::

            >>> import graphkb
            >>> G = graphkb.open_store("sqlite:///graphkb.sqlite3").to_networkx()  # doctest: +SKIP
            >>> G.nodes["graz"]["label_de"]  # doctest: +SKIP
            'Graz'
        """
        from ..projection import copy_graph, projection_of  # networkx is imported by those who use it

        return copy_graph(projection_of(self))

    def graph_rows(self) -> tuple[list[NodeRow], list[EdgeRow]]:
        nodes: list[NodeRow] = []
        statements: list[tuple[str, Any]] = []
        for e in self.iter_entities(include_deleted=False):  # type: ignore[attr-defined]
            nodes.append(
                (e.id, e.type, e.labels.get("de", ""), e.labels.get("en", ""), e.descriptions.get("de", ""),
                 e.descriptions.get("en", ""), e.properties)
            )  # fmt: skip
            statements.extend((e.id, st) for st in e.statements)
        live = {n[0] for n in nodes}
        edges: list[EdgeRow] = [
            (st.id, subject, st.type, st.target, st.qualifiers, [c.to_dict() for c in st.citations])
            for subject, st in statements
            if st.target in live
        ]
        return nodes, edges

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

    def _list_args(self, entity_type: str | None, sort: str, offset: Any, limit: Any) -> tuple[int, int]:
        """Check ``list``'s arguments (ValidationError naming the field); returns offset and limit."""
        if sort not in SORT_KEYS:
            raise ValidationError(f"must be one of {', '.join(SORT_KEYS)}", "sort")
        if entity_type is not None:
            self.ontology.entity_type(entity_type)
        return paging(offset, limit)

    def _neighbour_args(
        self, depth: Any, relation_types: Any, entity_types: Any, limit: Any
    ) -> tuple[list[str], list[str], int]:
        """Check ``neighbours``' arguments; returns the relation types, entity types and limit."""
        relation_types = self.ontology.check_relation_types(relation_types, "relations")
        entity_types = self.ontology.check_entity_types(entity_types, "types")
        if not 1 <= int(depth) <= 5:
            raise ValidationError("must be between 1 and 5", "depth")
        return relation_types, entity_types, paging(0, limit, maximum=5000)[1]

    def _prepare(self, entity: Entity, type_of: Callable[[str], str | None]) -> Entity:
        """Validate a copy of ``entity`` and give new statements ids; returns the copy to store."""
        entity = entity.copy()
        self.ontology.validate_entity(entity, type_of)
        self._assign_statement_ids(entity)
        return entity

    def _import_validator(
        self,
        entities: list[Entity],
        *,
        restoring: bool,
        type_in_store: Callable[[str], str | None],
        author: str,
        timestamp: str,
    ) -> Callable[[int, int], None]:
        """A function validating (and normalising in place) ``entities[start:stop]`` of a bulk import.

        Errors name the entity. Statements may point at any entity of the import; statements
        without an id get one, and a statement id that occurs twice is an error in a dump, a fresh
        id otherwise. Call it on consecutive ranges (a store may validate one batch while it
        writes the one before).
        """
        live = {e.id: e.type for e in entities if not e.deleted}
        every = {e.id: e.type for e in entities}
        statement_ids: set[str] = set()

        def validate(start: int, stop: int) -> None:
            for i in range(start, stop):
                e = entities[i]
                # a deleted entity of a dump may point at other deleted ones, as it did when exported
                known = every if (restoring and e.deleted) else live
                try:
                    self.ontology.validate_entity(e, lambda x, known=known: known.get(x) or type_in_store(x))
                except ValidationError as exc:
                    raise ValidationError(exc.reason, f"entities[{i}] {e.id}: {exc.field}") from None
                self._assign_statement_ids(e)
                for st in e.statements:
                    if st.id in statement_ids:
                        if restoring:
                            raise ValidationError(f"statement id {st.id!r} occurs twice", f"entities[{i}] {e.id}")
                        st.id = new_statement_id()
                    statement_ids.add(st.id)
                if not restoring:
                    e.revision, e.deleted, e.deleted_reason = 1, False, ""
                    e.created_at = e.updated_at = timestamp
                    e.updated_by = author

        return validate

    def _referenced_ids(self, e: Entity) -> set[str]:
        """Ids referenced from qualifiers and properties; targets and citation sources are indexed on their own."""
        ids: set[str] = set()
        etype = self.ontology.entity_types.get(e.type)
        if etype:
            ids.update(
                str(v) for k, v in e.properties.items() if k in etype.properties and etype.properties[k].type == "ref"
            )
        for st in e.statements:
            rtype = self.ontology.relation_types.get(st.type)
            if rtype:
                ids.update(
                    str(v)
                    for k, v in st.qualifiers.items()
                    if k in rtype.qualifiers and rtype.qualifiers[k].type == "ref"
                )
        ids.discard(e.id or "")
        return ids

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
