"""The JSON API under /api/v1/: JSON twins of the wiki pages, writes with API tokens, its OpenAPI document.

Every route is declared with :meth:`webui.openapi.ApiSpec.operation` (here and in
:mod:`.api_write` and :mod:`.api_explore`), which also makes it part of ``/api/v1/openapi.json``.
Errors answer as JSON (see :mod:`webui.errors`).

Who is asking: an ``Authorization: Bearer <token>`` header (see :mod:`webui.api_tokens`) or the
web session. Token requests need no CSRF token (a browser cannot add the header to a forged
cross-site request); session requests that write must carry one (``X-CSRFToken``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request

from graphkb.errors import NotFound
from graphkb.schema import Ontology, PropertySpec

from .. import api_tokens
from ..api_schemas import COMPONENTS, array_of, ref
from ..auth import csrf
from ..db import get_store
from ..i18n import ui_lang
from ..openapi import ApiSpec, Param
from ..params import canonical_id

__all__ = ["bp", "api", "ontology_dict", "PREFIX"]

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
api = ApiSpec(bp, title="graphkb API", version="1", components=COMPONENTS)

MAX_LIMIT = 500

# Token requests skip Flask-WTF's check; session writes are checked in _session_writes_need_csrf.
csrf.exempt(bp)
bp.record_once(lambda state: api_tokens.install(state.app))


@bp.before_request
def _session_writes_need_csrf() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS") or api_tokens.bearer_request():
        return
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


def limit_param(default: int) -> Param:
    return Param("limit", "int", default=default, minimum=1, maximum=MAX_LIMIT)


OFFSET = Param("offset", "int", default=0)
Q = Param("q", "text", default="", description="words to look for")


def entity_id_of(raw: str) -> str:
    """The id a path segment means; one that cannot be an id is simply not there."""
    canonical = canonical_id(raw)
    if canonical is None:
        raise NotFound(f"no entity {raw[:100]!r}")
    return canonical


# --- entities -------------------------------------------------------------------------------------


@api.operation(
    "GET",
    "/entities/<entity_id>",
    summary="An entity with its statements, what links here and (for a Source) what cites it",
    params=(
        Param("incoming_limit", "int", default=1000, minimum=1, maximum=100_000),
        Param("cited_by_limit", "int", default=100, minimum=1, maximum=5000),
    ),
    responses={200: ref("EntityPage")},
)
def entity(entity_id: str, incoming_limit: int, cited_by_limit: int):
    canonical = entity_id_of(entity_id)
    store = get_store()
    found = store.get(canonical)
    data = found.to_dict()
    data["incoming"] = [inc.to_dict() for inc in store.incoming(canonical, limit=incoming_limit)]
    data["incoming_limit"] = incoming_limit
    if found.type == "Source":
        data["cited_by"] = [c.to_dict() for c in store.cited_by(canonical, limit=cited_by_limit)]
        data["cited_by_limit"] = cited_by_limit
    return jsonify(data)


_PAGE = {
    "type": "object",
    "properties": {
        "items": array_of(ref("EntitySummary")),
        "total": {"type": "integer"},
        "offset": {"type": "integer"},
        "limit": {"type": "integer"},
    },
    "required": ["items", "total", "offset", "limit"],
}


@api.operation(
    "GET",
    "/entities",
    summary="Live entities (of one type), sorted and paged; q filters by label",
    params=(
        Param("type", "type", arg="entity_type"),
        OFFSET,
        limit_param(50),
        Param("sort", "sort", default="label"),
        Q,
    ),
    responses={200: _PAGE},
)
def entities(entity_type: str | None, offset: int, limit: int, sort: str, q: str):
    page = get_store().list(entity_type, offset=offset, limit=limit, sort=sort, lang=ui_lang(), text=q)
    return jsonify(
        {"items": [s.to_dict() for s in page.items], "total": page.total, "offset": page.offset, "limit": page.limit}
    )


@api.operation(
    "GET",
    "/search",
    summary="Search labels, aliases and descriptions (umlaut-tolerant, parts of compound words)",
    params=(
        Q,
        Param("type", "types", arg="types", description="entity types (repeat or comma-separate)"),
        limit_param(20),
    ),
    responses={
        200: {
            "type": "object",
            "properties": {
                "q": {"type": "string"},
                "types": array_of({"type": "string"}),
                "limit": {"type": "integer"},
                "items": array_of(ref("EntitySummary")),
            },
            "required": ["q", "types", "limit", "items"],
        }
    },
)
def search(q: str, types: list[str], limit: int):
    items = get_store().search(q, types=types or None, limit=limit) if q else []
    return jsonify({"q": q, "types": types, "limit": limit, "items": [s.to_dict() for s in items]})


# --- the ontology, figures, recent changes ------------------------------------------------------


def _spec(spec: PropertySpec) -> dict[str, Any]:
    return {
        "type": spec.type,
        "labels": dict(spec.labels),
        "values": list(spec.values),
        "ref": list(spec.ref),
        "required": spec.required,
    }


def ontology_dict(ontology: Ontology) -> dict[str, Any]:
    return {
        "version": ontology.version,
        "entity_types": [
            {
                "name": et.name,
                "labels": dict(et.labels),
                "description": dict(et.description),
                "color": et.color,
                "properties": {name: _spec(p) for name, p in et.properties.items()},
            }
            for et in ontology.entity_types.values()
        ],
        "relation_types": [
            {
                "name": rt.name,
                "labels": dict(rt.labels),
                "inverse": dict(rt.inverse),
                "subjects": sorted(rt.subjects),
                "targets": sorted(rt.targets),
                "qualifiers": {name: _spec(q) for name, q in rt.qualifiers.items()},
            }
            for rt in ontology.relation_types.values()
        ],
    }


@api.operation(
    "GET",
    "/types",
    summary="The ontology: entity types with their properties, relation types with their qualifiers",
    responses={200: {"type": "object", "required": ["version", "entity_types", "relation_types"]}},
)
def types():
    return jsonify(ontology_dict(get_store().ontology))


@api.operation(
    "GET",
    "/stats",
    summary="Counts by type and relation, revisions, the graph version",
    responses={200: {"type": "object", "required": ["entities", "statements", "revisions", "graph_version"]}},
)
def stats():
    return jsonify(get_store().stats().to_dict())


@api.operation(
    "GET",
    "/recent",
    summary="Recent changes across the graph, newest first",
    params=(OFFSET, limit_param(50), Param("type", "type", arg="entity_type"), Param("author", "text", max_length=200)),
    responses={
        200: {
            "type": "object",
            "properties": {
                "items": array_of(ref("Revision")),
                "offset": {"type": "integer"},
                "limit": {"type": "integer"},
            },
            "required": ["items", "offset", "limit"],
        }
    },
)
def recent(offset: int, limit: int, entity_type: str | None, author: str | None):
    revisions = get_store().recent_changes(offset=offset, limit=limit, entity_type=entity_type, author=author or None)
    return jsonify({"items": [r.to_dict(with_snapshot=False) for r in revisions], "offset": offset, "limit": limit})


@api.operation(
    "GET",
    "/openapi.json",
    summary="This document: every route of the API with its parameters and answers",
    responses={200: {"type": "object", "required": ["openapi", "paths"]}},
)
def openapi():
    return jsonify(api.document(get_store().ontology, prefix=PREFIX))


# The other routes are declared in their own modules, on the same blueprint.
from . import api_explore, api_export, api_write  # noqa: E402,F401
