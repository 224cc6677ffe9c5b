"""Per-user API tokens: ``Authorization: Bearer gkb_<id>_<secret>`` opens the JSON API as that user.

How they are kept
-----------------
A token is a random id (public, 12 hex digits) and a random secret (256 bits). Only the SHA-256
of the secret is kept (a fast hash is enough for a random 256-bit secret: there is nothing to
guess), next to the account name, a label the user chose, the creation time and a fingerprint of
the account's password hash at that time. So:

* a user lists their tokens and revokes any one of them (or all) on their account page;
* changing the password ends every token, as it ends every other session (stolen credentials
  are dealt with by one action);
* the role is read from the store on every request: a demoted or disabled account loses its
  rights at once; a token never carries a role.

The records are :class:`graphkb.model.ApiToken` rows in the store, beside the accounts
(``Store.save_api_token`` and friends): every app host sees the same tokens, they survive a
re-created container with the database, and ``graphkb migrate`` carries them to another store.
This module makes and checks the tokens themselves; the store never sees a secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, request
from flask_babel import gettext as _
from flask_login import current_user

from graphkb.errors import NotFound, ValidationError
from graphkb.model import ApiToken
from graphkb.store import Store

from .auth import WebUser
from .db import get_store

__all__ = [
    "ApiToken",
    "TokenRegistry",
    "registry",
    "install",
    "bearer_request",
    "current_tokens",
    "password_fingerprint",
    "MAX_TOKENS",
    "LABEL_MAX",
]

MAX_TOKENS = 20  # per account
LABEL_MAX = ApiToken.LABEL_MAX
PREFIX = ApiToken.PREFIX
_TOKEN = re.compile(r"gkb_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def password_fingerprint(password_hash: str) -> str:
    """A short digest of the password hash: it changes with the password, and reveals nothing of it.

    >>> password_fingerprint("scrypt:1$a$b") == password_fingerprint("scrypt:1$a$b")
    True
    >>> len(password_fingerprint("x"))
    16
    """
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


class TokenRegistry:
    """Makes, lists, revokes and checks the tokens of ``store``'s accounts."""

    def __init__(self, store: Store):
        self.store = store

    def create(self, user_name: str, password_hash: str, label: str) -> tuple[ApiToken, str]:
        """A new token for ``user_name``; returns its record and the token itself (shown once, never again)."""
        label = " ".join(label.split())
        if not label:
            raise ValidationError(_("Please name the token: what will use it?"), "label")
        if len(label) > LABEL_MAX:
            raise ValidationError(_("At most %(num)d characters.", num=LABEL_MAX), "label")
        # checked, then written: two requests racing could make a 21st token, which does no harm
        if len(self.store.list_api_tokens(user_name)) >= MAX_TOKENS:
            raise ValidationError(_("At most %(num)d tokens per account: revoke one first.", num=MAX_TOKENS), "label")
        token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        record = ApiToken(token_id, user_name, label, _digest(secret), now, password_fingerprint(password_hash))
        # an id drawn twice (48 random bits) is the store's Conflict, never a replaced record
        return self.store.save_api_token(record), f"{PREFIX}{token_id}_{secret}"

    def tokens(self, user_name: str) -> list[ApiToken]:
        """The account's tokens, oldest first."""
        return self.store.list_api_tokens(user_name)

    def revoke(self, user_name: str, token_id: str) -> None:
        """End one of the account's tokens; NotFound if it has no such token."""
        if not self.store.delete_api_tokens(user_name, token_id):
            raise NotFound(f"no token {token_id[:20]!r}")

    def revoke_all(self, user_name: str) -> int:
        return self.store.delete_api_tokens(user_name)

    def check(self, token: str) -> ApiToken | None:
        """The record of a well-formed token whose secret matches, else None."""
        match = _TOKEN.fullmatch(token)
        if not match:
            return None
        try:
            record = self.store.api_token(match.group(1))
        except NotFound:
            return None
        if not hmac.compare_digest(record.secret_hash, _digest(match.group(2))):
            return None
        return record


def registry() -> TokenRegistry:
    """The token registry of the current app's store."""
    return TokenRegistry(get_store())


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header, if the request has one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def bearer_request() -> bool:
    """Whether this request was authenticated by a token (checked in :func:`_bearer_login`)."""
    return bool(g.get("api_token"))


def _bearer_login() -> Any:
    """Before anything else (CSRF, the reading gate): a Bearer header on the API decides who is asking.

    A token that does not check out is 401 at once, even where reading is public: a program
    must learn that its token is wrong, not read on as anonymous.
    """
    if request.blueprint != "api":
        return None
    token = bearer_token()
    if token is None:
        return None
    record = registry().check(token)
    user = None
    if record is not None:
        try:
            user = get_store().get_user(record.user)
        except NotFound:
            user = None
    if user is None or user.disabled or password_fingerprint(user.password_hash) != record.password_fingerprint:
        from .errors import respond

        response = respond(401, {"error": "invalid_token", "message": "the API token is unknown, revoked or ended"})
        response.headers["WWW-Authenticate"] = 'Bearer realm="graphkb", error="invalid_token"'
        return response
    g.api_token = record
    # Flask-Login's documented per-request slot: current_user is this account, with no session touched.
    g._login_user = WebUser(user)
    return None


def install(app: Flask) -> None:
    """Put the Bearer check first among ``app``'s before-request hooks."""
    app.before_request_funcs.setdefault(None, []).insert(0, _bearer_login)


def current_tokens() -> list[ApiToken]:
    """The logged-in account's tokens that still work (those from before a password change are dropped)."""
    fingerprint = password_fingerprint(current_user.user.password_hash)
    store = get_store()
    found = store.list_api_tokens(current_user.name)
    for stale in (t for t in found if t.password_fingerprint != fingerprint):
        store.delete_api_tokens(stale.user, stale.id)
    return [t for t in found if t.password_fingerprint == fingerprint]
