"""The read-only query console (Cypher) and the structured query builder for researchers."""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("query", __name__)


@bp.get("/query")
def console():
    abort(404)  # built in issue 5


@bp.get("/query/builder")
def builder():
    abort(404)
