"""The graphkb web app: ``create_app(config)`` builds it; nothing connects at import.

The store named by ``GRAPHKB_STORE`` is opened on first use (:func:`get_store`) and closed
when the app object goes away or the process ends (``app.extensions["graphkb_store"].close()``
closes it at once).
"""

from __future__ import annotations

import functools
import os
import secrets
from typing import Any

from flask import Flask

from graphkb.config import store_url

from . import auth, db, errors, fragments, i18n, links, page_cache, security
from .db import get_store

__all__ = ["create_app", "get_store"]


@functools.cache
def _process_secret() -> str:
    # Without GRAPHKB_SECRET_KEY every process makes its own: sessions do not outlive a restart.
    return secrets.token_hex(32)


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides the defaults (``GRAPHKB_STORE``, ``GRAPHKB_PAGE_SIZE``, ...)."""
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("GRAPHKB_SECRET_KEY") or _process_secret(),
        GRAPHKB_STORE=None,
        GRAPHKB_PAGE_SIZE=50,
        GRAPHKB_RECENT=15,
        MAX_CONTENT_LENGTH=1024 * 1024,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=_flag("GRAPHKB_SECURE_COOKIES", False),
        REMEMBER_COOKIE_SECURE=_flag("GRAPHKB_SECURE_COOKIES", False),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        GRAPHKB_PUBLIC_READ=_flag("GRAPHKB_PUBLIC_READ", True),
        GRAPHKB_REGISTRATION=os.environ.get("GRAPHKB_REGISTRATION", "invite"),
        RATELIMIT_STORAGE_URI=os.environ.get("GRAPHKB_RATELIMIT_STORAGE", "memory://"),
        GRAPHKB_PAGE_CACHE=int(os.environ.get("GRAPHKB_PAGE_CACHE") or 2000),  # pages per process; 0: off
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session: long edits must not fail
    )
    if config:
        app.config.update(config)
    app.config["GRAPHKB_STORE"] = app.config["GRAPHKB_STORE"] or store_url()
    app.debug = False
    app.json.ensure_ascii = False  # umlauts readable in JSON
    app.json.sort_keys = False  # keep the ontology's order

    if app.config["GRAPHKB_REGISTRATION"] not in ("open", "invite", "closed"):
        raise ValueError("GRAPHKB_REGISTRATION must be open, invite or closed")

    proxies = int(app.config.get("GRAPHKB_PROXIES") or os.environ.get("GRAPHKB_PROXIES") or 0)
    if proxies:
        # Behind a reverse proxy: the client's address (rate limits) and scheme come from its headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]

    db.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    auth.init_app(app)
    links.init_app(app)
    fragments.init_app(app)
    page_cache.init_app(app)

    from .views import account, api, edit, explore, history, query, wiki

    for blueprint in (wiki.bp, api.bp, account.bp, edit.bp, history.bp, explore.bp, query.bp):
        app.register_blueprint(blueprint)
    security.init_app(app)
    return app
