"""Graph views cached per graph version, with positions remembered across versions."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import networkx as nx

from .schema import Ontology
from .viz import View, ViewSpec, explorer_view
from .viz_render import render

__all__ = ["ViewCache"]


class ViewCache:
    """Views per (graph, graph version, spec), least recently used dropped first; and the last
    positions of each view (across versions), so a view that changed keeps its old places.

    Positions are a pure function of the graph and the view, so every process draws an unchanged
    view alike; after an edit, a process that drew the view before keeps the old places of its
    nodes, while one that did not lays it out afresh (they may differ until both drew it).
    """

    def __init__(self, size: int = 128, remembered: int = 256):
        self._views: OrderedDict[Hashable, Any] = OrderedDict()
        self._positions: OrderedDict[Hashable, dict] = OrderedDict()
        self._size, self._remembered = size, remembered
        self._lock = threading.Lock()

    def view(self, G: nx.MultiDiGraph, spec: ViewSpec) -> View:
        """The view of ``spec`` on ``G`` as it is now (its base view computed once per version)."""
        for attempt in range(3):
            version = G.graph.get("graph_version")
            try:
                base = self._get((id(G), version, spec.base()), lambda: self._base(G, spec.base()))
                if not spec.expanded:
                    return base
                return self._get((id(G), version, spec), lambda base=base: explorer_view(G, spec, base=base))
            except RuntimeError:  # the shared projection was updated while we read it
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def data(
        self,
        G: nx.MultiDiGraph,
        spec: ViewSpec,
        ontology: Ontology,
        lang: str,
        texts: Callable[[str, int], str] | None = None,
    ) -> dict[str, Any]:
        """``render`` of the view, cached per language too (asked for far more often than it changes)."""
        version = G.graph.get("graph_version")
        view = self.view(G, spec)
        return self._get(("data", id(G), version, spec, lang), lambda: render(G, view, ontology, lang, texts=texts))

    def _base(self, G: nx.MultiDiGraph, spec: ViewSpec) -> View:
        with self._lock:
            previous = self._positions.get(spec)
        view = explorer_view(G, spec, previous=previous)
        with self._lock:
            self._positions[spec] = view.positions
            self._positions.move_to_end(spec)
            while len(self._positions) > self._remembered:
                self._positions.popitem(last=False)
        return view

    def _get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._views:
                self._views.move_to_end(key)
                return self._views[key]
        value = compute()
        with self._lock:
            self._views[key] = value
            while len(self._views) > self._size:
                self._views.popitem(last=False)
        return value
