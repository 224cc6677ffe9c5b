"""The evidence map: practices × outcomes, direct and indirect paths, levels, filters and gaps."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from graphkb.errors import ValidationError
from graphkb.evidence import LEVELS, evidence_map, level_rank
from graphkb.projection import projection_of
from graphkb.seed import load_seed


def _graph() -> nx.MultiDiGraph:
    """Three practices, a principle, a programme, three outcomes, two cities (see the cells below)."""
    G = nx.MultiDiGraph(graph_version=1)
    kinds = {
        "p1": "Practice", "p2": "Practice", "p3": "Practice", "pr": "Principle", "pg": "Program",
        "o1": "Outcome", "o2": "Outcome", "o3": "Outcome", "c": "City", "c2": "City", "ss": "SocialSpace",
        "s1": "Source", "s2": "Source",
    }  # fmt: skip
    for node, kind in kinds.items():
        G.add_node(node, id=node, type=kind, label_de=node.upper(), label_en=node)

    def link(sid, subject, rtype, target, cites=(), **qualifiers):
        citations = [{"source": src, "quote": quote, "locator": "S. 1"} for src, quote in cites]
        G.add_edge(subject, target, key=sid, id=sid, type=rtype, qualifiers=qualifiers, citations=citations)

    link("a", "p1", "LEADS_TO", "o1", [("s1", "q1")], evidence_level="study", place="c")
    link("b", "p1", "EMBODIES", "pr", [("s1", "q2")])
    link("c", "pr", "LEADS_TO", "o1", [("s2", "q3")], evidence_level="report")
    link("d", "pr", "LEADS_TO", "o2", evidence_level="goal")  # cites nothing
    link("e", "p1", "LEADS_TO", "o2", [("s2", "q5")], evidence_level="counter_position")
    link("f", "pg", "REQUIRES", "p2")  # the programme requires p2: p2 contributes to it; cites nothing
    link("g", "pg", "LEADS_TO", "o2", [("s2", "q4")], evidence_level="evaluation", place="c2")
    link("h", "p2", "REQUIRES", "pr", [("s1", "q6")])  # p2 needs the principle: not a way to its effects
    link("i", "c", "IMPLEMENTS", "p1", [("s1", "q7")])
    link("j", "c", "HAS_SOCIAL_SPACE", "ss", [("s1", "q8")])
    link("k", "ss", "IMPLEMENTS", "p3", [("s1", "q9")])
    link("l", "c2", "IMPLEMENTS", "pg", [("s2", "q10")])
    return G


def _cells(m):
    return {key: (len(c.direct), len(c.indirect)) for key, c in m.cells.items()}


def test_cells_hold_direct_and_indirect_paths_counted_by_distinct_citations():
    m = evidence_map(_graph())
    assert _cells(m) == {("p1", "o1"): (1, 1), ("p1", "o2"): (1, 1), ("p2", "o2"): (0, 1)}
    cell = m.cells["p1", "o1"]
    assert (cell.citations, cell.sources) == (3, 2)  # q1, q2 (EMBODIES), q3
    assert cell.levels == {"study", "report"} and cell.best_level == "study" and not cell.contested
    [indirect] = cell.indirect
    assert indirect.nodes == ("p1", "pr", "o1")
    assert [(s, t, a["id"], fwd) for s, t, a, fwd in indirect.edges] == [
        ("p1", "pr", "b", True),
        ("pr", "o1", "c", True),
    ]


def test_a_programme_requiring_a_practice_passes_its_effect_back_against_the_arrow():
    [path] = evidence_map(_graph()).cells["p2", "o2"].indirect
    assert [(s, t, fwd) for s, t, _, fwd in path.edges] == [("pg", "p2", False), ("pg", "o2", True)]
    assert path.level == "evaluation"


def test_requiring_something_is_not_a_path_to_its_effects():
    assert ("p2", "o1") not in evidence_map(_graph()).cells


def test_a_counter_position_marks_the_cell_contested_without_counting_as_support():
    cell = evidence_map(_graph()).cells["p1", "o2"]
    assert cell.contested and cell.levels == {"counter_position", "goal"} and cell.best_level == "goal"


def test_gaps_list_practices_without_outcome_outcomes_without_practice_and_uncited_links():
    gaps = evidence_map(_graph()).gaps
    assert gaps.practices_without_outcome == ["p3"]
    assert gaps.outcomes_without_practice == ["o3"]
    assert [(e["id"], e["subject"], e["type"], e["target"]) for e in gaps.uncited_links] == [
        ("f", "pg", "REQUIRES", "p2"),
        ("d", "pr", "LEADS_TO", "o2"),
    ]


def test_max_hops_one_keeps_the_direct_statements_only():
    m = evidence_map(_graph(), max_hops=1)
    assert _cells(m) == {("p1", "o1"): (1, 0), ("p1", "o2"): (1, 0)}
    assert m.gaps.practices_without_outcome == ["p2", "p3"]


def test_a_city_keeps_its_practices_and_effects_placed_there_not_those_placed_elsewhere():
    m = evidence_map(_graph(), city="c")
    assert _cells(m) == {("p1", "o1"): (1, 1), ("p1", "o2"): (1, 1)}
    assert m.gaps.practices_without_outcome == ["p3"]  # implemented in c's social space, no effect known
    other = evidence_map(_graph(), city="c2")  # implements the programme that requires p2
    assert _cells(other) == {("p2", "o2"): (0, 1)}


def test_a_programme_keeps_its_practices_and_the_paths_through_it():
    m = evidence_map(_graph(), program="pg")
    assert _cells(m) == {("p2", "o2"): (0, 1)}
    assert m.gaps.practices_without_outcome == []


def test_a_source_keeps_the_paths_whose_claim_of_effect_it_cites():
    m = evidence_map(_graph(), source="s1")
    assert _cells(m) == {("p1", "o1"): (1, 0)}
    assert m.cells["p1", "o1"].citations == 1


def test_levels_keep_the_paths_of_those_levels():
    m = evidence_map(_graph(), levels={"study", "evaluation"})
    assert _cells(m) == {("p1", "o1"): (1, 0), ("p2", "o2"): (0, 1)}
    assert _cells(evidence_map(_graph(), levels="goal")) == {("p1", "o2"): (0, 1)}


def test_a_city_and_a_programme_together_keep_what_both_keep():
    m = evidence_map(_graph(), city="c2", program="pg")
    assert _cells(m) == {("p2", "o2"): (0, 1)}
    assert _cells(evidence_map(_graph(), city="c", program="pg")) == {}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"city": "p1"}, "city"), ({"program": "nowhere"}, "program"), ({"source": "o1"}, "source"),
     ({"levels": ["great"]}, "levels"), ({"max_hops": 9}, "max_hops"), ({"max_hops": "drei"}, "max_hops")],
)  # fmt: skip
def test_unknown_filter_values_are_errors_naming_the_field(kwargs, field):
    with pytest.raises(ValidationError) as info:
        evidence_map(_graph(), **kwargs)
    assert info.value.field == field


def test_evidence_levels_are_ordered_from_study_to_goal_with_unrated_last():
    assert LEVELS[0] == "study" and LEVELS[-1] == "goal"
    assert sorted(["unrated", "goal", "self_report", "evaluation"], key=level_rank) == [
        "evaluation",
        "self_report",
        "goal",
        "unrated",
    ]


def test_the_map_as_json_and_csv_carries_cells_paths_quotes_and_gaps():
    m = evidence_map(_graph())
    data = json.loads(json.dumps(m.to_dict()))
    assert [e["id"] for e in data["practices"]] == ["p1", "p2"] and data["practices"][0]["label_de"] == "P1"
    cell = next(c for c in data["cells"] if (c["practice"], c["outcome"]) == ("p1", "o1"))
    assert cell["best_level"] == "study" and cell["citations"] == 3
    quotes = {c["quote"] for p in cell["paths"] for st in p["statements"] for c in st["citations"]}
    assert quotes == {"q1", "q2", "q3"}
    assert [e["id"] for e in data["gaps"]["outcomes_without_practice"]] == ["o3"]
    assert "paths" not in m.to_dict(with_paths=False)["cells"][0]
    rows = m.to_csv_rows()
    assert rows[0][:4] == ["practice", "practice_label_de", "outcome", "outcome_label_de"]
    assert rows[1][:6] == ["p1", "P1", "o1", "O1", 1, 1] and len(rows) == 4


def test_the_seed_graph_links_practices_to_outcomes_on_quoted_evidence(store):
    load_seed(store)
    G = projection_of(store)
    m = evidence_map(G, store.ontology)
    assert len(m.cells) >= 20 and m.practices and m.outcomes
    statements = {st.id: st for e in store.iter_entities(include_deleted=False) for st in e.statements}
    for cell in m.cells.values():
        for path in cell.paths:
            assert path.nodes[-1] in m.outcomes and path.edges[-1][2]["type"] == "LEADS_TO"
            for _, target, attrs, _ in path.edges:
                stored = statements[attrs["id"]]
                assert (stored.type, stored.target) == (attrs["type"], target)
                assert [c["quote"] for c in attrs["citations"]] == [c.quote for c in stored.citations]
    graz = evidence_map(G, store.ontology, city="graz")
    assert graz.cells and set(graz.cells) <= set(m.cells)
    assert any(c.best_level == "evaluation" for c in graz.cells.values())
