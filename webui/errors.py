"""The web edge: graphkb's errors and HTTP errors become HTML pages for browsers, JSON for the API."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from graphkb.errors import Conflict, Forbidden, GraphKBError, NotFound, StoreUnavailable, ValidationError

__all__ = ["init_app", "wants_json", "respond", "STATUS"]

log = logging.getLogger(__name__)

STATUS: dict[type[GraphKBError], int] = {
    NotFound: 404,
    ValidationError: 400,
    Conflict: 409,
    Forbidden: 403,
    StoreUnavailable: 503,
}


def status_of(exc: GraphKBError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def wants_json() -> bool:
    if request.path == "/api" or request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def respond(status: int, payload: dict[str, Any]) -> Response:
    payload.setdefault("field", None)
    if wants_json():
        response = jsonify(payload)
    else:
        try:
            response = Response(render_template("error.html", status=status, error=payload), mimetype="text/html")
        except Exception:  # noqa: BLE001 - the error page itself failed; still answer plainly
            log.exception("error page failed")
            response = Response(f"{status} {payload.get('error')}", mimetype="text/plain")
    response.status_code = status
    return response


def _graphkb_error(exc: GraphKBError) -> Response:
    from .auth import NotLoggedIn, login_redirect

    if isinstance(exc, NotLoggedIn):
        if not wants_json():
            return login_redirect()
        response = respond(401, exc.to_dict())
        response.headers["WWW-Authenticate"] = 'Session realm="graphkb"'
        return response
    return respond(status_of(exc), exc.to_dict())


def _http_error(exc: HTTPException) -> Response:
    code = exc.code or 500
    name = (exc.name or "error").lower().replace(" ", "_")
    response = respond(code, {"error": name, "message": exc.description or exc.name})
    if code == 405 and exc.response is None:
        response.headers["Allow"] = ", ".join(getattr(exc, "valid_methods", None) or ["GET", "HEAD"])
    return response


def _unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    log.exception("unexpected error on %s", request.path)
    return _http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(GraphKBError, _graphkb_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
