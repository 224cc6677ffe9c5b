"""The store as a networkx graph, for analytics, graph views and read-only Cypher on the embedded store.

The shape of the graph (every consumer relies on it):

* ``networkx.MultiDiGraph``; one node per **live** entity, keyed by entity id.
* Node attributes mirror the Neo4j store's node properties, so one Cypher query reads the same on
  both stores: ``id``, ``type`` (entity type), ``label_de``, ``label_en``, ``description_de``,
  ``description_en``, each scalar ontology property under its own name, and ``__labels__``
  (``{"Entity", type}``: the node labels grand-cypher matches on, as Neo4j's ``:Entity:Practice``).
* One edge per statement whose target is live, from subject to target, keyed by the statement id.
  Edge attributes: ``id`` (statement id), ``type`` (relation type), ``__labels__`` (``{type}``),
  ``qualifiers`` (dict), ``citations`` (list of ``{"source", "quote", "locator"}`` dicts); and, as
  on Neo4j's relationships, each scalar qualifier as an attribute of its own (``evidence_level``,
  ``since`` ...) and the citations as three parallel lists ``citation_sources``,
  ``citation_quotes``, ``citation_locators``, so ``WHERE r.evidence_level = 'study'`` works in
  Cypher on both stores. Qualifier names come from the ontology and never clash with these names.
* Graph attribute ``graph_version``: the store's graph version the graph reflects.

:func:`projection_of` keeps one projection per store object and process and keeps it current: each
call compares the store's graph version with the projection's; when the store has moved on it asks
the store which entities were written since (``Store.changes_since``) and re-reads only those,
falling back to a full :func:`build_graph` when the store cannot tell or too much changed. Since the
version lives in the store, several server processes (or a second store object on the same file)
each see the others' edits on their next call.

The projection is shared: treat it as read-only (``store.to_networkx()`` gives a copy of one's
own). It is updated in place, so a long computation in one thread may see another thread's update
half-way; :func:`graphkb.analytics.cached` detects that and computes again.
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections import Counter
from typing import Any

import networkx as nx

from .errors import NotFound
from .gcpause import gc_paused
from .model import Entity
from .store.base import Store

__all__ = [
    "build_graph",
    "projection_of",
    "apply_changes",
    "copy_graph",
    "node_attrs",
    "edge_attrs",
    "counts",
    "MAX_INCREMENTAL",
    "FREEZE_FROM",
]

MAX_INCREMENTAL = 1000
"""More changed entities than this and a projection is rebuilt, not updated (re-reading one entity
costs about what projecting a hundred does in a full build)."""

FREEZE_FROM = 20_000
"""Projections of at least this many entities are frozen out of the garbage collector's way after a
full build (``gc.freeze``); smaller ones cost the collector little."""

counts: Counter[str] = Counter()
"""How projections were obtained in this process: ``build`` (full), ``update`` (incremental),
``hit`` (current already). For tests and benchmarks."""

_RESERVED = frozenset(
    {"id", "type", "__labels__", "qualifiers", "citations", "citation_sources", "citation_quotes", "citation_locators"}
)
_NODE_FIELDS = frozenset({"id", "type", "__labels__", "label_de", "label_en", "description_de", "description_en"})


def _node(
    entity_id: str, etype: str, label_de: str, label_en: str, desc_de: str, desc_en: str, properties: dict
) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "id": entity_id,
        "type": etype,
        "label_de": label_de or "",
        "label_en": label_en or "",
        "description_de": desc_de or "",
        "description_en": desc_en or "",
        "__labels__": {"Entity", etype},
    }
    for key, value in properties.items():
        if key not in _NODE_FIELDS and not isinstance(value, dict):
            attrs[key] = value
    return attrs


def _edge(statement_id: str, rtype: str, qualifiers: dict, citations: list[dict[str, str]]) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "id": statement_id,
        "type": rtype,
        "__labels__": {rtype},
        "qualifiers": qualifiers,
        "citations": citations,
        "citation_sources": [c["source"] for c in citations],
        "citation_quotes": [c["quote"] for c in citations],
        "citation_locators": [c["locator"] for c in citations],
    }
    for key, value in qualifiers.items():
        if key not in _RESERVED and not isinstance(value, list | dict):
            attrs[key] = value
    return attrs


def node_attrs(entity: Entity) -> dict[str, Any]:
    """The attributes of an entity's node."""
    return _node(
        entity.id or "",
        entity.type,
        entity.labels.get("de", ""),
        entity.labels.get("en", ""),
        entity.descriptions.get("de", ""),
        entity.descriptions.get("en", ""),
        entity.properties,
    )


def edge_attrs(statement) -> dict[str, Any]:
    """The attributes of a statement's edge."""
    return _edge(statement.id, statement.type, dict(statement.qualifiers), [c.to_dict() for c in statement.citations])


def build_graph(store: Store) -> nx.MultiDiGraph:
    """A full, fresh projection of the store's live entities and statements."""
    version = store.graph_version()  # read first: the graph claims no more than it has
    with gc_paused():
        nodes, edges = store.graph_rows()
        graph = nx.MultiDiGraph(graph_version=version)
        graph.add_nodes_from((row[0], _node(*row)) for row in nodes)
        graph.add_edges_from(
            (subject, target, sid, _edge(sid, rtype, qualifiers, citations))
            for sid, subject, rtype, target, qualifiers, citations in edges
            if subject in graph and target in graph
        )
    return graph


def _add_edges(graph: nx.MultiDiGraph, subject: str, statements: Any) -> None:
    for st in statements:
        if st.target in graph:
            graph.add_edge(subject, st.target, key=st.id, **edge_attrs(st))


def apply_changes(store: Store, graph: nx.MultiDiGraph, changed: list[str], version: int) -> None:
    """Bring ``graph`` to ``version`` by re-reading the entities ``changed`` (in place)."""
    fresh: dict[str, Entity | None] = {}
    for entity_id in changed:
        try:
            fresh[entity_id] = store.get(entity_id)
        except NotFound:  # gone altogether (a failed import taken back)
            fresh[entity_id] = None
    added: list[str] = []
    for entity_id, entity in fresh.items():
        if entity_id in graph:
            graph.remove_edges_from(list(graph.out_edges(entity_id, keys=True)))
        if entity is None or entity.deleted:
            if entity_id in graph:
                graph.remove_node(entity_id)  # its incoming edges go with it
            continue
        if entity_id in graph:
            attrs = graph.nodes[entity_id]
            attrs.clear()
            attrs.update(node_attrs(entity))
        else:
            graph.add_node(entity_id, **node_attrs(entity))
            added.append(entity_id)
    for entity_id, entity in fresh.items():
        if entity is not None and not entity.deleted:
            _add_edges(graph, entity_id, entity.statements)
    for entity_id in added:
        if fresh[entity_id].revision > 1:  # restored: unchanged entities may point at it again
            for inc in store.incoming(entity_id):
                if inc.subject.id not in fresh and inc.subject.id in graph:
                    _add_edges(graph, inc.subject.id, [inc.statement])
    graph.graph["graph_version"] = version


class _Cached:
    __slots__ = ("graph", "lock")

    def __init__(self) -> None:
        self.graph: nx.MultiDiGraph | None = None
        self.lock = threading.Lock()


_projections: weakref.WeakKeyDictionary[Any, _Cached] = weakref.WeakKeyDictionary()
_projections_lock = threading.Lock()


def projection_of(store: Store) -> nx.MultiDiGraph:
    """The store's projection, current as of this call (shared: read it, copy before changing it).

    Built once per store object, then updated from the entities written since; one thread updates
    while others wait for it.
    """
    with _projections_lock:
        entry = _projections.get(store)
        if entry is None:
            entry = _projections[store] = _Cached()
    version = store.graph_version()
    graph = entry.graph
    if graph is not None and graph.graph["graph_version"] == version:
        counts["hit"] += 1
        return graph
    with entry.lock:
        graph = entry.graph
        version = store.graph_version()  # read before the changes: the graph claims no more than it has
        if graph is not None and graph.graph["graph_version"] == version:
            counts["hit"] += 1
            return graph
        changed = None
        if graph is not None and graph.graph["graph_version"] < version:
            changed = store.changes_since(graph.graph["graph_version"], limit=MAX_INCREMENTAL)
        if changed is None:
            if graph is not None and gc.get_freeze_count():
                # The old projection is frozen (below) and held in reference cycles (networkx's views
                # point back at their graph): only an unfrozen collection frees it. Once per rebuild;
                # one still read by a computation is frozen again below, until the next rebuild.
                entry.graph = graph = None
                gc.unfreeze()
                gc.collect()
            entry.graph = graph = build_graph(store)
            # The build's millions of dicts were made with the collector off, so all sit in the youngest
            # generation: the next collection (any request's) would walk them all, a 1.4–2.4 s pause at
            # 100k entities. Frozen, collections skip them (measured: longest pause 1354 → 73 ms).
            if graph.number_of_nodes() >= FREEZE_FROM:
                gc.freeze()
            counts["build"] += 1
        else:
            try:
                apply_changes(store, graph, changed, version)
            except BaseException:
                entry.graph = None  # half-updated: the next call builds afresh
                raise
            counts["update"] += 1
        return graph


def _copied(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copied(v) for v in value]
    if isinstance(value, set):
        return set(value)
    return value


def copy_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy sharing nothing mutable with ``graph`` (qualifiers, citations and label sets too)."""
    with gc_paused():
        copy = nx.MultiDiGraph(**graph.graph)
        copy.add_nodes_from((n, _copied(attrs)) for n, attrs in graph.nodes(data=True))
        copy.add_edges_from((u, v, k, _copied(attrs)) for u, v, k, attrs in graph.edges(keys=True, data=True))
    return copy
