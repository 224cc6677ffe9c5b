"""Create, read, list and the ontology checks every store must make."""

from __future__ import annotations

import pytest

from graphkb.errors import Conflict, NotFound, ValidationError
from graphkb.model import Citation, Entity, Statement

from .helpers import cite, small_graph, source


def test_created_entity_gets_a_readable_id_from_its_german_label_with_umlauts_kept(store):
    rev = store.create(Entity(type="ProviderAlliance", labels={"de": "Trägerverbund Süd-Ost"}), author="alice")
    assert rev.entity_id == "trägerverbund-süd-ost"
    assert rev.number == 1 and rev.parent is None and rev.action == "create"
    entity = store.get("trägerverbund-süd-ost")
    assert entity.labels["de"] == "Trägerverbund Süd-Ost"
    assert entity.revision == 1 and entity.updated_by == "alice"


def test_same_label_twice_gets_a_numbered_id_and_ids_are_never_reused(store):
    first = store.create(Entity(type="City", labels={"de": "Köln"}), author="a").entity_id
    second = store.create(Entity(type="City", labels={"de": "Köln"}), author="a").entity_id
    store.delete(first, base_revision=1, author="a", reason="duplicate")
    third = store.create(Entity(type="City", labels={"de": "Köln"}), author="a").entity_id
    assert (first, second, third) == ("köln", "köln-2", "köln-3")


def test_creating_with_an_id_that_exists_is_a_conflict(store):
    store.create(Entity(type="City", labels={"de": "Graz"}, id="graz"), author="a")
    with pytest.raises(Conflict):
        store.create(Entity(type="City", labels={"de": "Graz (Stadt)"}, id="graz"), author="a")


def test_unknown_entity_is_not_found(store):
    with pytest.raises(NotFound):
        store.get("gibt-es-nicht")
    with pytest.raises(NotFound):
        store.history("gibt-es-nicht")


def test_get_returns_statements_with_qualifiers_and_citations_in_order(store):
    src = small_graph(store)
    graz = store.get("graz")
    assert [s.type for s in graz.statements] == ["HAS_SOCIAL_SPACE"]
    alliance = store.get("trägerverbund-süd")
    (st,) = alliance.statements
    assert st.type == "RESPONSIBLE_FOR" and st.target == "sozialraum-2"
    assert st.qualifiers == {"since": "2015-01"}
    assert st.citations == [Citation(src, cite(src)[0].quote, "Abs. 3")]
    assert st.id


@pytest.mark.parametrize(
    "entity, field",
    [
        (Entity(type="Town", labels={"de": "Graz"}), "type"),
        (Entity(type="City", labels={"de": "", "en": "Graz"}), "labels.de"),
        (Entity(type="City", labels={"de": "   "}), "labels.de"),
        (Entity(type="City", labels={"de": "G" * 201}), "labels.de"),
        (Entity(type="City", labels={"de": "Graz", "en": "x\ny"}), "labels.en"),
        (Entity(type="City", labels={"de": "Graz"}, properties={"districts": "siebzehn"}), "properties.districts"),
        (Entity(type="City", labels={"de": "Graz"}, properties={"mayor": "X"}), "properties.mayor"),
        (
            Entity(type="City", labels={"de": "Graz"}, properties={"website": "javascript:alert(1)"}),
            "properties.website",
        ),
        (Entity(type="City", labels={"de": "Graz"}, descriptions={"de": "d" * 1001}), "descriptions.de"),
        (Entity(type="City", labels={"de": "Graz"}, body="b" * 100_001), "body"),
        (Entity(type="Event", labels={"de": "Reise"}, properties={"start": "25.9.2017"}), "properties.start"),
        (Entity(type="Source", labels={"de": "Bericht"}), "properties.layer"),
        (Entity(type="City", labels={"de": "Graz"}, id="Graz Stadt"), "id"),
    ],
)
def test_the_store_rejects_what_breaks_the_ontology_naming_the_field(store, entity, field):
    version = store.graph_version()
    with pytest.raises(ValidationError) as err:
        store.create(entity, author="alice")
    assert err.value.field == field
    assert store.graph_version() == version
    assert store.recent_changes() == []


def test_statements_are_checked_against_relation_types_targets_qualifiers_and_citations(store):
    src = source(store).entity_id
    store.create(Entity(type="City", labels={"de": "Graz"}), author="a")
    store.create(Entity(type="Outcome", labels={"de": "Weniger Heimunterbringungen"}), author="a")

    def practice(*statements):
        return Entity(type="Practice", labels={"de": "Flexible Hilfen"}, statements=list(statements))

    cases = [
        (practice(Statement("LEADS_TO", "graz")), "statements[0].type"),  # City is no Outcome
        (practice(Statement("FLIES_TO", "graz")), "statements[0].type"),
        (practice(Statement("LEADS_TO", "nirgendwo")), "statements[0].target"),
        (
            practice(Statement("LEADS_TO", "weniger-heimunterbringungen", {"evidence_level": "rumour"})),
            "statements[0].qualifiers.evidence_level",
        ),
        (
            practice(Statement("LEADS_TO", "weniger-heimunterbringungen", {"colour": "red"})),
            "statements[0].qualifiers.colour",
        ),
        (
            practice(Statement("LEADS_TO", "weniger-heimunterbringungen", {"place": "weniger-heimunterbringungen"})),
            "statements[0].qualifiers.place",
        ),
        (
            practice(Statement("LEADS_TO", "weniger-heimunterbringungen", {}, [Citation("graz", "q")])),
            "statements[0].citations[0].source",
        ),
        (
            practice(Statement("LEADS_TO", "weniger-heimunterbringungen", {}, [Citation(src, "  ")])),
            "statements[0].citations[0].quote",
        ),
    ]
    for entity, field in cases:
        with pytest.raises(ValidationError) as err:
            store.create(entity, author="a")
        assert err.value.field == field, entity
    ok = store.create(
        practice(Statement("LEADS_TO", "weniger-heimunterbringungen", {"place": "graz", "count": "3"}, cite(src))),
        author="a",
    )
    assert store.get(ok.entity_id).statements[0].qualifiers == {"place": "graz", "count": 3}


def test_list_is_paged_and_sorted_by_label_in_either_language(store):
    for de, en in [("Österreich-Projekt", "Austria project"), ("Augenhöhe", "Parity"), ("Zeit", "Time")]:
        store.create(Entity(type="Lesson", labels={"de": de, "en": en}), author="a")
    page = store.list("Lesson", limit=2)
    assert page.total == 3
    assert [e.labels["de"] for e in page.items] == ["Augenhöhe", "Österreich-Projekt"]
    assert [e.labels["de"] for e in store.list("Lesson", offset=2, limit=2).items] == ["Zeit"]
    assert [e.labels["en"] for e in store.list("Lesson", sort="-label", lang="en").items] == [
        "Time",
        "Parity",
        "Austria project",
    ]
    assert [e.labels["de"] for e in store.list("Lesson", text="oster").items] == ["Österreich-Projekt"]
    with pytest.raises(ValidationError):
        store.list("Lesson", sort="colour")
    with pytest.raises(ValidationError):
        store.list("Nope")


def test_incoming_statements_list_what_links_here(store):
    small_graph(store)
    incoming = store.incoming("sozialraum-2")
    assert sorted((i.subject.id, i.statement.type) for i in incoming) == [
        ("graz", "HAS_SOCIAL_SPACE"),
        ("trägerverbund-süd", "RESPONSIBLE_FOR"),
    ]
    assert all(i.statement.citations for i in incoming)
    assert [i.subject.id for i in store.incoming("sozialraum-2", relation_types=["HAS_SOCIAL_SPACE"])] == ["graz"]
    # ordered by relation type: a limit keeps the first of them, never an arbitrary one
    assert [(i.subject.id, i.statement.type) for i in store.incoming("sozialraum-2", limit=1)] == [
        ("graz", "HAS_SOCIAL_SPACE")
    ]
    with pytest.raises(ValidationError):
        store.incoming("sozialraum-2", limit=0)


def test_stats_count_live_entities_statements_and_citations(store):
    small_graph(store)
    stats = store.stats()
    assert stats.by_type == {
        "City": 1,
        "Outcome": 1,
        "Practice": 1,
        "ProviderAlliance": 1,
        "SocialSpace": 1,
        "Source": 1,
    }
    assert stats.statements == 3 and stats.citations == 3
    assert stats.by_relation == {"HAS_SOCIAL_SPACE": 1, "LEADS_TO": 1, "RESPONSIBLE_FOR": 1}
    assert stats.revisions == 7


def test_iter_entities_yields_every_entity_in_id_order(store):
    small_graph(store)
    ids = [e.id for e in store.iter_entities()]
    assert ids == sorted(ids) and len(ids) == 6
    assert next(e for e in store.iter_entities() if e.id == "graz").statements[0].type == "HAS_SOCIAL_SPACE"


def test_bulk_import_accepts_forward_references_and_records_one_revision_each(store):
    src = Entity(type="Source", labels={"de": "Quelle"}, id="quelle", properties={"layer": "background"})
    practice = Entity(
        type="Practice",
        labels={"de": "Sozialraumteams"},
        statements=[Statement("LEADS_TO", "kürzere-laufzeiten", {}, [Citation("quelle", "Zitat")])],
    )
    outcome = Entity(type="Outcome", labels={"de": "Kürzere Laufzeiten"})
    version = store.graph_version()
    assert store.bulk_import([practice, src, outcome], author="importer") == 3
    assert store.get("sozialraumteams").statements[0].target == "kürzere-laufzeiten"
    assert [r.action for r in store.history("sozialraumteams")] == ["import"]
    assert store.graph_version() > version


def test_bulk_import_is_all_or_nothing(store):
    good = Entity(type="City", labels={"de": "Celle"})
    bad = Entity(type="Practice", labels={"de": "X"}, statements=[Statement("LEADS_TO", "fehlt")])
    with pytest.raises(ValidationError) as err:
        store.bulk_import([good, bad], author="importer")
    assert "statements[0].target" in err.value.field
    assert store.stats().entities == 0
    assert store.recent_changes() == []


def test_restoring_a_dump_with_a_repeated_revision_fails_cleanly_and_writes_nothing(store):
    from graphkb.model import Revision

    city = Entity(type="City", labels={"de": "Celle"}, id="celle", revision=1)
    rev = Revision("celle", 1, None, "a", "2024-01-01T00:00:00.000Z", "x", "import", city.to_dict(), "City", "Celle")
    with pytest.raises(ValidationError):
        store.bulk_import([city], author="importer", revisions=[rev, rev])
    assert store.stats().entities == 0 and store.recent_changes() == []


def test_cited_by_lists_the_statements_a_source_is_evidence_for(store):
    src = small_graph(store)
    other = source(store, "Andere Quelle", layer="background").entity_id
    cited = store.cited_by(src)
    assert sorted((c.subject.id, c.statement.type, c.statement.target) for c in cited) == [
        ("graz", "HAS_SOCIAL_SPACE", "sozialraum-2"),
        ("trägerverbund-süd", "RESPONSIBLE_FOR", "sozialraum-2"),
        ("zusammenarbeit-im-trägerverbund", "LEADS_TO", "augenhöhe-in-entscheidungsprozessen"),
    ]
    assert all(c.statement.citations[0].source == src for c in cited)
    assert store.cited_by(other) == []
    assert len(store.cited_by(src, limit=1)) == 1
    practice = store.get("zusammenarbeit-im-trägerverbund")
    store.delete(practice.id, base_revision=practice.revision, author="admin", reason="weg")
    assert "zusammenarbeit-im-trägerverbund" not in [c.subject.id for c in store.cited_by(src)]
    with pytest.raises(NotFound):
        store.cited_by("keine-quelle")
