"""Who is asking, and may they: Flask-Login sessions, roles, the reading setting, CSRF, rate limits.

Every write route is wrapped in :func:`require_role`; the role is read from the store on each
request (a demoted or disabled account loses its rights at once, not at its next log-in).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, has_app_context, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from graphkb.errors import Forbidden, NotFound
from graphkb.model import ROLES, User

from .db import get_store

if TYPE_CHECKING:
    from limits.storage import Storage
    from limits.strategies import RateLimiter

__all__ = [
    "init_app",
    "require_role",
    "has_role",
    "author",
    "WebUser",
    "csrf",
    "limiter",
    "ROLE_RANK",
    "ROLE_LABELS",
    "NotLoggedIn",
]

ROLE_LABELS = {"reader": _l("Reader"), "editor": _l("Editor"), "admin": _l("Administrator")}
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES, start=1)}  # reader 1, editor 2, admin 3


class _PerAppLimiter(Limiter):
    """One Limiter for the decorators (views are defined once, at import), counting in each app's own storage.

    Flask-Limiter keeps one storage per Limiter object and replaces it in every ``init_app``: two
    apps in one process (the tests) would count each other's attempts.
    """

    _KEY = "graphkb_ratelimit"

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        app.extensions[self._KEY] = (self._storage, self._limiter)

    def _own(self) -> tuple[Storage, RateLimiter] | None:
        if not has_app_context() or self._storage_dead:  # dead: Flask-Limiter's in-memory fallback decides
            return None
        return current_app.extensions.get(self._KEY)

    @property
    def storage(self) -> Storage:
        own = self._own()
        return own[0] if own else super().storage

    @property
    def limiter(self) -> RateLimiter:
        own = self._own()
        return own[1] if own else super().limiter


csrf = CSRFProtect()
# No storage_uri here: it would override RATELIMIT_STORAGE_URI. Memory storage counts per worker
# process; GRAPHKB_RATELIMIT_STORAGE (e.g. redis://) shares the counts between workers.
limiter = _PerAppLimiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()

# Pages an anonymous visitor may open when reading needs an account.
_OPEN_ENDPOINTS = {"static", "account.login", "account.logout", "account.register", "wiki.type_css"}


class WebUser(UserMixin):
    """The logged-in account, as Flask-Login sees it."""

    def __init__(self, user: User):
        self.user = user
        self.name = user.name
        self.role = user.role

    def get_id(self) -> str:
        # The hash's tail in the session id: a password change ends every other session.
        return f"{self.user.name}\x1f{self.user.password_hash[-16:]}"

    @property
    def is_active(self) -> bool:
        return not self.user.disabled


class Anonymous(AnonymousUserMixin):
    name = ""
    role = ""


class NotLoggedIn(Forbidden):
    """Raised for an anonymous visitor on a page that needs an account: 401 (JSON) or a log-in redirect."""

    code = "login_required"


def _load_user(session_id: str) -> WebUser | None:
    name, _, tail = session_id.partition("\x1f")
    try:
        user = get_store().get_user(name)
    except NotFound:
        return None
    if user.disabled or user.password_hash[-16:] != tail:
        return None
    return WebUser(user)


def has_role(role: str) -> bool:
    """Whether the current visitor holds ``role`` or a higher one."""
    if not current_user.is_authenticated:
        return False
    return ROLE_RANK.get(current_user.role, 0) >= ROLE_RANK[role]


def require_role(role: str) -> Callable:
    """Decorator for views: anonymous → log in (401 for JSON), too low a role → 403."""
    if role not in ROLE_RANK:
        raise ValueError(f"unknown role {role!r}")

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                raise NotLoggedIn("log in to do this")
            if not has_role(role):
                raise Forbidden(f"this needs the role {role}; you are {current_user.role}")
            return view(*args, **kwargs)

        wrapped.required_role = role  # type: ignore[attr-defined]  # read by the role-matrix test
        return wrapped

    return decorate


def author() -> str:
    """The name every revision written by this request records."""
    if not current_user.is_authenticated:
        raise NotLoggedIn("log in to do this")
    return current_user.name


def _reading_gate() -> Any:
    if current_app.config["GRAPHKB_PUBLIC_READ"] or current_user.is_authenticated:
        return None
    if request.endpoint in _OPEN_ENDPOINTS or request.endpoint is None:
        return None
    raise NotLoggedIn("reading this wiki needs an account")


def _csrf_error(exc: CSRFError):
    from .errors import respond

    return respond(400, {"error": "csrf_failed", "message": exc.description})


def login_redirect():
    return redirect(url_for("account.login", next=request.full_path if request.query_string else request.path))


def init_app(app: Flask) -> None:
    app.config.setdefault("GRAPHKB_PUBLIC_READ", True)
    app.config.setdefault("GRAPHKB_REGISTRATION", "invite")  # open | invite | closed
    app.config.setdefault("GRAPHKB_LOGIN_LIMIT", os.environ.get("GRAPHKB_LOGIN_LIMIT") or "10 per minute;50 per hour")
    # role of openly registered accounts, and how long an invitation link works
    app.config.setdefault("GRAPHKB_REGISTRATION_ROLE", os.environ.get("GRAPHKB_REGISTRATION_ROLE") or "reader")
    app.config.setdefault("GRAPHKB_INVITE_DAYS", int(os.environ.get("GRAPHKB_INVITE_DAYS") or 14))
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    if app.config["GRAPHKB_REGISTRATION_ROLE"] not in ROLE_RANK:
        raise ValueError(f"GRAPHKB_REGISTRATION_ROLE must be one of {', '.join(ROLE_RANK)}")
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.anonymous_user = Anonymous
    login_manager.session_protection = "basic"
    app.before_request(_reading_gate)
    app.register_error_handler(CSRFError, _csrf_error)

    @app.context_processor
    def _auth_globals() -> dict[str, Any]:
        return {
            "current_user": current_user,
            "has_role": has_role,
            "registration": app.config["GRAPHKB_REGISTRATION"],
            "role_name": lambda role: str(ROLE_LABELS.get(role, role)),
        }
