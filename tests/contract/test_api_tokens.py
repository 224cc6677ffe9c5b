"""API token records live in the store beside the accounts: every app host sees them, migration carries them."""

from __future__ import annotations

import hashlib

import pytest

from graphkb.errors import Conflict, NotFound, ValidationError
from graphkb.model import ApiToken, User


def token(token_id: str, user: str = "anna", label: str = "Auswertung", at: str = "2026-03-01T10:00:00+00:00"):
    return ApiToken(token_id, user, label, hashlib.sha256(token_id.encode()).hexdigest(), at, "0123456789abcdef")


@pytest.fixture
def accounts(store):
    store.save_user(User("anna", "editor", password_hash="scrypt:1$a"))
    store.save_user(User("jörg", "reader", password_hash="scrypt:1$j"))
    return store


def test_a_saved_token_is_found_by_its_id_with_every_field(accounts):
    saved = accounts.save_api_token(token("0123456789ab", label="  Notizbuch   Jugendamt "))
    assert saved.label == "Notizbuch Jugendamt"  # trimmed, as stored
    assert accounts.api_token("0123456789ab") == saved
    assert accounts.api_token("0123456789ab").secret_hash == hashlib.sha256(b"0123456789ab").hexdigest()


def test_an_accounts_tokens_are_listed_oldest_first_and_no_other_accounts(accounts):
    accounts.save_api_token(token("bbbbbbbbbbbb", at="2026-03-02T00:00:00+00:00"))
    accounts.save_api_token(token("aaaaaaaaaaaa", at="2026-03-03T00:00:00+00:00"))
    accounts.save_api_token(token("cccccccccccc", at="2026-03-01T00:00:00+00:00"))
    accounts.save_api_token(token("dddddddddddd", user="jörg", label="Übergänge prüfen"))
    assert [t.id for t in accounts.list_api_tokens("anna")] == ["cccccccccccc", "bbbbbbbbbbbb", "aaaaaaaaaaaa"]
    assert [(t.id, t.user, t.label) for t in accounts.list_api_tokens("jörg")] == [
        ("dddddddddddd", "jörg", "Übergänge prüfen")
    ]
    assert accounts.list_api_tokens("joerg") == [] and accounts.list_api_tokens("nobody") == []


def test_deleting_one_token_leaves_the_others_and_another_accounts_token_is_left_alone(accounts):
    accounts.save_api_token(token("aaaaaaaaaaaa"))
    accounts.save_api_token(token("bbbbbbbbbbbb"))
    accounts.save_api_token(token("cccccccccccc", user="jörg"))
    assert accounts.delete_api_tokens("jörg", "aaaaaaaaaaaa") == 0  # not jörg's: untouched
    assert accounts.delete_api_tokens("anna", "aaaaaaaaaaaa") == 1
    assert accounts.delete_api_tokens("anna", "aaaaaaaaaaaa") == 0
    assert [t.id for t in accounts.list_api_tokens("anna")] == ["bbbbbbbbbbbb"]
    with pytest.raises(NotFound):
        accounts.api_token("aaaaaaaaaaaa")
    assert accounts.api_token("cccccccccccc").user == "jörg"


def test_deleting_all_of_an_accounts_tokens_counts_them_and_spares_other_accounts(accounts):
    for token_id in ("aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc"):
        accounts.save_api_token(token(token_id, user="jörg"))
    accounts.save_api_token(token("dddddddddddd"))
    assert accounts.delete_api_tokens("jörg") == 3
    assert accounts.list_api_tokens("jörg") == [] and accounts.delete_api_tokens("jörg") == 0
    assert [t.id for t in accounts.list_api_tokens("anna")] == ["dddddddddddd"]


def test_an_unknown_token_is_not_found(accounts):
    with pytest.raises(NotFound):
        accounts.api_token("0123456789ab")
    with pytest.raises(NotFound):
        accounts.api_token("nonsense' OR 1=1 --")


def test_a_token_needs_an_existing_account(accounts):
    with pytest.raises(NotFound):
        accounts.save_api_token(token("0123456789ab", user="niemand"))
    with pytest.raises(NotFound):
        accounts.api_token("0123456789ab")


def test_a_token_id_is_never_reused_and_the_first_record_stays(accounts):
    first = accounts.save_api_token(token("0123456789ab"))
    with pytest.raises(Conflict):
        accounts.save_api_token(token("0123456789ab", user="jörg", label="Übernahme"))
    assert accounts.api_token("0123456789ab") == first
    assert accounts.list_api_tokens("jörg") == []


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (token("ABC"), "id"),
        (token("0123456789ab", label="   "), "label"),
        (token("0123456789ab", label="x" * 101), "label"),
        (ApiToken("0123456789ab", "anna", "x", "geheim", "2026-03-01", "f"), "secret_hash"),
    ],
)
def test_bad_token_records_are_refused_naming_the_field(accounts, bad, field):
    with pytest.raises(ValidationError) as err:
        accounts.save_api_token(bad)
    assert err.value.field == field
    assert accounts.list_api_tokens("anna") == []


def test_token_writes_do_not_change_the_graph_version(accounts):
    before = accounts.graph_version()
    accounts.save_api_token(token("0123456789ab"))
    accounts.delete_api_tokens("anna")
    assert accounts.graph_version() == before
