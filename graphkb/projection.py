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
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from .model import Entity
from .store.base import Store

__all__ = ["build_graph", "node_attrs", "edge_attrs"]

_RESERVED = frozenset(
    {"id", "type", "__labels__", "qualifiers", "citations", "citation_sources", "citation_quotes", "citation_locators"}
)
_NODE_FIELDS = frozenset({"id", "type", "__labels__", "label_de", "label_en", "description_de", "description_en"})


def node_attrs(entity: Entity) -> dict[str, Any]:
    """The attributes of an entity's node."""
    attrs: dict[str, Any] = {
        "id": entity.id,
        "type": entity.type,
        "label_de": entity.labels.get("de", ""),
        "label_en": entity.labels.get("en", ""),
        "description_de": entity.descriptions.get("de", ""),
        "description_en": entity.descriptions.get("en", ""),
        "__labels__": {"Entity", entity.type},
    }
    for key, value in entity.properties.items():
        if key not in _NODE_FIELDS and not isinstance(value, dict):
            attrs[key] = value
    return attrs


def edge_attrs(statement) -> dict[str, Any]:
    """The attributes of a statement's edge."""
    attrs: dict[str, Any] = {
        "id": statement.id,
        "type": statement.type,
        "__labels__": {statement.type},
        "qualifiers": dict(statement.qualifiers),
        "citations": [c.to_dict() for c in statement.citations],
        "citation_sources": [c.source for c in statement.citations],
        "citation_quotes": [c.quote for c in statement.citations],
        "citation_locators": [c.locator for c in statement.citations],
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
