"""Exploring the graph: the pyvis explorer, the practice → outcome evidence map, analytics."""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("explore", __name__)


@bp.get("/explore")
def explorer():
    abort(404)  # built in issue 5


@bp.get("/evidence")
def evidence():
    abort(404)


@bp.get("/analytics")
def analytics():
    abort(404)
