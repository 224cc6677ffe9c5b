"""Network analytics on tiny hand-checked graphs and on the seed graph."""

from __future__ import annotations

import networkx as nx
import pytest

from graphkb import analytics
from graphkb.analytics import bridges, brokers, cached, communities, rankings, shortest_paths
from graphkb.errors import NotFound, ValidationError
from graphkb.projection import projection_of
from graphkb.seed import load_seed


def _graph(edges, types=None, version=1) -> nx.MultiDiGraph:
    """Edges as (subject, type, target[, citations]); node types default to Practice."""
    G = nx.MultiDiGraph(graph_version=version)
    for i, (u, rtype, v, *rest) in enumerate(edges):
        for node in (u, v):
            G.add_node(node, id=node, type=(types or {}).get(node, "Practice"))
        cites = rest[0] if rest else []
        G.add_edge(u, v, key=f"s{i}", id=f"s{i}", type=rtype, qualifiers={}, citations=cites)
    return G


def _two_triangles():
    """Triangles a-b-c and x-y-z joined by c–x; a leaf z–w."""
    return _graph(
        [("a", "SUPPORTS", "b"), ("b", "SUPPORTS", "c"), ("c", "SUPPORTS", "a"), ("c", "SUPPORTS", "x"),
         ("x", "SUPPORTS", "y"), ("y", "SUPPORTS", "z"), ("z", "SUPPORTS", "x"), ("z", "SUPPORTS", "w")]
    )  # fmt: skip


def test_degree_counts_the_statements_an_entity_makes_and_receives_filtered_by_type():
    G = _graph(
        [("graz", "IMPLEMENTS", "p1"), ("graz", "IMPLEMENTS", "p2"), ("p1", "LEADS_TO", "o"), ("p1", "LEADS_TO", "o")],
        types={"graz": "City", "o": "Outcome"},
    )
    assert rankings(G, "degree") == [("p1", 3), ("graz", 2), ("o", 2), ("p2", 1)]
    assert rankings(G, "degree", entity_type="Practice", limit=1) == [("p1", 3)]


def test_betweenness_ranks_the_middle_of_a_chain_first():
    G = _graph([("a", "SUPPORTS", "b"), ("c", "SUPPORTS", "b"), ("c", "SUPPORTS", "d"), ("d", "SUPPORTS", "e")])
    # a-b-c-d-e ignoring direction: c lies on 4 of the 6 pairs' paths not ending in it (normalised 4/6)
    assert rankings(G, "betweenness", limit=1) == [("c", pytest.approx(4 / 6))]
    assert dict(rankings(G, "betweenness"))["a"] == 0


def test_pagerank_follows_the_direction_of_statements():
    G = _graph([("a", "LEADS_TO", "hub"), ("b", "LEADS_TO", "hub"), ("c", "LEADS_TO", "hub")])
    ranked = rankings(G, "pagerank")
    assert ranked[0][0] == "hub"
    assert sum(score for _, score in ranked) == pytest.approx(1.0)


def test_an_unknown_measure_is_an_error_naming_it():
    with pytest.raises(ValidationError) as info:
        rankings(_two_triangles(), "closeness")
    assert info.value.field == "measure"


def test_betweenness_on_big_graphs_is_sampled_and_repeatable(monkeypatch):
    monkeypatch.setattr(analytics, "SAMPLE_ABOVE", 5)
    monkeypatch.setattr(analytics, "SAMPLES", 3)
    G = nx.MultiDiGraph(nx.path_graph(30, create_using=nx.MultiDiGraph), graph_version=1)
    first = rankings(G, "betweenness", limit=5)
    again = rankings(nx.MultiDiGraph(G), "betweenness", limit=5)  # a new graph: not the cached answer
    assert first == again and first[0][1] > 0


def test_communities_are_the_two_triangles():
    assert [sorted(c) for c in communities(_two_triangles())] == [["w", "x", "y", "z"], ["a", "b", "c"]]
    labelled = communities(_two_triangles(), method="label_propagation")
    assert sorted(n for c in labelled for n in c) == ["a", "b", "c", "w", "x", "y", "z"]


def test_shortest_paths_ignore_direction_but_report_it_with_ids_types_and_citations():
    cite = [{"source": "src", "quote": "führt zu", "locator": "S. 2"}]
    G = _graph([("graz", "IMPLEMENTS", "p"), ("p", "LEADS_TO", "o", cite)], types={"graz": "City", "o": "Outcome"})
    [path] = shortest_paths(G, "o", "graz")
    assert [(e["subject"], e["type"], e["target"], e["forward"], e["id"]) for e in path] == [
        ("p", "LEADS_TO", "o", False, "s1"),
        ("graz", "IMPLEMENTS", "p", False, "s0"),
    ]
    assert path[0]["citations"] == cite


def test_shortest_paths_lists_every_path_of_the_shortest_length_up_to_the_limit():
    G = _graph([("s", "SUPPORTS", "a"), ("s", "SUPPORTS", "b"), ("a", "SUPPORTS", "t"), ("b", "SUPPORTS", "t"),
                ("s", "SUPPORTS", "c"), ("c", "SUPPORTS", "d"), ("d", "SUPPORTS", "t")])  # fmt: skip
    paths = shortest_paths(G, "s", "t")
    assert [[e["target"] for e in p] for p in paths] == [["a", "t"], ["b", "t"]]
    assert len(shortest_paths(G, "s", "t", limit=1)) == 1
    assert shortest_paths(G, "s", "t", max_hops=1) == []


def test_of_parallel_statements_the_best_cited_is_shown_and_the_others_counted():
    cite = [{"source": "src", "quote": "q", "locator": ""}]
    G = _graph([("a", "SUPPORTS", "b"), ("b", "REQUIRES", "a", cite)])
    [[edge]] = shortest_paths(G, "a", "b")
    assert (edge["type"], edge["forward"], edge["parallel"]) == ("REQUIRES", False, 1)


def test_paths_between_unconnected_or_unknown_entities():
    G = _graph([("a", "SUPPORTS", "b"), ("x", "SUPPORTS", "y")])
    assert shortest_paths(G, "a", "y") == []
    with pytest.raises(NotFound):
        shortest_paths(G, "a", "nowhere")


def test_brokers_are_ranked_by_how_little_their_contacts_know_each_other():
    # Burt's constraint by hand, p = 1/degree: x has c, y, z; only y and z know each other, so
    # (1/3)² + (1/3 + 1/3·1/3)² + (1/3 + 1/3·1/2)² = 0.559; z likewise (y, x and the leaf w);
    # c has a, b, x with a and b acquainted: 2·(1/3 + 1/3·1/2)² + (1/3)² = 0.611
    ranked = [(n, round(score, 3)) for n, score in brokers(_two_triangles(), limit=3)]
    assert ranked == [("x", 0.441), ("z", 0.441), ("c", 0.389)]
    assert "w" not in dict(brokers(_two_triangles()))  # one neighbour: brokers nothing


def test_bridges_are_the_links_whose_removal_splits_the_graph():
    assert bridges(_two_triangles()) == [("c", "x")]
    assert bridges(_two_triangles(), include_leaves=True) == [("c", "x"), ("w", "z")]


def test_cached_results_last_until_the_graph_version_changes():
    G = _two_triangles()
    calls = []

    def count(graph):
        calls.append(1)
        return graph.number_of_nodes()

    assert cached(G, "n", count, G) == 7 and cached(G, "n", count, G) == 7 and len(calls) == 1
    G.add_node("v")
    G.graph["graph_version"] = 2
    assert cached(G, "n", count, G) == 8 and len(calls) == 2


def test_a_result_computed_while_the_graph_was_updated_is_computed_again():
    G = _two_triangles()
    calls = []

    def racing():
        calls.append(1)
        if len(calls) == 1:  # another thread brings the projection up to date meanwhile
            G.graph["graph_version"] += 1
        return len(calls)

    assert cached(G, "racing", racing) == 2


def test_on_the_seed_graph_grazs_practices_connect_to_their_outcomes(store):
    load_seed(store)
    G = projection_of(store)
    [path, *_] = shortest_paths(G, "graz", "augenhöhe-der-freien-träger-gegenüber-der-verwaltung")
    assert path[0]["subject"] == "graz" and path[0]["type"] == "IMPLEMENTS"
    assert path[-1]["type"] == "LEADS_TO" and len(path) == 2
    for edge in path:
        assert G.has_edge(edge["subject"], edge["target"], key=edge["id"])
        assert edge["citations"], "every seed statement is cited"
    assert rankings(G, "betweenness", limit=1)[0][0] == "graz"
    assert rankings(G, "degree", entity_type="Practice", limit=3)
    assert sum(len(c) for c in communities(G)) == G.number_of_nodes()
