"""What an entity page shows, computed from the store: no Flask request or templates here.

Statements are grouped by relation type (in ontology order), values carry the ontology's labels
in the UI language, and every statement knows its layer: the layer of a citation is the ``layer``
property of its Source entity (``report`` = the Graz report, ``background`` = outside sources).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import gettext as _

from graphkb.errors import NotFound
from graphkb.model import Entity, EntitySummary, Incoming, Statement, pick
from graphkb.schema import Ontology, PropertySpec
from graphkb.store import Store

from .i18n import value_label
from .render import render_markdown

__all__ = ["Value", "CitationView", "StatementView", "Group", "EntityPage", "entity_page", "LAYERS", "present_value"]

LAYERS = ("report", "background")


@dataclass(frozen=True)
class Value:
    """A property or qualifier value ready to show: ``kind`` is text, ref or url."""

    kind: str
    text: str
    ref: str | None = None
    href: str | None = None


@dataclass(frozen=True)
class CitationView:
    source_id: str
    label: str
    quote: str
    locator: str
    layer: str | None
    exists: bool


@dataclass(frozen=True)
class StatementView:
    id: str | None
    type: str
    other_id: str
    other_label: str
    other_type: str
    other_exists: bool
    other_deleted: bool
    qualifiers: list[tuple[str, Value]]
    citations: list[CitationView]
    layers: list[str]
    # set for the evidence a Source gives: whose statement it is
    subject_id: str | None = None
    subject_label: str = ""
    subject_type: str = ""


@dataclass
class Group:
    type: str
    label: str
    statements: list[StatementView] = field(default_factory=list)


@dataclass
class EntityPage:
    entity: Entity
    lang: str
    other_lang: str
    type_label: str
    label: str
    label_lang: str  # the language the label is in: the UI language, or the other one as fallback
    secondary_label: str
    description: str
    description_lang: str
    secondary_description: str
    aliases: list[str]
    secondary_aliases: list[str]
    body_html: Any
    properties: list[tuple[str, Value]]
    outgoing: list[Group]
    incoming: list[Group]
    evidence: list[Group] = field(default_factory=list)  # statements this entity (a Source) is cited for


def present_value(spec: PropertySpec | None, value: Any, summaries: dict[str, EntitySummary], lang: str) -> Value:
    kind = spec.type if spec else "string"
    if kind == "ref":
        summary = summaries.get(str(value))
        return Value("ref", summary.label(lang) if summary else str(value), ref=str(value))
    if kind == "url":
        return Value("url", str(value), href=str(value))
    if kind == "enum":
        return Value("text", value_label(str(value)))
    if kind == "boolean" or isinstance(value, bool):
        return Value("text", _("yes") if value else _("no"))
    if isinstance(value, list):
        return Value("text", ", ".join(str(v) for v in value))
    return Value("text", str(value))


def _labelled(
    specs: dict[str, PropertySpec], values: dict[str, Any], summaries: dict[str, EntitySummary], lang: str
) -> list[tuple[str, Value]]:
    """Values with their ontology labels, in the ontology's order (unknown names last, by name)."""
    order = {name: i for i, name in enumerate(specs)}
    names = sorted(values, key=lambda k: (order.get(k, len(order)), k))
    return [
        (pick(specs[k].labels, lang) if k in specs else k, present_value(specs.get(k), values[k], summaries, lang))
        for k in names
    ]


def _refs(specs: dict[str, PropertySpec], values: dict[str, Any]) -> Iterable[str]:
    return (str(v) for k, v in values.items() if k in specs and specs[k].type == "ref")


def _layers_of(store: Store, source_ids: set[str]) -> dict[str, str | None]:
    layers: dict[str, str | None] = {}
    for source_id in sorted(source_ids):
        try:
            layer = store.get(source_id).properties.get("layer")
        except NotFound:
            layer = None
        layers[source_id] = layer if layer in LAYERS else None
    return layers


class _Builder:
    def __init__(self, store: Store, ontology: Ontology, lang: str):
        self.store, self.ontology, self.lang = store, ontology, lang
        self.summaries: dict[str, EntitySummary] = {}
        self.layers: dict[str, str | None] = {}

    def load(self, statements: Iterable[Statement], extra_ids: Iterable[str]) -> None:
        statements = list(statements)
        ids: set[str] = set(extra_ids)
        sources: set[str] = set()
        for st in statements:
            ids.add(st.target)
            rtype = self.ontology.relation_types.get(st.type)
            if rtype:
                ids.update(_refs(rtype.qualifiers, st.qualifiers))
            for cit in st.citations:
                sources.add(cit.source)
        ids |= sources
        self.summaries = self.store.get_many(sorted(i for i in ids if i))
        self.layers = _layers_of(self.store, sources)

    def statement(self, st: Statement, other: EntitySummary | None, other_id: str) -> StatementView:
        rtype = self.ontology.relation_types.get(st.type)
        specs = rtype.qualifiers if rtype else {}
        qualifiers = _labelled(specs, st.qualifiers, self.summaries, self.lang)
        citations = []
        for cit in st.citations:
            source = self.summaries.get(cit.source)
            citations.append(
                CitationView(
                    source_id=cit.source,
                    label=source.label(self.lang) if source else cit.source,
                    quote=cit.quote,
                    locator=cit.locator,
                    layer=self.layers.get(cit.source),
                    exists=source is not None,
                )
            )
        found = {c.layer for c in citations if c.layer}
        return StatementView(
            id=st.id,
            type=st.type,
            other_id=other_id,
            other_label=other.label(self.lang) if other else other_id,
            other_type=other.type if other else "",
            other_exists=other is not None,
            other_deleted=bool(other and other.deleted),
            qualifiers=qualifiers,
            citations=citations,
            layers=[layer for layer in LAYERS if layer in found],
        )

    def groups(self, items: list[tuple[Statement, StatementView]], inverse: bool) -> list[Group]:
        order = {name: i for i, name in enumerate(self.ontology.relation_types)}
        groups: dict[str, Group] = {}
        for st, view in items:
            if st.type not in groups:
                rtype = self.ontology.relation_types.get(st.type)
                texts = (rtype.inverse if inverse else rtype.labels) if rtype else {}
                groups[st.type] = Group(st.type, pick(texts, self.lang) or st.type)
            groups[st.type].statements.append(view)
        for group in groups.values():
            # the report layer (the primary source) first, then by label
            group.statements.sort(key=lambda v: ("report" not in v.layers, v.other_label.casefold(), v.other_id))
        return sorted(groups.values(), key=lambda g: (order.get(g.type, len(order)), g.type))


def entity_page(
    store: Store,
    entity: Entity,
    incoming: list[Incoming],
    lang: str,
    other_lang: str,
    cited_by: list[Incoming] | None = None,
) -> EntityPage:
    ontology = store.ontology
    etype = ontology.entity_types.get(entity.type)
    specs = etype.properties if etype else {}
    builder = _Builder(store, ontology, lang)
    cited_by = cited_by or []
    builder.load(
        [*entity.statements, *(inc.statement for inc in incoming), *(c.statement for c in cited_by)],
        _refs(specs, entity.properties),
    )
    evidence = []
    for c in cited_by:
        # only the quotes from this source: the page is about what it says
        own = Statement(
            c.statement.type,
            c.statement.target,
            c.statement.qualifiers,
            [cit for cit in c.statement.citations if cit.source == entity.id],
            c.statement.id,
        )
        view = builder.statement(own, builder.summaries.get(own.target), own.target)
        view = replace(view, subject_id=c.subject.id, subject_label=c.subject.label(lang), subject_type=c.subject.type)
        evidence.append((own, view))
    outgoing = [(st, builder.statement(st, builder.summaries.get(st.target), st.target)) for st in entity.statements]
    inbound = [(inc.statement, builder.statement(inc.statement, inc.subject, inc.subject.id)) for inc in incoming]
    properties = _labelled(specs, entity.properties, builder.summaries, lang)
    label = entity.label(lang)
    secondary = entity.labels.get(other_lang, "")
    description = entity.description(lang)
    secondary_description = entity.descriptions.get(other_lang, "")
    return EntityPage(
        entity=entity,
        lang=lang,
        other_lang=other_lang,
        type_label=pick(etype.labels, lang) if etype else entity.type,
        label=label,
        label_lang=lang if entity.labels.get(lang) else other_lang,
        secondary_label=secondary if secondary and secondary != label else "",
        description=description,
        description_lang=lang if entity.descriptions.get(lang) else other_lang,
        secondary_description=secondary_description if secondary_description != description else "",
        aliases=entity.aliases.get(lang, []),
        secondary_aliases=entity.aliases.get(other_lang, []),
        body_html=render_markdown(entity.body),
        properties=properties,
        outgoing=builder.groups(outgoing, inverse=False),
        incoming=builder.groups(inbound, inverse=True),
        evidence=builder.groups(evidence, inverse=False),
    )
