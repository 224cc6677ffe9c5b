"""JSON twins of the wiki pages under /api/v1/. Errors answer as JSON (see webui.errors)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from graphkb.errors import NotFound
from graphkb.schema import Ontology, PropertySpec

from ..db import get_store
from ..i18n import ui_lang
from ..params import canonical_id, int_arg, sort_arg, text_arg, type_arg, types_arg

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_LIMIT = 500


def _limit(default: int) -> int:
    return int_arg(request.args, "limit", default, minimum=1, maximum=MAX_LIMIT)


@bp.get("/entities/<entity_id>")
def entity(entity_id: str):
    canonical = canonical_id(entity_id)
    if canonical is None:
        raise NotFound(f"no entity {entity_id[:100]!r}")
    store = get_store()
    found = store.get(canonical)
    data = found.to_dict()
    incoming_limit = int_arg(request.args, "incoming_limit", 1000, minimum=1, maximum=100_000)
    data["incoming"] = [inc.to_dict() for inc in store.incoming(canonical, limit=incoming_limit)]
    data["incoming_limit"] = incoming_limit
    if found.type == "Source":
        limit = int_arg(request.args, "cited_by_limit", 100, minimum=1, maximum=5000)
        data["cited_by"] = [c.to_dict() for c in store.cited_by(canonical, limit=limit)]
        data["cited_by_limit"] = limit
    return jsonify(data)


@bp.get("/entities")
def entities():
    store = get_store()
    entity_type = type_arg(request.args, store.ontology)
    offset = int_arg(request.args, "offset", 0)
    limit = _limit(50)
    sort = sort_arg(request.args)
    q = text_arg(request.args)
    page = store.list(entity_type, offset=offset, limit=limit, sort=sort, lang=ui_lang(), text=q)
    return jsonify(
        {"items": [s.to_dict() for s in page.items], "total": page.total, "offset": page.offset, "limit": page.limit}
    )


@bp.get("/search")
def search():
    store = get_store()
    q = text_arg(request.args)
    types = types_arg(request.args, store.ontology)
    limit = _limit(20)
    items = store.search(q, types=types or None, limit=limit) if q else []
    return jsonify({"q": q, "types": types, "limit": limit, "items": [s.to_dict() for s in items]})


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


@bp.get("/types")
def types():
    return jsonify(ontology_dict(get_store().ontology))


@bp.get("/stats")
def stats():
    return jsonify(get_store().stats().to_dict())


@bp.get("/recent")
def recent():
    store = get_store()
    offset = int_arg(request.args, "offset", 0)
    limit = _limit(50)
    entity_type = type_arg(request.args, store.ontology)
    author = text_arg(request.args, "author") or None
    revisions = store.recent_changes(offset=offset, limit=limit, entity_type=entity_type, author=author)
    return jsonify({"items": [r.to_dict(with_snapshot=False) for r in revisions], "offset": offset, "limit": limit})
