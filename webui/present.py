"""What an entity page and a diff show, computed from the store: no templates here.

Statements are grouped by relation type (in ontology order), values carry the ontology's labels
in the UI language, and every statement knows its layer: the layer of a citation is the ``layer``
property of its Source entity (``report`` = the Graz report, ``background`` = outside sources).
Bodies link their ``[[…]]`` references through :func:`webui.render.store_resolver`, which builds
URLs with ``url_for``: call these in an app (request) context.
"""

from __future__ import annotations

import difflib
import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import gettext as _

from graphkb.errors import NotFound
from graphkb.model import Entity, EntitySummary, Incoming, Statement, pick
from graphkb.revisions import diff_snapshots
from graphkb.schema import Ontology, PropertySpec
from graphkb.store import Store

from .i18n import value_label
from .render import Resolver, render_markdown, store_resolver

__all__ = [
    "Value",
    "CitationView",
    "StatementView",
    "Group",
    "EntityPage",
    "entity_page",
    "LAYERS",
    "present_value",
    "body_html",
    "statement_views",
    "relation_label",
    "FieldChange",
    "WordPart",
    "DiffLine",
    "DiffView",
    "diff_view",
    "body_diff",
]

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


# Source id → layer, per store, valid for one graph version: a layer is a property of the Source,
# so without this every page would load each cited Source in full (two of a page's three reads).
_LAYER_CACHE: weakref.WeakKeyDictionary[Any, tuple[int, dict[str, str | None]]] = weakref.WeakKeyDictionary()


def _layers_of(store: Store, source_ids: set[str]) -> dict[str, str | None]:
    if not source_ids:
        return {}
    version = store.graph_version()
    cached_version, known = _LAYER_CACHE.get(store, (None, {}))
    if cached_version != version:
        known = {}
        _LAYER_CACHE[store] = (version, known)
    layers: dict[str, str | None] = {}
    for source_id in sorted(source_ids):
        if source_id not in known:
            try:
                layer = store.get(source_id).properties.get("layer")
            except NotFound:
                layer = None
            known[source_id] = layer if layer in LAYERS else None
        layers[source_id] = known[source_id]
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


def body_html(store: Store, body: str, lang: str) -> Any:
    """A body as HTML, its ``[[…]]`` links placed in ``store`` (red links for what does not exist)."""
    resolver: Resolver = store_resolver(store, lang)
    return render_markdown(body, resolver)


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
        body_html=body_html(store, entity.body, lang),
        properties=properties,
        outgoing=builder.groups(outgoing, inverse=False),
        incoming=builder.groups(inbound, inverse=True),
        evidence=builder.groups(evidence, inverse=False),
    )


# --- diffs between two revisions ------------------------------------------------------------------


def relation_label(ontology: Ontology, relation: str, lang: str) -> str:
    rtype = ontology.relation_types.get(relation)
    return pick(rtype.labels, lang) if rtype else relation


def statement_views(store: Store, statements: list[Statement], lang: str) -> list[tuple[str, StatementView]]:
    """Statements shown outside an entity page (in a diff), each with its relation's label."""
    builder = _Builder(store, store.ontology, lang)
    builder.load(statements, ())
    return [
        (
            relation_label(store.ontology, st.type, lang),
            builder.statement(st, builder.summaries.get(st.target), st.target),
        )
        for st in statements
    ]


@dataclass(frozen=True)
class FieldChange:
    """One changed field: ``lang`` is set for the fields kept in both languages (labels, aliases, descriptions)."""

    name: str
    label: str
    lang: str | None
    old: Value | None
    new: Value | None


@dataclass(frozen=True)
class WordPart:
    text: str
    changed: bool = False


@dataclass(frozen=True)
class DiffLine:
    kind: str  # context | removed | added
    old_number: int | None
    new_number: int | None
    parts: tuple[WordPart, ...]


@dataclass
class DiffView:
    fields: list[FieldChange]
    added: list[tuple[str, StatementView]]
    removed: list[tuple[str, StatementView]]
    changed: list[tuple[str, StatementView, StatementView]]
    body: list[list[DiffLine]]  # hunks of a unified diff with context

    @property
    def empty(self) -> bool:
        return not (self.fields or self.added or self.removed or self.changed or self.body)


_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
MAX_WORD_DIFF = 5000  # longer lines are marked as a whole: word matching is quadratic


def _word_parts(old: str, new: str) -> tuple[tuple[WordPart, ...], tuple[WordPart, ...]]:
    """Both lines cut into runs of equal and changed words."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    old_parts: list[WordPart] = []
    new_parts: list[WordPart] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if i2 > i1:
            old_parts.append(WordPart("".join(a[i1:i2]), tag != "equal"))
        if j2 > j1:
            new_parts.append(WordPart("".join(b[j1:j2]), tag != "equal"))
    return tuple(old_parts), tuple(new_parts)


def _changed_block(a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int) -> list[DiffLine]:
    removed = [DiffLine("removed", i + 1, None, (WordPart(a[i]),)) for i in range(i1, i2)]
    added = [DiffLine("added", None, j + 1, (WordPart(b[j]),)) for j in range(j1, j2)]
    for k in range(min(len(removed), len(added))):
        old, new = a[i1 + k], b[j1 + k]
        if len(old) + len(new) <= MAX_WORD_DIFF:
            old_parts, new_parts = _word_parts(old, new)
            removed[k] = replace(removed[k], parts=old_parts)
            added[k] = replace(added[k], parts=new_parts)
    return removed + added


def body_diff(old: str, new: str, context: int = 3) -> list[list[DiffLine]]:
    """A line-based unified diff of two bodies, in hunks; paired changed lines marked word by word.

    >>> hunks = body_diff("a\\nb c\\nd", "a\\nb x\\nd")
    >>> [(line.kind, "".join(p.text for p in line.parts)) for line in hunks[0]]
    [('context', 'a'), ('removed', 'b c'), ('added', 'b x'), ('context', 'd')]
    >>> [p.text for p in hunks[0][2].parts if p.changed]
    ['x']
    >>> body_diff("same", "same")
    []
    """
    if old == new:
        return []
    a, b = old.splitlines(), new.splitlines()
    hunks = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        lines: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("context", i + 1, i - i1 + j1 + 1, (WordPart(a[i]),)) for i in range(i1, i2)]
            else:
                lines += _changed_block(a, b, i1, i2, j1, j2)
        hunks.append(lines)
    return hunks


def _field_name(ontology: Ontology, entity_type: str, key: str, lang: str) -> tuple[str, str | None]:
    group, _dot, rest = key.partition(".")
    if group == "labels":
        return _("Label"), rest
    if group == "aliases":
        return _("Also known as"), rest
    if group == "descriptions":
        return _("Description"), rest
    if group == "properties":
        etype = ontology.entity_types.get(entity_type)
        spec = etype.properties.get(rest) if etype else None
        return (pick(spec.labels, lang) if spec else rest), None
    if key == "deleted":
        return _("Deleted"), None
    if key == "deleted_reason":
        return _("Reason for deletion"), None
    return key, None


def _field_value(
    ontology: Ontology, entity_type: str, key: str, value: Any, summaries: dict[str, EntitySummary], lang: str
) -> Value | None:
    if value is None or value == "" or value == []:
        return None
    group, _dot, rest = key.partition(".")
    if group == "properties":
        etype = ontology.entity_types.get(entity_type)
        return present_value(etype.properties.get(rest) if etype else None, value, summaries, lang)
    return present_value(None, value, summaries, lang)


def diff_view(store: Store, old: dict[str, Any], new: dict[str, Any], lang: str) -> DiffView:
    """What changed between two snapshots of one entity, ready to show: fields, statements, body."""
    ontology = store.ontology
    entity_type = str(new.get("type") or old.get("type") or "")
    diff = diff_snapshots(old, new)
    etype = ontology.entity_types.get(entity_type)
    ref_ids = [
        str(change[side])
        for change in diff["fields"]
        if change["field"].startswith("properties.") and etype
        for side in ("old", "new")
        if change[side] is not None
        and (spec := etype.properties.get(change["field"].split(".", 1)[1]))
        and spec.type == "ref"
    ]
    summaries = store.get_many(ref_ids) if ref_ids else {}
    fields = []
    for change in diff["fields"]:
        label, field_lang = _field_name(ontology, entity_type, change["field"], lang)
        values = [
            _field_value(ontology, entity_type, change["field"], change[side], summaries, lang)
            for side in ("old", "new")
        ]
        fields.append(FieldChange(change["field"], label, field_lang, *values))
    st = diff["statements"]
    added = [Statement.from_dict(s) for s in st["added"]]
    removed = [Statement.from_dict(s) for s in st["removed"]]
    olds = [Statement.from_dict(c["old"]) for c in st["changed"]]
    news = [Statement.from_dict(c["new"]) for c in st["changed"]]
    views = statement_views(store, [*added, *removed, *olds, *news], lang)
    a, r, c = len(added), len(removed), len(olds)
    return DiffView(
        fields=fields,
        added=views[:a],
        removed=views[a : a + r],
        changed=[
            (label, old_view, new_view)
            for (label, old_view), (_l, new_view) in zip(views[a + r : a + r + c], views[a + r + c :], strict=True)
        ],
        body=body_diff(str(old.get("body") or ""), str(new.get("body") or "")),
    )
