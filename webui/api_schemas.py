"""JSON schemas of what the API reads and answers (the ``components`` of its OpenAPI document).

``"x-enum": "entity_types"`` (or ``relation_types``) becomes the ontology's names when the
document is made (:func:`webui.openapi._with_ontology`). Response schemas allow extra keys, so
adding a field is not a breaking change; request schemas name every field they take.
"""

from __future__ import annotations

from typing import Any

from .params import MAX_INT

__all__ = ["COMPONENTS", "ref", "array_of", "BOOKKEEPING"]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def array_of(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": schema}


_STR = {"type": "string"}
_INT = {"type": "integer"}
_NULLABLE_STR = {"type": ["string", "null"]}
_TEXTS = {"type": "object", "properties": {"de": _STR, "en": _STR}, "required": ["de", "en"]}
_ALIASES = {"type": "object", "properties": {"de": array_of(_STR), "en": array_of(_STR)}}
_ANY_VALUES = {"type": "object", "additionalProperties": True}

# Fields of an entity the store sets; a body may carry them (a GET's answer sent back) and they are ignored.
BOOKKEEPING = ("revision", "deleted", "deleted_reason", "created_at", "updated_at", "updated_by")

_CITATION = {
    "type": "object",
    "properties": {"source": _STR, "quote": _STR, "locator": _STR},
    "required": ["source", "quote"],
}
_STATEMENT = {
    "type": "object",
    "properties": {
        "id": _NULLABLE_STR,
        "type": {"type": "string", "x-enum": "relation_types"},
        "target": _STR,
        "qualifiers": _ANY_VALUES,
        "citations": array_of(ref("Citation")),
    },
    "required": ["type", "target"],
}
_SUMMARY = {
    "type": "object",
    "properties": {"id": _STR, "type": _STR, "labels": _TEXTS, "descriptions": _TEXTS, "deleted": {"type": "boolean"}},
    "required": ["id", "type", "labels"],
}
_ENTITY = {
    "type": "object",
    "properties": {
        "id": _STR,
        "type": _STR,
        "labels": _TEXTS,
        "aliases": _ALIASES,
        "descriptions": _TEXTS,
        "body": _STR,
        "properties": _ANY_VALUES,
        "statements": array_of(ref("Statement")),
        "revision": _INT,
        "deleted": {"type": "boolean"},
        "deleted_reason": _STR,
        "created_at": _STR,
        "updated_at": _STR,
        "updated_by": _STR,
    },
    "required": ["id", "type", "labels", "statements", "revision", "deleted"],
}
_REVISION = {
    "type": "object",
    "properties": {
        "entity_id": _STR,
        "number": _INT,
        "parent": {"type": ["integer", "null"]},
        "author": _STR,
        "timestamp": _STR,
        "summary": _STR,
        "action": _STR,
        "entity_type": _STR,
        "label": _STR,
        "size": _INT,
        "snapshot": {"type": ["object", "null"]},
    },
    "required": ["entity_id", "number", "author", "timestamp", "summary", "action"],
}
_INCOMING = {
    "type": "object",
    "properties": {"subject": ref("EntitySummary"), "statement": ref("Statement")},
    "required": ["subject", "statement"],
}
_ENTITY_PAGE = {
    "allOf": [ref("Entity")],
    "type": "object",
    "properties": {
        "incoming": array_of(ref("Incoming")),
        "incoming_limit": _INT,
        "cited_by": array_of(ref("Incoming")),
        "cited_by_limit": _INT,
    },
    "required": ["incoming", "incoming_limit"],
}
_EDGE = {
    "type": "object",
    "properties": {"id": _STR, "subject": _STR, "type": _STR, "target": _STR},
    "required": ["id", "subject", "type", "target"],
}
_SUBGRAPH = {
    "type": "object",
    "properties": {
        "nodes": array_of(ref("EntitySummary")),
        "edges": array_of(ref("Edge")),
        "truncated": {"type": "boolean"},
    },
    "required": ["nodes", "edges", "truncated"],
}
_ERROR = {
    "type": "object",
    "properties": {
        "error": {"type": "string", "description": "a code: validation_error, not_found, edit_conflict, ..."},
        "message": _STR,
        "field": {**_NULLABLE_STR, "description": "the parameter or body field at fault"},
    },
    "required": ["error", "message"],
}
_CONFLICT = {
    "allOf": [ref("Error")],
    "type": "object",
    "properties": {
        "entity": _STR,
        "base_revision": {"type": ["integer", "null"]},
        "current_revision": {"type": ["integer", "null"]},
        "current": {"oneOf": [ref("Revision"), {"type": "null"}]},
    },
}

# -- request bodies -------------------------------------------------------------------------------

_TEXTS_IN = {"type": "object", "properties": {"de": _STR, "en": _STR}, "additionalProperties": False}
_ALIASES_IN = {
    "type": "object",
    "properties": {"de": array_of(_STR), "en": array_of(_STR)},
    "additionalProperties": False,
}
_CONTENT_FIELDS: dict[str, Any] = {
    "labels": _TEXTS_IN,
    "aliases": _ALIASES_IN,
    "descriptions": _TEXTS_IN,
    "body": _STR,
    "properties": _ANY_VALUES,
    "statements": array_of(ref("Statement")),
    "summary": {"type": "string", "description": "what the revision says it did (one line)"},
    **{name: {"description": "set by the store; ignored"} for name in BOOKKEEPING},
}
_NEW_ENTITY = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "x-enum": "entity_types"},
        "id": {"type": "string", "description": "optional; made from the German label when missing"},
        **_CONTENT_FIELDS,
        "labels": {
            **_TEXTS_IN,
            "properties": {"de": {"type": "string", "minLength": 1}, "en": _STR},
            "required": ["de"],
        },
    },
    "required": ["type", "labels"],
    "additionalProperties": False,
}
_ENTITY_CHANGE = {
    "type": "object",
    "description": "The fields given replace the entity's; fields left out keep their values.",
    "properties": {
        "base_revision": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_INT,
            "description": "the revision the change is based on",
        },
        "type": {"type": "string", "description": "must be the entity's type, if given"},
        "id": {"type": "string", "description": "must be the entity's id, if given"},
        **_CONTENT_FIELDS,
    },
    "required": ["base_revision"],
    "additionalProperties": False,
}
_WRITTEN = {
    "type": "object",
    "properties": {"revision": ref("Revision"), "entity": ref("Entity")},
    "required": ["revision", "entity"],
}

COMPONENTS: dict[str, Any] = {
    "Error": _ERROR,
    "EditConflict": _CONFLICT,
    "Citation": _CITATION,
    "Statement": _STATEMENT,
    "EntitySummary": _SUMMARY,
    "Entity": _ENTITY,
    "EntityPage": _ENTITY_PAGE,
    "Incoming": _INCOMING,
    "Revision": _REVISION,
    "Edge": _EDGE,
    "Subgraph": _SUBGRAPH,
    "NewEntity": _NEW_ENTITY,
    "EntityChange": _ENTITY_CHANGE,
    "Written": _WRITTEN,
}
