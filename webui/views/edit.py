"""Writing: create and edit entities, add, edit and remove statements, Markdown preview, conflicts."""

from __future__ import annotations

from flask import Blueprint, abort

from ..auth import require_role

bp = Blueprint("edit", __name__)


@bp.route("/create", methods=["GET", "POST"])
@require_role("editor")
def create():
    abort(501)


@bp.route("/entity/<entity_id>/edit", methods=["GET", "POST"])
@require_role("editor")
def edit(entity_id: str):
    abort(501)


@bp.route("/entity/<entity_id>/statements/new", methods=["GET", "POST"])
@require_role("editor")
def statement_add(entity_id: str):
    abort(501)


@bp.route("/entity/<entity_id>/statements/<statement_id>/edit", methods=["GET", "POST"])
@require_role("editor")
def statement_edit(entity_id: str, statement_id: str):
    abort(501)


@bp.post("/entity/<entity_id>/statements/<statement_id>/remove")
@require_role("editor")
def statement_remove(entity_id: str, statement_id: str):
    abort(501)


@bp.post("/preview")
@require_role("editor")
def preview():
    abort(501)
