"""The entity picker: a text input with autocomplete, resolved to an entity id on the server too.

Without JS the typed text is resolved when the form validates; an ambiguous or inexact text leaves
candidates that the form offers as radio buttons.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Form, widgets
from wtforms.fields import Field, FieldList, FormField
from wtforms.utils import unset_value
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError as FieldError

from graphkb.model import EntitySummary, pick
from graphkb.text import fold

from ..db import get_store
from ..i18n import ui_lang
from ..params import canonical_id
from .fields import clean

__all__ = ["RefWidget", "RefField", "resolve", "ref_fields", "fill_ref_texts"]

TEXT_MAX = 200


class RefWidget:
    """A text input with autocomplete plus the hidden input that carries the chosen id."""

    def __call__(self, field: RefField, **kwargs: Any) -> Markup:
        attrs = {
            "type": "text",
            "id": field.id,
            "name": field.name,
            "value": field.text,
            "maxlength": TEXT_MAX,
            "autocomplete": "off",
            "data-autocomplete": url_for("api.search"),
            "data-types": ",".join(field.types),
            "data-target": field.id_name,
            "data-msg-searching": _l("Searching…"),
            "data-msg-none": _l("No matches"),
            "data-msg-count": _l("Suggestions: {n} – choose with the arrow keys"),
            **kwargs,
        }
        # after an unclear text the hidden id is left empty, so the text is looked at again
        picked = field.data or ("" if field.candidates else field.picked)
        hidden = {"type": "hidden", "id": field.id_name, "name": field.id_name, "value": picked}
        return Markup(f"<input {widgets.html_params(**attrs)}><input {widgets.html_params(**hidden)}>")


class RefField(Field):
    """An entity of some types, picked by autocomplete (the id) or typed (an id or a label).

    ``text`` is what the visible input shows; ``data`` the resolved id. Without JS the text is
    resolved on validation: an exact label or id of an allowed type wins; several or none leave
    ``candidates`` for the form to offer as radio buttons (``<name>-choice``, which wins next time).
    """

    widget = RefWidget()

    def __init__(self, label: Any = None, types: Iterable[str] = (), required: bool = False, **kwargs: Any):
        super().__init__(label, **kwargs)
        self.types = list(types)
        self.required = required
        if required:
            self.flags.required = True
        self.text = ""
        self.picked = ""
        self.choice = ""
        self.candidates: list[EntitySummary] = []

    @property
    def id_name(self) -> str:
        return f"{self.name}-id"

    @property
    def choice_name(self) -> str:
        return f"{self.name}-choice"

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        self.candidates = []
        self.choice = ""
        if formdata is not None:
            self.data = None
            self.picked = (formdata.get(self.id_name) or "").strip()
            # a candidate radio (offered after an unclear text) is an explicit choice: it wins
            self.choice = (formdata.get(self.choice_name) or "").strip()

    def process_formdata(self, valuelist: list[str]) -> None:
        self.text = clean(valuelist[0]).strip() if valuelist else ""

    def _value(self) -> str:
        return self.text

    @property
    def blank(self) -> bool:
        return not (self.text or self.picked or self.choice or self.data)

    def pre_validate(self, form: Form) -> None:
        if self.data:
            return
        if self.blank:
            if self.required:
                raise StopValidation(_l("This field is required."))
            return
        try:
            found = resolve("", self.choice, self.types) if self.choice else resolve(self.text, self.picked, self.types)
        except _Candidates as exc:
            self.candidates = exc.candidates
            raise
        self.data = found.id
        if self.choice:
            self.text = found.label(ui_lang())


def _type_names(types: Iterable[str]) -> str:
    ontology = get_store().ontology
    lang = ui_lang()
    return ", ".join(pick(ontology.entity_types[t].labels, lang) for t in types if t in ontology.entity_types)


def _same(text: str, summary: EntitySummary) -> bool:
    folded = fold(text)
    return text == summary.id or any(folded == fold(label) for label in summary.labels.values() if label)


def resolve(text: str, picked: str, types: list[str]) -> EntitySummary:
    """The id ``text`` (or the ``picked`` id) means among live entities of ``types``.

    Raises a field error naming the reason; an ambiguous or inexact text carries candidates.
    """
    store = get_store()
    if len(text) > TEXT_MAX:
        raise FieldError(_l("longer than %(num)d characters", num=TEXT_MAX))

    def usable(summary: EntitySummary) -> EntitySummary:
        if summary.deleted:
            raise FieldError(_l("“%(label)s” has been deleted", label=summary.label()))
        if types and summary.type not in types:
            raise FieldError(
                _l(
                    "“%(label)s” is of type %(type)s; allowed here: %(allowed)s",
                    label=summary.label(),
                    type=_type_names([summary.type]),
                    allowed=_type_names(types),
                )
            )
        return summary

    if picked:
        summary = store.get_many([picked]).get(picked)
        if summary is not None and (not text or _same(text, summary)):
            return usable(summary)
        if not text:
            raise FieldError(_l("no entity with the id “%(id)s”", id=picked[:100]))
    as_id = canonical_id(text)
    if as_id:
        summary = store.get_many([as_id]).get(as_id)
        if summary is not None:
            return usable(summary)
    found = store.search(text, types=types or None, limit=10)
    exact = [s for s in found if _same(text, s)]
    if len(exact) == 1:
        return exact[0]
    if exact:
        raise _Candidates(_l("several entities are called like this; choose one"), exact)
    if found:
        raise _Candidates(_l("no entity is called exactly like this; choose one or type another name"), found)
    elsewhere = [s for s in store.search(text, limit=10) if _same(text, s)]
    if elsewhere:
        usable(elsewhere[0])
    raise FieldError(_l("no entity called “%(text)s”", text=text[:TEXT_MAX]))


class _Candidates(FieldError):
    def __init__(self, message: Any, candidates: list[EntitySummary]):
        super().__init__(message)
        self.candidates = candidates


def ref_fields(form: Form) -> Iterator[RefField]:
    """Every entity picker of a form, in nested forms and lists too."""
    for field in form:
        if isinstance(field, RefField):
            yield field
        elif isinstance(field, FormField):
            yield from ref_fields(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    yield from ref_fields(entry.form)
                elif isinstance(entry, RefField):
                    yield entry


def fill_ref_texts(form: Form, lang: str) -> None:
    """Show the label of each picked entity (forms filled from stored ids)."""
    pickers = [f for f in ref_fields(form) if f.data and not f.text]
    summaries = get_store().get_many({f.data for f in pickers})
    for f in pickers:
        summary = summaries.get(f.data)
        f.text = summary.label(lang) if summary else f.data
