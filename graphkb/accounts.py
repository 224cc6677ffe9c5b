"""Accounts: creating users with hashed passwords and checking a password against a user.

Hashing is Werkzeug's (scrypt by default, salted, the algorithm recorded in the hash), so hashes
written now stay checkable when the default moves on. The store only ever sees the hash.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from werkzeug.security import check_password_hash, generate_password_hash

from .errors import Conflict, NotFound, ValidationError
from .model import User
from .store.base import Store

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "MAX_PASSWORD_LENGTH",
    "hash_password",
    "verify_password",
    "create_user",
    "name_taken",
    "authenticate",
    "set_password",
]

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1000


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"at least {MIN_PASSWORD_LENGTH} characters", "password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(f"longer than {MAX_PASSWORD_LENGTH} characters", "password")
    return generate_password_hash(password)


def verify_password(user: User, password: str) -> bool:
    """Whether ``password`` is the user's; never true for a disabled account or one without a password."""
    return bool(user.password_hash) and not user.disabled and check_password_hash(user.password_hash, password)


def name_taken(store: Store, name: str) -> bool:
    """Whether an account is called ``name``, ignoring case: ``Admin`` must not pass for ``admin``."""
    try:
        store.get_user(name)
    except NotFound:
        folded = name.casefold()
        return any(user.name.casefold() == folded for user in store.list_users())
    return True


def create_user(store: Store, name: str, role: str, password: str, email: str = "") -> User:
    """A new account; an existing name (in any case) is a Conflict (accounts are never silently replaced)."""
    candidate = User(name, role, email=email).validated()
    if name_taken(store, candidate.name):
        raise Conflict(f"a user {candidate.name!r} exists already")
    candidate.password_hash = hash_password(password)
    return store.save_user(candidate)


@functools.cache
def _decoy_hash() -> str:
    return generate_password_hash("graphkb-decoy-password")


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The account ``name`` if ``password`` is its password, else None; disabled accounts are returned too.

    The caller refuses a disabled account (and may say so: only someone who knows the password
    learns it). An unknown name costs a hash check like a known one, so timing does not tell
    which names exist.
    """
    try:
        user = store.get_user(name)
    except (NotFound, ValidationError):
        check_password_hash(_decoy_hash(), password)
        return None
    if not user.password_hash or not check_password_hash(user.password_hash, password):
        return None
    return user


def set_password(store: Store, name: str, password: str) -> User:
    """Give the account ``name`` a new password (hashed); raises NotFound or ValidationError."""
    user = store.get_user(name)
    return store.save_user(replace(user, password_hash=hash_password(password)))
