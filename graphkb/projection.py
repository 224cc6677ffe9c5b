"""The store as a networkx graph, for analytics, graph views and read-only Cypher on the embedded store.

The shape of the graph (every consumer relies on it):

* ``networkx.MultiDiGraph``; one node per **live** entity, keyed by entity id.
* Node attributes: ``type`` (entity type), ``label_de``, ``label_en``, ``__labels__`` (``{type}``,
  the node label grand-cypher matches on).
* One edge per statement whose target is live, from subject to target, keyed by the statement id.
  Edge attributes: ``id`` (statement id), ``type`` (relation type), ``__labels__`` (``{type}``),
  ``qualifiers`` (dict), ``citations`` (list of ``{"source", "quote", "locator"}`` dicts), and each
  scalar qualifier once more as an attribute of its own (``evidence_level``, ``since`` ...), so
  ``WHERE r.evidence_level = 'study'`` works in Cypher. Qualifier names come from the ontology and
  never clash with the fixed names above.
* Graph attribute ``graph_version``: the store's graph version the graph reflects.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from .model import Entity
from .store.base import Store

__all__ = ["build_graph", "node_attrs", "edge_attrs"]

_RESERVED = frozenset({"id", "type", "__labels__", "qualifiers", "citations"})


def node_attrs(entity: Entity) -> dict[str, Any]:
    """The attributes of an entity's node."""
    return {
        "type": entity.type,
        "label_de": entity.labels.get("de", ""),
        "label_en": entity.labels.get("en", ""),
        "__labels__": {entity.type},
    }


def edge_attrs(statement) -> dict[str, Any]:
    """The attributes of a statement's edge."""
    attrs: dict[str, Any] = {
        "id": statement.id,
        "type": statement.type,
        "__labels__": {statement.type},
        "qualifiers": dict(statement.qualifiers),
        "citations": [c.to_dict() for c in statement.citations],
    }
    for key, value in statement.qualifiers.items():
        if key not in _RESERVED and not isinstance(value, list | dict):
            attrs[key] = value
    return attrs


def build_graph(store: Store) -> nx.MultiDiGraph:
    """A full, fresh projection of the store's live entities and statements."""
    version = store.graph_version()
    graph = nx.MultiDiGraph(graph_version=version)
    pending: list[tuple[str, Any]] = []
    for entity in store.iter_entities(include_deleted=False):
        graph.add_node(entity.id, **node_attrs(entity))
        pending.extend((entity.id, st) for st in entity.statements)
    for subject, st in pending:
        if st.target in graph:
            graph.add_edge(subject, st.target, key=st.id, **edge_attrs(st))
    return graph
