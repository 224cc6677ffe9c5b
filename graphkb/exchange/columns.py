"""The flat shape of nodes and edges that GraphML, GEXF and CSV share: one column per field.

Node columns: the entity's own fields, then one per ontology property (the union over all entity
types, sorted). Edge columns: the statement's own fields, one per qualifier, and its citations as
a count and the sources. A column's kind (integer, number, boolean, list or string) comes from the
ontology; a name whose kind differs between types (``districts``: a number for a City, a list for
a SocialSpace) is a string column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..model import Entity, Statement
from ..schema import Ontology, PropertySpec

__all__ = [
    "NODE_FIELDS",
    "EDGE_FIELDS",
    "property_kinds",
    "qualifier_kinds",
    "node_values",
    "edge_values",
    "xml_safe",
]

NODE_FIELDS = ("id", "type", "label_de", "label_en", "description_de", "description_en", "aliases_de", "aliases_en")
EDGE_FIELDS = ("id", "subject", "type", "target")

_KINDS = {"integer": "integer", "number": "number", "boolean": "boolean", "list": "list"}


def _kinds(specs: Iterable[PropertySpec]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for spec in specs:
        kind = _KINDS.get(spec.type, "string")
        kinds[spec.name] = kind if kinds.get(spec.name, kind) == kind else "string"
    return dict(sorted(kinds.items()))


def property_kinds(ontology: Ontology) -> dict[str, str]:
    """Every entity property name with its column kind, sorted by name."""
    return _kinds(spec for et in ontology.entity_types.values() for spec in et.properties.values())


def qualifier_kinds(ontology: Ontology) -> dict[str, str]:
    """Every qualifier name with its column kind, sorted by name."""
    return _kinds(spec for rt in ontology.relation_types.values() for spec in rt.qualifiers.values())


def node_values(entity: Entity) -> dict[str, Any]:
    """The entity's own fields and its properties, by column name (aliases as lists)."""
    values: dict[str, Any] = {
        "id": entity.id,
        "type": entity.type,
        "label_de": entity.labels.get("de", ""),
        "label_en": entity.labels.get("en", ""),
        "description_de": entity.descriptions.get("de", ""),
        "description_en": entity.descriptions.get("en", ""),
        "aliases_de": list(entity.aliases.get("de", [])),
        "aliases_en": list(entity.aliases.get("en", [])),
    }
    values.update(entity.properties)
    return values


def edge_values(subject: Entity, statement: Statement) -> dict[str, Any]:
    """The statement's own fields, its qualifiers, and its citations as count and source ids."""
    values: dict[str, Any] = {
        "id": statement.id,
        "subject": subject.id,
        "type": statement.type,
        "target": statement.target,
    }
    values.update(statement.qualifiers)
    values["citation_count"] = len(statement.citations)
    values["citation_sources"] = [c.source for c in statement.citations]
    return values


# XML 1.0 forbids most control characters (even as &#x..;) and lone surrogates
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Text XML 1.0 can carry: forbidden characters become U+FFFD.

    >>> xml_safe("a\\x00b – ä")
    'a\\ufffdb – ä'
    """
    return _NOT_XML.sub("\ufffd", text)
