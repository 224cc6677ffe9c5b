"""The record: history, revisions, diffs, revert, recent changes (and their Atom feed), delete and restore.

Every write here names the revision its form was loaded at (``base_revision``); the store
refuses a stale one with EditConflict, which these pages show as a 409 with a way to reload —
never a silent overwrite.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from graphkb.errors import EditConflict, NotFound, ReferencedError, ValidationError
from graphkb.model import Entity, EntitySummary, Revision, pick
from graphkb.store import Store

from ..auth import author, require_role
from ..db import get_store
from ..i18n import other_lang, ui_lang
from ..params import MAX_INT, canonical_id, int_arg, text_arg, type_arg
from ..present import diff_view, entity_page

bp = Blueprint("history", __name__)

SUMMARY_MAX = 500  # the ontology's summary limit; the store checks it again
AUTHOR_MAX = 100  # as long as an account name may be
MAX_PAGE = 1_000_000
# Characters XML 1.0 forbids; a summary is checked for length and line breaks only.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# --- forms ----------------------------------------------------------------------------------------


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class _WriteForm(FlaskForm):
    base_revision = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class RevertForm(_WriteForm):
    summary = StringField(_l("Summary"), filters=[_strip], validators=[Optional(), Length(max=SUMMARY_MAX)])


class DeleteForm(_WriteForm):
    reason = StringField(
        _l("Reason"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Please say why this entity is deleted.")), Length(max=SUMMARY_MAX)],
    )


class RestoreForm(_WriteForm):
    summary = StringField(_l("Summary"), filters=[_strip], validators=[Optional(), Length(max=SUMMARY_MAX)])


# --- shared helpers -------------------------------------------------------------------------------


@bp.before_request
def _canonical_entity_id() -> Any:
    """Entity ids in paths are NFC and lower case: other spellings redirect (GET) or are mapped (POST)."""
    raw = (request.view_args or {}).get("entity_id")
    if raw is None:
        return None
    canonical = canonical_id(raw)
    if canonical is None:
        raise NotFound(f"no entity {raw[:100]!r}")
    if canonical == raw:
        return None
    if request.method in ("GET", "HEAD"):
        args = {**request.args.to_dict(), **request.view_args, "entity_id": canonical}
        return redirect(url_for(request.endpoint, **args), 308)
    request.view_args["entity_id"] = canonical
    return None


def _revision_of(store: Store, entity_id: str, number: int) -> Revision:
    """A revision named in a path; numbers no store can hold are simply not there (404, not a crash)."""
    if not 1 <= number <= MAX_INT:
        raise NotFound(f"no revision {number} of {entity_id!r}")
    return store.revision(entity_id, number)


def _page_size() -> int:
    return int(current_app.config["GRAPHKB_PAGE_SIZE"])


def _size_deltas(store: Store, revisions: list[Revision]) -> dict[tuple[str, int], int | None]:
    """Bytes each revision's snapshot grew by against its parent's (the first one: its whole size).

    Parents in the list cost nothing; others are read one by one (a page of recent changes
    by many entities).
    """
    sizes: dict[tuple[str, int], int | None] = {(r.entity_id, r.number): r.size for r in revisions}
    deltas: dict[tuple[str, int], int | None] = {}
    for r in revisions:
        if r.parent is None:
            deltas[(r.entity_id, r.number)] = r.size
            continue
        key = (r.entity_id, r.parent)
        if key not in sizes:
            try:
                sizes[key] = store.revision(*key).size
            except NotFound:
                sizes[key] = None
        parent_size = sizes[key]
        deltas[(r.entity_id, r.number)] = None if parent_size is None else r.size - parent_size
    return deltas


def _label(entity: Entity | EntitySummary | None, fallback: str, lang: str) -> str:
    return (entity.label(lang) if entity is not None else "") or fallback


@dataclass
class _Outcome:
    """What a write form's page shows: the status, and why nothing was written (if so)."""

    status: int = 200
    problem: str = ""
    conflict: Revision | None = None  # the current revision, when the form's base was stale
    referrers: list[str] = dataclass_field(default_factory=list)
    written: Revision | None = None


def _submit(form: FlaskForm, field: str, write: Callable[[], Revision]) -> _Outcome:
    """Validate a posted form and run ``write``; the store's refusals become the page's message.

    Bad input is 422 with the reason next to ``field``; a stale base, a referenced entity or a
    state the store refuses (deleted, a statement pointing at a deleted entity) is 409.
    """
    if not form.validate_on_submit():
        return _Outcome(422)
    try:
        return _Outcome(written=write())
    except EditConflict as exc:
        return _Outcome(409, conflict=exc.current)
    except ReferencedError as exc:
        return _Outcome(409, referrers=exc.referrers)
    except ValidationError as exc:
        if exc.field == field:
            getattr(form, field).errors = [*getattr(form, field).errors, exc.reason]
            return _Outcome(422)
        return _Outcome(409, problem=str(exc))


def _write_page(
    entity_id: str,
    refusal: _Outcome | None,
    form: FlaskForm,
    field: str,
    write: Callable[[], Revision],
    done: Callable[[Revision], str],
    page: Callable[[_Outcome], str],
) -> Any:
    """A write form's GET or POST: shown with ``refusal`` if the entity's state rules the write out.

    A POST runs ``write`` (see ``_submit``); when it writes, ``done(revision)`` is flashed and the
    entity's page follows. Otherwise ``page(outcome)`` is the answer, with the outcome's status.
    """
    if refusal is not None:
        outcome = refusal
    elif request.method == "POST":
        outcome = _submit(form, field, write)
        if outcome.written:
            flash(done(outcome.written), "success")
            return redirect(url_for("wiki.entity", entity_id=entity_id))
    else:
        outcome = _Outcome()
    return page(outcome), outcome.status


def _content(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot as content: reverting to a deleted state brings back what it said, not the deletion."""
    return {**snapshot, "deleted": False, "deleted_reason": ""}


# --- history, revision, diff ----------------------------------------------------------------------


@bp.get("/entity/<entity_id>/history")
def history(entity_id: str):
    store = get_store()
    entity = store.get(entity_id)
    size = _page_size()
    page = int_arg(request.args, "page", 1, minimum=1, maximum=MAX_PAGE)
    pages = max(1, math.ceil(entity.revision / size))
    if page > pages:
        raise NotFound(f"the history of {entity_id!r} has {pages} page(s)")
    # one more than shown: the parent of the page's oldest revision, for its size change
    revisions = store.history(entity_id, offset=(page - 1) * size, limit=size + 1)
    deltas = _size_deltas(store, revisions)
    rows = revisions[:size]
    lang = ui_lang()
    return render_template(
        "history/history.html",
        e=entity,
        label=_label(entity, entity_id, lang),
        rows=rows,
        deltas=deltas,
        page=page,
        pages=pages,
        page_url=lambda page: url_for("history.history", entity_id=entity_id, page=page if page > 1 else None),
        default_from=rows[1].number if len(rows) > 1 else None,
        default_to=rows[0].number if rows else None,
    )


@bp.get("/entity/<entity_id>/revisions/<int:number>")
def revision(entity_id: str, number: int):
    store = get_store()
    current = store.get(entity_id)
    rev = _revision_of(store, entity_id, number)
    old = rev.entity()
    lang = ui_lang()
    page = entity_page(store, old, [], lang, other_lang(lang))
    return render_template("history/revision.html", page=page, e=old, rev=rev, current=current)


def _diff_numbers(store: Store, entity_id: str) -> tuple[Revision, Revision]:
    to = int_arg(request.args, "to", 0, minimum=1)
    if not to:
        raise ValidationError(_("say which revision to compare: ?to=N (and ?from=M)"), "to")
    to_rev = store.revision(entity_id, to)
    frm = int_arg(request.args, "from", 0, minimum=1)
    if not frm:
        if to_rev.parent is None:
            raise ValidationError(_("revision %(num)s is the first one; there is nothing before it", num=to), "from")
        frm = to_rev.parent
    return store.revision(entity_id, frm), to_rev


@bp.get("/entity/<entity_id>/diff")
def diff(entity_id: str):
    store = get_store()
    current = store.get(entity_id)
    old, new = _diff_numbers(store, entity_id)
    lang = ui_lang()
    view = diff_view(store, old.snapshot or {}, new.snapshot or {}, lang)
    return render_template(
        "history/diff.html",
        e=current,
        label=_label(current, entity_id, lang),
        old=old,
        new=new,
        view=view,
    )


# --- revert ---------------------------------------------------------------------------------------


@bp.route("/entity/<entity_id>/revert/<int:number>", methods=["GET", "POST"])
@require_role("editor")
def revert(entity_id: str, number: int):
    store = get_store()
    current = store.get(entity_id)
    target = _revision_of(store, entity_id, number)
    lang = ui_lang()
    form = RevertForm()
    if request.method == "GET":
        form.base_revision.data = current.revision
        form.summary.data = _("Reverted to revision %(num)s", num=number)
    view = diff_view(store, current.to_dict(), _content(target.snapshot or {}), lang)
    refusal = None
    if current.deleted:
        # the store reverts live entities only: restore first
        refusal = _Outcome(409, _("This entity is deleted. An administrator can restore it; then it can be reverted."))
    elif view.empty:
        message = _("Revision %(num)s says the same as the current revision: there is nothing to revert.", num=number)
        refusal = _Outcome(409 if request.method == "POST" else 200, message)
    return _write_page(
        entity_id,
        refusal,
        form,
        "summary",
        lambda: store.revert(
            entity_id,
            number,
            base_revision=form.base_revision.data,
            author=author(),
            summary=form.summary.data or _("Reverted to revision %(num)s", num=number),
        ),
        lambda written: _(
            "Reverted to revision %(num)s; the entity is now at revision %(new)s.", num=number, new=written.number
        ),
        lambda outcome: render_template(
            "history/revert.html",
            e=current,
            label=_label(current, entity_id, lang),
            target=target,
            view=view,
            form=form,
            outcome=outcome,
        ),
    )


# --- recent changes and the feed ------------------------------------------------------------------


def _recent_filters(store: Store) -> tuple[str | None, str]:
    return type_arg(request.args, store.ontology), text_arg(request.args, "author", max_length=AUTHOR_MAX)


@bp.get("/recent")
def recent():
    store = get_store()
    entity_type, who = _recent_filters(store)
    page = int_arg(request.args, "page", 1, minimum=1, maximum=MAX_PAGE)
    size = _page_size()
    revisions = store.recent_changes(
        offset=(page - 1) * size, limit=size + 1, entity_type=entity_type, author=who or None
    )
    has_next = len(revisions) > size
    rows = revisions[:size]
    lang = ui_lang()

    def page_url(page: int) -> str:
        return url_for("history.recent", type=entity_type, author=who or None, page=page if page > 1 else None)

    return render_template(
        "history/recent.html",
        rows=rows,
        deltas=_size_deltas(store, rows),
        summaries=store.get_many({r.entity_id for r in rows}),
        entity_type=entity_type,
        who=who,
        page=page,
        has_next=has_next,
        page_url=page_url,
        type_choices=[(name, pick(et.labels, lang)) for name, et in store.ontology.entity_types.items()],
        feed_url=url_for("history.atom", type=entity_type, author=who or None),
    )


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _feed_entry(r: Revision, summary: EntitySummary | None, lang: str) -> dict[str, Any]:
    """One Atom entry: its id is the revision's address (stable), its link the change itself."""
    own = url_for("history.revision", entity_id=r.entity_id, number=r.number, _external=True)
    return {
        "id": own,
        "title": _xml_text(_label(summary, r.label or r.entity_id, lang)),
        "updated": r.timestamp,
        "author": _xml_text(r.author),
        "link": own
        if r.parent is None
        else url_for("history.diff", entity_id=r.entity_id, to=r.number, _external=True),
        "summary": _xml_text(r.summary),
        "action": r.action,
        "type": r.entity_type,
        "number": r.number,
    }


@bp.get("/recent.atom")
def atom():
    store = get_store()
    entity_type, who = _recent_filters(store)
    size = int(current_app.config.get("GRAPHKB_FEED_SIZE", 50))
    revisions = store.recent_changes(limit=size, entity_type=entity_type, author=who or None)
    summaries = store.get_many({r.entity_id for r in revisions})
    lang = ui_lang()
    body = render_template(
        "history/recent.xml",
        entries=[_feed_entry(r, summaries.get(r.entity_id), lang) for r in revisions],
        # an empty feed still needs a time: now
        updated=revisions[0].timestamp if revisions else datetime.now(UTC).isoformat(timespec="seconds"),
        entity_type=entity_type,
        who=_xml_text(who),
        self_url=url_for("history.atom", type=entity_type, author=who or None, _external=True),
        alternate_url=url_for("history.recent", type=entity_type, author=who or None, _external=True),
    )
    return Response(body, content_type="application/atom+xml; charset=utf-8")


# --- delete and restore ---------------------------------------------------------------------------


def _referrers(store: Store, ids: list[str], lang: str) -> list[tuple[str, str, str]]:
    """The entities that still point at one being deleted: id, label and type, to link them."""
    if not ids:
        return []
    found = store.get_many(ids)
    return [(i, _label(found.get(i), i, lang), found[i].type if i in found else "") for i in ids]


@bp.route("/entity/<entity_id>/delete", methods=["GET", "POST"])
@require_role("admin")
def delete(entity_id: str):
    store = get_store()
    entity = store.get(entity_id)
    lang = ui_lang()
    form = DeleteForm()
    if request.method == "GET":
        form.base_revision.data = entity.revision
    return _write_page(
        entity_id,
        _Outcome(409, _("This entity is deleted already.")) if entity.deleted else None,
        form,
        "reason",
        lambda: store.delete(
            entity_id, base_revision=form.base_revision.data, author=author(), reason=form.reason.data
        ),
        lambda written: _("The entity has been deleted. An administrator can restore it."),
        lambda outcome: render_template(
            "history/delete.html",
            e=entity,
            label=_label(entity, entity_id, lang),
            form=form,
            outcome=outcome,
            referrers=_referrers(store, outcome.referrers, lang),
        ),
    )


@bp.route("/entity/<entity_id>/restore", methods=["GET", "POST"])
@require_role("admin")
def restore(entity_id: str):
    store = get_store()
    entity = store.get(entity_id)
    form = RestoreForm()
    if request.method == "GET":
        form.base_revision.data = entity.revision
    return _write_page(
        entity_id,
        None if entity.deleted else _Outcome(409, _("This entity is not deleted; there is nothing to restore.")),
        form,
        "summary",
        lambda: store.restore(
            entity_id, base_revision=form.base_revision.data, author=author(), summary=form.summary.data or ""
        ),
        lambda written: _("The entity has been restored."),
        lambda outcome: render_template(
            "history/restore.html", e=entity, label=_label(entity, entity_id, ui_lang()), form=form, outcome=outcome
        ),
    )
