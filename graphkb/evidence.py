"""The evidence map: which practices lead to which outcomes, and on what evidence.

A matrix over the projection (graphkb.projection): practices are rows, outcomes columns. A cell
holds every *path* from the practice to the outcome:

* **direct**: the practice's own ``LEADS_TO`` statement to the outcome;
* **indirect**: the practice contributes to something that leads to the outcome, at most
  ``max_hops`` statements long (default 3), e.g. practice ``EMBODIES`` principle ``LEADS_TO``
  outcome. A path ends with a ``LEADS_TO`` statement; the entities in between are of the types
  the ontology allows as subjects of ``LEADS_TO`` (Practice, Principle, Program), and each step
  towards them is a statement saying the one *contributes to* the next:
  ``EMBODIES``, ``SUPPORTS`` and ``PART_OF`` along their direction, ``REQUIRES`` against it
  (a programme that requires the practice gets part of its effect from it) and ``ALIGNS_WITH``
  either way. ``A REQUIRES B`` along its direction is not a step: B is a precondition of A, not a
  means to A's effects. No entity occurs twice in a path.

Each path carries its statements with their real direction, qualifiers and citations (source,
quote, locator). A cell counts its **distinct citations** (source, quote, locator) over all its
paths, and its distinct sources.

**Evidence levels** (the ``evidence_level`` qualifier), strongest first: ``study`` (systematic
research), ``evaluation`` (a systematic assessment of the programme itself), ``practice_experience``
(effects the practitioners observed), ``report`` (an account in a report, not itself evidence of
the effect), ``self_report`` (the implementing actors about their own success: interested), ``goal``
(an intended effect, not an observed one). ``counter_position`` is not a degree of support but an
objection; it is kept out of the order and flags the path (and its cell) as *contested*, as does
``stance: contested``. A statement without a level is ``unrated``, below ``goal``. A path is as
strong as its weakest rated statement (a chain is no better than its weakest link); its level is
``unrated`` when none of its statements is rated. A cell's ``best_level`` is its strongest path's.

**Filters** keep paths, then rows and columns are those with a path left:

* ``city``: the path's ``LEADS_TO`` statement has ``place`` = the city; or it names no place and
  the practice is the city's: implemented (``IMPLEMENTS``) by the city, by an entity located in or
  part of it (``LOCATED_IN``/``PART_OF``), or by one of its social spaces (``HAS_SOCIAL_SPACE``),
  or part of (``PART_OF``) or required by (``REQUIRES``) a programme one of those implements. A
  place qualifier wins: an effect observed elsewhere is not the city's;
* ``program``: the practice is part of, required by or supported by the programme, or the path
  runs through it;
* ``source``: the path's ``LEADS_TO`` statement (the claim of effect) cites the source;
* ``levels``: the path's level is one of them.

**Gaps**: practices with no path left (of the city or programme, when one is chosen), outcomes with
no path left, and the statements on paths that cite nothing.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> for node, kind in [("p", "Practice"), ("q", "Practice"), ("o", "Outcome")]:
...     G.add_node(node, id=node, type=kind, label_de=node, label_en=node)
>>> _ = G.add_edge("p", "o", key="s1", id="s1", type="LEADS_TO", qualifiers={"evidence_level": "study"},
...                citations=[{"source": "src", "quote": "wirkt", "locator": "S. 1"}])
>>> m = evidence_map(G, None)
>>> m.practices, m.outcomes, m.cells["p", "o"].best_level, m.gaps.practices_without_outcome
(['p'], ['o'], 'study', ['q'])
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import networkx as nx

from .errors import ValidationError

__all__ = [
    "LEVELS",
    "COUNTER",
    "UNRATED",
    "EFFECT",
    "STEPS",
    "Path",
    "Cell",
    "Gaps",
    "EvidenceMap",
    "evidence_map",
    "level_rank",
    "csv_text",
]

LEVELS = ("study", "evaluation", "practice_experience", "report", "self_report", "goal")
"""Evidence levels, strongest first (see the module docstring for why)."""
COUNTER = "counter_position"
UNRATED = "unrated"
EFFECT = "LEADS_TO"
STEPS: dict[str, tuple[bool, ...]] = {
    # relation type: the directions in which it is a step towards an effect (True: along it)
    "EMBODIES": (True,),
    "SUPPORTS": (True,),
    "PART_OF": (True,),
    "REQUIRES": (False,),
    "ALIGNS_WITH": (True, False),
}
_RANK = {level: i for i, level in enumerate((*LEVELS, UNRATED))}


def level_rank(level: str) -> int:
    """Position in the order, 0 = strongest; ``unrated`` and unknown values last.

    >>> sorted(["goal", "study", "unrated", "report"], key=level_rank)
    ['study', 'report', 'goal', 'unrated']
    """
    return _RANK.get(level, len(_RANK))


@dataclass(frozen=True)
class Path:
    """Statements from a practice to an outcome; each as ``(subject, target, attrs, forward)``."""

    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str, dict, bool], ...]

    @property
    def effect(self) -> dict:
        """The attributes of the final ``LEADS_TO`` statement."""
        return self.edges[-1][2]

    @cached_property
    def contested(self) -> bool:
        return any(
            _qualifier(a, "evidence_level") == COUNTER or _qualifier(a, "stance") == "contested"
            for _, _, a, _ in self.edges
        )

    @cached_property
    def level(self) -> str:
        rated = [_qualifier(a, "evidence_level") for _, _, a, _ in self.edges]
        rated = [lv for lv in rated if lv in _RANK and lv != UNRATED]
        if rated:
            return max(rated, key=level_rank)
        if any(_qualifier(a, "evidence_level") == COUNTER for _, _, a, _ in self.edges):
            return COUNTER
        return UNRATED

    def citations(self) -> set[tuple[str, str, str]]:
        return {
            (c.get("source", ""), c.get("quote", ""), c.get("locator", ""))
            for _, _, attrs, _ in self.edges
            for c in attrs.get("citations", [])
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodes": list(self.nodes),
            "level": self.level,
            "contested": self.contested,
            "statements": [
                {
                    "id": attrs.get("id"),
                    "subject": subject,
                    "type": attrs.get("type"),
                    "target": target,
                    "forward": forward,
                    "qualifiers": dict(attrs.get("qualifiers", {})),
                    "citations": [dict(c) for c in attrs.get("citations", [])],
                }
                for subject, target, attrs, forward in self.edges
            ],
        }


@dataclass
class Cell:
    direct: list[Path] = field(default_factory=list)
    indirect: list[Path] = field(default_factory=list)
    citations: int = 0
    sources: int = 0
    levels: set[str] = field(default_factory=set)
    best_level: str = UNRATED
    contested: bool = False

    @property
    def paths(self) -> list[Path]:
        return [*self.direct, *self.indirect]

    def to_dict(self, *, with_paths: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "direct": len(self.direct),
            "indirect": len(self.indirect),
            "citations": self.citations,
            "sources": self.sources,
            "levels": sorted(self.levels, key=level_rank),
            "best_level": self.best_level,
            "contested": self.contested,
        }
        if with_paths:
            out["paths"] = [p.to_dict() for p in self.paths]
        return out


@dataclass
class Gaps:
    practices_without_outcome: list[str] = field(default_factory=list)
    outcomes_without_practice: list[str] = field(default_factory=list)
    uncited_links: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class EvidenceMap:
    practices: list[str]
    outcomes: list[str]
    cells: dict[tuple[str, str], Cell]
    gaps: Gaps
    labels: dict[str, dict[str, str]]
    filters: dict[str, Any]

    def to_dict(self, *, with_paths: bool = True) -> dict[str, Any]:
        """JSON-able; ``with_paths=False`` leaves out the paths (counts only: for big graphs)."""

        def entity(node: str) -> dict[str, str]:
            return {"id": node, **self.labels.get(node, {})}

        return {
            "filters": self.filters,
            "levels": [*LEVELS, UNRATED],
            "practices": [entity(p) for p in self.practices],
            "outcomes": [entity(o) for o in self.outcomes],
            "cells": [
                {"practice": p, "outcome": o, **cell.to_dict(with_paths=with_paths)}
                for (p, o), cell in sorted(self.cells.items())
            ],
            "gaps": {
                "practices_without_outcome": [entity(p) for p in self.gaps.practices_without_outcome],
                "outcomes_without_practice": [entity(o) for o in self.gaps.outcomes_without_practice],
                "uncited_links": self.gaps.uncited_links,
            },
        }

    def to_csv_rows(self) -> list[list[Any]]:
        """A header and one row per cell."""
        rows: list[list[Any]] = [
            [
                "practice", "practice_label_de", "outcome", "outcome_label_de", "direct", "indirect",
                "citations", "sources", "best_level", "levels", "contested",
            ]
        ]  # fmt: skip
        for (p, o), cell in sorted(self.cells.items()):
            rows.append(
                [
                    p, self.labels.get(p, {}).get("label_de", ""), o, self.labels.get(o, {}).get("label_de", ""),
                    len(cell.direct), len(cell.indirect), cell.citations, cell.sources, cell.best_level,
                    "|".join(sorted(cell.levels, key=level_rank)), int(cell.contested),
                ]
            )  # fmt: skip
        return rows


def csv_text(rows: Iterable[list[Any]]) -> str:
    """Rows as CSV text.

    >>> csv_text([["a", 1], ["b;c", 2]])
    'a,1\\r\\nb;c,2\\r\\n'
    """
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _qualifier(attrs: dict, name: str) -> Any:
    return attrs.get("qualifiers", {}).get(name, attrs.get(name))


def _of_type(G: nx.MultiDiGraph, kind: str) -> list[str]:
    return [n for n, t in G.nodes(data="type") if t == kind]


def _sort_key(G: nx.MultiDiGraph, node: str) -> tuple[str, str]:
    return (str(G.nodes[node].get("label_de") or node).casefold(), node)


def _index(G: nx.MultiDiGraph, via: frozenset[str]) -> tuple[dict[str, list], dict[str, list]]:
    """For every node: the steps towards an effect it can take, and its LEADS_TO statements.

    One pass over the edges, so the walks below never scan a hub's hundreds of other statements.
    """
    steps: dict[str, list[tuple[str, str, str, dict, bool]]] = {}
    effects: dict[str, list[tuple[str, dict]]] = {}
    types = G.nodes(data="type")
    for u, v, attrs in G.edges(data=True):
        rtype = attrs.get("type")
        if rtype == EFFECT:
            if types[v] == "Outcome":
                effects.setdefault(u, []).append((v, attrs))
            continue
        directions = STEPS.get(rtype, ())
        if True in directions and types[v] in via:
            steps.setdefault(u, []).append((v, u, v, attrs, True))
        if False in directions and types[u] in via:
            steps.setdefault(v, []).append((u, u, v, attrs, False))
    return steps, effects


def _paths_from(practice: str, max_hops: int, steps: dict[str, list], effects: dict[str, list]) -> Iterable[Path]:
    """Every path from ``practice`` ending in a LEADS_TO statement, depth first."""

    def walk(node: str, nodes: tuple[str, ...], edges: tuple) -> Iterable[Path]:
        for outcome, attrs in effects.get(node, ()):
            if outcome not in nodes:
                yield Path((*nodes, outcome), (*edges, (node, outcome, attrs, True)))
        if len(edges) + 2 > max_hops:
            return
        for nxt, subject, target, attrs, forward in steps.get(node, ()):
            if nxt not in nodes:
                yield from walk(nxt, (*nodes, nxt), (*edges, (subject, target, attrs, forward)))

    return walk(practice, (practice,), ())


def _targets(G: nx.MultiDiGraph, node: str, types: set[str]) -> set[str]:
    return {t for _, t, rel in G.out_edges(node, data="type") if rel in types}


def _sources(G: nx.MultiDiGraph, node: str, types: set[str]) -> set[str]:
    return {s for s, _, rel in G.in_edges(node, data="type") if rel in types}


def practices_of_city(G: nx.MultiDiGraph, city: str) -> set[str]:
    """The practices a city implements, itself, through its parts or through its programmes."""
    actors = {city} | _sources(G, city, {"LOCATED_IN", "PART_OF"}) | _targets(G, city, {"HAS_SOCIAL_SPACE"})
    implemented = set().union(*(_targets(G, a, {"IMPLEMENTS"}) for a in actors))
    programmes = {n for n in implemented if G.nodes[n].get("type") == "Program"}
    for prog in programmes:
        implemented |= _sources(G, prog, {"PART_OF"}) | _targets(G, prog, {"REQUIRES"})
    return {n for n in implemented if G.nodes[n].get("type") == "Practice"}


def practices_of_program(G: nx.MultiDiGraph, program: str) -> set[str]:
    """The practices that are part of, required by or supported by a programme."""
    found = _sources(G, program, {"PART_OF"}) | _targets(G, program, {"REQUIRES", "SUPPORTS"})
    return {n for n in found if G.nodes[n].get("type") == "Practice"}


def _check(G: nx.MultiDiGraph, node: str | None, kind: str, field_name: str) -> None:
    if node is not None and (node not in G or G.nodes[node].get("type") != kind):
        raise ValidationError(f"no {kind} {node!r}", field_name)


def evidence_map(
    G: nx.MultiDiGraph,
    ontology: Any = None,
    *,
    city: str | None = None,
    program: str | None = None,
    source: str | None = None,
    levels: Iterable[str] | None = None,
    max_hops: int = 3,
) -> EvidenceMap:
    """The practice × outcome evidence map of ``G`` (see the module docstring for the rules).

    ``ontology`` (a graphkb.schema.Ontology, optional) supplies the types a path may pass through
    (the subjects of ``LEADS_TO``); without it, Practice, Principle and Program. Unknown filter
    values raise ValidationError naming the field.
    """
    try:
        max_hops = int(max_hops)
    except (TypeError, ValueError):
        raise ValidationError("must be a whole number", "max_hops") from None
    if not 1 <= max_hops <= 5:
        raise ValidationError("must be between 1 and 5", "max_hops")
    _check(G, city, "City", "city")
    _check(G, program, "Program", "program")
    _check(G, source, "Source", "source")
    wanted = None
    if levels is not None:
        wanted = {levels} if isinstance(levels, str) else set(levels)
        unknown = wanted - {*LEVELS, UNRATED, COUNTER}
        if unknown:
            raise ValidationError(f"unknown evidence levels: {', '.join(sorted(unknown))}", "levels")
    via = frozenset({"Practice", "Principle", "Program"})
    if ontology is not None and EFFECT in getattr(ontology, "relation_types", {}):
        via = frozenset(ontology.relation_types[EFFECT].subjects)

    of_city = practices_of_city(G, city) if city is not None else set()
    of_program = practices_of_program(G, program) if program is not None else set()
    scope = None  # the practices a gap may name: those of the city and/or the programme
    if city is not None:
        scope = of_city
    if program is not None:
        scope = of_program if scope is None else scope & of_program

    def keep(practice: str, path: Path) -> bool:
        effect = path.effect
        if wanted is not None and path.level not in wanted:
            return False
        if source is not None and source not in {c.get("source") for c in effect.get("citations", [])}:
            return False
        if city is not None:
            place = _qualifier(effect, "place")
            if place != city and (place or practice not in of_city):
                return False
        if program is not None and program not in path.nodes and practice not in of_program:
            return False
        return True

    cells: dict[tuple[str, str], Cell] = {}
    all_practices = _of_type(G, "Practice")
    steps, effects = _index(G, via)
    for practice in all_practices:
        for path in _paths_from(practice, max_hops, steps, effects):
            if not keep(practice, path):
                continue
            cell = cells.setdefault((practice, path.nodes[-1]), Cell())
            (cell.direct if len(path.edges) == 1 else cell.indirect).append(path)

    uncited: dict[str, dict[str, Any]] = {}
    for cell in cells.values():
        citations: set[tuple[str, str, str]] = set()
        for path in cell.paths:
            citations |= path.citations()
            cell.levels.add(path.level)
            cell.contested = cell.contested or path.contested
            for subject, target, attrs, _ in path.edges:
                if not attrs.get("citations") and attrs.get("id") not in uncited:
                    uncited[attrs.get("id")] = {
                        "id": attrs.get("id"), "subject": subject, "type": attrs.get("type"), "target": target,
                    }  # fmt: skip
        cell.citations = len(citations)
        cell.sources = len({c[0] for c in citations})
        rated = [lv for lv in cell.levels if lv != COUNTER]
        cell.best_level = min(rated, key=level_rank) if rated else COUNTER

    rows = {p for p, _ in cells}
    columns = {o for _, o in cells}
    candidates = all_practices if scope is None else scope
    labels = {
        n: {"label_de": G.nodes[n].get("label_de", ""), "label_en": G.nodes[n].get("label_en", "")}
        for n in {*candidates, *_of_type(G, "Outcome"), *rows, *columns}
    }
    return EvidenceMap(
        practices=sorted(rows, key=lambda n: _sort_key(G, n)),
        outcomes=sorted(columns, key=lambda n: _sort_key(G, n)),
        cells=cells,
        gaps=Gaps(
            practices_without_outcome=sorted(set(candidates) - rows, key=lambda n: _sort_key(G, n)),
            outcomes_without_practice=sorted(set(_of_type(G, "Outcome")) - columns, key=lambda n: _sort_key(G, n)),
            uncited_links=sorted(uncited.values(), key=lambda e: (e["subject"], e["type"], e["target"], e["id"])),
        ),
        labels=labels,
        filters={
            "city": city,
            "program": program,
            "source": source,
            "levels": sorted(wanted, key=level_rank) if wanted is not None else None,
            "max_hops": max_hops,
        },
    )
