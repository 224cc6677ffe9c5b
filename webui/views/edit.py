"""Writing: create and edit entities, add, edit and remove statements, Markdown preview, conflicts.

The statement views are in :mod:`webui.views.statements`, what both share in :mod:`webui.views.writing`;
all of them are routes of this module's blueprint ``edit``.

Every write names the revision its form was loaded at (``base_revision``). When the store says
the entity moved on (EditConflict), the form comes back with status 409: what the others changed,
and a three-way merge of the user's values with theirs, field by field (statements by id; see
:mod:`webui.conflicts`). Fields both sides changed differently keep the user's value and offer
theirs ("take_theirs").
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from graphkb.errors import EditConflict, ValidationError
from graphkb.model import Entity, EntitySummary, pick
from graphkb.schema import EntityType
from graphkb.text import LANGS, fold

from ..auth import author, require_role
from ..conflicts import ConflictView, Versions, conflict_view, merge
from ..db import get_store
from ..forms import EntityForm, apply_entity_values, clean, entity_error, entity_form, entity_values, fill_ref_texts
from ..i18n import ui_lang
from ..params import text_arg, type_arg
from ..present import body_html
from . import statements
from .writing import SUMMARY_MAX, base_of, editable, live_versions, my_values, rebase, snapshot_at

bp = Blueprint("edit", __name__)

SIMILAR_MAX = 10


# -- entities --------------------------------------------------------------------------------------------------


def _render_entity(
    form: EntityForm,
    *,
    entity: Entity | None = None,
    status: int = 200,
    preview: Any = None,
    similar: list[EntitySummary] | None = None,
    conflict: ConflictView | None = None,
    errors: list[str] | None = None,
) -> tuple[str, int]:
    fill_ref_texts(form, ui_lang())
    html = render_template(
        "edit/entity_form.html",
        form=form,
        etype=form.etype,
        entity=entity,
        preview=preview,
        similar=similar,
        conflict=conflict,
        errors=errors or [],
        langs=LANGS,
    )
    return html, status


def _preview(form: EntityForm) -> Any:
    return body_html(get_store(), clean(form.body.data or ""), ui_lang())


def _confirm_key(values: dict[str, Any]) -> str:
    return "|".join(fold(values[f"label_{lang}"]) for lang in LANGS)


def _similar(entity_type: str, values: dict[str, Any]) -> list[EntitySummary]:
    """Live entities whose labels are like the new one's, those of the same type first."""
    store = get_store()
    found: dict[str, EntitySummary] = {}
    for lang in LANGS:
        if values[f"label_{lang}"]:
            for summary in store.search(values[f"label_{lang}"][:200], limit=SIMILAR_MAX):
                found.setdefault(summary.id, summary)
    return sorted(found.values(), key=lambda s: s.type != entity_type)[:SIMILAR_MAX]


@bp.route("/create", methods=["GET", "POST"])
@require_role("editor")
def create():
    store, lang = get_store(), ui_lang()
    ontology = store.ontology
    type_name = type_arg(request.args, ontology)
    label = text_arg(request.args, "label", max_length=ontology.limit("label"))
    if type_name is None:
        types = [
            {"name": name, "label": pick(et.labels, lang), "description": pick(et.description, lang)}
            for name, et in ontology.entity_types.items()
        ]
        return render_template("edit/choose_type.html", types=types, label=label)
    etype = ontology.entity_types[type_name]
    if request.method == "GET":
        return _render_entity(entity_form(ontology, etype, lang, entity_values({"labels": {"de": label}}, etype)))
    form = entity_form(ontology, etype, lang)
    if form.preview.data:
        return _render_entity(form, preview=_preview(form))
    if not form.validate():
        return _render_entity(form, status=422)
    values = form.values()
    if form.confirm.data != _confirm_key(values):
        similar = _similar(type_name, values)
        if similar:
            form.confirm.data = _confirm_key(values)
            return _render_entity(form, similar=similar)
    try:
        revision = store.create(
            apply_entity_values(Entity(type=type_name), values), author=author(), summary=form.summary.data or ""
        )
    except ValidationError as exc:
        errors: list[str] = []
        entity_error(form, exc, errors)
        return _render_entity(form, status=422, errors=errors)
    flash(_("Created “%(label)s”.", label=values["label_de"]), "success")
    return redirect(url_for("wiki.entity", entity_id=revision.entity_id))


def _edit_summary(before: dict[str, Any], after: dict[str, Any]) -> str:
    """A summary naming the changed fields (stored, so in one language for everyone: English)."""
    changed = [re.sub(r"_(de|en)$", r" (\1)", k.removeprefix("props.")) for k in after if after[k] != before.get(k)]
    return f"Edited: {', '.join(changed)}"[:SUMMARY_MAX]


@bp.route("/entity/<entity_id>/edit", methods=["GET", "POST"])
@require_role("editor")
def edit(entity_id: str):
    store, lang = get_store(), ui_lang()
    entity = editable(entity_id)
    etype = store.ontology.entity_type(entity.type)
    if request.method == "GET":
        form = entity_form(store.ontology, etype, lang, entity_values(entity.to_dict(), etype))
        form.base_revision.data = str(entity.revision)
        return _render_entity(form, entity=entity)
    form = entity_form(store.ontology, etype, lang)
    base = base_of(form, entity)
    if form.preview.data:
        return _render_entity(form, entity=entity, preview=_preview(form))
    if not form.validate():
        return _render_entity(form, entity=entity, status=422)
    base_snapshot = snapshot_at(entity, base)
    before = entity_values(base_snapshot, etype)
    mine = my_values(form, before)
    if mine in (before, entity_values(entity.to_dict(), etype)):
        flash(_("Nothing changed, so no new revision was saved."), "info")
        return redirect(url_for("wiki.entity", entity_id=entity.id))
    summary = (form.summary.data or "").strip() or _edit_summary(before, mine)
    try:
        store.update(apply_entity_values(entity.copy(), mine), base_revision=base, author=author(), summary=summary)
    except EditConflict as exc:
        return _entity_conflict(form, entity, etype, live_versions(exc, base, base_snapshot), mine)
    except ValidationError as exc:
        errors: list[str] = []
        entity_error(form, exc, errors)
        return _render_entity(form, entity=entity, status=422, errors=errors)
    flash(_("Saved “%(label)s”.", label=mine["label_de"]), "success")
    return redirect(url_for("wiki.entity", entity_id=entity.id))


def _entity_conflict(
    form: EntityForm, entity: Entity, etype: EntityType, sides: Versions, mine: dict[str, Any]
) -> tuple[str, int]:
    store, lang = get_store(), ui_lang()
    theirs = entity_values(sides.theirs, etype)
    merged, conflicts = merge(entity_values(sides.base_snapshot, etype), theirs, mine)
    fresh = entity_form(store.ontology, etype, lang, merged)
    rebase(fresh, form, sides)
    view = conflict_view(store, etype, sides, lang, theirs=theirs, conflicts=conflicts, specs=etype.properties)
    return _render_entity(fresh, entity=entity, status=409, conflict=view)


# -- statements -----------------------------------------------------------------------------------------------

# The statement views live in their own module; their endpoints stay edit.statement_add and so on.
bp.add_url_rule(
    "/entity/<entity_id>/statements/new", "statement_add", statements.statement_add, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/entity/<entity_id>/statements/<statement_id>/edit",
    "statement_edit",
    statements.statement_edit,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/entity/<entity_id>/statements/<statement_id>/remove",
    "statement_remove",
    statements.statement_remove,
    methods=["POST"],
)


# -- preview --------------------------------------------------------------------------------------------------


@bp.post("/preview")
@require_role("editor")
def preview():
    """The Markdown body as the entity page will show it, sanitised: ``{"html": …}``."""
    body = clean(request.form.get("body", ""))
    limit = get_store().ontology.limit("body")
    if len(body) > limit:
        message = _("longer than %(num)d characters", num=limit)
        return jsonify({"error": "validation_error", "message": message, "field": "body"}), 422
    return jsonify({"html": str(body_html(get_store(), body, ui_lang()))})
