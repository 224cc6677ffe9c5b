"""Revisions, diffs, revert, edit conflicts, soft delete and the graph version."""

from __future__ import annotations

import threading

import pytest

from graphkb.errors import EditConflict, ReferencedError, ValidationError
from graphkb.model import Entity, Statement

from .helpers import cite, small_graph, source


def _edit(store, entity_id, author="bob", summary="edit", **changes):
    e = store.get(entity_id)
    for key, value in changes.items():
        setattr(e, key, value)
    return store.update(e, base_revision=e.revision, author=author, summary=summary)


def test_every_write_records_one_revision_naming_its_parent_author_time_summary_and_snapshot(store):
    store.create(Entity(type="City", labels={"de": "Graz"}), author="alice", summary="new city")
    rev = _edit(store, "graz", author="bob", summary="English label", labels={"de": "Graz", "en": "Graz (city)"})
    assert (rev.number, rev.parent, rev.author, rev.summary, rev.action) == (2, 1, "bob", "English label", "edit")
    assert rev.timestamp.endswith("Z")
    full = store.revision("graz", 2)
    assert full.snapshot["labels"]["en"] == "Graz (city)"
    assert store.revision("graz", 1).snapshot["labels"]["en"] == ""
    assert [(r.number, r.author, r.summary) for r in store.history("graz")] == [
        (2, "bob", "English label"),
        (1, "alice", "new city"),
    ]


def test_a_stale_base_revision_is_a_conflict_carrying_the_current_revision(store):
    store.create(Entity(type="City", labels={"de": "Graz"}), author="alice")
    mine = store.get("graz")
    theirs = store.get("graz")
    theirs.descriptions["de"] = "Landeshauptstadt der Steiermark"
    store.update(theirs, base_revision=1, author="bob")
    mine.descriptions["de"] = "Stadt in Österreich"
    with pytest.raises(EditConflict) as err:
        store.update(mine, base_revision=1, author="alice")
    assert err.value.current.number == 2
    assert err.value.current.snapshot["descriptions"]["de"] == "Landeshauptstadt der Steiermark"
    assert err.value.current.author == "bob"
    assert store.get("graz").descriptions["de"] == "Landeshauptstadt der Steiermark"
    assert len(store.history("graz")) == 2


def test_two_threads_racing_on_one_base_exactly_one_wins_and_nothing_is_lost(store):
    store.create(Entity(type="City", labels={"de": "Graz"}), author="alice")
    writers = 6
    barrier = threading.Barrier(writers)
    outcomes: dict[int, str] = {}

    def write(i: int) -> None:
        e = store.get("graz")
        e.descriptions["de"] = f"Fassung {i}"
        barrier.wait()
        try:
            store.update(e, base_revision=1, author=f"writer{i}", summary=f"version {i}")
            outcomes[i] = "won"
        except EditConflict as exc:
            outcomes[i] = f"conflict at {exc.current.number}"

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [i for i, o in outcomes.items() if o == "won"]
    assert len(winners) == 1
    assert sorted(o for o in outcomes.values() if o != "won") == ["conflict at 2"] * (writers - 1)
    assert store.get("graz").descriptions["de"] == f"Fassung {winners[0]}"
    assert [r.author for r in store.history("graz")] == [f"writer{winners[0]}", "alice"]


def test_diff_shows_changed_fields_statements_and_a_text_diff_of_the_body(store):
    src = small_graph(store)
    e = store.get("trägerverbund-süd")
    base = e.revision
    e.body = "Erste Zeile\nZweite Zeile"
    e.properties["founded"] = "2015"
    e.statements[0].qualifiers["until"] = "2020"
    e.statements.append(Statement("LOCATED_IN", "graz", {}, cite(src)))
    store.update(e, base_revision=base, author="bob")
    e = store.get("trägerverbund-süd")
    e.body = "Erste Zeile\nDritte Zeile"
    store.update(e, base_revision=base + 1, author="bob")
    diff = store.diff("trägerverbund-süd", base, base + 1)
    assert {"field": "properties.founded", "old": None, "new": "2015"} in diff["fields"]
    assert [s["type"] for s in diff["statements"]["added"]] == ["LOCATED_IN"]
    assert [c["new"]["qualifiers"] for c in diff["statements"]["changed"]] == [{"since": "2015-01", "until": "2020"}]
    assert diff["statements"]["removed"] == []
    body_diff = store.diff("trägerverbund-süd", base + 1, base + 2)["body"]
    assert "-Zweite Zeile" in body_diff and "+Dritte Zeile" in body_diff
    assert store.diff("trägerverbund-süd", base + 2, base + 2)["changed"] is False


def test_revert_is_a_new_revision_with_the_old_content(store):
    store.create(Entity(type="City", labels={"de": "Graz"}), author="alice")
    _edit(store, "graz", descriptions={"de": "Vandalismus", "en": ""})
    rev = store.revert("graz", 1, base_revision=2, author="carol")
    assert (rev.number, rev.parent, rev.action, rev.author) == (3, 2, "revert", "carol")
    assert "1" in rev.summary
    assert store.get("graz").descriptions["de"] == ""
    assert [r.number for r in store.history("graz")] == [3, 2, 1]
    with pytest.raises(EditConflict):
        store.revert("graz", 2, base_revision=2, author="carol")


def test_statement_ids_stay_stable_across_edits_and_belong_to_one_subject(store):
    small_graph(store)
    alliance = store.get("trägerverbund-süd")
    sid = alliance.statements[0].id
    _edit(store, "trägerverbund-süd", body="neu")
    assert store.get("trägerverbund-süd").statements[0].id == sid
    # a statement copied onto another entity gets its own id
    graz = store.get("graz")
    copied = alliance.statements[0]
    graz.statements.append(Statement("HAS_SOCIAL_SPACE", "sozialraum-2", {}, copied.citations, id=sid))
    store.update(graz, base_revision=graz.revision, author="bob")
    assert store.get("trägerverbund-süd").statements[0].id == sid
    assert sid not in [s.id for s in store.get("graz").statements]


def test_deleting_a_referenced_entity_is_refused_with_the_list_of_referrers(store):
    small_graph(store)
    version = store.graph_version()
    with pytest.raises(ReferencedError) as err:
        store.delete("sozialraum-2", base_revision=1, author="admin", reason="duplicate")
    assert err.value.referrers == ["graz", "trägerverbund-süd"]
    assert store.graph_version() == version
    assert not store.get("sozialraum-2").deleted


def test_a_cited_source_counts_as_referenced(store):
    src = small_graph(store)
    with pytest.raises(ReferencedError) as err:
        store.delete(src, base_revision=1, author="admin", reason="wrong")
    assert "graz" in err.value.referrers


def test_soft_delete_hides_the_entity_and_restore_brings_it_back(store):
    small_graph(store)
    practice = store.get("zusammenarbeit-im-trägerverbund")
    rev = store.delete(practice.id, base_revision=practice.revision, author="admin", reason="Dublette")
    assert (rev.action, rev.summary) == ("delete", "Dublette")
    gone = store.get(practice.id)
    assert gone.deleted and gone.deleted_reason == "Dublette" and gone.statements  # statements kept for restore
    assert practice.id not in [e.id for e in store.list("Practice").items]
    assert store.search("Zusammenarbeit") == []
    assert practice.id not in [n.id for n in store.neighbours("augenhöhe-in-entscheidungsprozessen").nodes]
    assert store.incoming("augenhöhe-in-entscheidungsprozessen") == []
    assert store.stats().deleted == 1
    with pytest.raises(ValidationError):
        _edit(store, practice.id, body="x")
    store.restore(practice.id, base_revision=rev.number, author="admin")
    back = store.get(practice.id)
    assert not back.deleted and back.revision == rev.number + 1
    assert [i.subject.id for i in store.incoming("augenhöhe-in-entscheidungsprozessen")] == [practice.id]


def test_restore_is_refused_while_a_statement_points_at_a_deleted_entity(store):
    small_graph(store)
    practice = store.get("zusammenarbeit-im-trägerverbund")
    store.delete(practice.id, base_revision=practice.revision, author="admin", reason="weg")
    store.delete("augenhöhe-in-entscheidungsprozessen", base_revision=1, author="admin", reason="weg")
    with pytest.raises(ValidationError) as err:
        store.restore(practice.id, base_revision=practice.revision + 1, author="admin")
    assert err.value.field == "statements[0].target"


def test_the_graph_version_moves_with_every_write_and_only_then(store):
    v0 = store.graph_version()
    store.create(Entity(type="City", labels={"de": "Graz"}), author="a")
    v1 = store.graph_version()
    store.get("graz")
    store.search("graz")
    store.list()
    assert store.graph_version() == v1 > v0
    _edit(store, "graz", body="x")
    with pytest.raises(EditConflict):
        store.update(store.get("graz"), base_revision=1, author="a")
    assert store.graph_version() == v1 + 1


def test_recent_changes_span_the_graph_newest_first_and_filter_by_type_and_author(store):
    small_graph(store)
    _edit(store, "graz", author="bob", summary="Beschreibung")
    changes = store.recent_changes(limit=3)
    assert [(c.entity_id, c.author) for c in changes][0] == ("graz", "bob")
    assert changes[0].snapshot is None and changes[0].label == "Graz"
    assert {c.entity_type for c in store.recent_changes(entity_type="City")} == {"City"}
    assert [c.summary for c in store.recent_changes(author="bob")] == ["Beschreibung"]


def test_a_write_needs_an_author(store):
    with pytest.raises(ValidationError) as err:
        store.create(Entity(type="City", labels={"de": "Graz"}), author=" ")
    assert err.value.field == "author"


def test_source_layer_is_stored(store):
    src = source(store, "Hintergrund", layer="background").entity_id
    assert store.get(src).properties["layer"] == "background"
