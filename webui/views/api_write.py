"""Writing through the API: create, change (based on a revision: 409 when it is stale), delete.

Bodies are JSON objects (schemas ``NewEntity`` and ``EntityChange`` in the OpenAPI document).
Their shape is checked here, field by field, so a wrong type is a 400 naming the field (``labels.de``,
``statements[2].citations[0].quote``), never a crash; the ontology's rules are the store's to check
(same field names). Every write records the asking account as its author, and a summary.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for
from werkzeug.exceptions import UnsupportedMediaType

from graphkb.errors import Conflict, EditConflict, ValidationError
from graphkb.model import Citation, Entity, Revision, Statement
from graphkb.text import LANGS

from ..api_schemas import BOOKKEEPING, ref
from ..auth import author
from ..db import get_store
from ..openapi import Param
from ..params import MAX_INT
from .api import api, entity_id_of

__all__ = ["entity_from_body", "apply_change"]

SUMMARY_MAX = 500
_STATEMENT_KEYS = {"id", "type", "target", "qualifiers", "citations"}
_CITATION_KEYS = {"source", "quote", "locator"}
_CONTENT_KEYS = {"labels", "aliases", "descriptions", "body", "properties", "statements"}


def _object(value: Any, where: str | None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError("must be a JSON object", where)
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ValidationError("must be text", where)
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValidationError("must be a list", where)
    return value


def _known(data: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in data:
        if key not in allowed:
            raise ValidationError(f"unknown field (allowed: {', '.join(sorted(allowed))})", f"{where}{key}")


def _texts(value: Any, where: str) -> dict[str, str]:
    data = _object(value, where)
    _known(data, set(LANGS), f"{where}.")
    return {lang: _text(data.get(lang, ""), f"{where}.{lang}") for lang in LANGS}


def _aliases(value: Any, where: str) -> dict[str, list[str]]:
    data = _object(value, where)
    _known(data, set(LANGS), f"{where}.")
    return {
        lang: [_text(a, f"{where}.{lang}[{i}]") for i, a in enumerate(_list(data.get(lang, []), f"{where}.{lang}"))]
        for lang in LANGS
    }


def _statement(value: Any, where: str) -> Statement:
    data = _object(value, where)
    _known(data, _STATEMENT_KEYS, f"{where}.")
    statement_id = data.get("id")
    if statement_id is not None:
        _text(statement_id, f"{where}.id")
    citations = []
    for j, raw in enumerate(_list(data.get("citations", []), f"{where}.citations")):
        cwhere = f"{where}.citations[{j}]"
        cit = _object(raw, cwhere)
        _known(cit, _CITATION_KEYS, f"{cwhere}.")
        citations.append(
            Citation(
                _text(cit.get("source", ""), f"{cwhere}.source"),
                _text(cit.get("quote", ""), f"{cwhere}.quote"),
                _text(cit.get("locator", ""), f"{cwhere}.locator"),
            )
        )
    return Statement(
        type=_text(data.get("type", ""), f"{where}.type"),
        target=_text(data.get("target", ""), f"{where}.target"),
        qualifiers=dict(_object(data.get("qualifiers", {}), f"{where}.qualifiers")),
        citations=citations,
        id=statement_id or None,
    )


def _content(data: dict[str, Any]) -> dict[str, Any]:
    """The content fields present in ``data``, checked for shape, as Entity keyword arguments."""
    fields: dict[str, Any] = {}
    if "labels" in data:
        fields["labels"] = _texts(data["labels"], "labels")
    if "aliases" in data:
        fields["aliases"] = _aliases(data["aliases"], "aliases")
    if "descriptions" in data:
        fields["descriptions"] = _texts(data["descriptions"], "descriptions")
    if "body" in data:
        fields["body"] = _text(data["body"], "body")
    if "properties" in data:
        fields["properties"] = dict(_object(data["properties"], "properties"))
    if "statements" in data:
        fields["statements"] = [
            _statement(s, f"statements[{i}]") for i, s in enumerate(_list(data["statements"], "statements"))
        ]
    return fields


def _summary(data: dict[str, Any], default: str) -> str:
    summary = " ".join(_text(data.get("summary", ""), "summary").split())
    if len(summary) > SUMMARY_MAX:
        raise ValidationError(f"longer than {SUMMARY_MAX} characters", "summary")
    return summary or default


def entity_from_body(data: dict[str, Any]) -> Entity:
    """A new entity from a ``NewEntity`` body (shape checked; the store checks the ontology).

    >>> entity_from_body({"type": "City", "labels": {"de": "Graz"}}).labels
    {'de': 'Graz', 'en': ''}
    >>> entity_from_body({"type": "City", "labels": {"fr": "Graz"}})
    Traceback (most recent call last):
    graphkb.errors.ValidationError: labels.fr: unknown field (allowed: de, en)
    """
    _known(data, {"type", "id", "summary", *_CONTENT_KEYS, *BOOKKEEPING}, "")
    entity_type = _text(data.get("type", ""), "type")
    if not entity_type:
        raise ValidationError("is required", "type")
    if "labels" not in data:
        raise ValidationError("a German label is required", "labels.de")
    entity_id = data.get("id")
    if entity_id is not None:
        entity_id = _text(entity_id, "id").strip() or None
    return Entity(type=entity_type, id=entity_id, **_content(data))


def apply_change(current: Entity, data: dict[str, Any]) -> Entity:
    """``current`` with the content fields of an ``EntityChange`` body put in (the others kept).

    >>> city = Entity(type="City", id="graz", labels={"de": "Graz"}, body="alt")
    >>> changed = apply_change(city, {"base_revision": 1, "body": "neu"})
    >>> changed.body, changed.labels["de"]
    ('neu', 'Graz')
    """
    _known(data, {"base_revision", "type", "id", "summary", *_CONTENT_KEYS, *BOOKKEEPING}, "")
    if "type" in data and data["type"] != current.type:
        raise ValidationError(f"the type of an entity cannot change (is {current.type})", "type")
    if "id" in data and data["id"] != current.id:
        raise ValidationError(f"the id of an entity cannot change (is {current.id})", "id")
    changed = current.copy()
    for name, value in _content(data).items():
        setattr(changed, name, value)
    return changed


def _base_revision(raw: Any) -> int:
    if raw is None:
        raise ValidationError("is required: the revision your change is based on", "base_revision")
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_INT:
        raise ValidationError("must be a revision number (a whole number from 1)", "base_revision")
    return raw


def _json_body() -> dict[str, Any]:
    if not request.is_json:
        raise UnsupportedMediaType("send a JSON object (Content-Type: application/json)")
    data = request.get_json(silent=True)
    if data is None:
        raise ValidationError("the body is not valid JSON")
    return _object(data, None)


def _written(revision: Revision, status: int = 200) -> Response:
    entity = get_store().get(revision.entity_id)
    response = jsonify({"revision": revision.to_dict(with_snapshot=False), "entity": entity.to_dict()})
    response.status_code = status
    return response


def _edit_conflict(exc: EditConflict) -> Response:
    """409 with the current revision (snapshot included), so a client can merge and try again."""
    current = exc.current.to_dict(with_snapshot=True) if isinstance(exc.current, Revision) else None
    response = jsonify({**exc.to_dict(), "field": "base_revision", "current": current})
    response.status_code = 409
    return response


def _state_conflict(exc: ValidationError) -> Conflict | ValidationError:
    # The entity's state (deleted), not the input, rules the write out: 409 like the web pages.
    return Conflict(str(exc)) if exc.field == "deleted" else exc


_WRITTEN = ref("Written")
_CONFLICT = (
    "The entity moved on (edit_conflict, with the current revision), is deleted or is referenced",
    ref("EditConflict"),
)


@api.operation(
    "POST",
    "/entities",
    summary="Create an entity (editor)",
    body=ref("NewEntity"),
    responses={
        201: ("Created; Location names the new entity", _WRITTEN),
        409: ("The id is taken", ref("Error")),
        415: ("Not JSON", ref("Error")),
    },
    role="editor",
    tag="write",
)
def create_entity():
    data = _json_body()
    entity = entity_from_body(data)
    revision = get_store().create(entity, author=author(), summary=_summary(data, "Created via the API"))
    response = _written(revision, 201)
    response.headers["Location"] = url_for("api.entity", entity_id=revision.entity_id)
    return response


@api.operation(
    "PATCH",
    "/entities/<entity_id>",
    summary="Change an entity (editor): the fields given replace its own; base_revision is required",
    body=ref("EntityChange"),
    responses={200: _WRITTEN, 409: _CONFLICT, 415: ("Not JSON", ref("Error"))},
    role="editor",
    tag="write",
)
def update_entity(entity_id: str):
    canonical = entity_id_of(entity_id)
    data = _json_body()
    base = _base_revision(data.get("base_revision"))
    store = get_store()
    current = store.get(canonical)
    if current.deleted:
        raise Conflict(f"{canonical} is deleted; an administrator can restore it")
    changed = apply_change(current, data)
    try:
        revision = store.update(
            changed, base_revision=base, author=author(), summary=_summary(data, "Edited via the API")
        )
    except EditConflict as exc:
        return _edit_conflict(exc)
    except ValidationError as exc:
        raise _state_conflict(exc) from None
    return _written(revision)


@api.operation(
    "DELETE",
    "/entities/<entity_id>",
    summary="Delete an entity (administrator); refused while live entities point at it",
    params=(
        Param("base_revision", "int", minimum=1, required=True, description="the revision the deletion is based on"),
        Param("reason", "text", required=True, max_length=SUMMARY_MAX, description="why (kept in the history)"),
    ),
    responses={200: _WRITTEN, 409: _CONFLICT},
    role="admin",
    tag="write",
)
def delete_entity(entity_id: str, base_revision: int, reason: str):
    canonical = entity_id_of(entity_id)
    try:
        revision = get_store().delete(canonical, base_revision=base_revision, author=author(), reason=reason)
    except EditConflict as exc:
        return _edit_conflict(exc)
    except ValidationError as exc:
        raise _state_conflict(exc) from None
    return _written(revision)
