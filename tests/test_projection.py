"""The networkx projection: the store's live graph, kept current by graph version, on both stores."""

from __future__ import annotations

import threading

import graphkb
from graphkb import projection
from graphkb.model import Citation, Entity, Statement
from graphkb.projection import build_graph, projection_of
from graphkb.store import open_store

from .contract.helpers import cite, small_graph


def _shape(graph):
    nodes = {n: dict(attrs) for n, attrs in graph.nodes(data=True)}
    edges = {(u, v, k): dict(attrs) for u, v, k, attrs in graph.edges(keys=True, data=True)}
    return nodes, edges, graph.graph["graph_version"]


def _assert_current(store):
    """The cached projection equals a fresh build, and was updated rather than rebuilt."""
    builds = projection.counts["build"]
    cached = projection_of(store)
    assert projection.counts["build"] == builds, "an edit should update the projection, not rebuild it"
    assert _shape(cached) == _shape(build_graph(store))
    return cached


def _edit(store, entity_id, **changes):
    e = store.get(entity_id)
    for key, value in changes.items():
        setattr(e, key, value)
    return store.update(e, base_revision=e.revision, author="bob", summary="edit")


def test_the_projection_has_a_node_per_live_entity_and_an_edge_per_statement(store):
    src = small_graph(store)
    graph = projection_of(store)
    assert graph.nodes["graz"]["type"] == "City" and graph.nodes["graz"]["__labels__"] == {"Entity", "City"}
    [attrs] = graph.get_edge_data("zusammenarbeit-im-trägerverbund", "augenhöhe-in-entscheidungsprozessen").values()
    assert attrs["type"] == "LEADS_TO" and attrs["evidence_level"] == "report"
    assert attrs["citation_sources"] == [src] and attrs["citations"][0]["source"] == src
    assert graph.graph["graph_version"] == store.graph_version()


def test_a_second_call_without_writes_returns_the_cached_graph_without_rebuilding(store):
    small_graph(store)
    first = projection_of(store)
    builds, hits = projection.counts["build"], projection.counts["hit"]
    assert projection_of(store) is first
    assert projection.counts["build"] == builds and projection.counts["hit"] == hits + 1


def test_the_projection_follows_create_edit_delete_restore_and_revert(store):
    src = small_graph(store)
    projection_of(store)

    store.create(
        Entity(
            type="Practice",
            labels={"de": "Fallunspezifische Arbeit"},
            statements=[Statement("LEADS_TO", "augenhöhe-in-entscheidungsprozessen", {"evidence_level": "goal"})],
        ),
        author="alice",
    )
    _assert_current(store)

    rev = _edit(
        store,
        "fallunspezifische-arbeit",
        labels={"de": "Fallunspezifische Arbeit", "en": "Non-case-specific work"},
        statements=[
            Statement("LEADS_TO", "augenhöhe-in-entscheidungsprozessen", {"evidence_level": "study"}, cite(src)),
            Statement("SUPPORTS", "zusammenarbeit-im-trägerverbund"),
        ],
    )
    graph = _assert_current(store)
    assert graph.nodes["fallunspezifische-arbeit"]["label_en"] == "Non-case-specific work"
    assert graph.number_of_edges("fallunspezifische-arbeit", "augenhöhe-in-entscheidungsprozessen") == 1

    _edit(store, "fallunspezifische-arbeit", statements=[])
    _assert_current(store)
    rev = store.delete("fallunspezifische-arbeit", base_revision=rev.number + 1, author="bob", reason="duplicate")
    graph = _assert_current(store)
    assert "fallunspezifische-arbeit" not in graph

    store.restore("fallunspezifische-arbeit", base_revision=rev.number, author="bob")
    store.revert("fallunspezifische-arbeit", 2, base_revision=rev.number + 1, author="bob")
    graph = _assert_current(store)
    assert graph.number_of_edges("fallunspezifische-arbeit", "zusammenarbeit-im-trägerverbund") == 1


def test_a_restored_entity_gets_back_the_edges_others_have_to_it(store):
    src = small_graph(store)
    store.create(Entity(type="Outcome", labels={"de": "Vertrauen"}), author="alice")
    rev = store.delete("vertrauen", base_revision=1, author="alice", reason="später")
    projection_of(store)
    store.restore("vertrauen", base_revision=rev.number, author="alice")
    _edit(
        store,
        "zusammenarbeit-im-trägerverbund",
        statements=[Statement("LEADS_TO", "vertrauen", {"evidence_level": "report"}, cite(src))],
    )
    graph = _assert_current(store)
    assert list(graph.predecessors("vertrauen")) == ["zusammenarbeit-im-trägerverbund"]


def test_a_second_store_object_on_the_same_file_sees_the_others_edit(tmp_path):
    url = f"sqlite:///{tmp_path / 'graphkb.sqlite3'}"
    mine, theirs = open_store(url), open_store(url)  # as two server processes would
    try:
        small_graph(mine)
        projection_of(mine)
        projection_of(theirs)
        _edit(theirs, "graz", labels={"de": "Graz", "en": "City of Graz"})
        updates = projection.counts["update"]
        assert projection_of(mine).nodes["graz"]["label_en"] == "City of Graz"
        assert projection.counts["update"] == updates + 1
        assert _shape(projection_of(mine)) == _shape(projection_of(theirs))
    finally:
        mine.close()
        theirs.close()


def test_many_changes_at_once_rebuild_the_projection(store, monkeypatch):
    small_graph(store)
    projection_of(store)
    monkeypatch.setattr(projection, "MAX_INCREMENTAL", 2)
    for i in range(3):
        store.create(Entity(type="City", labels={"de": f"Stadt {i}"}), author="alice")
    builds = projection.counts["build"]
    graph = projection_of(store)
    assert projection.counts["build"] == builds + 1
    assert _shape(graph) == _shape(build_graph(store))


def test_a_rebuilt_projection_frees_the_old_graph(store, monkeypatch):
    # builds are frozen out of the collector's way (gc.freeze): a rebuild must unfreeze the old one
    import gc
    import weakref

    monkeypatch.setattr(projection, "FREEZE_FROM", 0)  # as a big graph's are
    small_graph(store)
    old = weakref.ref(projection_of(store))
    _ = old().edges, old().degree  # views that point back at the graph: a reference cycle
    del _
    monkeypatch.setattr(projection, "MAX_INCREMENTAL", 0)
    store.create(Entity(type="City", labels={"de": "Neustadt"}), author="alice")
    fresh = projection_of(store)
    gc.collect()
    assert old() is None and fresh is not None
    gc.unfreeze()  # the rest of the test session collects as usual


def test_to_networkx_gives_a_copy_the_caller_may_change(store):
    small_graph(store)
    mine = store.to_networkx()
    mine.nodes["graz"]["__labels__"].add("Visited")
    mine.remove_node("sozialraum-2")
    for _, _, attrs in mine.edges(data=True):
        attrs["citations"].clear()
    shared = projection_of(store)
    assert "sozialraum-2" in shared and shared.nodes["graz"]["__labels__"] == {"Entity", "City"}
    assert all(attrs["citations"] for _, _, attrs in shared.edges(data=True))
    assert _shape(shared) == _shape(build_graph(store))


def test_open_store_to_networkx_is_the_notebook_api(tmp_path):
    url = f"sqlite:///{tmp_path / 'nb.sqlite3'}"
    store = graphkb.open_store(url)
    try:
        small_graph(store)
        graph = graphkb.open_store(url).to_networkx()
        assert graph.nodes["graz"]["label_de"] == "Graz"
        assert graph.number_of_nodes() == 6
    finally:
        store.close()


def test_threads_asking_at_once_after_an_edit_update_the_projection_once(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'graphkb.sqlite3'}")
    try:
        small_graph(store)
        projection_of(store)
        _edit(store, "graz", labels={"de": "Graz", "en": "Graz (city)"})
        updates = projection.counts["update"]
        seen: list = []
        threads = [threading.Thread(target=lambda: seen.append(projection_of(store))) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert projection.counts["update"] == updates + 1
        assert all(g is seen[0] for g in seen) and seen[0].nodes["graz"]["label_en"] == "Graz (city)"
    finally:
        store.close()


def test_citations_on_edges_are_lists_parallel_to_the_citation_dicts(store):
    src, quote = small_graph(store), "ein Zitat"
    projection_of(store)
    _edit(
        store,
        "zusammenarbeit-im-trägerverbund",
        statements=[
            Statement(
                "LEADS_TO",
                "augenhöhe-in-entscheidungsprozessen",
                {"evidence_level": "evaluation"},
                [Citation(src, quote, "S. 4"), Citation(src, "noch eins", "S. 5")],
            )
        ],
    )
    [attrs] = (
        _assert_current(store)
        .get_edge_data("zusammenarbeit-im-trägerverbund", "augenhöhe-in-entscheidungsprozessen")
        .values()
    )
    assert attrs["citation_quotes"] == [quote, "noch eins"] and attrs["citation_locators"] == ["S. 4", "S. 5"]
