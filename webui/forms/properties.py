"""One field per property or qualifier, chosen by its type in the ontology, and its value both ways."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Form, validators, widgets
from wtforms.fields import BooleanField, Field, SelectField, StringField, TextAreaField

from graphkb.model import pick
from graphkb.schema import Ontology, PropertySpec

from .fields import (
    DATE,
    Lines,
    SubForm,
    clean,
    date,
    lines,
    number,
    parse_number,
    string_field,
    text_of,
    textarea_field,
    url_field,
    value_choices,
    whole_number,
)
from .picker import RefField

__all__ = ["value_field", "values_form", "to_value", "to_field", "is_empty"]


def value_field(spec: PropertySpec, ontology: Ontology, lang: str) -> Field:
    """The widget that fits a property or qualifier type."""
    label = pick(spec.labels, lang)
    first = validators.InputRequired() if spec.required else validators.Optional()
    limit = ontology.limit("string")
    t = spec.type
    if t == "string":
        return string_field(label, limit, required=spec.required)
    if t == "text":
        return textarea_field(label, ontology.limit("text"))
    if t == "integer":
        return StringField(
            label,
            [first, whole_number],
            filters=[clean],
            widget=widgets.NumberInput(step=1),
            render_kw={"maxlength": 16},
        )
    if t == "number":
        return StringField(
            label,
            [first, number],
            filters=[clean],
            widget=widgets.NumberInput(step="any"),
            render_kw={"maxlength": 32},
        )
    if t == "boolean":
        return BooleanField(label)
    if t == "date":
        return StringField(
            label,
            [first, validators.Length(max=10), date],
            filters=[clean],
            description=_l("YYYY, YYYY-MM or YYYY-MM-DD"),
            render_kw={"maxlength": 10, "pattern": DATE.pattern.strip("^$"), "placeholder": _l("YYYY-MM-DD")},
        )
    if t == "url":
        return url_field(label, limit, required=spec.required)
    if t == "enum":
        return SelectField(label, [first], choices=value_choices(spec.values))
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


def values_form(
    specs: dict[str, PropertySpec], ontology: Ontology, lang: str, attrs: dict[str, dict] | None = None
) -> type[Form]:
    """A subform with one field per spec; ``attrs`` adds HTML attributes to some of them."""
    fields = {name: value_field(spec, ontology, lang) for name, spec in specs.items()}
    for name, extra in (attrs or {}).items():
        unbound = fields[name]
        unbound.kwargs["render_kw"] = {**(unbound.kwargs.get("render_kw") or {}), **extra}
    return type("ValuesForm", (SubForm,), fields)


def to_value(spec: PropertySpec, field: Field, had: Any = None) -> Any:
    """A field's content in the store's representation; None when empty."""
    t = spec.type
    if t == "boolean":
        # an unchecked box is "no" only where a value was there before (or one is required)
        return True if field.data else (False if had is not None or spec.required else None)
    if t == "ref":
        return field.data or None
    if t == "list":
        return lines(field.data) or None
    text = text_of(field)
    if not text:
        return None
    if t == "integer":
        return int(text)
    if t == "number":
        return parse_number(text)
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


def is_empty(field: Field) -> bool:
    if isinstance(field, RefField):
        return field.blank
    if isinstance(field, BooleanField):
        return not field.data
    return not str(field.data or "").strip()
