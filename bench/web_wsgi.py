"""The web app as ``graphkb serve`` builds it, plus a trivial route, for bench/bench_web.py.

The trivial route lives on the same app object, so it passes the same hooks (reading gate,
security headers, locale) and the same gunicorn server as the entity page: the difference
between the two is what the page itself costs.

    gunicorn --workers 2 --pythonpath bench 'web_wsgi:bench_app()'

The store comes from GRAPHKB_STORE, as for ``graphkb serve``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from webui import create_app

TRIVIAL_PATH = "/_bench/trivial"


def _trivial() -> str:
    return "ok"


def bench_app(config: dict[str, Any] | None = None) -> Flask:
    """``create_app(config)`` with the trivial route added before it serves anything."""
    app = create_app(config)
    app.add_url_rule(TRIVIAL_PATH, "bench_trivial", _trivial)
    return app
