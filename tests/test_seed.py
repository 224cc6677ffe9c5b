"""The Graz seed graph in a real store: idempotent, cited, and kind to wiki edits."""

from __future__ import annotations

import re

import pytest

from graphkb.seed import SEED_DIR, load_seed, read_seed, report_text


@pytest.fixture
def seeded(store):
    load_seed(store)
    return store


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_seeding_twice_changes_nothing_and_writes_no_revision(seeded):
    before = seeded.stats()
    again = load_seed(seeded)
    assert again.created == [] and again.updated == []
    assert len(again.unchanged) == before.entities
    after = seeded.stats()
    assert (after.revisions, after.graph_version) == (before.revisions, before.graph_version)


def test_the_seed_is_well_over_forty_entities_and_sixty_statements(seeded):
    stats = seeded.stats()
    assert stats.entities > 40 and stats.statements > 60
    assert stats.citations >= stats.statements


def test_every_entity_has_a_german_label_and_every_statement_a_citation(seeded):
    for entity in seeded.iter_entities():
        assert entity.labels["de"].strip(), entity.id
        for st in entity.statements:
            assert st.citations, (entity.id, st.type, st.target)


def test_every_quote_is_verbatim_in_its_layers_text_and_the_layers_never_mix(seeded):
    report = _norm(report_text())
    background = _norm((SEED_DIR / "sources" / "background.md").read_text(encoding="utf-8"))
    layers = {e.id: e.properties["layer"] for e in seeded.iter_entities() if e.type == "Source"}
    assert list(layers.values()).count("report") == 1
    for entity in seeded.iter_entities():
        for st in entity.statements:
            cited = {layers[c.source] for c in st.citations}
            assert len(cited) == 1, (entity.id, st.type)  # a statement belongs to one layer
            for c in st.citations:
                text = report if layers[c.source] == "report" else background
                assert _norm(c.quote) in text, (entity.id, c.quote)


def test_the_report_layer_names_the_study_trip_graz_since_2004_and_four_social_spaces(seeded):
    trips = [e for e in seeded.iter_entities() if e.type == "Event" and e.properties.get("kind") == "study_trip"]
    assert any(t.properties.get("participants") == 14 and t.properties.get("duration_days") == 3 for t in trips)
    graz = seeded.get("graz")
    assert any(
        st.type == "IMPLEMENTS" and str(st.qualifiers.get("since", "")).startswith("2004") for st in graz.statements
    )
    assert len([st for st in graz.statements if st.type == "HAS_SOCIAL_SPACE"]) >= 4


def test_seeding_keeps_an_entity_a_contributor_edited(seeded):
    graz = seeded.get("graz")
    graz.descriptions["de"] = "Von einer Redakteurin überarbeitet"
    seeded.update(graz, base_revision=graz.revision, author="redakteurin", summary="Text")
    result = load_seed(seeded)
    assert "graz" in result.kept
    assert seeded.get("graz").descriptions["de"] == "Von einer Redakteurin überarbeitet"


def test_seeding_updates_what_the_seed_wrote_when_the_seed_file_changed(seeded, tmp_path):
    entities = read_seed()
    assert entities and all(e.id for e in entities)
    graz = seeded.get("graz")
    graz.body = "veraltet"
    seeded.update(graz, base_revision=graz.revision, author="seed", summary="old seed")
    result = load_seed(seeded)
    assert result.updated == ["graz"]
    assert seeded.get("graz").body != "veraltet"


def test_the_report_source_carries_the_report_text_as_its_body(seeded):
    report = seeded.get("von-graz-lernen-studienreise-zur-sozialraumorientierung")
    assert report.body == report_text().strip()
    assert "Mit 14 Vertretern aus deutschen Kommunalverwaltungen" in report.body
