"""The statement form of a subject type: relation, target, qualifiers and citations.

Its values are keyed ``relation``, ``target``, ``q.<qualifier>`` and ``citations`` (a list of
``{"source", "quote", "locator"}``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectChoice, validators
from wtforms.fields import FieldList, FormField, HiddenField, SelectField, SubmitField

from graphkb.errors import ValidationError
from graphkb.model import Citation, Statement, pick
from graphkb.schema import Ontology, PropertySpec, RelationType

from .base import WriteForm, place_error, summary_field
from .fields import SubForm, string_field, text_of, textarea_field, url_field, value_choices
from .picker import RefField
from .properties import is_empty, to_field, to_value, values_form

__all__ = [
    "StatementForm",
    "CitationForm",
    "statement_form",
    "statement_values",
    "statement_from_values",
    "allowed_relations",
    "target_types",
    "statement_error",
]


def allowed_relations(ontology: Ontology, subject_type: str) -> list[RelationType]:
    return [rt for rt in ontology.relation_types.values() if "*" in rt.subjects or subject_type in rt.subjects]


def target_types(ontology: Ontology, rtype: RelationType) -> list[str]:
    return (
        list(ontology.entity_types)
        if "*" in rtype.targets
        else [t for t in ontology.entity_types if t in rtype.targets]
    )


# -- citations ----------------------------------------------------------------------------------------------


class CitationForm(SubForm):
    """One citation: an existing Source or a new one (created when the statement is saved)."""

    def blank(self) -> bool:
        return self.source.blank and not any(text_of(self[f]) for f in ("quote", "locator", "new_label", "new_url"))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.blank():
            return ok
        new = bool(text_of(self.new_label))
        if new and not self.source.blank:
            self.new_label.errors.append(_l("choose an existing source or create a new one, not both"))
        elif not new and self.source.blank:
            self.source.errors.append(_l("choose a source or create a new one"))
        if text_of(self.new_url) and not new:
            self.new_label.errors.append(_l("give the new source a title"))
        if new and not self.new_layer.data:
            self.new_layer.errors.append(_l("choose the layer of the new source"))
        if (new or not self.source.blank) and not text_of(self.quote):
            self.quote.errors.append(_l("a citation needs a verbatim quote"))
        return ok and not any(f.errors for f in self)


def _citation_form(ontology: Ontology) -> type[Form]:
    return type(
        "CitationRowForm",
        (CitationForm,),
        {
            "source": RefField(_l("Source"), types=["Source"]),
            "quote": textarea_field(_l("Verbatim quote"), ontology.limit("quote"), rows=3),
            "locator": string_field(
                _l("Where in the source"), ontology.limit("locator"), description=_l("e.g. page, section, paragraph")
            ),
            "new_label": string_field(_l("Title of the new source"), ontology.limit("label")),
            "new_url": url_field(_l("Address (URL)"), ontology.limit("string")),
            "new_layer": SelectField(_l("Layer"), choices=value_choices(("report", "background"))),
        },
    )


# -- the statement --------------------------------------------------------------------------------------------


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
                if name not in rtype.qualifiers and not is_empty(field):
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
                "quote": text_of(row.quote),
                "locator": text_of(row.locator),
            }
            for row in (self.citations.entries[i].form for i in self.statement_rows())
        ]
        return values


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
            values_form(qualifiers, ontology, lang, {n: {"data-relations": " ".join(r)} for n, r in applies.items()}),
            separator="-",
        ),
        "citations": FieldList(
            FormField(_citation_form(ontology), separator="-"),
            min_entries=1,
            max_entries=ontology.limit("citations"),
            separator="-",
        ),
        "summary": summary_field(ontology),
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
        kwargs.update(formdata=None, data=_form_data(values, qualifiers))
    elif relation in relations:
        kwargs.setdefault("data", {"relation": relation})
    return cls(**kwargs)


def _form_data(values: dict[str, Any], qualifiers: dict[str, PropertySpec]) -> dict[str, Any]:
    return {
        "relation": values.get("relation") or "",
        "target": values.get("target") or None,
        "q": {name: to_field(spec, values.get(f"q.{name}")) for name, spec in qualifiers.items()},
        "citations": [dict(c) for c in values.get("citations") or []] or [{}],
    }


# -- the store's complaints -----------------------------------------------------------------------------------

_STORED_FIELD = re.compile(r"statements\[(\d+)\]\.(\w+)(?:\[(\d+)\])?(?:\.(\w+))?")


def statement_error(form: StatementForm, exc: ValidationError, index: int, rows: list[int], errors: list[str]) -> None:
    """Put the store's complaint about statement ``index`` (``statements[2].qualifiers.since`` and the like)
    next to the form's field; ``rows`` are the form's citation rows in stored order. Others go to ``errors``.
    """
    match = _STORED_FIELD.fullmatch(exc.field or "")
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
    place_error(target, exc, errors)
