"""WTForms for writing, built from the ontology at request time.

Each form speaks two languages: its fields (what the browser sends and shows) and *values*, flat
dicts in the store's representation keyed by form field (``label_de``, ``props.districts``,
``q.since``, ``citations``). Values are what the views compare ("nothing changed"), merge (edit
conflicts, :mod:`webui.conflicts`) and turn into entities and statements.

| module | what it holds |
| --- | --- |
| ``fields`` | input cleaning, validators, text, URL and select inputs |
| ``picker`` | the entity picker (``RefField``) and how a typed text resolves to an entity |
| ``properties`` | one field per property or qualifier type, its value both ways |
| ``base`` | what every write form shares (``base_revision``, ``take_theirs``), statement removal |
| ``entity`` | the entity form of a type, its values, the store's field names for them |
| ``statement`` | the statement form of a subject type with its citation rows, its values |
"""

from .base import BasedForm, RemoveForm, WriteForm, add_error, remove_form
from .entity import (
    LANG_NAMES,
    EntityForm,
    apply_entity_values,
    entity_error,
    entity_form,
    entity_values,
    field_label,
    value_key,
)
from .fields import clean
from .picker import RefField, fill_ref_texts, ref_fields, resolve
from .statement import (
    StatementForm,
    allowed_relations,
    statement_error,
    statement_form,
    statement_from_values,
    statement_values,
)

__all__ = [
    "LANG_NAMES",
    "BasedForm",
    "WriteForm",
    "EntityForm",
    "StatementForm",
    "RemoveForm",
    "RefField",
    "remove_form",
    "entity_form",
    "statement_form",
    "entity_values",
    "statement_values",
    "apply_entity_values",
    "statement_from_values",
    "allowed_relations",
    "ref_fields",
    "fill_ref_texts",
    "resolve",
    "clean",
    "add_error",
    "value_key",
    "field_label",
    "entity_error",
    "statement_error",
]
