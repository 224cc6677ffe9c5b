"""Writing: create and edit entities, add, edit and remove statements, Markdown preview, conflicts.

Every write names the revision its form was loaded at (``base_revision``). When the store says
the entity moved on (EditConflict), the form comes back with status 409: what the others changed,
and a three-way merge of the user's values with theirs, field by field (statements by id).
Fields both sides changed differently keep the user's value and offer theirs ("take_theirs").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from graphkb.errors import Conflict, EditConflict, NotFound, ValidationError
from graphkb.model import Entity, EntitySummary, Revision, pick
from graphkb.revisions import diff_snapshots
from graphkb.schema import EntityType, PropertySpec
from graphkb.text import LANGS, fold

from ..auth import author, require_role
from ..db import get_store
from ..forms import (
    LANG_NAMES,
    EntityForm,
    StatementForm,
    apply_entity_values,
    clean,
    entity_form,
    entity_values,
    fill_ref_texts,
    remove_form,
    statement_form,
    statement_from_values,
    statement_values,
)
from ..i18n import ui_lang, value_label
from ..params import canonical_id, text_arg, type_arg
from ..present import body_html

bp = Blueprint("edit", __name__)

SUMMARY_MAX = 500
SIMILAR_MAX = 10


# -- loading --------------------------------------------------------------------------------------------


def _editable(entity_id: str) -> Entity:
    """The live entity behind a URL segment; a deleted one cannot be edited (409 with the reason)."""
    canonical = canonical_id(entity_id)
    if canonical is None:
        raise NotFound(f"no entity {entity_id[:100]!r}")
    entity = get_store().get(canonical)
    if entity.deleted:
        raise Conflict(
            _(
                "“%(label)s” has been deleted and cannot be edited. An administrator can restore it.",
                label=entity.label(),
            )
        )
    return entity


def _base_of(form: Any, entity: Entity) -> int:
    base = form.base()
    if base is None or not 1 <= base <= entity.revision:
        raise ValidationError(
            _("the form does not say which revision it was loaded at; reload the page"), "base_revision"
        )
    return base


def _snapshot(entity: Entity, number: int) -> dict[str, Any]:
    if number == entity.revision:
        return entity.to_dict()
    return get_store().revision(entity.id or "", number).snapshot or {}


def _their_snapshot(exc: EditConflict) -> tuple[Revision, dict[str, Any]]:
    current: Revision = exc.current
    if current.snapshot is None:
        current = get_store().revision(exc.entity_id, current.number)
    return current, current.snapshot or {}


def _find(statements: list[dict[str, Any]], statement_id: str | None) -> dict[str, Any] | None:
    return next((s for s in statements if s.get("id") == statement_id), None) if statement_id else None


# -- merging ------------------------------------------------------------------------------------------------


def merge(base: dict[str, Any], theirs: dict[str, Any], mine: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Three-way merge of flat values: whoever changed a field wins; both, differently, is a conflict.

    >>> merge({"a": 1, "b": 1, "c": 1}, {"a": 2, "b": 1, "c": 3}, {"a": 1, "b": 2, "c": 4})
    ({'a': 2, 'b': 2, 'c': 4}, ['c'])
    """
    merged: dict[str, Any] = {}
    conflicts: list[str] = []
    for key in [*mine, *(k for k in theirs if k not in mine)]:
        ours, other, before = mine.get(key), theirs.get(key), base.get(key)
        if ours == other or other == before:
            merged[key] = ours
        elif ours == before:
            merged[key] = other
        else:
            merged[key] = ours
            conflicts.append(key)
    return merged, conflicts


def _take_theirs(form: Any, mine: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """The user's values with the fields they chose to take from the other version."""
    for key in form.take_theirs.data or []:
        if key in theirs and key in mine:
            mine[key] = theirs[key]
    return mine


@dataclass
class ConflictView:
    """What the conflict part of a form shows."""

    base: int
    current: Revision
    revisions: list[Revision]
    fields: list[dict[str, Any]]
    body: list[str]
    statements: list[dict[str, Any]]
    theirs: dict[str, str] = field(default_factory=dict)  # conflicting key -> their value, shown
    removed: bool = False  # the statement being edited was removed by the other side


class _Describer:
    """Values as people read them: labels for ids, enum values and relation types."""

    def __init__(self, snapshots: list[dict[str, Any]], lang: str):
        self.store, self.lang = get_store(), lang
        self.ontology = self.store.ontology
        ids: set[str] = set()
        for snap in snapshots:
            for st in snap.get("statements") or []:
                ids.add(st.get("target", ""))
                ids.update(c.get("source", "") for c in st.get("citations") or [])
                ids.update(str(v) for v in (st.get("qualifiers") or {}).values() if isinstance(v, str))
            ids.update(str(v) for v in (snap.get("properties") or {}).values() if isinstance(v, str))
        self.summaries: dict[str, EntitySummary] = self.store.get_many(sorted(i for i in ids if i))

    def entity(self, entity_id: str) -> str:
        summary = self.summaries.get(entity_id)
        return summary.label(self.lang) if summary else entity_id

    def relation(self, name: str) -> str:
        rtype = self.ontology.relation_types.get(name)
        return pick(rtype.labels, self.lang) if rtype else name

    def value(self, spec: PropertySpec | None, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        if spec is not None and spec.type == "ref":
            return self.entity(str(value))
        if spec is not None and spec.type == "enum":
            return value_label(str(value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    def citations(self, citations: list[dict[str, Any]]) -> str:
        parts = [
            f"{self.entity(c.get('source', ''))}: „{c.get('quote', '')}“"
            + (f" ({c['locator']})" if c.get("locator") else "")
            for c in citations
        ]
        return "; ".join(parts) or "—"

    def statement(self, st: dict[str, Any]) -> str:
        return f"{self.relation(st.get('type', ''))} → {self.entity(st.get('target', ''))}"

    def field(self, key: str, value: Any, specs: dict[str, PropertySpec]) -> str:
        """A form value (``props.kind``, ``q.place``, ``target``, ``citations`` …) as text."""
        if key == "relation":
            return self.relation(value)
        if key == "target":
            return self.entity(value)
        if key == "citations":
            return self.citations(value)
        return self.value(specs.get(key.partition(".")[2]), value)


_DIFF_KEYS = {"labels": "label_", "aliases": "aliases_", "descriptions": "description_"}


def _diff_key(key: str) -> str:
    """A diff_snapshots field name as a form value key (``labels.de`` → ``label_de``)."""
    head, _sep, rest = key.partition(".")
    if head in _DIFF_KEYS and rest in LANGS:
        return _DIFF_KEYS[head] + rest
    return f"props.{rest}" if head == "properties" else key


def _conflict_view(
    entity: Entity,
    etype: EntityType,
    base: int,
    base_snapshot: dict[str, Any],
    current: Revision,
    theirs_snapshot: dict[str, Any],
    theirs: dict[str, str],
) -> ConflictView:
    store, lang = get_store(), ui_lang()
    describe = _Describer([base_snapshot, theirs_snapshot], lang)
    diff = diff_snapshots(base_snapshot, theirs_snapshot)
    fields = []
    for change in diff["fields"]:
        key = _diff_key(change["field"])
        spec = etype.properties.get(key[6:]) if key.startswith("props.") else None
        label = _entity_key_label(etype, key, lang)
        fields.append(
            {"label": label, "old": describe.value(spec, change["old"]), "new": describe.value(spec, change["new"])}
        )
    statements = [
        *({"kind": "added", "text": describe.statement(s)} for s in diff["statements"]["added"]),
        *({"kind": "removed", "text": describe.statement(s)} for s in diff["statements"]["removed"]),
        *({"kind": "changed", "text": describe.statement(c["new"])} for c in diff["statements"]["changed"]),
    ]
    revisions = [r for r in store.history(entity.id or "", limit=100) if r.number > base]
    return ConflictView(base, current, revisions, fields, diff["body"], statements, theirs)


def _entity_key_label(etype: EntityType, key: str, lang: str) -> str:
    """The label of an entity field for the list of changes (``label_de`` → "Label (German)")."""
    prefix, _sep, code = key.rpartition("_")
    if code in LANG_NAMES and prefix in ("label", "aliases", "description"):
        name = LANG_NAMES[code]
        if prefix == "label":
            return _("Label (%(lang)s)", lang=name)
        if prefix == "aliases":
            return _("Other names (%(lang)s)", lang=name)
        return _("Short description (%(lang)s)", lang=name)
    if key.startswith("props.") and key[6:] in etype.properties:
        return pick(etype.properties[key[6:]].labels, lang)
    return {"body": _("Text"), "deleted": _("Deleted"), "deleted_reason": _("Reason for deletion")}.get(key, key)


# -- form errors from the store -------------------------------------------------------------------------------


def _add_error(target: Any, message: str) -> None:
    target.errors = [*target.errors, message]


def _entity_error(form: EntityForm, exc: ValidationError, errors: list[str]) -> None:
    """Put the store's complaint next to the field it names (``properties.districts``, ``labels.de``)."""
    target = form.field_for(_diff_key(exc.field or ""))
    if target is None:
        errors.append(str(exc))
    else:
        _add_error(target, exc.reason)


_STATEMENT_FIELD = re.compile(r"statements\[(\d+)\]\.(\w+)(?:\[(\d+)\])?(?:\.(\w+))?")


def _statement_error(form: StatementForm, exc: ValidationError, index: int, rows: list[int], errors: list[str]) -> None:
    """Map ``statements[2].qualifiers.since`` and the like to the statement form's fields."""
    match = _STATEMENT_FIELD.fullmatch(exc.field or "")
    target = None
    if match and int(match[1]) == index:
        part, j, sub = match[2], match[3], match[4]
        if part in ("type", "target"):
            target = form.relation if part == "type" else form.target
        elif part == "qualifiers" and sub:
            target = form.q.form._fields.get(sub)
        elif part == "citations" and j is not None and int(j) < len(rows):
            row = form.citations.entries[rows[int(j)]].form
            target = row._fields.get(sub or "source")
    elif exc.field == "summary":
        target = form.summary
    if target is None:
        errors.append(str(exc))
    else:
        _add_error(target, exc.reason)


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
        return _render_entity(form, preview=body_html(get_store(), clean(form.body.data or ""), ui_lang()))
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
        _entity_error(form, exc, errors)
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
    entity = _editable(entity_id)
    etype = store.ontology.entity_type(entity.type)
    if request.method == "GET":
        form = entity_form(store.ontology, etype, lang, entity_values(entity.to_dict(), etype))
        form.base_revision.data = str(entity.revision)
        return _render_entity(form, entity=entity)
    form = entity_form(store.ontology, etype, lang)
    base = _base_of(form, entity)
    if form.preview.data:
        return _render_entity(
            form, entity=entity, preview=body_html(get_store(), clean(form.body.data or ""), ui_lang())
        )
    if not form.validate():
        return _render_entity(form, entity=entity, status=422)
    base_snapshot = _snapshot(entity, base)
    before = entity_values(base_snapshot, etype)
    mine = _take_theirs(form, form.values(before), before)
    if mine in (before, entity_values(entity.to_dict(), etype)):
        flash(_("Nothing changed, so no new revision was saved."), "info")
        return redirect(url_for("wiki.entity", entity_id=entity.id))
    summary = (form.summary.data or "").strip() or _edit_summary(before, mine)
    try:
        store.update(apply_entity_values(entity.copy(), mine), base_revision=base, author=author(), summary=summary)
    except EditConflict as exc:
        return _entity_conflict(form, entity, etype, base, base_snapshot, mine, exc)
    except ValidationError as exc:
        errors: list[str] = []
        _entity_error(form, exc, errors)
        return _render_entity(form, entity=entity, status=422, errors=errors)
    flash(_("Saved “%(label)s”.", label=mine["label_de"]), "success")
    return redirect(url_for("wiki.entity", entity_id=entity.id))


def _entity_conflict(
    form: EntityForm,
    entity: Entity,
    etype: EntityType,
    base: int,
    base_snapshot: dict[str, Any],
    mine: dict[str, Any],
    exc: EditConflict,
) -> tuple[str, int]:
    current, theirs_snapshot = _their_snapshot(exc)
    if theirs_snapshot.get("deleted"):
        raise Conflict(_("Someone deleted this entity while you were editing it; your changes were not saved."))
    theirs = entity_values(theirs_snapshot, etype)
    merged, conflicts = merge(entity_values(base_snapshot, etype), theirs, mine)
    fresh = entity_form(get_store().ontology, etype, ui_lang(), merged)
    fresh.summary.data = form.summary.data
    fresh.base_revision.data = str(current.number)
    describe = _Describer([theirs_snapshot], ui_lang())
    shown = {key: describe.field(key, theirs[key], etype.properties) for key in conflicts}
    view = _conflict_view(entity, etype, base, base_snapshot, current, theirs_snapshot, shown)
    return _render_entity(fresh, entity=entity, status=409, conflict=view)


# -- statements ------------------------------------------------------------------------------------------------


def _render_statement(
    form: StatementForm,
    subject: Entity,
    *,
    statement_id: str | None = None,
    status: int = 200,
    conflict: ConflictView | None = None,
    errors: list[str] | None = None,
) -> tuple[str, int]:
    lang = ui_lang()
    fill_ref_texts(form, lang)
    applies = {
        name: [pick(form.relations[r].labels, lang) for r in relations] for name, relations in form.applies.items()
    }
    html = render_template(
        "edit/statement_form.html",
        form=form,
        subject=subject,
        statement_id=statement_id,
        applies=applies,
        conflict=conflict,
        errors=errors or [],
    )
    return html, status


def _statement_summary(action: str, values: dict[str, Any]) -> str:
    return f"Statement {action}: {values['relation']} → {values['target']}"[:SUMMARY_MAX]


@bp.route("/entity/<entity_id>/statements/new", methods=["GET", "POST"])
@require_role("editor")
def statement_add(entity_id: str):
    subject = _editable(entity_id)
    if request.method == "GET":
        form = statement_form(get_store().ontology, subject.type, ui_lang(), relation=request.args.get("relation"))
        form.base_revision.data = str(subject.revision)
        return _render_statement(form, subject)
    return _save_statement(subject, None)


@bp.route("/entity/<entity_id>/statements/<statement_id>/edit", methods=["GET", "POST"])
@require_role("editor")
def statement_edit(entity_id: str, statement_id: str):
    subject = _editable(entity_id)
    if request.method == "GET":
        found = _find(subject.to_dict()["statements"], statement_id)
        if found is None:
            raise NotFound(_("“%(label)s” has no statement %(id)s", label=subject.label(), id=statement_id[:100]))
        form = statement_form(get_store().ontology, subject.type, ui_lang(), statement_values(found))
        form.base_revision.data = str(subject.revision)
        return _render_statement(form, subject, statement_id=statement_id)
    return _save_statement(subject, statement_id)


def _create_sources(form: StatementForm, subject: Entity) -> bool:
    """Create the new sources of citation rows, each its own entity; the rows then point at them.

    A row whose source was created keeps it, so saving again after a failure does not create it twice.
    """
    store = get_store()
    for entry in form.citations.entries:
        row = entry.form
        title = (row.new_label.data or "").strip()
        if not title:
            continue
        properties = {"layer": row.new_layer.data}
        if (row.new_url.data or "").strip():
            properties["url"] = row.new_url.data.strip()
        source = Entity(type="Source", labels={"de": title}, properties=properties)
        try:
            revision = store.create(
                source, author=author(), summary=f"Created as a source for a statement of {subject.id}"
            )
        except ValidationError as exc:
            target = {"properties.url": row.new_url, "properties.layer": row.new_layer}.get(exc.field or "")
            _add_error(target or row.new_label, exc.reason)
            return False
        row.source.data, row.source.text = revision.entity_id, title
        row.new_label.data = row.new_url.data = row.new_layer.data = ""
    return True


def _save_statement(subject: Entity, statement_id: str | None) -> tuple[str, int] | Response:
    store, lang = get_store(), ui_lang()
    form = statement_form(store.ontology, subject.type, lang)
    base = _base_of(form, subject)
    if form.add_citation.data:
        if len(form.citations.entries) < (form.citations.max_entries or 0):
            form.citations.append_entry()
        else:
            _add_error(form.citations, _("at most %(num)d citations", num=form.citations.max_entries))
        return _render_statement(form, subject, statement_id=statement_id)
    if not form.validate():
        return _render_statement(form, subject, statement_id=statement_id, status=422)
    base_snapshot = _snapshot(subject, base)
    names = list(form.q.form._fields)
    base_statement = _find(base_snapshot.get("statements") or [], statement_id)
    if statement_id and base_statement is None and not form.readd.data:
        raise NotFound(_("“%(label)s” has no statement %(id)s", label=subject.label(), id=statement_id[:100]))
    before = statement_values(base_statement, names) if base_statement else {}
    if base_statement and _take_theirs(form, form.values(before), before) == before:
        flash(_("Nothing changed, so no new revision was saved."), "info")
        return redirect(url_for("wiki.entity", entity_id=subject.id, _anchor=statement_id))
    if not _create_sources(form, subject):
        return _render_statement(form, subject, statement_id=statement_id, status=422)
    mine = _take_theirs(form, form.values(before), before)
    keep_id = statement_id if base_statement else None
    updated = subject.copy()
    index = next((i for i, st in enumerate(updated.statements) if keep_id and st.id == keep_id), None)
    if index is None:
        index = len(updated.statements)
        updated.statements.append(statement_from_values(mine, None))
    else:
        updated.statements[index] = statement_from_values(mine, keep_id)
    summary = (form.summary.data or "").strip() or _statement_summary("edited" if keep_id else "added", mine)
    try:
        revision = store.update(updated, base_revision=base, author=author(), summary=summary)
    except EditConflict as exc:
        return _statement_conflict(form, subject, statement_id, base, base_snapshot, before, mine, exc)
    except ValidationError as exc:
        errors: list[str] = []
        _statement_error(form, exc, index, form.statement_rows(), errors)
        return _render_statement(form, subject, statement_id=statement_id, status=422, errors=errors)
    saved = (revision.snapshot or {}).get("statements") or []
    anchor = saved[index]["id"] if index < len(saved) else None
    flash(_("Statement saved."), "success")
    return redirect(url_for("wiki.entity", entity_id=subject.id, _anchor=anchor))


def _statement_conflict(
    form: StatementForm,
    subject: Entity,
    statement_id: str | None,
    base: int,
    base_snapshot: dict[str, Any],
    before: dict[str, Any],
    mine: dict[str, Any],
    exc: EditConflict,
) -> tuple[str, int]:
    store, lang = get_store(), ui_lang()
    current, theirs_snapshot = _their_snapshot(exc)
    if theirs_snapshot.get("deleted"):
        raise Conflict(_("Someone deleted this entity while you were editing it; your changes were not saved."))
    theirs_statement = _find(theirs_snapshot.get("statements") or [], statement_id)
    removed = bool(before) and theirs_statement is None
    theirs = statement_values(theirs_statement, list(form.q.form._fields)) if theirs_statement else {}
    merged, conflicts = merge(before, theirs, mine) if before and theirs else (mine, [])
    fresh = statement_form(store.ontology, subject.type, lang, merged)
    fresh.summary.data = form.summary.data
    fresh.base_revision.data = str(current.number)
    fresh.readd.data = "1" if removed else ""
    describe = _Describer([theirs_snapshot], lang)
    rtype = store.ontology.relation_types.get(theirs.get("relation", ""))
    shown = {key: describe.field(key, theirs[key], rtype.qualifiers if rtype else {}) for key in conflicts}
    etype = store.ontology.entity_type(subject.type)
    view = _conflict_view(subject, etype, base, base_snapshot, current, theirs_snapshot, shown)
    view.removed = removed
    return _render_statement(fresh, subject, statement_id=statement_id, status=409, conflict=view)


@bp.post("/entity/<entity_id>/statements/<statement_id>/remove")
@require_role("editor")
def statement_remove(entity_id: str, statement_id: str):
    store = get_store()
    subject = _editable(entity_id)
    form = remove_form(store.ontology)
    base = _base_of(form, subject)
    found = _find(subject.to_dict()["statements"], statement_id)
    if found is None:
        if _find(_snapshot(subject, base).get("statements") or [], statement_id) is None:
            raise NotFound(_("“%(label)s” has no statement %(id)s", label=subject.label(), id=statement_id[:100]))
        flash(_("Someone else removed this statement in the meantime."), "info")
        return redirect(url_for("wiki.entity", entity_id=subject.id))
    describe = _Describer([subject.to_dict()], ui_lang())

    def confirm_page(status: int = 200, conflict: ConflictView | None = None) -> tuple[str, int]:
        form.confirm.data = "1"
        html = render_template(
            "edit/statement_remove.html",
            form=form,
            subject=subject,
            statement=found,
            relation=describe.relation(found["type"]),
            target=describe.entity(found["target"]),
            citations=[(describe.entity(c["source"]), c["quote"], c["locator"]) for c in found["citations"]],
            conflict=conflict,
        )
        return html, status

    if not form.confirm.data:
        return confirm_page()
    if not form.validate():
        return confirm_page(422)
    updated = subject.copy()
    updated.statements = [st for st in updated.statements if st.id != statement_id]
    summary = (form.summary.data or "").strip() or _statement_summary(
        "removed", {"relation": found["type"], "target": found["target"]}
    )
    try:
        store.update(updated, base_revision=base, author=author(), summary=summary)
    except EditConflict as exc:
        current, theirs_snapshot = _their_snapshot(exc)
        etype = store.ontology.entity_type(subject.type)
        view = _conflict_view(subject, etype, base, _snapshot(subject, base), current, theirs_snapshot, {})
        form.base_revision.data = str(current.number)
        return confirm_page(409, view)
    flash(_("Statement removed."), "success")
    return redirect(url_for("wiki.entity", entity_id=subject.id))


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
