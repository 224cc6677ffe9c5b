"""Graph views (graphkb.viz, graphkb.layout, graphkb.viz_evidence) on hand-checked tiny graphs, and on both stores."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from graphkb import viz
from graphkb.errors import NotFound, ValidationError
from graphkb.evidence import evidence_map
from graphkb.layout import SPACING, layout, ring_around, settle
from graphkb.model import Entity, Statement
from graphkb.projection import build_graph, projection_of
from graphkb.schema import default_ontology
from graphkb.viz_cache import ViewCache
from graphkb.viz_evidence import evidence_graph

ONTOLOGY = default_ontology()


def tiny() -> nx.MultiDiGraph:
    """graz ─HAS_SOCIAL_SPACE→ sr1, sr2; alliance ─LOCATED_IN→ graz; alliance ─COOPERATES_WITH→ org1..org3;
    hinte (a Person) ←ADVISED_BY─ graz."""
    G = nx.MultiDiGraph(graph_version=7)

    def node(n, kind, de, en=""):
        G.add_node(n, id=n, type=kind, label_de=de, label_en=en, description_de="", description_en="")

    node("graz", "City", "Graz", "Graz")
    node("sr1", "SocialSpace", "Sozialraum 1", "Social space 1")
    node("sr2", "SocialSpace", "Sozialraum 2")
    node("alliance", "ProviderAlliance", "Trägerverbund", "Provider alliance")
    node("hinte", "Person", "Wolfgang Hinte")
    for i in (1, 2, 3):
        node(f"org{i}", "Organization", f"Träger {i}")

    def edge(s, t, rel, key):
        G.add_edge(s, t, key=key, id=key, type=rel, qualifiers={}, citations=[])

    edge("graz", "sr1", "HAS_SOCIAL_SPACE", "s1")
    edge("graz", "sr2", "HAS_SOCIAL_SPACE", "s2")
    edge("alliance", "graz", "LOCATED_IN", "s3")
    edge("graz", "hinte", "ADVISED_BY", "s4")
    for i in (1, 2, 3):
        edge("alliance", f"org{i}", "COOPERATES_WITH", f"c{i}")
    return G


# -- layout ---------------------------------------------------------------------------------------


def test_layout_puts_the_centre_in_the_middle_and_its_neighbours_one_ring_around_it():
    star = {"hub": ["a", "b", "c", "d"], "a": ["hub"], "b": ["hub"], "c": ["hub"], "d": ["hub"]}
    pos = layout(star, center="hub", iterations=0)
    assert pos["hub"] == (0.0, 0.0)
    radii = {round(math.hypot(*pos[n])) for n in "abcd"}
    assert radii == {round(SPACING * 1.4)}  # one ring
    assert len(set(pos.values())) == 5  # nobody on top of another


def test_layout_is_the_same_on_every_run_and_keeps_old_places_when_the_view_grows():
    adjacency = {f"n{i}": [f"n{(i + 1) % 40}", f"n{(i + 7) % 40}"] for i in range(40)}
    first = layout(adjacency)
    assert layout(adjacency) == first
    grown = {**adjacency, "new": ["n3"], "n3": [*adjacency["n3"], "new"]}
    again = layout(grown, previous=first)
    assert all(again[n] == first[n] for n in first)
    assert math.dist(again["new"], first["n3"]) < 3 * SPACING  # placed next to its neighbour


def test_layout_separates_nodes_that_start_on_the_same_spot():
    pos = {"a": (0.0, 0.0), "b": (0.0, 0.0), "c": (10.0, 0.0)}
    settle({"b": ["a"], "c": []}, pos, {"b", "c"}, iterations=10)
    assert pos["a"] == (0.0, 0.0)  # not movable
    assert math.dist(pos["c"], pos["a"]) > 10.0  # pushed away from a crowded spot


def test_a_ring_of_neighbours_never_moves_when_a_second_page_is_placed():
    page1 = ring_around((100.0, 50.0), ["a", "b", "c"])
    page2 = ring_around((100.0, 50.0), ["d", "e"], ring=1)
    assert all(round(math.dist(p, (100.0, 50.0))) == round(SPACING * 1.2) for p in page1.values())
    assert all(math.dist(p, (100.0, 50.0)) > SPACING * 1.9 for p in page2.values())


# -- which nodes a view shows ---------------------------------------------------------------------


def test_a_local_view_walks_depth_hops_either_way_nearest_first():
    G = tiny()
    assert viz.select_view(G, viz.ViewSpec(center="sr1", depth=1)) == (["sr1", "graz"], False)
    nodes, truncated = viz.select_view(G, viz.ViewSpec(center="sr1", depth=2))
    assert nodes == ["sr1", "graz", "alliance", "hinte", "sr2"] and not truncated


def test_filters_by_type_and_relation_narrow_the_walk():
    G = tiny()
    nodes, _ = viz.select_view(G, viz.ViewSpec(center="graz", depth=2, types=("SocialSpace",)))
    assert nodes == ["graz", "sr1", "sr2"]  # the centre always stays
    nodes, _ = viz.select_view(G, viz.ViewSpec(center="alliance", depth=2, relations=("COOPERATES_WITH",)))
    assert nodes == ["alliance", "org1", "org2", "org3"]


def test_a_view_without_centre_shows_the_best_connected_and_says_when_it_cut():
    G = tiny()
    assert viz.select_view(G, viz.ViewSpec(limit=2)) == (["alliance", "graz"], True)  # 4 neighbours each
    assert viz.select_view(G, viz.ViewSpec(types=("Person",))) == (["hinte"], False)


def test_a_city_scope_keeps_what_lies_within_two_statements_of_it():
    G = tiny()
    G.add_node("linz", id="linz", type="City", label_de="Linz", label_en="Linz")
    nodes, _ = viz.select_view(G, viz.ViewSpec(city="graz"))
    assert set(nodes) == set(G) - {"linz"}
    nodes, _ = viz.select_view(G, viz.ViewSpec(city="graz", types=("Organization",)))
    assert set(nodes) == {"org1", "org2", "org3"}


def test_unknown_entities_and_out_of_range_values_are_refused_with_the_field_named():
    with pytest.raises(NotFound):
        viz.select_view(tiny(), viz.ViewSpec(center="nobody"))
    for spec, field in [
        (viz.ViewSpec(depth=4), "depth"),
        (viz.ViewSpec(limit=viz.MAX_NODES + 1), "limit"),
        (viz.ViewSpec(types=("Nope",)), "type"),
        (viz.ViewSpec(relations=("NOPE",)), "rel"),
        (viz.ViewSpec(expanded=(("a", 21),)), "expand"),
    ]:
        with pytest.raises(ValidationError) as caught:
            spec.check(ONTOLOGY)
        assert caught.value.field == field


# -- expanding ------------------------------------------------------------------------------------


def test_expanding_adds_a_page_of_hidden_neighbours_near_the_node_and_counts_the_rest(monkeypatch):
    monkeypatch.setattr(viz, "EXPAND_PAGE", 2)
    G = tiny()
    spec = viz.ViewSpec(center="graz")
    base = viz.explorer_view(G, spec)
    assert set(base.nodes) == {"graz", "sr1", "sr2", "alliance", "hinte"}
    assert base.more["alliance"] == 3
    one = viz.explorer_view(G, spec.with_expanded("alliance", 1), base=base)
    assert one.nodes[-2:] == ["org1", "org2"] and one.pending == {"alliance": 1}
    assert one.via["org1"] == "alliance" and one.more["alliance"] == 1
    assert all(math.dist(one.positions[n], one.positions["alliance"]) < 3 * SPACING for n in ("org1", "org2"))
    assert all(one.positions[n] == base.positions[n] for n in base.nodes)  # nothing else moved
    two = viz.explorer_view(G, spec.with_expanded("alliance", 2), base=base)
    assert two.pending == {"alliance": 0} and two.positions["org1"] == one.positions["org1"]
    delta = viz.expansion(one, two)
    assert delta == {"nodes": ["org3"], "edges": ["c3"]}


def test_the_rendered_view_speaks_the_ui_language_and_draws_types_by_colour_and_shape():
    G = tiny()
    view = viz.explorer_view(G, viz.ViewSpec(center="graz"))
    data = viz.render(G, view, ONTOLOGY, "en")
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["sr1"]["label"] == "Social space 1"
    assert nodes["sr2"]["label"] == "Sozialraum 2"  # no English label: the German one
    assert nodes["graz"]["shape"] == "square" and nodes["graz"]["color"] == ONTOLOGY.entity_types["City"].color
    assert (nodes["graz"]["x"], nodes["graz"]["y"]) == (0.0, 0.0)
    edges = {e["id"]: e for e in data["edges"]}
    assert edges["s4"]["label"] == "advised by" and edges["s4"]["arrows"] == "to"
    assert (edges["s4"]["from"], edges["s4"]["to"]) == ("graz", "hinte")
    assert data["options"]["physics"] == {"enabled": False}
    assert [item["type"] for item in data["legend"]] == ["SocialSpace", "City", "Person", "ProviderAlliance"]
    assert viz.render(G, view, ONTOLOGY, "de")["legend"][0]["label"] == "Sozialraum"


def test_the_view_cache_keeps_positions_across_graph_versions():
    G = tiny()
    cache = ViewCache()
    spec = viz.ViewSpec(center="graz")
    first = cache.view(G, spec)
    assert cache.view(G, spec) is first  # same version: the same object
    G.add_node("sr3", id="sr3", type="SocialSpace", label_de="Sozialraum 3", label_en="")
    G.add_edge("graz", "sr3", key="s9", id="s9", type="HAS_SOCIAL_SPACE", qualifiers={}, citations=[])
    G.graph["graph_version"] = 8
    second = cache.view(G, spec)
    assert "sr3" in second.nodes
    assert all(second.positions[n] == first.positions[n] for n in first.nodes)


def test_the_evidence_map_draws_practices_left_and_outcomes_right():
    G = tiny()
    for n, kind in (("p1", "Practice"), ("p2", "Practice"), ("o1", "Outcome")):
        G.add_node(n, id=n, type=kind, label_de=n.upper(), label_en="")
    G.add_edge("p1", "o1", key="e1", id="e1", type="LEADS_TO", qualifiers={}, citations=[])
    G.add_edge("p2", "p1", key="e2", id="e2", type="SUPPORTS", qualifiers={}, citations=[])
    data = evidence_graph(G, evidence_map(G, ONTOLOGY), ONTOLOGY, "de")
    xs = {n["id"]: n["x"] for n in data["nodes"]}
    assert xs == {"p1": 0.0, "p2": 0.0, "o1": 700.0}
    dashed = {e["from"]: e["dashes"] for e in data["edges"]}
    assert dashed == {"p1": False, "p2": True}  # p2 reaches o1 only through p1


# -- on both stores -------------------------------------------------------------------------------


def test_a_local_view_reads_the_same_from_either_store(store):
    store.create(Entity(type="City", id="graz", labels={"de": "Graz", "en": "Graz"}), author="t")
    store.create(
        Entity(
            type="ProviderAlliance",
            id="verbund",
            labels={"de": "Verbund"},
            statements=[Statement("LOCATED_IN", "graz")],
        ),
        author="t",
    )
    store.create(Entity(type="Person", id="hinte", labels={"de": "Hinte"}), author="t")
    G = projection_of(store)
    data = viz.render(G, viz.explorer_view(G, viz.ViewSpec(center="graz")), store.ontology, "de")
    assert {n["id"] for n in data["nodes"]} == {"graz", "verbund"}
    assert [(e["from"], e["to"], e["label"]) for e in data["edges"]] == [("verbund", "graz", "liegt in")]
    assert build_graph(store).number_of_nodes() == 3
