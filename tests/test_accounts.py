"""Accounts from the command line: the first admin, hashed passwords, no silent replacement."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from graphkb.accounts import authenticate, create_user, name_taken, set_password, verify_password
from graphkb.cli import cli
from graphkb.errors import Conflict, ValidationError
from graphkb.store import open_store


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'accounts.sqlite3'}"


def _cli(url, *args, stdin=None):
    return CliRunner().invoke(cli, ["--store", url, *args], input=stdin, catch_exceptions=False)


def test_user_add_creates_an_admin_whose_password_is_stored_hashed(url):
    result = _cli(url, "user", "add", "jörg", "--role", "admin", "--password-stdin", stdin="Sozialraum-2004\n")
    assert result.exit_code == 0, result.output
    store = open_store(url)
    try:
        jorg = store.get_user("jörg")
        assert jorg.role == "admin"
        assert "Sozialraum-2004" not in jorg.password_hash and jorg.password_hash.startswith("scrypt:")
        assert verify_password(jorg, "Sozialraum-2004")
        assert not verify_password(jorg, "sozialraum-2004")
    finally:
        store.close()
    assert "jörg\tadmin" in _cli(url, "user", "list").output


def test_the_password_prompt_asks_twice_and_refuses_a_mismatch(url):
    result = _cli(url, "user", "add", "anna", stdin="Langes-Passwort-1\nAnderes-Passwort-2\nLanges-Passwort-1\n"
                  "Langes-Passwort-1\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert "Created editor 'anna'" in result.output


def test_an_existing_name_or_a_short_password_is_refused_and_changes_nothing(url):
    store = open_store(url)
    try:
        create_user(store, "anna", "editor", "Erstes-Passwort")
        before = store.get_user("anna")
        with pytest.raises(Conflict):
            create_user(store, "anna", "admin", "Zweites-Passwort")
        with pytest.raises(ValidationError) as err:
            create_user(store, "bernd", "editor", "kurz")
        assert err.value.field == "password"
        assert store.get_user("anna") == before
        assert [u.name for u in store.list_users()] == ["anna"]
    finally:
        store.close()
    result = _cli(url, "user", "add", "anna", "--password-stdin", stdin="Noch-ein-Passwort\n")
    assert result.exit_code == 1 and "exists already" in result.output


def test_a_name_differing_only_in_case_is_taken(url):
    store = open_store(url)
    try:
        create_user(store, "Anna", "editor", "Erstes-Passwort")
        assert name_taken(store, "anna") and name_taken(store, "ANNA") and not name_taken(store, "anne")
        with pytest.raises(Conflict):
            create_user(store, "anna", "admin", "Zweites-Passwort")
        assert [u.name for u in store.list_users()] == ["Anna"]
    finally:
        store.close()


def test_authenticate_finds_the_account_only_with_its_password(url):
    store = open_store(url)
    try:
        create_user(store, "anna", "editor", "Erstes-Passwort")
        assert authenticate(store, "anna", "Erstes-Passwort").name == "anna"
        assert authenticate(store, "anna", "erstes-passwort") is None
        assert authenticate(store, "bernd", "Erstes-Passwort") is None
        assert authenticate(store, "zwei wörter", "Erstes-Passwort") is None  # not even a valid name
        anna = store.get_user("anna")
        anna.disabled = True
        store.save_user(anna)
        # a disabled account is still recognised (the web layer says why it is refused), but never verified
        assert authenticate(store, "anna", "Erstes-Passwort").disabled
        assert not verify_password(store.get_user("anna"), "Erstes-Passwort")
    finally:
        store.close()


def test_set_password_replaces_the_hash_and_keeps_the_rest(url):
    store = open_store(url)
    try:
        before = create_user(store, "anna", "editor", "Erstes-Passwort", email="anna@jugendamt.example")
        after = set_password(store, "anna", "Zweites-Passwort")
        assert after.password_hash != before.password_hash and "Zweites-Passwort" not in after.password_hash
        assert verify_password(store.get_user("anna"), "Zweites-Passwort")
        assert not verify_password(store.get_user("anna"), "Erstes-Passwort")
        assert (after.role, after.email, after.created_at) == ("editor", "anna@jugendamt.example", before.created_at)
        with pytest.raises(ValidationError):
            set_password(store, "anna", "kurz")
        assert verify_password(store.get_user("anna"), "Zweites-Passwort")
    finally:
        store.close()
