"""``graphkb migrate``: SQLite → Neo4j → SQLite loses nothing (entities, statements, citations, history,
accounts and their API tokens)."""

from __future__ import annotations

import hashlib

from click.testing import CliRunner

from graphkb.cli import cli
from graphkb.model import ApiToken, Statement, User
from graphkb.seed import load_seed
from graphkb.store import open_store


def _run(*args, ok=True):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert (result.exit_code == 0) == ok, result.output
    return result


def _export(url, tmp_path, name):
    path = tmp_path / name
    _run("--store", url, "export", "-o", str(path))
    return path.read_bytes()


SECRET = "sehr-geheimes-Geheimnis-für-die-Auswertung-im-Amt"
TOKEN = ApiToken(
    "0123456789ab",
    "jörg",
    "Übergänge auswerten",
    hashlib.sha256(SECRET.encode()).hexdigest(),
    "2026-03-01T10:00:00+00:00",
    "0123456789abcdef",
)


def _lived_in_graph(url):
    """The seed, then what a wiki does to it: edits, a revert, a deletion, accounts with an API token."""
    store = open_store(url)
    try:
        load_seed(store, author="seed")
        graz = store.get("graz")
        graz.body = "Graz **lernt** mit: Österreich, Übergänge, Maß."
        space = next(st.target for st in graz.statements if st.type == "HAS_SOCIAL_SPACE")
        graz.statements.append(Statement("HAS_SOCIAL_SPACE", space, {"since": "2004"}))
        store.update(graz, base_revision=graz.revision, author="jörg", summary="Körper und Sozialraum")
        store.revert("graz", graz.revision, base_revision=graz.revision + 1, author="anna")
        lesson = next(e for e in store.list("Lesson", limit=1000).items if not store.incoming(e.id))
        store.delete(lesson.id, base_revision=store.get(lesson.id).revision, author="admin", reason="Dublette")
        store.save_user(User("anna", "editor", password_hash="scrypt:32768:8:1$x$y", email="anna@amt.example"))
        store.save_user(User("jörg", "admin"))
        store.save_api_token(TOKEN)
    finally:
        store.close()


def test_sqlite_to_neo4j_to_sqlite_gives_an_identical_export(tmp_path, neo4j_server):
    original = f"sqlite:///{tmp_path / 'original.sqlite3'}"
    back = f"sqlite:///{tmp_path / 'back.sqlite3'}"
    _lived_in_graph(original)
    neo4j_url = neo4j_server.fresh_url()

    out = _run("migrate", "--from", original, "--to", neo4j_url).output
    assert "Verified" in out
    on_neo4j = open_store(neo4j_url)
    try:  # the token made on SQLite checks out on Neo4j: the same record, found by its public id
        found = on_neo4j.api_token("0123456789ab")
        assert found == TOKEN and found.secret_hash == hashlib.sha256(SECRET.encode()).hexdigest()
    finally:
        on_neo4j.close()
    out = _run("migrate", "--from", neo4j_url, "--to", back).output
    assert "Verified" in out

    first, last = _export(original, tmp_path, "a.json"), _export(back, tmp_path, "b.json")
    assert first == last
    assert "Körper und Sozialraum".encode() in first and b'"action":"revert"' in first
    for url in (neo4j_url, back):
        store = open_store(url)
        try:
            assert [(u.name, u.role, u.password_hash) for u in store.list_users()] == [
                ("anna", "editor", "scrypt:32768:8:1$x$y"),
                ("jörg", "admin", ""),
            ]
            latest, edit = store.history("graz")[:2]
            assert (latest.action, latest.author, edit.author, edit.summary) == (
                "revert",
                "anna",
                "jörg",
                "Körper und Sozialraum",
            )
            assert store.revision("graz", edit.number).snapshot["body"].startswith("Graz **lernt**")
            assert store.list_api_tokens("jörg") == [TOKEN] and store.list_api_tokens("anna") == []
        finally:
            store.close()


def test_migrating_into_a_store_that_is_not_empty_is_refused_and_changes_nothing(tmp_path):
    a = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    b = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    _run("--store", a, "seed")
    _run("--store", b, "seed")
    before = _export(b, tmp_path, "before.json")
    assert "not empty" in _run("migrate", "--from", a, "--to", b, ok=False).output
    assert _export(b, tmp_path, "after.json") == before
