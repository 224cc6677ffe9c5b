"""The web's use of :mod:`graphkb.jobs`: heavy pages (analytics, the evidence map) and their JSON
computed in the background, so a request never runs for tens of seconds.

A view names its question (``key``) and gives a computation (run in the app's context, in a
worker thread, on the projection); :func:`ask` answers within ``GRAPHKB_COMPUTE_WAIT`` seconds
(default 1.5) with the result, a stale one (an older graph version's: the page says so), or
"computing": the page then shows a progress sign and reloads itself (``<meta refresh>``, no
script), JSON answers 202 with ``Retry-After``. A computation that failed answers 503 with its
reason once, and is computed again on the next request.

``GRAPHKB_COMPUTE_WORKERS`` (default 1) threads per process compute: CPU is what these pages need.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from datetime import timedelta
from typing import Any

from flask import Flask, Response, current_app, jsonify
from flask_babel import format_timedelta

from graphkb.jobs import Answer, Jobs

from .db import get_store

__all__ = [
    "jobs",
    "ask",
    "pending_json",
    "mark_json",
    "job_context",
    "RETRY_AFTER",
    "COMPUTING_SCHEMA",
    "COMPUTING_RESPONSES",
]

EXTENSION = "graphkb_jobs"
RETRY_AFTER = 3
"""Seconds after which a page being computed reloads itself and a client should ask again."""

COMPUTING_SCHEMA = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["computing"]},
        "graph_version": {"type": "integer"},
        "retry_after": {"type": "integer"},
    },
    "required": ["status"],
}
COMPUTING_RESPONSES: dict[int, Any] = {
    202: ("Being computed in the background: ask again after Retry-After seconds", COMPUTING_SCHEMA),
    503: (
        "The computation failed (`message` says why); the next request computes again",
        {"$ref": "#/components/schemas/Error"},
    ),
}
"""The answers of a route computed in the background, besides 200 (for the OpenAPI document)."""


def _setting(app: Flask, name: str, default: float) -> float:
    raw = app.config.get(name)
    if raw is None:
        raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


def jobs(app: Flask | None = None) -> Jobs:
    """The app's background computations (one pool per app and process)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(EXTENSION)
    if found is None:
        workers = max(1, int(_setting(app, "GRAPHKB_COMPUTE_WORKERS", 1)))
        found = app.extensions.setdefault(
            EXTENSION, Jobs(workers=workers, wait=_setting(app, "GRAPHKB_COMPUTE_WAIT", 1.5))
        )
    return found


def ask(key: Hashable, compute: Callable[[], Any]) -> Answer:
    """``compute()`` for the store's current graph version, within the app's waiting budget.

    ``compute`` runs in a worker thread inside the app's context (``get_store()`` works there, the
    request does not); it raises graphkb errors for bad input, which :meth:`Answer.result` raises
    again in the request.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = get_store()

    def in_app() -> Any:
        with app.app_context():
            return compute()

    return jobs(app).ask(store, key, store.graph_version(), in_app)


def pending_json(answer: Answer) -> Response | None:
    """202 while computing, 503 when the computation failed; None when there is a value."""
    if answer.state == "computing":
        response = jsonify({"status": "computing", "graph_version": answer.wanted, "retry_after": RETRY_AFTER})
        response.status_code = 202
    elif answer.state == "failed":
        response = jsonify(
            {"error": "computation_failed", "message": f"computing failed: {answer.error}", "field": None}
        )
        response.status_code = 503
    else:
        return None
    response.headers["Retry-After"] = str(RETRY_AFTER)
    response.headers["Cache-Control"] = "no-store"
    return response


def mark_json(response: Response, answer: Answer) -> Response:
    """Say which graph version a JSON answer is for; a stale one says so (``X-Graph-Stale``)."""
    response.headers["X-Graph-Version"] = str(answer.version)
    if answer.state == "stale":
        response.headers["X-Graph-Stale"] = "true"
        response.headers["Retry-After"] = str(RETRY_AFTER)
        response.headers["Cache-Control"] = "no-store"
    return response


def job_context(answer: Answer) -> dict[str, Any]:
    """What the notices of explore/_job.html show: state, versions, the result's age, the error."""
    age = answer.age_s
    return {
        "state": answer.state,
        "version": answer.version,
        "wanted": answer.wanted,
        "age": format_timedelta(timedelta(seconds=age), threshold=1.0) if age is not None else None,
        "error": answer.error,
        "refresh": RETRY_AFTER,
    }
