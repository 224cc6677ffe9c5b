"""Store.changes_since: which entities were written after a graph version (what caches re-read)."""

from __future__ import annotations

from graphkb.model import Entity, Statement
from graphkb.store import open_store

from .helpers import cite, small_graph, source


def _edit(store, entity_id, **changes):
    e = store.get(entity_id)
    for key, value in changes.items():
        setattr(e, key, value)
    return store.update(e, base_revision=e.revision, author="bob", summary="edit")


def test_nothing_changed_since_the_current_version(store):
    small_graph(store)
    assert store.changes_since(store.graph_version()) == []


def test_an_edit_names_the_edited_entity_and_only_it(store):
    small_graph(store)
    before = store.graph_version()
    _edit(store, "graz", descriptions={"de": "Landeshauptstadt", "en": ""})
    assert store.changes_since(before) == ["graz"]


def test_changes_are_newest_first_each_entity_once(store):
    small_graph(store)
    before = store.graph_version()
    _edit(store, "graz", descriptions={"de": "eins", "en": ""})
    _edit(store, "sozialraum-2", descriptions={"de": "zwei", "en": ""})
    _edit(store, "graz", descriptions={"de": "drei", "en": ""})
    assert store.changes_since(before) == ["graz", "sozialraum-2"]
    assert store.changes_since(before + 2) == ["graz"]


def test_create_delete_restore_and_revert_are_changes(store):
    src = source(store).entity_id
    v0 = store.graph_version()
    store.create(Entity(type="City", labels={"de": "Graz"}), author="alice")
    v1 = store.graph_version()
    assert store.changes_since(v0) == ["graz"]
    rev = store.delete("graz", base_revision=1, author="alice", reason="duplicate")
    assert store.changes_since(v1) == ["graz"]
    rev = store.restore("graz", base_revision=rev.number, author="alice")
    v3 = store.graph_version()
    store.create(
        Entity(
            type="Outcome",
            labels={"de": "Augenhöhe"},
            statements=[Statement("CONCERNS", "graz", {}, cite(src))],
        ),
        author="alice",
    )
    _edit(store, "graz", descriptions={"de": "neu", "en": ""})
    store.revert("graz", 1, base_revision=rev.number + 1, author="alice")
    assert store.changes_since(v3) == ["graz", "augenhöhe"]
    assert sorted(store.changes_since(v0)) == ["augenhöhe", "graz"]


def test_a_bulk_import_is_a_change_of_every_imported_entity_or_a_rebuild(store):
    before = store.graph_version()
    store.bulk_import(
        [Entity(type="City", labels={"de": f"Stadt {i}"}) for i in range(5)], author="import", summary="cities"
    )
    changed = store.changes_since(before)
    # a store whose import spans transactions may not tell (None: rebuild); if it tells, it tells all
    assert changed is None or sorted(changed) == [f"stadt-{i}" for i in range(5)]
    after = store.graph_version()
    _edit(store, "stadt-3", descriptions={"de": "drei", "en": ""})
    assert store.changes_since(after) == ["stadt-3"]


def test_more_changes_than_the_limit_cannot_be_told(store):
    before = store.graph_version()
    for i in range(4):
        store.create(Entity(type="City", labels={"de": f"Stadt {i}"}), author="alice")
    assert store.changes_since(before, limit=3) is None
    assert len(store.changes_since(before, limit=4)) == 4


def test_a_version_the_store_has_not_reached_cannot_be_told(store):
    small_graph(store)
    assert store.changes_since(store.graph_version() + 1) is None


def test_writes_to_accounts_are_not_graph_changes(store):
    from graphkb.model import User

    before = store.graph_version()
    store.save_user(User(name="carol", role="editor"))
    assert store.graph_version() == before
    assert store.changes_since(before) == []


def test_a_second_store_object_on_the_same_data_sees_the_first_ones_changes(store, request, tmp_path):
    small_graph(store)
    before = store.graph_version()
    url = f"sqlite:///{store.path}" if hasattr(store, "path") else store.url
    other = open_store(url)
    try:
        _edit(other, "graz", descriptions={"de": "von nebenan", "en": ""})
    finally:
        other.close()
    assert store.changes_since(before) == ["graz"]
