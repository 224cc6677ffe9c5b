"""Accounts: log in, log out, register (open or by invitation), user management (admins)."""

from __future__ import annotations

from flask import Blueprint, abort

from ..auth import require_role

bp = Blueprint("account", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    abort(501)


@bp.post("/logout")
def logout():
    abort(501)


@bp.route("/register", methods=["GET", "POST"])
def register():
    abort(501)


@bp.get("/users")
@require_role("admin")
def users():
    abort(501)


@bp.post("/users/<name>")
@require_role("admin")
def user_update(name: str):
    abort(501)


@bp.route("/invitations", methods=["GET", "POST"])
@require_role("admin")
def invite():
    abort(501)
