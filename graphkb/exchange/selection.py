"""What an export writes: the whole graph or a view of it, walked in two streaming passes.

A :class:`Selection` says which live entities and statements go out: every one (the default), an
explicit set of ids (a :class:`~graphkb.model.Subgraph` from ``store.neighbours`` gives its nodes
and exactly its edges), and/or only some entity types and relation types. A statement goes out
when its subject and its target both do. Deleted entities never do: the graph formats describe
the graph as readers see it (the lossless history is the JSON format's job).

:class:`View` walks a selection in two passes, nodes then edges, so a writer can stream a file
whose nodes must come before its edges (GraphML, GEXF, Cypher) while holding only the set of ids
in memory, never the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..errors import NotFound
from ..model import Entity, Statement, Subgraph
from ..store.base import Store

__all__ = ["Selection", "View", "select"]


@dataclass(frozen=True)
class Selection:
    """Which part of the graph to export; the default is the whole (live) graph.

    >>> Selection().describe()
    'the whole graph'
    >>> Selection(ids=frozenset({"graz", "wien"}), entity_types=frozenset({"City"})).describe()
    '2 chosen entities; types City'
    """

    ids: frozenset[str] | None = None
    """Only these entities (None: all)."""
    entity_types: frozenset[str] = frozenset()
    """Only entities of these types (empty: all types)."""
    relation_types: frozenset[str] = frozenset()
    """Only statements of these relation types (empty: all)."""
    statement_ids: frozenset[str] | None = None
    """Only these statements (None: every statement between chosen entities)."""

    @classmethod
    def of_subgraph(cls, subgraph: Subgraph) -> Selection:
        """The nodes and exactly the edges of a ``store.neighbours`` answer."""
        return cls(
            ids=frozenset(n.id for n in subgraph.nodes),
            statement_ids=frozenset(e.statement_id for e in subgraph.edges),
        )

    def is_whole(self) -> bool:
        return self == Selection()

    def describe(self) -> str:
        """In words, for a file's header."""
        parts = []
        if self.ids is not None:
            parts.append(f"{len(self.ids)} chosen entities")
        if self.entity_types:
            parts.append("types " + ", ".join(sorted(self.entity_types)))
        if self.relation_types:
            parts.append("relations " + ", ".join(sorted(self.relation_types)))
        return "; ".join(parts) or "the whole graph"

    def takes_entity(self, entity: Entity) -> bool:
        return (
            not entity.deleted
            and (self.ids is None or entity.id in self.ids)
            and (not self.entity_types or entity.type in self.entity_types)
        )

    def takes_statement(self, statement: Statement) -> bool:
        return (not self.relation_types or statement.type in self.relation_types) and (
            self.statement_ids is None or statement.id in self.statement_ids
        )


def select(
    store: Store,
    *,
    ids: Iterable[str] | None = None,
    around: str | None = None,
    depth: int = 1,
    entity_types: Iterable[str] | None = None,
    relation_types: Iterable[str] | None = None,
    limit: int = 5000,
) -> Selection:
    """A checked selection: type names must be the ontology's (ValidationError naming the field).

    ``around`` takes the neighbourhood of one entity (``store.neighbours``, ``depth`` hops, at most
    ``limit`` nodes, following only ``relation_types`` and reaching only ``entity_types``);
    NotFound if there is no such entity.
    """
    types = frozenset(store.ontology.check_entity_types(entity_types, "types"))
    relations = frozenset(store.ontology.check_relation_types(relation_types, "relations"))
    chosen = frozenset(ids) if ids is not None else None
    statement_ids = None
    if around is not None:
        sub = store.neighbours(
            around, depth=depth, relation_types=sorted(relations), entity_types=sorted(types), limit=limit
        )
        view = Selection.of_subgraph(sub)
        chosen = view.ids if chosen is None else chosen & view.ids
        statement_ids = view.statement_ids
        # neighbours always starts from the entity itself, whatever its type: keep it
        types = types | {sub.nodes[0].type} if types else types
    return Selection(ids=chosen, entity_types=types, relation_types=relations, statement_ids=statement_ids)


class View:
    """A selection of a store, walked as nodes then edges (see the module docstring)."""

    def __init__(self, store: Store, selection: Selection | None = None):
        self.store = store
        self.selection = selection or Selection()
        self.ontology = store.ontology
        self._ids: set[str] | None = None
        self._cached: list[Entity] | None = None

    def _entities(self) -> Iterator[Entity]:
        sel = self.selection
        if self._cached is not None:
            yield from self._cached
        elif sel.ids is not None:
            # a neighbourhood or a hand-picked list: fetch those, not the whole store (and keep
            # them for the edge pass: there are at most a few thousand)
            found = []
            for entity_id in sorted(sel.ids):
                try:
                    entity = self.store.get(entity_id)
                except NotFound:
                    continue
                if sel.takes_entity(entity):
                    found.append(entity)
            self._cached = found
            yield from found
        else:
            for entity in self.store.iter_entities(include_deleted=False):
                if sel.takes_entity(entity):
                    yield entity

    def nodes(self, progress: Callable[[int], None] | None = None) -> Iterator[Entity]:
        """The chosen entities in id order; remembers their ids for :meth:`edges`."""
        ids: set[str] = set()
        for entity in self._entities():
            ids.add(entity.id or "")
            yield entity
            if progress:
                progress(1)
        self._ids = ids

    def node_ids(self) -> set[str]:
        if self._ids is None:
            for _ in self.nodes():
                pass
        return self._ids or set()

    def edges(self) -> Iterator[tuple[Entity, int, Statement]]:
        """(subject, position, statement) for every chosen statement between chosen entities."""
        ids = self.node_ids()
        sel = self.selection
        for entity in self._entities():
            for position, st in enumerate(entity.statements):
                if st.target in ids and sel.takes_statement(st):
                    yield entity, position, st

    def statements_of(self, entity: Entity) -> list[Statement]:
        """The entity's chosen statements (its own order), for formats that keep them inside the entity."""
        ids = self.node_ids()
        return [st for st in entity.statements if st.target in ids and self.selection.takes_statement(st)]
