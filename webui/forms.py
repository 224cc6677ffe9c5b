"""WTForms for writing, built from the ontology at request time.

Each form speaks two languages: its fields (what the browser sends and shows) and *values*, flat
dicts in the store's representation keyed by form field (``label_de``, ``props.districts``,
``q.since``, ``citations``). Values are what the views compare ("nothing changed"), merge (edit
conflicts) and turn into entities and statements.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlparse

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Form, SelectChoice, validators, widgets
from wtforms.fields import (
    BooleanField,
    Field,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.utils import unset_value
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError as FieldError

from graphkb.model import Citation, Entity, EntitySummary, Statement, pick
from graphkb.schema import DATE_PATTERN as DATE  # the schema's one rule for dates, also sent as the input's pattern
from graphkb.schema import EntityType, Ontology, PropertySpec, RelationType
from graphkb.text import LANGS, fold

from .db import get_store
from .i18n import ui_lang, value_label
from .params import canonical_id

__all__ = [
    "EntityForm",
    "StatementForm",
    "RemoveForm",
    "remove_form",
    "RefField",
    "entity_form",
    "statement_form",
    "entity_values",
    "statement_values",
    "apply_entity_values",
    "statement_from_values",
    "allowed_relations",
    "ref_fields",
    "fill_ref_texts",
]

LANG_NAMES = {"de": _l("German"), "en": _l("English")}


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: Any) -> Any:
    """What browsers send, as the store keeps it: NFC, ``\\n`` line ends, no control characters."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")))


def _lines(text: str | None) -> list[str]:
    """One value per line, trimmed, empty lines and repeats dropped."""
    return list(dict.fromkeys(line.strip() for line in (text or "").split("\n") if line.strip()))


def _text(field: Field) -> str:
    return (field.data or "").strip()


# -- validators --------------------------------------------------------------------------------


class Lines:
    """At most ``count`` lines, each at most ``length`` characters."""

    def __init__(self, count: int, length: int):
        self.count, self.length = count, length

    def __call__(self, form: Form, field: Field) -> None:
        lines = _lines(field.data)
        if len(lines) > self.count:
            raise FieldError(_l("at most %(num)d lines", num=self.count))
        if any(len(line) > self.length for line in lines):
            raise FieldError(_l("a line is longer than %(num)d characters", num=self.length))


def _whole_number(form: Form, field: Field) -> None:
    if _text(field) and not re.fullmatch(r"-?[0-9]{1,15}", _text(field)):
        raise FieldError(_l("must be a whole number"))


def _number(form: Form, field: Field) -> None:
    if _text(field) and _parse_number(_text(field)) is None:
        raise FieldError(_l("must be a number"))


def _parse_number(text: str) -> int | float | None:
    """A whole or decimal number (comma or point), None for anything else.

    >>> _parse_number("12"), _parse_number("2,5"), _parse_number("1_000"), _parse_number("nan")
    (12, 2.5, None, None)
    """
    if re.fullmatch(r"-?[0-9]{1,15}", text):
        return int(text)
    if not re.fullmatch(r"-?[0-9]{1,15}(?:[.,][0-9]{1,15})?(?:[eE][-+]?[0-9]{1,3})?", text):
        return None
    number = float(text.replace(",", "."))
    return number if math.isfinite(number) else None


def _date(form: Form, field: Field) -> None:
    if _text(field) and not DATE.match(_text(field)):
        raise FieldError(_l("must be a date as YYYY, YYYY-MM or YYYY-MM-DD"))


def _web_address(form: Form, field: Field) -> None:
    if _text(field):
        parsed = urlparse(_text(field))
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise FieldError(_l("must be an address starting with http:// or https://"))


def _one_line(form: Form, field: Field) -> None:
    if "\n" in (field.data or ""):
        raise FieldError(_l("must be a single line"))


def _string(label: Any, n: int, *, required: bool = False, description: Any = "") -> StringField:
    first = validators.DataRequired() if required else validators.Optional()
    return StringField(
        label,
        [first, validators.Length(max=n), _one_line],
        filters=[clean],
        render_kw={"maxlength": n},
        description=description,
    )


def _textarea(label: Any, n: int, *, extra: Iterable = (), description: Any = "", rows: int = 3) -> TextAreaField:
    return TextAreaField(
        label,
        [validators.Optional(), validators.Length(max=n), *extra],
        filters=[clean],
        render_kw={"maxlength": n, "rows": rows},
        description=description,
    )


# -- the entity picker -----------------------------------------------------------------------------


class RefWidget:
    """A text input with autocomplete plus the hidden input that carries the chosen id."""

    def __call__(self, field: RefField, **kwargs: Any) -> Markup:
        attrs = {
            "type": "text",
            "id": field.id,
            "name": field.name,
            "value": field.text,
            "maxlength": 200,
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
    if len(text) > 200:
        raise FieldError(_l("longer than %(num)d characters", num=200))

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
    raise FieldError(_l("no entity called “%(text)s”", text=text[:200]))


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


# -- one field per property or qualifier -----------------------------------------------------------


def value_field(spec: PropertySpec, ontology: Ontology, lang: str) -> Field:
    """The widget that fits a property or qualifier type."""
    label = pick(spec.labels, lang)
    first = validators.InputRequired() if spec.required else validators.Optional()
    limit = ontology.limit("string")
    t = spec.type
    if t == "string":
        return _string(label, limit, required=spec.required)
    if t == "text":
        return _textarea(label, ontology.limit("text"))
    if t == "integer":
        return StringField(
            label,
            [first, _whole_number],
            filters=[clean],
            widget=widgets.NumberInput(step=1),
            render_kw={"maxlength": 16},
        )
    if t == "number":
        return StringField(
            label,
            [first, _number],
            filters=[clean],
            widget=widgets.NumberInput(step="any"),
            render_kw={"maxlength": 32},
        )
    if t == "boolean":
        return BooleanField(label)
    if t == "date":
        return StringField(
            label,
            [first, validators.Length(max=10), _date],
            filters=[clean],
            description=_l("YYYY, YYYY-MM or YYYY-MM-DD"),
            render_kw={"maxlength": 10, "pattern": DATE.pattern.strip("^$"), "placeholder": "YYYY-MM-DD"},
        )
    if t == "url":
        return URLField(
            label,
            [first, validators.Length(max=limit), _web_address],
            filters=[clean],
            render_kw={"maxlength": limit, "placeholder": "https://"},
        )
    if t == "enum":
        choices = [SelectChoice("", "—")] + [SelectChoice(v, value_label(v)) for v in spec.values]
        return SelectField(label, [first], choices=choices)
    if t == "list":
        count = ontology.limit("list_items")
        return TextAreaField(
            label,
            [validators.Optional(), Lines(count, limit)],
            filters=[clean],
            description=_l("one per line"),
            render_kw={"maxlength": count * (limit + 1), "rows": 3},
        )
    if t == "ref":
        types = list(spec.ref) or list(ontology.entity_types)
        return RefField(label, types=types, required=spec.required)
    raise ValueError(f"no widget for property type {t!r}")  # pragma: no cover - the ontology rejects it


def to_value(spec: PropertySpec, field: Field, had: Any = None) -> Any:
    """A field's content in the store's representation; None when empty."""
    t = spec.type
    if t == "boolean":
        # an unchecked box is "no" only where a value was there before (or one is required)
        return True if field.data else (False if had is not None or spec.required else None)
    if t == "ref":
        return field.data or None
    if t == "list":
        return _lines(field.data) or None
    text = _text(field)
    if not text:
        return None
    if t == "integer":
        return int(text)
    if t == "number":
        return _parse_number(text)
    return text


def to_field(spec: PropertySpec, value: Any) -> Any:
    """A stored value as its field's data."""
    if value is None:
        return False if spec.type == "boolean" else ("" if spec.type != "ref" else None)
    if spec.type == "boolean":
        return bool(value)
    if spec.type == "list":
        return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return value if spec.type == "ref" else str(value)


def _values_form(
    specs: dict[str, PropertySpec], ontology: Ontology, lang: str, attrs: dict[str, dict] | None = None
) -> type[Form]:
    fields = {name: value_field(spec, ontology, lang) for name, spec in specs.items()}
    for name, extra in (attrs or {}).items():
        unbound = fields[name]
        unbound.kwargs["render_kw"] = {**(unbound.kwargs.get("render_kw") or {}), **extra}
    return type("ValuesForm", (Form,), fields)


# -- shared parts of write forms -----------------------------------------------------------------------


class BasedForm(FlaskForm):
    """A form that writes on top of the revision it was loaded at."""

    base_revision = HiddenField()

    def base(self) -> int | None:
        raw = (self.base_revision.data or "").strip()
        return int(raw) if re.fullmatch(r"[0-9]{1,9}", raw) else None


class WriteForm(BasedForm):
    """Also the merge choices after a conflict: the fields whose other version replaces this form's value."""

    take_theirs = SelectMultipleField(validate_choice=False)

    def field_for(self, key: str) -> Field | None:
        """The form field of a value key (``props.districts`` → the districts input)."""
        head, _, rest = key.partition(".")
        if rest:
            sub = self._fields.get(head)
            return sub.form._fields.get(rest) if isinstance(sub, FormField) else None
        return self._fields.get(key)


# -- entities -----------------------------------------------------------------------------------------------


class EntityForm(WriteForm):
    """Labels, aliases, descriptions, body and the type's properties (the subform ``props``)."""

    etype: EntityType

    def values(self, base: dict[str, Any] | None = None) -> dict[str, Any]:
        base = base or {}
        values: dict[str, Any] = {}
        for lang in LANGS:
            values[f"label_{lang}"] = _text(self[f"label_{lang}"])
            values[f"aliases_{lang}"] = _lines(self[f"aliases_{lang}"].data)
            values[f"description_{lang}"] = _text(self[f"description_{lang}"])
        values["body"] = self.body.data or ""
        for name, spec in self.etype.properties.items():
            values[f"props.{name}"] = to_value(spec, self.props.form[name], base.get(f"props.{name}"))
        return values


def entity_values(snapshot: dict[str, Any], etype: EntityType) -> dict[str, Any]:
    """The editable fields of an entity snapshot, keyed like the form."""
    values: dict[str, Any] = {}
    for lang in LANGS:
        values[f"label_{lang}"] = (snapshot.get("labels") or {}).get(lang, "")
        values[f"aliases_{lang}"] = list((snapshot.get("aliases") or {}).get(lang, []))
        values[f"description_{lang}"] = (snapshot.get("descriptions") or {}).get(lang, "")
    values["body"] = snapshot.get("body") or ""
    properties = snapshot.get("properties") or {}
    for name in etype.properties:
        values[f"props.{name}"] = properties.get(name)
    return values


def entity_form_data(values: dict[str, Any], etype: EntityType) -> dict[str, Any]:
    data = {k: ("\n".join(v) if isinstance(v, list) else v) for k, v in values.items() if "." not in k}
    data["props"] = {name: to_field(spec, values.get(f"props.{name}")) for name, spec in etype.properties.items()}
    return data


def apply_entity_values(entity: Entity, values: dict[str, Any]) -> Entity:
    """Write ``values`` into ``entity`` (properties outside the ontology are kept as they are)."""
    for lang in LANGS:
        entity.labels[lang] = values[f"label_{lang}"]
        entity.aliases[lang] = list(values[f"aliases_{lang}"])
        entity.descriptions[lang] = values[f"description_{lang}"]
    entity.body = values["body"]
    for key, value in values.items():
        if key.startswith("props."):
            entity.properties.pop(key[6:], None)
            if value is not None:
                entity.properties[key[6:]] = value
    return entity


def entity_form(
    ontology: Ontology, etype: EntityType, lang: str, values: dict[str, Any] | None = None, **kwargs: Any
) -> EntityForm:
    """The form for an entity of ``etype``; filled from ``values`` or, on a POST, from the request."""
    label_max, text_max = ontology.limit("label"), ontology.limit("description")
    alias_count, alias_max = ontology.limit("aliases"), ontology.limit("alias")
    fields: dict[str, Any] = {}
    for lang_code in LANGS:
        name = LANG_NAMES[lang_code]
        fields[f"label_{lang_code}"] = _string(_l("Label (%(lang)s)", lang=name), label_max, required=lang_code == "de")
    for lang_code in LANGS:
        fields[f"aliases_{lang_code}"] = _textarea(
            _l("Other names (%(lang)s)", lang=LANG_NAMES[lang_code]),
            alias_count * (alias_max + 1),
            extra=[Lines(alias_count, alias_max)],
            description=_l("one per line"),
            rows=2,
        )
    for lang_code in LANGS:
        fields[f"description_{lang_code}"] = _textarea(
            _l("Short description (%(lang)s)", lang=LANG_NAMES[lang_code]), text_max, rows=2
        )
    fields["body"] = _textarea(
        _l("Text"),
        ontology.limit("body"),
        description=_l("Markdown: **bold**, *italic*, - lists, [link](https://…)"),
        rows=14,
    )
    fields["props"] = FormField(_values_form(etype.properties, ontology, lang), separator="-")
    fields["summary"] = _string(_l("Edit summary"), ontology.limit("summary"))
    fields["confirm"] = HiddenField()
    fields["save"] = SubmitField(_l("Save"))
    fields["preview"] = SubmitField(_l("Preview"))
    cls = type(f"{etype.name}Form", (EntityForm,), {**fields, "etype": etype})
    if values is not None:
        kwargs.update(formdata=None, data=entity_form_data(values, etype))
    return cls(**kwargs)


# -- statements --------------------------------------------------------------------------------------------


def allowed_relations(ontology: Ontology, subject_type: str) -> list[RelationType]:
    return [rt for rt in ontology.relation_types.values() if "*" in rt.subjects or subject_type in rt.subjects]


def target_types(ontology: Ontology, rtype: RelationType) -> list[str]:
    return (
        list(ontology.entity_types)
        if "*" in rtype.targets
        else [t for t in ontology.entity_types if t in rtype.targets]
    )


class CitationForm(Form):
    """One citation: an existing Source or a new one (created when the statement is saved)."""

    def blank(self) -> bool:
        return self.source.blank and not any(_text(self[f]) for f in ("quote", "locator", "new_label", "new_url"))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.blank():
            return ok
        new = bool(_text(self.new_label))
        if new and not self.source.blank:
            self.new_label.errors.append(_l("choose an existing source or create a new one, not both"))
        elif not new and self.source.blank:
            self.source.errors.append(_l("choose a source or create a new one"))
        if _text(self.new_url) and not new:
            self.new_label.errors.append(_l("give the new source a title"))
        if new and not self.new_layer.data:
            self.new_layer.errors.append(_l("choose the layer of the new source"))
        if (new or not self.source.blank) and not _text(self.quote):
            self.quote.errors.append(_l("a citation needs a verbatim quote"))
        return ok and not any(f.errors for f in self)


def _citation_form(ontology: Ontology) -> type[Form]:
    layers = [SelectChoice("", "—")] + [SelectChoice(v, value_label(v)) for v in ("report", "background")]
    return type(
        "CitationRowForm",
        (CitationForm,),
        {
            "source": RefField(_l("Source"), types=["Source"]),
            "quote": _textarea(_l("Verbatim quote"), ontology.limit("quote"), rows=3),
            "locator": _string(
                _l("Where in the source"), ontology.limit("locator"), description=_l("e.g. page, section, paragraph")
            ),
            "new_label": _string(_l("Title of the new source"), ontology.limit("label")),
            "new_url": URLField(
                _l("Address (URL)"),
                [validators.Optional(), validators.Length(max=ontology.limit("string")), _web_address],
                filters=[clean],
                render_kw={"maxlength": ontology.limit("string"), "placeholder": "https://"},
            ),
            "new_layer": SelectField(_l("Layer"), choices=layers),
        },
    )


class StatementForm(WriteForm):
    """Relation, target, qualifiers (subform ``q``) and citations (rows of ``citations``)."""

    ontology: Ontology
    relations: dict[str, RelationType]  # those the subject may have
    applies: dict[str, list[str]]  # qualifier -> the relations it belongs to
    lang: str

    def rtype(self) -> RelationType | None:
        return self.relations.get(self.relation.data or "")

    def validate(self, extra_validators: Any = None) -> bool:
        rtype = self.rtype()
        if rtype is not None:
            # the picker offers only the relation's target types; the server holds to it too
            self.target.types = target_types(self.ontology, rtype)
        ok = super().validate(extra_validators)
        if rtype is not None:
            for name, field in self.q.form._fields.items():
                if name not in rtype.qualifiers and not _empty(field):
                    label = pick(rtype.labels, self.lang)
                    field.errors.append(_l("does not apply to “%(relation)s”", relation=label))
                    ok = False
        return ok

    def statement_rows(self) -> list[int]:
        """The rows that hold a citation (blank rows are left out)."""
        return [i for i, entry in enumerate(self.citations.entries) if not entry.form.blank()]

    def values(self, base: dict[str, Any] | None = None) -> dict[str, Any]:
        base = base or {}
        rtype = self.rtype()
        values: dict[str, Any] = {"relation": self.relation.data or "", "target": self.target.data or ""}
        for name, field in self.q.form._fields.items():
            spec = rtype.qualifiers.get(name) if rtype else None
            values[f"q.{name}"] = to_value(spec, field, base.get(f"q.{name}")) if spec else None
        values["citations"] = [
            {
                "source": row.source.data or "",
                "quote": _text(row.quote),
                "locator": _text(row.locator),
            }
            for row in (self.citations.entries[i].form for i in self.statement_rows())
        ]
        return values


def _empty(field: Field) -> bool:
    if isinstance(field, RefField):
        return field.blank
    if isinstance(field, BooleanField):
        return not field.data
    return not str(field.data or "").strip()


def statement_values(statement: dict[str, Any] | None, qualifier_names: Iterable[str] | None = None) -> dict[str, Any]:
    """A statement of a snapshot, keyed like the statement form (qualifiers: the form's, or the statement's own)."""
    statement = statement or {}
    qualifiers = statement.get("qualifiers") or {}
    qualifier_names = qualifiers if qualifier_names is None else qualifier_names
    values: dict[str, Any] = {"relation": statement.get("type", ""), "target": statement.get("target", "")}
    for name in qualifier_names:
        values[f"q.{name}"] = qualifiers.get(name)
    values["citations"] = [
        {"source": c.get("source", ""), "quote": c.get("quote", ""), "locator": c.get("locator", "")}
        for c in statement.get("citations") or []
    ]
    return values


def statement_from_values(values: dict[str, Any], statement_id: str | None) -> Statement:
    qualifiers = {k[2:]: v for k, v in values.items() if k.startswith("q.") and v is not None}
    return Statement(
        type=values["relation"],
        target=values["target"],
        qualifiers=qualifiers,
        citations=[Citation(c["source"], c["quote"], c["locator"]) for c in values["citations"]],
        id=statement_id,
    )


def statement_form(
    ontology: Ontology,
    subject_type: str,
    lang: str,
    values: dict[str, Any] | None = None,
    *,
    relation: str | None = None,
    **kwargs: Any,
) -> StatementForm:
    """The statement form for a subject of ``subject_type``: only the relations it may have."""
    relations = {rt.name: rt for rt in allowed_relations(ontology, subject_type)}
    choices = [SelectChoice("", "—")] + [
        SelectChoice(rt.name, pick(rt.labels, lang), {"data-targets": ",".join(target_types(ontology, rt))})
        for rt in relations.values()
    ]
    qualifiers: dict[str, PropertySpec] = {}
    applies: dict[str, list[str]] = {}
    for rt in relations.values():
        for name, spec in rt.qualifiers.items():
            qualifiers.setdefault(name, spec)
            applies.setdefault(name, []).append(rt.name)
    chosen = relations.get(relation or (values or {}).get("relation") or "")
    first_types = (
        target_types(ontology, chosen)
        if chosen
        else sorted({t for rt in relations.values() for t in target_types(ontology, rt)})
    )
    fields = {
        "relation": SelectField(_l("Relation"), [validators.InputRequired()], choices=choices),
        "target": RefField(_l("Target"), types=first_types, required=True),
        "q": FormField(
            _values_form(qualifiers, ontology, lang, {n: {"data-relations": " ".join(r)} for n, r in applies.items()}),
            separator="-",
        ),
        "citations": FieldList(
            FormField(_citation_form(ontology), separator="-"),
            min_entries=1,
            max_entries=ontology.limit("citations"),
            separator="-",
        ),
        "summary": _string(_l("Edit summary"), ontology.limit("summary")),
        "readd": HiddenField(),
        "add_citation": SubmitField(_l("Add another citation")),
        "save": SubmitField(_l("Save statement")),
    }
    cls = type(
        "StatementRowForm",
        (StatementForm,),
        {**fields, "ontology": ontology, "relations": relations, "applies": applies, "lang": lang},
    )
    if values is not None:
        kwargs.update(formdata=None, data=_statement_form_data(values, qualifiers))
    elif relation in relations:
        kwargs.setdefault("data", {"relation": relation})
    return cls(**kwargs)


def _statement_form_data(values: dict[str, Any], qualifiers: dict[str, PropertySpec]) -> dict[str, Any]:
    return {
        "relation": values.get("relation") or "",
        "target": values.get("target") or None,
        "q": {name: to_field(spec, values.get(f"q.{name}")) for name, spec in qualifiers.items()},
        "citations": [dict(c) for c in values.get("citations") or []] or [{}],
    }


class RemoveForm(BasedForm):
    confirm = HiddenField()
    remove = SubmitField(_l("Remove statement"))


def remove_form(ontology: Ontology) -> RemoveForm:
    """Removing a statement: a confirmation with an optional summary."""
    summary = _string(_l("Edit summary"), ontology.limit("summary"))
    return type("StatementRemoveForm", (RemoveForm,), {"summary": summary})()
