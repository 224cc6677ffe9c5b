"""Search that finds German words however they are typed, and k-hop neighbourhoods."""

from __future__ import annotations

import pytest

from graphkb.errors import NotFound, ValidationError
from graphkb.model import Entity, Statement

from .helpers import small_graph


@pytest.mark.parametrize(
    "query",
    [
        "Trägerverbund",
        "trägerverbund",
        "traegerverbund",
        "TRAEGERVERBUND",
        "Trager",
        "träger",
        "verbund",
        "Süd",
        "sued",
    ],
)
def test_search_finds_traegerverbund_however_it_is_typed(store, query):
    small_graph(store)
    hits = [e.id for e in store.search(query)]
    assert "trägerverbund-süd" in hits, hits
    assert all("zusammenarbeit" in h or h == "trägerverbund-süd" for h in hits)


def test_search_covers_aliases_english_labels_and_descriptions(store):
    small_graph(store)
    assert [e.id for e in store.search("AG SR 2")] == ["trägerverbund-süd"]
    assert "trägerverbund-süd" in [e.id for e in store.search("provider alliance")]
    assert "trägerverbund-süd" in [e.id for e in store.search("freier Träger")]


def test_search_ranks_label_matches_first_and_filters_by_type(store):
    small_graph(store)
    hits = store.search("Sozialraum")
    assert hits[0].id == "sozialraum-2"  # label, before the alliance whose description mentions it
    assert [e.id for e in store.search("Sozialraum", types=["ProviderAlliance"])] == ["trägerverbund-süd"]
    assert store.search("   ") == []
    assert store.search('"; DROP TABLE entities; --') == []
    with pytest.raises(ValidationError):
        store.search("x", types=["Nope"])


def test_neighbours_walk_k_hops_in_both_directions(store):
    small_graph(store)
    one = store.neighbours("graz", depth=1)
    assert one.nodes[0].id == "graz"
    assert {n.id for n in one.nodes} == {"graz", "sozialraum-2"}
    two = store.neighbours("graz", depth=2)
    assert {n.id for n in two.nodes} == {"graz", "sozialraum-2", "trägerverbund-süd"}
    assert {(e.subject, e.type, e.target) for e in two.edges} == {
        ("graz", "HAS_SOCIAL_SPACE", "sozialraum-2"),
        ("trägerverbund-süd", "RESPONSIBLE_FOR", "sozialraum-2"),
    }
    assert not two.truncated


def test_neighbours_filter_by_relation_and_entity_type_and_respect_the_limit(store):
    small_graph(store)
    assert {n.id for n in store.neighbours("sozialraum-2", relation_types=["HAS_SOCIAL_SPACE"]).nodes} == {
        "sozialraum-2",
        "graz",
    }
    assert {n.id for n in store.neighbours("sozialraum-2", entity_types=["ProviderAlliance"]).nodes} == {
        "sozialraum-2",
        "trägerverbund-süd",
    }
    limited = store.neighbours("sozialraum-2", limit=2)
    assert len(limited.nodes) == 2 and limited.truncated
    with pytest.raises(NotFound):
        store.neighbours("nirgendwo")
    with pytest.raises(ValidationError):
        store.neighbours("graz", depth=9)


def test_neighbours_of_a_hub_are_capped(store):
    store.create(Entity(type="Principle", labels={"de": "Willensorientierung"}), author="a")
    store.bulk_import(
        [
            Entity(
                type="Practice", labels={"de": f"Praxis {i}"}, statements=[Statement("EMBODIES", "willensorientierung")]
            )
            for i in range(30)
        ],
        author="a",
    )
    sub = store.neighbours("willensorientierung", limit=10)
    assert len(sub.nodes) == 10 and sub.truncated
    assert all(e.target == "willensorientierung" for e in sub.edges) and len(sub.edges) == 9
