"""The record: history, revisions, diffs, revert, recent changes (and their Atom feed), delete and restore."""

from __future__ import annotations

from flask import Blueprint, abort

from ..auth import require_role

bp = Blueprint("history", __name__)


@bp.get("/entity/<entity_id>/history")
def history(entity_id: str):
    abort(501)


@bp.get("/entity/<entity_id>/revisions/<int:number>")
def revision(entity_id: str, number: int):
    abort(501)


@bp.get("/entity/<entity_id>/diff")
def diff(entity_id: str):
    abort(501)


@bp.route("/entity/<entity_id>/revert/<int:number>", methods=["GET", "POST"])
@require_role("editor")
def revert(entity_id: str, number: int):
    abort(501)


@bp.get("/recent")
def recent():
    abort(501)


@bp.get("/recent.atom")
def atom():
    abort(501)


@bp.route("/entity/<entity_id>/delete", methods=["GET", "POST"])
@require_role("admin")
def delete(entity_id: str):
    abort(501)


@bp.route("/entity/<entity_id>/restore", methods=["GET", "POST"])
@require_role("admin")
def restore(entity_id: str):
    abort(501)
