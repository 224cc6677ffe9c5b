"""The synthetic benchmark graphs: deterministic, valid under the ontology, realistic in shape."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest

from graphkb.schema import default_ontology
from graphkb.store.sqlite import SQLiteStore
from graphkb.synth import TYPE_WEIGHTS, generate, transliterate, type_counts
from graphkb.text import fold, slugify


@pytest.fixture(scope="module")
def graph():
    return list(generate(2000, seed=7))


def test_same_seed_same_graph():
    a = [e.to_dict() for e in generate(300, seed=3)]
    b = [e.to_dict() for e in generate(300, seed=3)]
    assert a == b


def test_other_seed_other_graph():
    a = [e.to_dict() for e in generate(300, seed=3)]
    b = [e.to_dict() for e in generate(300, seed=4)]
    assert a != b


def test_size_and_unique_slug_ids(graph):
    assert len(graph) == 2000
    ids = [e.id for e in graph]
    assert len(set(ids)) == len(ids)
    assert all(e.id == slugify(e.labels["de"]) for e in graph)
    assert len({e.labels["de"] for e in graph}) == len(graph)


def test_every_entity_validates(graph):
    ontology = default_ontology()
    known = {e.id: e.type for e in graph}
    for e in graph:
        before = e.to_dict()
        ontology.validate_entity(e, known.get)
        assert e.to_dict() == before, "generated values are already in their normalised form"


def test_sources_come_first_and_cite_only_sources(graph):
    types = [e.type for e in graph]
    n_sources = types.count("Source")
    assert set(types[:n_sources]) == {"Source"}
    sources = {e.id for e in graph if e.type == "Source"}
    citations = [c for e in graph for st in e.statements for c in st.citations]
    assert citations and all(c.source in sources and c.quote for c in citations)


def test_type_mix():
    ontology = default_ontology()
    for n in (100, 137, 1000):
        types = Counter(e.type for e in generate(n, seed=1))
        assert sum(types.values()) == n
        assert set(types) == set(ontology.entity_types), f"every type present at n={n}"
        assert types == Counter(type_counts(n))
    counts = type_counts(10_000)
    for many in ("Practice", "Outcome", "Organization", "Person", "Source"):
        assert counts[many] > 10 * counts["City"]
        assert counts[many] == pytest.approx(10_000 * TYPE_WEIGHTS[many], abs=1)
    assert counts["City"] == min(counts.values())


def test_small_graphs():
    assert list(generate(0)) == []
    one = list(generate(1))
    assert len(one) == 1 and one[0].statements == []  # nothing to point at but itself


def test_statements_follow_the_ontology_and_have_qualifiers_and_citations(graph):
    ontology = default_ontology()
    types = {e.id: e.type for e in graph}
    statements = [(e, st) for e in graph for st in e.statements]
    for e, st in statements:
        assert st.target != e.id
        assert ontology.relation_types[st.type].allows(e.type, types[st.target])
    mean = len(statements) / len(graph)
    assert 2.5 < mean < 3.5
    assert sum(1 for _, st in statements if st.qualifiers) > 0.15 * len(statements)
    assert sum(1 for _, st in statements if st.citations) > 0.7 * len(statements)
    ids = [st.id for _, st in statements]
    assert len(set(ids)) == len(ids)
    keys = [(e.id, st.type, st.target) for e, st in statements]
    assert len(set(keys)) == len(keys), "no statement twice"
    # forward references occur: the import must resolve them within one transaction
    position = {e.id: i for i, e in enumerate(graph)}
    assert any(position[st.target] > position[e.id] for e, st in statements)


def test_statements_per_entity_is_honoured():
    few = list(generate(1000, seed=2, statements_per_entity=1.0))
    assert 0.7 < sum(len(e.statements) for e in few) / 1000 < 1.3
    none = list(generate(200, seed=2, statements_per_entity=0))
    assert all(not e.statements for e in none)


def test_heavy_tailed_in_degree():
    graph = list(generate(5000, seed=1))
    indegree = Counter(st.target for e in graph for st in e.statements)
    degrees = [indegree.get(e.id, 0) for e in graph]
    mean = statistics.fmean(degrees)
    assert max(degrees) > 30 * mean
    assert statistics.median(degrees) <= mean  # most entities are linked a little, hubs a lot
    top = sorted(degrees, reverse=True)
    assert sum(top[:50]) > 0.1 * sum(degrees)  # 1 % of the entities get > 10 % of the links


def test_german_text_with_umlauts_and_compounds(graph):
    labels = [e.labels["de"] for e in graph]
    assert sum(1 for label in labels if any(ch in label for ch in "äöüÄÖÜß")) > 0.3 * len(labels)
    assert any(label.startswith("Trägerverbund ") for label in labels)
    assert any("verbund" in fold(label) and not fold(label).startswith("verbund") for label in labels)
    assert all(e.labels["en"] and e.descriptions["de"] for e in graph)
    assert any(e.aliases["de"] for e in graph)
    assert transliterate("Süd Ölberg Straße") == "Sued Oelberg Strasse"


def test_bulk_import_into_sqlite(tmp_path):
    graph = list(generate(1500, seed=5))
    store = SQLiteStore(tmp_path / "synth.sqlite3", ontology=default_ontology())
    try:
        assert store.bulk_import(graph, author="test") == len(graph)
        stats = store.stats()
        assert stats.entities == len(graph)
        assert stats.revisions == len(graph)
        assert stats.statements == sum(len(e.statements) for e in graph)
        assert stats.citations == sum(len(st.citations) for e in graph for st in e.statements)
        assert stats.by_type == dict(Counter(e.type for e in graph))
        assert stats.by_relation == dict(Counter(st.type for e in graph for st in e.statements))
        sample = graph[len(graph) // 2]
        stored = store.get(sample.id)
        assert stored.content_dict() == sample.content_dict()
        word = transliterate(sample.labels["de"].split()[0]).lower()
        assert sample.id in {s.id for s in store.search(f"{word} {sample.labels['de'].split()[-1]}", limit=50)}
    finally:
        store.close()
