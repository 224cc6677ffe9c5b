"""GraphML and GEXF 1.3, written as a stream (xml.sax's XMLGenerator escapes every value).

Both carry the same columns (see :mod:`graphkb.exchange.columns`): node attributes ``type``,
``label_de``, ``label_en``, ``description_de``, ``description_en``, ``aliases_de``/``aliases_en``
(joined with `` | ``), one per ontology property; edge attributes ``relation`` (the relation
type), ``statement`` (the statement id, also the edge's id), one per qualifier, ``citation_count``
and ``citation_sources`` (the Source ids, joined with `` | ``). The Markdown body stays out: these
formats are for graph tools. Only live entities and the statements between them are written.

GEXF (for Gephi): node ``label`` in one language (``lang``), edge ``label`` and ``kind`` = the
relation type, a ``viz:color`` per entity type from the ontology. GraphML: a ``label`` key in
``lang`` as well, for yEd and Gephi. Characters XML 1.0 cannot carry become U+FFFD.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO, Any
from xml.sax.saxutils import XMLGenerator

from ..model import pick
from ..store.base import Store
from .columns import edge_values, node_values, property_kinds, qualifier_kinds, xml_safe
from .selection import Selection, View

__all__ = ["export_graphml", "export_gexf", "GRAPHML_NS", "GEXF_NS", "GEXF_VIZ_NS"]

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://gexf.net/1.3"
GEXF_VIZ_NS = "http://gexf.net/1.3/viz"

_GRAPHML_TYPES = {"integer": "long", "number": "double", "boolean": "boolean", "list": "string", "string": "string"}
_GEXF_TYPES = {"integer": "long", "number": "double", "boolean": "boolean", "list": "string", "string": "string"}
_NODE_OWN = ("type", "label", "label_de", "label_en", "description_de", "description_en", "aliases_de", "aliases_en")
_EDGE_OWN = ("relation", "statement", "citation_count", "citation_sources")


def _text(value: Any) -> str | None:
    """A value as attribute text; None for an empty value (nothing written)."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return xml_safe(" | ".join(str(v) for v in value))
    return xml_safe(str(value))


class _Xml:
    """XMLGenerator with indentation and empty values left out."""

    def __init__(self, out: IO[str]):
        self.gen = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
        self.depth = 0

    def _indent(self) -> None:
        self.gen.ignorableWhitespace("\n" + "  " * self.depth)

    def open(self, name: str, attrs: dict[str, Any] | None = None) -> None:
        self._indent()
        self.gen.startElement(name, {k: t for k, v in (attrs or {}).items() if (t := _text(v)) is not None})
        self.depth += 1

    def close(self, name: str, inline: bool = False) -> None:
        self.depth -= 1
        if not inline:
            self._indent()
        self.gen.endElement(name)

    def empty(self, name: str, attrs: dict[str, Any]) -> None:
        self.open(name, attrs)
        self.close(name, inline=True)

    def element(self, name: str, text: str, attrs: dict[str, Any] | None = None) -> None:
        self.open(name, attrs)
        self.gen.characters(xml_safe(text))
        self.close(name, inline=True)


def _node_columns(store: Store) -> dict[str, str]:
    columns = {name: "string" for name in _NODE_OWN}
    columns.update({k: v for k, v in property_kinds(store.ontology).items() if k not in columns})
    return columns


def _edge_columns(store: Store) -> dict[str, str]:
    columns = {"relation": "string", "statement": "string", "citation_count": "integer", "citation_sources": "list"}
    columns.update({k: v for k, v in qualifier_kinds(store.ontology).items() if k not in columns})
    return columns


def _node_row(entity, lang: str) -> dict[str, Any]:
    values = node_values(entity)
    del values["id"]  # the node's own id attribute
    values["label"] = pick(entity.labels, lang)
    return values


def _edge_row(subject, st) -> dict[str, Any]:
    values = edge_values(subject, st)
    values["relation"] = values.pop("type")
    values["statement"] = values.pop("id")
    for field in ("subject", "target"):
        values.pop(field)
    return values


def export_graphml(
    store: Store,
    out: IO[str],
    *,
    selection: Selection | None = None,
    lang: str = "de",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the selection as GraphML (valid against graphml.xsd); returns the number of nodes."""
    view = View(store, selection)
    node_cols, edge_cols = _node_columns(store), _edge_columns(store)
    xml = _Xml(out)
    xml.gen.startDocument()
    xml.gen.startElement("graphml", {"xmlns": GRAPHML_NS})
    xml.depth = 1
    xml.element("desc", f"graphkb export: {view.selection.describe()}")
    for prefix, target, cols in (("n", "node", node_cols), ("e", "edge", edge_cols)):
        for name, kind in cols.items():
            xml.empty("key", {"id": f"{prefix}_{name}", "for": target, "attr.name": name,
                              "attr.type": _GRAPHML_TYPES[kind]})  # fmt: skip
    xml.open("graph", {"id": "graphkb", "edgedefault": "directed"})
    count = 0
    for entity in view.nodes(progress):
        xml.open("node", {"id": entity.id})
        for name, value in _node_row(entity, lang).items():
            if name in node_cols and (text := _text(value)) is not None:
                xml.element("data", text, {"key": f"n_{name}"})
        xml.close("node")
        count += 1
    for subject, _, st in view.edges():
        xml.open("edge", {"id": st.id, "source": subject.id, "target": st.target})
        for name, value in _edge_row(subject, st).items():
            if name in edge_cols and (text := _text(value)) is not None:
                xml.element("data", text, {"key": f"e_{name}"})
        xml.close("edge")
    xml.close("graph")
    xml.close("graphml")
    xml.gen.endDocument()
    out.write("\n")
    return count


def _rgb(color: str) -> dict[str, int] | None:
    """``#4e79a7`` → r, g, b; None when it is not a six-digit hex colour."""
    text = color.lstrip("#")
    if len(text) != 6:
        return None
    try:
        return {"r": int(text[0:2], 16), "g": int(text[2:4], 16), "b": int(text[4:6], 16)}
    except ValueError:
        return None


def export_gexf(
    store: Store,
    out: IO[str],
    *,
    selection: Selection | None = None,
    lang: str = "de",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the selection as GEXF 1.3 for Gephi; returns the number of nodes."""
    view = View(store, selection)
    node_cols, edge_cols = _node_columns(store), _edge_columns(store)
    node_cols.pop("label")  # GEXF has its own node label
    colors = {name: _rgb(et.color) for name, et in store.ontology.entity_types.items()}
    xml = _Xml(out)
    xml.gen.startDocument()
    xml.gen.startElement("gexf", {"xmlns": GEXF_NS, "xmlns:viz": GEXF_VIZ_NS, "version": "1.3"})
    xml.depth = 1
    xml.open("meta", {"lastmodifieddate": datetime.now(UTC).date().isoformat()})
    xml.element("creator", "graphkb")
    xml.element("description", f"graphkb export: {view.selection.describe()}")
    xml.close("meta")
    xml.open("graph", {"defaultedgetype": "directed", "mode": "static"})
    for cls, cols in (("node", node_cols), ("edge", edge_cols)):
        xml.open("attributes", {"class": cls})
        for name, kind in cols.items():
            xml.empty("attribute", {"id": name, "title": name, "type": _GEXF_TYPES[kind]})
        xml.close("attributes")
    xml.open("nodes")
    count = 0
    for entity in view.nodes(progress):
        xml.open("node", {"id": entity.id, "label": pick(entity.labels, lang) or entity.id})
        _attvalues(xml, _node_row(entity, lang), node_cols)
        if rgb := colors.get(entity.type):
            xml.empty("viz:color", rgb)
        xml.close("node")
        count += 1
    xml.close("nodes")
    xml.open("edges")
    for subject, _, st in view.edges():
        xml.open("edge", {"id": st.id, "source": subject.id, "target": st.target, "label": st.type, "kind": st.type})
        _attvalues(xml, _edge_row(subject, st), edge_cols)
        xml.close("edge")
    xml.close("edges")
    xml.close("graph")
    xml.close("gexf")
    xml.gen.endDocument()
    out.write("\n")
    return count


def _attvalues(xml: _Xml, row: dict[str, Any], columns: dict[str, str]) -> None:
    values = [(name, text) for name, value in row.items() if name in columns and (text := _text(value)) is not None]
    if values:
        xml.open("attvalues")
        for name, text in values:
            xml.empty("attvalue", {"for": name, "value": text})
        xml.close("attvalues")
