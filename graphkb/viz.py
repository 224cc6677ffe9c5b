"""Graph views for the explorer: which nodes a view shows, where they sit, and how they look.

A view is described by a :class:`ViewSpec` (what its URL says: a centre and depth, filters by
entity type, relation type and scope, the nodes expanded by clicking). :func:`explorer_view`
turns a spec and the projection (graphkb.projection) into a :class:`View` (nodes, edges,
positions); :func:`graphkb.viz_render.render` makes vis-network data of it with pyvis, and
:class:`graphkb.viz_cache.ViewCache` keeps views per graph version. Positions come from the
server (graphkb.layout), physics is off: the browser draws at once.

No view has more than :data:`MAX_NODES` entity nodes; a node with neighbours outside the view says
how many (``more``), and expanding it adds at most :data:`EXPAND_PAGE` of them per page, with a
"+N more" node for the rest.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import networkx as nx

from .errors import NotFound, ValidationError
from .layout import layout, ring_around, settle
from .viz_render import MAX_NODES, OPTIONS, SHAPES, render, shape_of

__all__ = [
    "MAX_NODES",
    "EXPAND_PAGE",
    "SCOPE_HOPS",
    "SHAPES",
    "OPTIONS",
    "ViewSpec",
    "View",
    "select_view",
    "explorer_view",
    "expansion",
    "render",
    "shape_of",
]

EXPAND_PAGE = 25
"""Neighbours added per click on a node (and per click on its "+N more")."""
MAX_EXPANDED = 30
SCOPE_HOPS = 2
"""A scope (a city, a programme) is everything within this many statements of it."""


@dataclass(frozen=True)
class ViewSpec:
    """What a view shows; everything in it comes from the view's URL.

    ``expanded`` holds ``(node, pages)`` pairs in the order they were clicked.
    """

    center: str | None = None
    depth: int = 1
    types: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    city: str | None = None
    program: str | None = None
    limit: int = MAX_NODES
    expanded: tuple[tuple[str, int], ...] = ()

    def check(self, ontology: Any) -> ViewSpec:
        """The spec itself, or ValidationError naming the field that is out of range."""
        ontology.check_entity_types(self.types, "type")
        ontology.check_relation_types(self.relations, "rel")
        if not 1 <= self.depth <= 3:
            raise ValidationError("must be between 1 and 3", "depth")
        if not 1 <= self.limit <= MAX_NODES:
            raise ValidationError(f"must be between 1 and {MAX_NODES}", "limit")
        if len(self.expanded) > MAX_EXPANDED or any(not 1 <= pages <= 20 for _, pages in self.expanded):
            raise ValidationError(f"at most {MAX_EXPANDED} expanded nodes of at most 20 pages each", "expand")
        return self

    def base(self) -> ViewSpec:
        """The same view before any node was expanded."""
        return replace(self, expanded=())

    def with_expanded(self, node: str, pages: int) -> ViewSpec:
        """The view with ``node`` showing ``pages`` pages of neighbours (0: collapsed); an expanded
        node keeps its place in the order, so the nodes it brought keep theirs.

        >>> ViewSpec(expanded=(("a", 1), ("b", 1))).with_expanded("a", 2).expanded
        (('a', 2), ('b', 1))
        """
        if pages <= 0:
            return replace(self, expanded=tuple((n, p) for n, p in self.expanded if n != node))
        if any(n == node for n, _ in self.expanded):
            return replace(self, expanded=tuple((n, pages if n == node else p) for n, p in self.expanded))
        return replace(self, expanded=(*self.expanded, (node, pages)))


# -- which nodes --------------------------------------------------------------------------------


# The graph's own dicts (``G._succ``, ``G._pred``, ``G._node``) rather than its views: a view
# lookup costs five times a dict lookup, and a view over the 100k-entity graph does hundreds of
# thousands of them. Only read, never changed.


def _neighbours(G: nx.MultiDiGraph, node: str, relations: frozenset[str]) -> set[str]:
    succ, pred = G._succ[node], G._pred[node]
    if not relations:
        found = succ.keys() | pred.keys()
    else:
        found = set()
        for adjacency in (succ, pred):
            for other, keyed in adjacency.items():
                if any(attrs.get("type") in relations for attrs in keyed.values()):
                    found.add(other)
    found.discard(node)
    return found


def _region(G: nx.MultiDiGraph, start: str, hops: int) -> set[str]:
    if start not in G:
        raise NotFound(f"no entity {start!r}")
    return set(nx.single_source_shortest_path_length(G.to_undirected(as_view=True), start, cutoff=hops))


def select_view(G: nx.MultiDiGraph, spec: ViewSpec) -> tuple[list[str], bool]:
    """The entity nodes of a view before expansions, in order of importance, and whether more matched.

    With a centre: breadth first from it up to ``depth`` hops through the allowed types and
    relations, nearest first. Without one: the best-connected matching nodes.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("a", {"type": "City"}), ("b", {"type": "Person"}), ("c", {"type": "City"})])
    >>> _ = G.add_edge("a", "b", type="ADVISED_BY"); _ = G.add_edge("b", "c", type="ADVISED_BY")
    >>> select_view(G, ViewSpec(center="a", depth=1))
    (['a', 'b'], False)
    >>> select_view(G, ViewSpec(types=("City",), limit=1))
    (['a'], True)
    """
    relations = frozenset(spec.relations)
    types = frozenset(spec.types)
    region: set[str] | None = None
    for scope in (spec.city, spec.program):
        if scope:
            found = _region(G, scope, SCOPE_HOPS)
            region = found if region is None else region & found

    attrs = G._node

    def allowed(node: str) -> bool:
        return (not types or attrs[node].get("type") in types) and (region is None or node in region)

    if spec.center:
        if spec.center not in G:
            raise NotFound(f"no entity {spec.center!r}")
        order, seen, frontier = [spec.center], {spec.center}, [spec.center]
        for _ in range(spec.depth):
            reached = []
            for node in frontier:
                for other in sorted(_neighbours(G, node, relations) - seen):
                    if allowed(other):
                        if len(order) >= spec.limit:
                            return order, True
                        seen.add(other)
                        order.append(other)
                        reached.append(other)
            frontier = reached
        return order, False
    if region is None:
        # the best connected first: walk the ranking until the view is full
        chosen = []
        for node in _by_degree(G):
            if not types or attrs[node].get("type") in types:
                if len(chosen) == spec.limit:
                    return chosen, True
                chosen.append(node)
        return chosen, False
    candidates = [n for n in (region if region is not None else G._node) if allowed(n)]
    best = heapq.nsmallest(spec.limit, candidates, key=lambda n: (-_degree(G, n), n))
    return best, len(candidates) > spec.limit


def _degree(G: nx.MultiDiGraph, node: str) -> int:
    """Distinct neighbours in either direction (counted in O(1), unlike a multigraph's degree)."""
    return len(G._succ[node]) + len(G._pred[node])


def _by_degree(G: nx.MultiDiGraph) -> list[str]:
    """Every node, best connected first (ties by id); once per graph version."""
    from .analytics import cached

    def rank() -> list[str]:
        succ, pred = G._succ, G._pred
        return sorted(G._node, key=lambda n: (-len(succ[n]) - len(pred[n]), n))

    return cached(G, "viz.by_degree", rank)


# -- the view as data ---------------------------------------------------------------------------


@dataclass
class View:
    """A view's nodes and positions, without language: the part worth caching."""

    nodes: list[str]
    positions: dict[str, tuple[float, float]]
    via: dict[str, str]  # node -> the expanded node it came from
    more: dict[str, int]  # node -> neighbours outside the view
    edges: list[tuple[str, str, str, dict]]
    truncated: bool
    pending: dict[str, int]  # expanded node -> neighbours it still hides ("+N more")


def _edges_and_more(G: nx.MultiDiGraph, nodes: list[str], relations: frozenset[str], types: frozenset[str]):
    """The statements among ``nodes`` (through the allowed relations) and, per node, how many allowed
    neighbours it has outside them."""
    inside = set(nodes)
    kinds = G._node
    edges = []
    more = {}
    for node in nodes:
        succ, pred = G._succ[node], G._pred[node]
        # a hub's thousands of statements: intersect in C (sorted, so the order is the same in every process)
        for target in sorted(succ.keys() & inside) if len(succ) > 64 else [t for t in succ if t in inside]:
            for key, attrs in succ[target].items():
                if not relations or attrs.get("type") in relations:
                    edges.append((node, target, key, attrs))
        if not relations and not types:
            continue  # counted below from the edges, without building a hub's neighbour set
        outside = set()
        for adjacency in (succ, pred):
            for other, keyed in adjacency.items():
                if other in inside or other in outside or (types and kinds[other].get("type") not in types):
                    continue
                if not relations or any(a.get("type") in relations for a in keyed.values()):
                    outside.add(other)
        outside.discard(node)
        more[node] = len(outside)
    if not relations and not types:
        near: dict[str, set[str]] = {node: set() for node in nodes}
        for subject, target, _, _ in edges:
            near[subject].add(target)
            near[target].add(subject)
        for node in nodes:
            succ, pred = G._succ[node], G._pred[node]
            distinct = len(succ) + len(pred) - len(succ.keys() & pred.keys())
            loop = 1 if node in succ else 0
            more[node] = distinct - loop - len(near[node] - {node})
    return edges, more


def _adjacency(edges: Iterable[tuple], nodes: Iterable[str]) -> dict[str, set[str]]:
    adjacency: dict[str, set[str]] = {n: set() for n in nodes}
    for subject, target, _, _ in edges:
        if subject != target:
            adjacency[subject].add(target)
            adjacency[target].add(subject)
    return adjacency


def explorer_view(
    G: nx.MultiDiGraph, spec: ViewSpec, *, previous: dict | None = None, base: View | None = None
) -> View:
    """The view ``spec`` asks for: nodes, edges, positions and what each node hides.

    ``previous`` are positions from an earlier visit to the same view (they are kept);
    ``base`` the view without expansions, when it is already at hand.
    """
    relations, types = frozenset(spec.relations), frozenset(spec.types)
    if base is None:
        nodes, truncated = select_view(G, spec)
        edges, more = _edges_and_more(G, nodes, relations, types)
        positions = layout(_adjacency(edges, nodes), center=spec.center, previous=previous)
        base = View(nodes, positions, {}, more, edges, truncated, {})
    if not spec.expanded:
        return base
    nodes, positions, via, pending = list(base.nodes), dict(base.positions), {}, {}
    for anchor, pages in spec.expanded:
        if anchor not in positions:
            continue  # expanded in a view that has since changed: nothing to hang it on
        hidden = sorted((n for n in _neighbours(G, anchor, relations) if n not in positions), key=str)
        hidden = [n for n in hidden if not types or G._node[n].get("type") in types]
        shown = hidden[: pages * EXPAND_PAGE]
        for page in range(pages):
            chunk = shown[page * EXPAND_PAGE : (page + 1) * EXPAND_PAGE]
            positions.update(ring_around(positions[anchor], chunk, ring=page))
            nodes.extend(chunk)
            via.update((n, anchor) for n in chunk)
            drawn = positions.keys()
            settle({n: (G._succ[n].keys() | G._pred[n].keys()) & drawn for n in chunk}, positions, set(chunk))
        pending[anchor] = len(hidden) - len(shown)
    edges, more = _edges_and_more(G, nodes, relations, types)
    return View(nodes, positions, via, more, edges, base.truncated, pending)


def expansion(before: View, after: View) -> dict[str, Any]:
    """What expanding changed: the node ids and edge ids added (``render`` the ``after`` view for their data)."""
    old_nodes = set(before.nodes)
    old_edges = {key for _, _, key, _ in before.edges}
    more = [f"more:{anchor}" for anchor, rest in after.pending.items() if rest > 0]
    return {
        "nodes": [n for n in after.nodes if n not in old_nodes] + more,
        "edges": [key for _, _, key, _ in after.edges if key not in old_edges] + more,
    }
