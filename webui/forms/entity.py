"""The entity form of a type: names and descriptions in both languages, the body, the type's properties.

Its values are keyed ``label_de``, ``aliases_en``, ``description_de``, ``body`` and ``props.<name>``.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields import FormField, HiddenField, SubmitField

from graphkb.errors import ValidationError
from graphkb.model import Entity, pick
from graphkb.schema import EntityType, Ontology
from graphkb.text import LANGS

from .base import WriteForm, place_error, summary_field
from .fields import Lines, lines, string_field, text_of, textarea_field
from .properties import to_field, to_value, values_form

__all__ = [
    "LANG_NAMES",
    "EntityForm",
    "entity_form",
    "entity_values",
    "apply_entity_values",
    "value_key",
    "field_label",
    "entity_error",
]

LANG_NAMES = {"de": _l("German"), "en": _l("English")}
_IN_BOTH_LANGS = {"labels": "label", "aliases": "aliases", "descriptions": "description"}  # stored → value key


class EntityForm(WriteForm):
    """Labels, aliases, descriptions, body and the type's properties (the subform ``props``)."""

    etype: EntityType

    def values(self, base: dict[str, Any] | None = None) -> dict[str, Any]:
        base = base or {}
        values: dict[str, Any] = {}
        for lang in LANGS:
            values[f"label_{lang}"] = text_of(self[f"label_{lang}"])
            values[f"aliases_{lang}"] = lines(self[f"aliases_{lang}"].data)
            values[f"description_{lang}"] = text_of(self[f"description_{lang}"])
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


def _form_data(values: dict[str, Any], etype: EntityType) -> dict[str, Any]:
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


def _lang_label(prefix: str, lang_code: str) -> Any:
    """The label of a field kept in both languages (``label``, ``aliases``, ``description``)."""
    name = LANG_NAMES[lang_code]
    if prefix == "label":
        return _l("Label (%(lang)s)", lang=name)
    if prefix == "aliases":
        return _l("Other names (%(lang)s)", lang=name)
    return _l("Short description (%(lang)s)", lang=name)


def entity_form(
    ontology: Ontology, etype: EntityType, lang: str, values: dict[str, Any] | None = None, **kwargs: Any
) -> EntityForm:
    """The form for an entity of ``etype``; filled from ``values`` or, on a POST, from the request."""
    label_max, text_max = ontology.limit("label"), ontology.limit("description")
    alias_count, alias_max = ontology.limit("aliases"), ontology.limit("alias")
    fields: dict[str, Any] = {}
    for lang_code in LANGS:
        fields[f"label_{lang_code}"] = string_field(
            _lang_label("label", lang_code), label_max, required=lang_code == "de"
        )
    for lang_code in LANGS:
        fields[f"aliases_{lang_code}"] = textarea_field(
            _lang_label("aliases", lang_code),
            alias_count * (alias_max + 1),
            extra=[Lines(alias_count, alias_max)],
            description=_l("one per line"),
            rows=2,
        )
    for lang_code in LANGS:
        fields[f"description_{lang_code}"] = textarea_field(_lang_label("description", lang_code), text_max, rows=2)
    fields["body"] = textarea_field(
        _l("Text"),
        ontology.limit("body"),
        description=_l("Markdown: **bold**, *italic*, - lists, [link](https://…)"),
        rows=14,
    )
    fields["props"] = FormField(values_form(etype.properties, ontology, lang), separator="-")
    fields["summary"] = summary_field(ontology)
    fields["confirm"] = HiddenField()
    fields["save"] = SubmitField(_l("Save"))
    fields["preview"] = SubmitField(_l("Preview"))
    cls = type(f"{etype.name}Form", (EntityForm,), {**fields, "etype": etype})
    if values is not None:
        kwargs.update(formdata=None, data=_form_data(values, etype))
    return cls(**kwargs)


# -- the store's names for the same fields ---------------------------------------------------------------------


def value_key(stored: str) -> str:
    """A stored field's name (as diffs and the store's errors give it) as a value key.

    >>> value_key("labels.de"), value_key("properties.districts"), value_key("body"), value_key("labels.fr")
    ('label_de', 'props.districts', 'body', 'labels.fr')
    """
    head, _sep, rest = stored.partition(".")
    if head in _IN_BOTH_LANGS and rest in LANGS:
        return f"{_IN_BOTH_LANGS[head]}_{rest}"
    return f"props.{rest}" if head == "properties" else stored


def field_label(etype: EntityType, key: str, lang: str) -> str:
    """The label of an entity field for the list of changes (``label_de`` → "Label (German)")."""
    prefix, _sep, code = key.rpartition("_")
    if code in LANG_NAMES and prefix in _IN_BOTH_LANGS.values():
        return str(_lang_label(prefix, code))
    if key.startswith("props.") and key[6:] in etype.properties:
        return pick(etype.properties[key[6:]].labels, lang)
    return {"body": _("Text"), "deleted": _("Deleted"), "deleted_reason": _("Reason for deletion")}.get(key, key)


def entity_error(form: EntityForm, exc: ValidationError, errors: list[str]) -> None:
    """Put the store's complaint next to the field it names (``properties.districts``, ``labels.de``).

    A complaint without a field of its own goes to ``errors``, shown above the form.
    """
    place_error(form.field_for(value_key(exc.field or "")), exc, errors)
