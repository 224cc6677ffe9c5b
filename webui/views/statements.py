"""Statements of an entity: add, edit and remove one, each a new revision of its subject.

The routes belong to the ``edit`` blueprint (their endpoints are ``edit.statement_add`` …), which
registers them in :mod:`webui.views.edit`. A conflict merges the statement by its id.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from graphkb.errors import EditConflict, ValidationError
from graphkb.model import Entity, pick

from ..auth import author, require_role
from ..conflicts import ConflictView, Versions, conflict_view, merge, versions
from ..db import get_store
from ..describe import Describer
from ..forms import (
    StatementForm,
    add_error,
    fill_ref_texts,
    remove_form,
    statement_error,
    statement_form,
    statement_from_values,
    statement_values,
)
from ..i18n import ui_lang
from .writing import (
    SUMMARY_MAX,
    base_of,
    editable,
    find_statement,
    live_versions,
    my_values,
    no_statement,
    rebase,
    snapshot_at,
)


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


@require_role("editor")
def statement_add(entity_id: str):
    subject = editable(entity_id)
    if request.method == "GET":
        form = statement_form(get_store().ontology, subject.type, ui_lang(), relation=request.args.get("relation"))
        form.base_revision.data = str(subject.revision)
        return _render_statement(form, subject)
    return _save_statement(subject, None)


@require_role("editor")
def statement_edit(entity_id: str, statement_id: str):
    subject = editable(entity_id)
    if request.method == "GET":
        found = find_statement(subject.to_dict()["statements"], statement_id)
        if found is None:
            raise no_statement(subject, statement_id)
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
            add_error(target or row.new_label, exc.reason)
            return False
        row.source.data, row.source.text = revision.entity_id, title
        row.new_label.data = row.new_url.data = row.new_layer.data = ""
    return True


def _save_statement(subject: Entity, statement_id: str | None) -> tuple[str, int] | Response:
    store, lang = get_store(), ui_lang()
    form = statement_form(store.ontology, subject.type, lang)
    base = base_of(form, subject)
    if form.add_citation.data:
        if len(form.citations.entries) < (form.citations.max_entries or 0):
            form.citations.append_entry()
        else:
            add_error(form.citations, _("at most %(num)d citations", num=form.citations.max_entries))
        return _render_statement(form, subject, statement_id=statement_id)
    if not form.validate():
        return _render_statement(form, subject, statement_id=statement_id, status=422)
    base_snapshot = snapshot_at(subject, base)
    base_statement = find_statement(base_snapshot.get("statements") or [], statement_id)
    if statement_id and base_statement is None and not form.readd.data:
        raise no_statement(subject, statement_id)
    before = statement_values(base_statement, list(form.q.form._fields)) if base_statement else {}
    if base_statement and my_values(form, before) == before:
        flash(_("Nothing changed, so no new revision was saved."), "info")
        return redirect(url_for("wiki.entity", entity_id=subject.id, _anchor=statement_id))
    if not _create_sources(form, subject):
        return _render_statement(form, subject, statement_id=statement_id, status=422)
    mine = my_values(form, before)
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
        sides = live_versions(exc, base, base_snapshot)
        return _statement_conflict(form, subject, statement_id, sides, before, mine)
    except ValidationError as exc:
        errors: list[str] = []
        statement_error(form, exc, index, form.statement_rows(), errors)
        return _render_statement(form, subject, statement_id=statement_id, status=422, errors=errors)
    saved = (revision.snapshot or {}).get("statements") or []
    anchor = saved[index]["id"] if index < len(saved) else None
    flash(_("Statement saved."), "success")
    return redirect(url_for("wiki.entity", entity_id=subject.id, _anchor=anchor))


def _statement_conflict(
    form: StatementForm,
    subject: Entity,
    statement_id: str | None,
    sides: Versions,
    before: dict[str, Any],
    mine: dict[str, Any],
) -> tuple[str, int]:
    """The statement merged by its id; one the others removed comes back to be added again."""
    store, lang = get_store(), ui_lang()
    theirs_statement = find_statement(sides.theirs.get("statements") or [], statement_id)
    removed = bool(before) and theirs_statement is None
    theirs = statement_values(theirs_statement, list(form.q.form._fields)) if theirs_statement else {}
    merged, conflicts = merge(before, theirs, mine) if before and theirs else (mine, [])
    fresh = statement_form(store.ontology, subject.type, lang, merged)
    rebase(fresh, form, sides)
    fresh.readd.data = "1" if removed else ""
    rtype = store.ontology.relation_types.get(theirs.get("relation", ""))
    etype = store.ontology.entity_type(subject.type)
    specs = rtype.qualifiers if rtype else {}
    view = conflict_view(store, etype, sides, lang, theirs=theirs, conflicts=conflicts, specs=specs)
    view.removed = removed
    return _render_statement(fresh, subject, statement_id=statement_id, status=409, conflict=view)


@require_role("editor")
def statement_remove(entity_id: str, statement_id: str):
    store = get_store()
    subject = editable(entity_id)
    form = remove_form(store.ontology)
    base = base_of(form, subject)
    found = find_statement(subject.to_dict()["statements"], statement_id)
    if found is None:
        if find_statement(snapshot_at(subject, base).get("statements") or [], statement_id) is None:
            raise no_statement(subject, statement_id)
        flash(_("Someone else removed this statement in the meantime."), "info")
        return redirect(url_for("wiki.entity", entity_id=subject.id))
    describe = Describer(store, [subject.to_dict()], ui_lang())

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
        sides = versions(store, exc, base, snapshot_at(subject, base))
        view = conflict_view(store, store.ontology.entity_type(subject.type), sides, ui_lang())
        form.base_revision.data = str(sides.current.number)
        return confirm_page(409, view)
    flash(_("Statement removed."), "success")
    return redirect(url_for("wiki.entity", entity_id=subject.id))
