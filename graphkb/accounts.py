"""Accounts: creating users with hashed passwords and checking a password against a user.

Hashing is Werkzeug's (scrypt by default, salted, the algorithm recorded in the hash), so hashes
written now stay checkable when the default moves on. The store only ever sees the hash.
"""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

from .errors import Conflict, NotFound, ValidationError
from .model import User
from .store.base import Store

__all__ = ["MIN_PASSWORD_LENGTH", "hash_password", "verify_password", "create_user"]

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"at least {MIN_PASSWORD_LENGTH} characters", "password")
    if len(password) > 1000:
        raise ValidationError("longer than 1000 characters", "password")
    return generate_password_hash(password)


def verify_password(user: User, password: str) -> bool:
    """Whether ``password`` is the user's; never true for a disabled account or one without a password."""
    return bool(user.password_hash) and not user.disabled and check_password_hash(user.password_hash, password)


def create_user(store: Store, name: str, role: str, password: str, email: str = "") -> User:
    """A new account; an existing name is a Conflict (accounts are never silently replaced)."""
    candidate = User(name, role, email=email).validated()
    try:
        store.get_user(candidate.name)
    except NotFound:
        pass
    else:
        raise Conflict(f"a user {candidate.name!r} exists already")
    candidate.password_hash = hash_password(password)
    return store.save_user(candidate)
