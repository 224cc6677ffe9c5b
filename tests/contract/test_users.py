"""Accounts live in the store, so they move with it (migration) and every worker sees the same ones."""

from __future__ import annotations

import pytest

from graphkb.errors import NotFound, ValidationError
from graphkb.model import User


def test_users_are_saved_replaced_listed_and_looked_up(store):
    with pytest.raises(NotFound):
        store.get_user("anna")
    saved = store.save_user(User("anna", "editor", password_hash="scrypt:1$abc", email="anna@jugendamt.example"))
    assert saved.created_at
    store.save_user(User("jörg", "admin"))
    anna = store.get_user("anna")
    assert (anna.role, anna.password_hash, anna.email, anna.created_at) == (
        "editor",
        "scrypt:1$abc",
        "anna@jugendamt.example",
        saved.created_at,
    )
    anna.role, anna.disabled = "reader", True
    store.save_user(anna)
    assert (store.get_user("anna").role, store.get_user("anna").disabled) == ("reader", True)
    assert [u.name for u in store.list_users()] == ["anna", "jörg"]


@pytest.mark.parametrize(
    ("user", "field"),
    [(User("", "editor"), "name"), (User("a b", "editor"), "name"), (User("anna", "owner"), "role")],
)
def test_bad_accounts_are_refused_naming_the_field(store, user, field):
    with pytest.raises(ValidationError) as err:
        store.save_user(user)
    assert err.value.field == field
    assert store.list_users() == []
