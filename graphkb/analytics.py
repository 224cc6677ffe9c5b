"""Network analytics on the projection (graphkb.projection): who is central, which groups form,
how two entities connect, who brokers between groups, which links hold the graph together.

Pure functions, the graph first; they never change it. Measures of structure (betweenness,
communities, brokers, bridges) run on the *undirected simple view* (one edge per connected pair,
self-loops dropped): whether Graz implements a practice or the practice is part of Graz's
programme, the two are connected. PageRank follows the statements' direction. Paths are found
undirected but report each statement with its real direction.

Expensive results are cached per graph and graph version with :func:`cached`, so a web page asks
for them on every request and computes them once per edit.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_edge("a", "b", key="s1", id="s1", type="SUPPORTS", citations=[])
's1'
>>> rankings(G, "degree")
[('a', 1), ('b', 1)]
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any

import networkx as nx

from .errors import NotFound, ValidationError
from .gcpause import gc_paused

__all__ = [
    "MEASURES",
    "rankings",
    "communities",
    "shortest_paths",
    "brokers",
    "bridges",
    "undirected",
    "pagerank",
    "cached",
    "SAMPLE_ABOVE",
    "SAMPLES",
    "LOUVAIN_UP_TO",
]

MEASURES = ("degree", "betweenness", "pagerank")

SAMPLE_ABOVE = 2000
"""Above this many nodes betweenness is estimated from SAMPLES source nodes (fixed seed), so it
stays seconds at 100k entities (each sample is a breadth-first search of the whole graph, about
half a second there) instead of hours; below it is exact. A sample this small ranks the big hubs
reliably and the rest roughly."""
SAMPLES = 8


def undirected(G: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple view: every node, one edge per pair of connected nodes, no self-loops.

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "a"), ("a", "a")])
    >>> sorted(undirected(G).edges())
    [('a', 'b')]
    """
    U = nx.Graph()
    U.add_nodes_from(G)
    U.add_edges_from((u, v) for u, v in G.edges() if u != v)
    return U


def _of_type(G: nx.MultiDiGraph, name: str, scores: dict, entity_type: str | None, limit: int) -> list[tuple]:
    """The top ``limit`` of ``scores`` (of ``entity_type``); the sorted list is cached under ``name``."""

    def ranked(name: str, entity_type: str | None) -> list[tuple]:
        items = [(n, s) for n, s in scores.items() if entity_type is None or G.nodes[n].get("type") == entity_type]
        items.sort(key=lambda item: (-item[1], item[0]))
        return items

    return cached(G, "ranked", ranked, name, entity_type)[:limit]


def pagerank(G: nx.MultiDiGraph, *, alpha: float = 0.85, tol: float = 1e-8, max_iter: int = 100) -> dict[str, float]:
    """PageRank along the statements (parallel statements weigh more), by power iteration.

    networkx's own needs SciPy; this is the textbook iteration (dangling nodes spread uniformly).

    >>> pr = pagerank(nx.MultiDiGraph([("a", "c"), ("b", "c")]))
    >>> round(pr["c"], 3), round(pr["a"], 3)
    (0.574, 0.213)
    """
    nodes = list(G)
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    out_weight = [0] * n
    incoming: list[list[int]] = [[] for _ in range(n)]
    for u, v in G.edges():
        out_weight[index[u]] += 1
        incoming[index[v]].append(index[u])
    dangling = [i for i in range(n) if out_weight[i] == 0]
    rank = [1.0 / n] * n
    for _ in range(max_iter):
        share = [rank[i] / out_weight[i] if out_weight[i] else 0.0 for i in range(n)]
        base = (1 - alpha) / n + alpha * sum(rank[i] for i in dangling) / n
        new = [base + alpha * sum(share[j] for j in incoming[i]) for i in range(n)]
        change = sum(abs(a - b) for a, b in zip(new, rank, strict=True))
        rank = new
        if change < n * tol:
            break
    return dict(zip(nodes, rank, strict=True))


def _betweenness(G: nx.MultiDiGraph, seed: int) -> dict[str, float]:
    U = cached(G, "undirected", undirected, G)
    k = SAMPLES if U.number_of_nodes() > SAMPLE_ABOVE else None
    return nx.betweenness_centrality(U, k=k, seed=seed if k else None)


def rankings(
    G: nx.MultiDiGraph, measure: str, *, entity_type: str | None = None, limit: int = 20, seed: int = 1
) -> list[tuple[str, float]]:
    """The ``limit`` most central entities (of ``entity_type``) by ``measure``, highest first.

    ``degree`` counts the statements an entity makes and receives; ``betweenness`` is the share of
    shortest paths through it (undirected, normalised; sampled on big graphs); ``pagerank`` follows
    the statements' direction. Ties go by id.

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> rankings(G, "betweenness", limit=2)
    [('b', 0.6666666666666666), ('c', 0.6666666666666666)]
    """
    if measure not in MEASURES:
        raise ValidationError(f"must be one of {', '.join(MEASURES)}", "measure")
    if measure == "degree":
        scores: dict = cached(G, "degree", lambda: dict(G.degree()))
    elif measure == "betweenness":
        scores = cached(G, "betweenness", _betweenness, G, seed)
    else:
        scores = cached(G, "pagerank", pagerank, G)
    return _of_type(G, f"{measure}/{seed}", scores, entity_type, limit)


LOUVAIN_UP_TO = 20_000
"""Louvain takes minutes at 100k entities in pure Python; above this many nodes communities come
from fast label propagation (seconds; coarser, still seeded and repeatable)."""


def communities(G: nx.MultiDiGraph, *, seed: int = 1, method: str = "auto") -> list[set[str]]:
    """Groups of densely connected entities on the undirected view, largest first.

    ``method``: ``louvain``, ``label_propagation`` or ``auto`` (Louvain up to LOUVAIN_UP_TO nodes).

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x"), ("c", "x")])
    >>> [sorted(c) for c in communities(G)]
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    if method not in ("auto", "louvain", "label_propagation"):
        raise ValidationError("must be auto, louvain or label_propagation", "method")
    U = cached(G, "undirected", undirected, G)

    def compute(seed: int, method: str) -> list[set[str]]:
        if method == "louvain" or (method == "auto" and U.number_of_nodes() <= LOUVAIN_UP_TO):
            groups = nx.community.louvain_communities(U, seed=seed)
        else:
            groups = nx.community.fast_label_propagation_communities(U, seed=seed)
        return sorted((set(g) for g in groups), key=lambda g: (-len(g), min(g)))

    return [set(g) for g in cached(G, "communities", compute, seed, method)]


def _edge_dict(subject: str, target: str, attrs: dict) -> dict[str, Any]:
    return {
        "id": attrs.get("id"),
        "subject": subject,
        "type": attrs.get("type"),
        "target": target,
        "qualifiers": dict(attrs.get("qualifiers", {})),
        "citations": list(attrs.get("citations", [])),
    }


def _statement_between(G: nx.MultiDiGraph, a: str, b: str) -> dict[str, Any]:
    """The best-cited statement linking ``a`` and ``b`` in either direction, with its real direction."""
    options = [(a, b, attrs) for attrs in (G.get_edge_data(a, b) or {}).values()]
    options += [(b, a, attrs) for attrs in (G.get_edge_data(b, a) or {}).values()]
    subject, target, attrs = min(options, key=lambda o: (-len(o[2].get("citations", [])), str(o[2].get("id"))))
    edge = _edge_dict(subject, target, attrs)
    edge["forward"] = subject == a
    edge["parallel"] = len(options) - 1
    return edge


def shortest_paths(
    G: nx.MultiDiGraph, source: str, target: str, *, limit: int = 5, max_hops: int = 6
) -> list[list[dict[str, Any]]]:
    """Up to ``limit`` shortest connections between two entities, ignoring direction, ≤ ``max_hops``.

    Each path is a list of statements, one per hop, as dicts ``{id, subject, type, target,
    qualifiers, citations, forward, parallel}``: ``forward`` says whether the statement points along
    the path, ``parallel`` how many other statements link the same two entities (the best-cited is
    shown). No connection within ``max_hops``: an empty list.

    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("graz", "practice", key="s1", id="s1", type="IMPLEMENTS", citations=[])
    >>> _ = G.add_edge("practice", "outcome", key="s2", id="s2", type="LEADS_TO", citations=[])
    >>> [path] = shortest_paths(G, "outcome", "graz")
    >>> [(e["subject"], e["type"], e["target"], e["forward"]) for e in path]
    [('practice', 'LEADS_TO', 'outcome', False), ('graz', 'IMPLEMENTS', 'practice', False)]
    """
    for node in (source, target):
        if node not in G:
            raise NotFound(f"no entity {node!r}")
    if source == target:
        return [[]]
    U = cached(G, "undirected", undirected, G)
    # breadth-first from the source, stopping at the target's depth or max_hops
    depth, preds = {source: 0}, {source: []}
    frontier = deque([source])
    while frontier:
        node = frontier.popleft()
        if depth[node] >= max_hops or (target in depth and depth[node] >= depth[target]):
            continue
        for nb in U[node]:
            if nb not in depth:
                depth[nb], preds[nb] = depth[node] + 1, [node]
                frontier.append(nb)
            elif depth[nb] == depth[node] + 1:
                preds[nb].append(node)
    if target not in depth:
        return []
    node_paths: list[list[str]] = []

    def walk(node: str, suffix: list[str]) -> None:
        if len(node_paths) >= limit:
            return
        if node == source:
            node_paths.append([source, *suffix])
            return
        for p in sorted(preds[node]):
            walk(p, [node, *suffix])

    walk(target, [])
    return [[_statement_between(G, a, b) for a, b in zip(path, path[1:], strict=False)] for path in node_paths]


def _constraint(U: nx.Graph, node: str) -> float:
    """Burt's constraint with equal tie weights: Σ_j (p_ij + Σ_q p_iq·p_qj)², p_ij = 1/deg(i)."""
    neighbours = U[node]
    d = len(neighbours)
    total = 0.0
    for j in neighbours:
        theirs = U[j]
        # walk the smaller neighbourhood: a hub's thousands of neighbours are not copied per neighbour
        small, big = (theirs, neighbours) if len(theirs) < d else (neighbours, theirs)
        indirect = sum(1 / len(U[q]) for q in small if q in big) / d
        total += (1 / d + indirect) ** 2
    return total


def brokers(G: nx.MultiDiGraph, *, limit: int = 20, entity_type: str | None = None) -> list[tuple[str, float]]:
    """Entities that link groups which are otherwise apart: ``1 − Burt's constraint``, highest first.

    Constraint is low when an entity's neighbours are not connected among themselves (it spans a
    structural hole); entities with fewer than two neighbours broker nothing and are left out.

    >>> G = nx.MultiDiGraph([("hub", "a"), ("hub", "b"), ("hub", "c"), ("a", "b")])
    >>> [(n, round(s, 3)) for n, s in brokers(G)]
    [('hub', 0.389), ('a', -0.007), ('b', -0.007)]
    """
    U = cached(G, "undirected", undirected, G)
    scores = cached(G, "constraint", lambda: {n: 1 - _constraint(U, n) for n in U if len(U[n]) >= 2})
    return _of_type(G, "brokers", scores, entity_type, limit)


def bridges(G: nx.MultiDiGraph, *, include_leaves: bool = False) -> list[tuple[str, str]]:
    """Links whose removal splits the graph (undirected view), as sorted pairs, sorted.

    Links to an entity with no other neighbour are trivially bridges and left out unless asked for.

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "x")])
    >>> G.add_edges_from([("x", "y"), ("y", "z"), ("z", "x"), ("z", "leaf")])
    [0, 0, 0, 0]
    >>> bridges(G)
    [('c', 'x')]
    >>> bridges(G, include_leaves=True)
    [('c', 'x'), ('leaf', 'z')]
    """
    U = cached(G, "undirected", undirected, G)
    found = cached(G, "bridges", lambda: sorted(tuple(sorted(e)) for e in nx.bridges(U)))
    if include_leaves:
        return list(found)
    return [(u, v) for u, v in found if len(U[u]) > 1 and len(U[v]) > 1]


# -- caching per graph version ------------------------------------------------------------------

_results: weakref.WeakKeyDictionary[nx.Graph, tuple[Any, dict]] = weakref.WeakKeyDictionary()
_results_lock = threading.Lock()


def _key(value: Any) -> Any:
    """A hashable stand-in for an argument (lists, sets and dicts by content; graphs by identity)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _key(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_key(v) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(_key(v) for v in value)
    if isinstance(value, nx.Graph):
        return ("graph", id(value))
    try:
        hash(value)
    except TypeError:
        return ("object", id(value))
    return value


def cached(G: nx.Graph, name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, remembered for ``G`` at its ``graph_version`` under ``name`` and the arguments.

    The projection is updated in place: when ``G`` changed while ``fn`` ran (another thread brought
    it up to date), the result is computed again rather than kept. Results are shared: treat
    them as read-only.

    >>> G = nx.MultiDiGraph(graph_version=1)
    >>> calls = []
    >>> cached(G, "count", lambda: calls.append(1) or len(calls))
    1
    >>> cached(G, "count", lambda: calls.append(1) or len(calls))
    1
    >>> G.graph["graph_version"] = 2
    >>> cached(G, "count", lambda: calls.append(1) or len(calls))
    2
    """
    key = (name, _key(args), _key(kwargs))
    for attempt in range(3):
        version = G.graph.get("graph_version")
        with _results_lock:
            held = _results.get(G)
            if held is None or held[0] != version:
                held = _results[G] = (version, {})
            if key in held[1]:
                return held[1][key]
        try:
            with gc_paused():
                value = fn(*args, **kwargs)
        except RuntimeError:  # "dictionary changed size during iteration": an update ran meanwhile
            if attempt == 2 or G.graph.get("graph_version") == version:
                raise
            continue
        if G.graph.get("graph_version") == version:
            with _results_lock:
                if _results.get(G) is held:
                    held[1][key] = value
            return value
    return value
