"""What only the embedded store has: its file, pragmas and schema migrations."""

from __future__ import annotations

import sqlite3

import pytest

from graphkb.model import Entity
from graphkb.store import open_store
from graphkb.store.sqlite_schema import MIGRATIONS


def test_a_new_store_file_is_migrated_to_the_latest_schema_in_wal_mode(tmp_path):
    path = tmp_path / "kb.sqlite3"
    store = open_store(f"sqlite:///{path}")
    store.create(Entity(type="City", labels={"de": "Graz"}), author="a")
    conn = store._conn()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    store.close()
    # reopening keeps the data and does not migrate again
    again = open_store(f"sqlite:///{path}")
    assert again.get("graz").labels["de"] == "Graz"
    assert again.graph_version() == 1
    again.close()


def test_a_database_from_a_newer_graphkb_is_refused_clearly(tmp_path):
    path = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer than this graphkb"):
        open_store(f"sqlite:///{path}")


def test_the_store_url_decides_the_file_relative_or_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    relative = open_store("sqlite:///rel/kb.sqlite3")
    assert (tmp_path / "rel" / "kb.sqlite3").exists()
    relative.close()
    absolute = open_store(f"sqlite:///{tmp_path / 'abs.sqlite3'}")
    assert (tmp_path / "abs.sqlite3").exists()
    absolute.close()


def test_the_default_store_lives_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("GRAPHKB_STORE", raising=False)
    monkeypatch.setenv("GRAPHKB_INSTANCE", str(tmp_path / "instance"))
    store = open_store()
    assert (tmp_path / "instance" / "graphkb.sqlite3").exists()
    store.close()


def test_an_unknown_store_url_is_a_clear_error():
    from graphkb.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        open_store("mysql://localhost/kb")
    assert err.value.field == "GRAPHKB_STORE"
