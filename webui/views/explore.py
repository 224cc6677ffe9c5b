"""Exploring the graph: the explorer (vis-network views built with pyvis), and the blueprint that the
evidence map (:mod:`.explore_evidence`) and the analytics page (:mod:`.explore_analytics`) join.

The explorer page is cheap HTML with a form; its graph comes from ``/explore/data`` (JSON), and
clicking a node asks ``/explore/expand/<id>`` for the neighbours it adds. Every view's state
(filters, centre, depth, expanded nodes) is in its URL. Views reach the graph only through
:mod:`graphkb.projection` and :mod:`graphkb.viz`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import networkx as nx
from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from graphkb import viz
from graphkb.errors import GraphKBError, NotFound, ValidationError
from graphkb.model import pick
from graphkb.projection import projection_of
from graphkb.viz_cache import ViewCache

from ..db import get_store
from ..errors import status_of
from ..i18n import ui_lang
from ..params import canonical_id, int_arg, types_arg

__all__ = ["bp", "graph", "json_view", "spec_from_args", "spec_args", "entity_arg", "node_label", "statement_view"]

bp = Blueprint("explore", __name__)
DEFAULT_LIMIT = 150
EMBED_LIMIT = 60  # the 1-hop graph on an entity page: a hub shows its first 60 neighbours
VIEWS = "graphkb_views"


def graph() -> nx.MultiDiGraph:
    """The store's projection (shared and read-only)."""
    return projection_of(get_store())


def views() -> ViewCache:
    cache = current_app.extensions.get(VIEWS)
    if cache is None:
        cache = current_app.extensions.setdefault(VIEWS, ViewCache())
    return cache


def json_view(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Errors of a JSON endpoint answer as JSON whatever the Accept header says (fetch() sends */*)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GraphKBError as exc:
            response = jsonify({**exc.to_dict(), "field": getattr(exc, "field", None)})
            response.status_code = status_of(exc)
            return response

    return wrapper


def node_label(G: nx.MultiDiGraph, node: str, lang: str) -> str:
    """An entity's label in ``lang`` (the other language, then its id, as fallbacks)."""
    if node not in G:
        return node
    attrs = G.nodes[node]
    return pick({"de": attrs.get("label_de", ""), "en": attrs.get("label_en", "")}, lang) or node


def statement_view(G: nx.MultiDiGraph, edge: dict[str, Any], lang: str) -> dict[str, Any]:
    """A statement on a path (``{subject, type, target, citations, ...}``) with the labels a page shows."""
    relation = get_store().ontology.relation_types.get(edge.get("type") or "")
    return {
        **edge,
        "subject_label": node_label(G, edge["subject"], lang),
        "target_label": node_label(G, edge["target"], lang),
        "relation_label": pick(relation.labels, lang) if relation else edge.get("type"),
        "citations": [
            {**c, "source_label": node_label(G, c.get("source") or "", lang)} for c in edge.get("citations", [])
        ],
    }


def entity_arg(args, name: str, G: nx.MultiDiGraph, entity_type: str | None = None) -> str | None:
    """An entity id from the query (``?city=graz``): None when absent, 400 when malformed or of another type,
    404 when there is no such live entity."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    entity_id = canonical_id(raw)
    if entity_id is None:
        raise ValidationError("not an entity id", name)
    if entity_id not in G:
        raise NotFound(f"no entity {entity_id!r}")
    if entity_type and G.nodes[entity_id].get("type") != entity_type:
        raise ValidationError(f"must be an entity of type {entity_type}", name)
    return entity_id


def _names(args, name: str) -> list[str]:
    return list(dict.fromkeys(n.strip() for raw in args.getlist(name) for n in raw.split(",") if n.strip()))


def _expanded(args) -> tuple[tuple[str, int], ...]:
    found: dict[str, int] = {}
    for token in _names(args, "expand"):
        node, _, pages = token.partition(":")
        entity_id = canonical_id(node)
        if entity_id is None or (pages and not (pages.isascii() and pages.isdigit())):
            raise ValidationError("must be entity ids, each with an optional :pages", "expand")
        found.pop(entity_id, None)
        found[entity_id] = int(pages or 1)
    return tuple(found.items())


def spec_from_args(args, G: nx.MultiDiGraph, *, default_limit: int = DEFAULT_LIMIT) -> viz.ViewSpec:
    """The view a query string asks for (ValidationError/NotFound naming the bad parameter)."""
    ontology = get_store().ontology
    spec = viz.ViewSpec(
        center=entity_arg(args, "center", G),
        depth=int_arg(args, "depth", 1, minimum=1, maximum=3),
        types=tuple(types_arg(args, ontology, "type")),
        relations=tuple(_names(args, "rel")),
        city=entity_arg(args, "city", G, "City"),
        program=entity_arg(args, "program", G, "Program"),
        limit=int_arg(args, "limit", default_limit, minimum=1, maximum=viz.MAX_NODES),
        expanded=_expanded(args),
    )
    return spec.check(ontology)


def spec_args(spec: viz.ViewSpec) -> list[tuple[str, str]]:
    """The query string of a view: the inverse of :func:`spec_from_args`, shortest form."""
    args: list[tuple[str, str]] = []
    if spec.center:
        args.append(("center", spec.center))
        if spec.depth != 1:
            args.append(("depth", str(spec.depth)))
    args += [("type", t) for t in spec.types] + [("rel", r) for r in spec.relations]
    args += [(name, value) for name, value in (("city", spec.city), ("program", spec.program)) if value]
    if spec.limit != DEFAULT_LIMIT:
        args.append(("limit", str(spec.limit)))
    if spec.expanded:
        args.append(("expand", ",".join(n if p == 1 else f"{n}:{p}" for n, p in spec.expanded)))
    return args


def _texts(kind: str, count: int) -> str:
    if kind == "more":
        return _("+%(num)d more", num=count)
    return ngettext("%(num)d more neighbour: click to expand", "%(num)d more neighbours: click to expand", count)


@bp.get("/explore")
def explorer():
    G = graph()
    store = get_store()
    lang = ui_lang()
    spec = spec_from_args(request.args, G)
    query = urlencode(spec_args(spec))
    return render_template(
        "explore/explorer.html",
        spec=spec,
        query=query,
        downloads=downloads(spec, lang),
        labels={n: node_label(G, n, lang) for n in (spec.center, spec.city, spec.program) if n},
        entity_types=[(name, pick(et.labels, lang)) for name, et in store.ontology.entity_types.items()],
        relation_types=[(name, pick(rt.labels, lang)) for name, rt in store.ontology.relation_types.items()],
        max_nodes=viz.MAX_NODES,
    )


DOWNLOADS = (("json", "JSON"), ("graphml", "GraphML"), ("gexf", "GEXF (Gephi)"), ("csv", "CSV"), ("cypher", "Cypher"))


def downloads(spec: viz.ViewSpec, lang: str) -> list[tuple[str, str]]:
    """Links that download the view (its centre and depth, types and relations) in every export format.

    The export knows no city or programme scope: with one, the links offer the view without it.
    """
    args: list[tuple[str, str]] = [("type", t) for t in spec.types] + [("relation", r) for r in spec.relations]
    if spec.center:
        args += [("around", spec.center), ("depth", str(spec.depth))]
    base = f"{request.script_root}/api/v1/export?"
    return [(label, base + urlencode([("format", name), *args, ("lang", lang)])) for name, label in DOWNLOADS]


@bp.get("/explore/data")
@json_view
def data():
    """The view of the query string as vis-network data (nodes with positions, edges, options, legend)."""
    G = graph()
    spec = spec_from_args(request.args, G)
    payload = views().data(G, spec, get_store().ontology, ui_lang(), _texts)
    response = jsonify({**payload, "state": urlencode(spec_args(spec))})
    response.cache_control.no_cache = True  # the graph changes with every edit; the version says when
    return response


@bp.get("/explore/expand/<entity_id>")
@json_view
def expand(entity_id: str):
    """What clicking a node adds to the view of the query string: its next page of neighbours
    (``page``, default: one more than already shown), the edges that join them to the view, and a
    "+N more" node while more are hidden."""
    G = graph()
    spec = spec_from_args(request.args, G)
    node = canonical_id(entity_id)
    if node is None or node not in G:
        raise NotFound(f"no entity {entity_id[:100]!r}")
    shown = dict(spec.expanded).get(node, 0)
    page = int_arg(request.args, "page", shown + 1, minimum=1, maximum=20)
    cache = views()
    before = cache.view(G, spec)
    if node not in before.positions:
        raise ValidationError("the node is not part of this view", "entity_id")
    after_spec = spec.with_expanded(node, page)
    after = cache.view(G, after_spec)
    delta = viz.expansion(before, after)
    payload = viz.render(
        G,
        after,
        get_store().ontology,
        ui_lang(),
        texts=_texts,
        only_nodes=[*delta["nodes"], node],
        only_edges=delta["edges"],
    )
    remaining = after.pending.get(node, 0)
    return jsonify(
        {
            "node": node,
            "page": page,
            "nodes": payload["nodes"],
            "edges": payload["edges"],
            "remaining": remaining,
            "legend": payload["legend"],
            "state": urlencode(spec_args(after_spec)),
        }
    )


from . import explore_analytics, explore_evidence  # noqa: E402,F401 - their routes join this blueprint
