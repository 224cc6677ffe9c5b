"""The read-only query console (Cypher) and the structured query builder for researchers.

Both are GET pages: they only read, and the query sits in the URL, so a result can be shared as a
link. ``format=csv`` downloads the table, ``format=json`` (or ``Accept: application/json``) gives
``{columns, rows, truncated, elapsed_ms, graph, engine, notes}``.

A bad, refused or too slow query answers 400 (``validation_error`` or ``query_timeout``): running
it again would give the same answer, so it is the query's fault, not a gateway's (no 5xx, which
clients and proxies retry). The HTML page shows the error above the form, with the query kept.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlencode

import orjson
from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from graphkb.errors import ValidationError
from graphkb.model import pick
from graphkb.query import EXAMPLES, QueryResult, build_pattern_query, example, run_query

from ..auth import limiter
from ..db import get_store
from ..errors import wants_json
from ..i18n import ui_lang
from ..params import int_arg, text_arg

bp = Blueprint("query", __name__)

MAX_URL_QUERY = 2000
"""Characters of Cypher in ``?q=``: the query travels in the URL, and servers cap the request line
(gunicorn: 4094 bytes by default; a Cypher character is up to 9 bytes URL-encoded)."""
MAX_PARAMS = 20


def _rate() -> str:
    config = current_app.config
    return config.get("GRAPHKB_QUERY_LIMIT") or os.environ.get("GRAPHKB_QUERY_LIMIT") or "60 per minute"


def _runs_nothing() -> bool:
    return not (request.args.get("q") or request.args.get("example") or request.args.get("relation"))


# Each query may hold a worker for the whole time limit: a client address gets a fair share, not all of them.
_limit_runs = limiter.limit(_rate, exempt_when=_runs_nothing)


def _limits() -> tuple[float, int]:
    config = current_app.config
    timeout = config.get("GRAPHKB_QUERY_TIMEOUT") or os.environ.get("GRAPHKB_QUERY_TIMEOUT") or 5
    rows = config.get("GRAPHKB_QUERY_ROWS") or os.environ.get("GRAPHKB_QUERY_ROWS") or 1000
    return float(timeout), int(rows)


def _url_params(args) -> dict[str, Any]:
    """Cypher parameters from the URL: ``p.name=text`` (a string) and ``n.name=12`` (a number)."""
    params: dict[str, Any] = {}
    for key, value in args.items(multi=True):
        kind, dot, name = key.partition(".")
        if not dot or kind not in ("p", "n"):
            continue
        if not name.isidentifier() or len(name) > 50:
            raise ValidationError("parameter names are letters, digits and _", key)
        if len(value) > 500:
            raise ValidationError("longer than 500 characters", key)
        if kind == "n":
            try:
                number = float(value)
            except ValueError:
                raise ValidationError("must be a number", key) from None
            params[name] = int(number) if number.is_integer() and "." not in value else number
        else:
            params[name] = value
        if len(params) > MAX_PARAMS:
            raise ValidationError(f"at most {MAX_PARAMS} parameters", key)
    return params


def _query_text(args) -> str:
    raw = (args.get("q") or "").replace("\r\n", "\n")
    if len(raw) > MAX_URL_QUERY:
        raise ValidationError(f"longer than {MAX_URL_QUERY} characters", "q")
    return raw.strip()


def _format() -> str:
    fmt = request.args.get("format", "")
    if fmt not in ("", "html", "csv", "json", "graph"):
        raise ValidationError("html, csv, json or graph", "format")
    if fmt in ("", "html"):
        return "json" if wants_json() else "html"
    return fmt


def _param_args(params: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f"n.{k}" if isinstance(v, int | float) else f"p.{k}", str(v)) for k, v in params.items()]


def console_url(cypher: str, params: dict[str, Any] | None = None, **extra: str) -> str:
    """A link that opens ``cypher`` (with its parameters) in the console."""
    return url_for("query.console") + "?" + urlencode([("q", cypher), *_param_args(params or {}), *extra.items()])


def _drawing(result: QueryResult) -> Response:
    """The result's graph as vis-network data for js/explore.js: laid out by the server, no expanding."""
    from graphkb import viz
    from graphkb.layout import layout

    graph = result.to_networkx()
    keep = list(graph.nodes)[: viz.MAX_NODES]
    graph = graph.subgraph(keep)
    positions = layout({n: set(graph.succ[n]) | set(graph.pred[n]) for n in graph})
    edges = [(u, v, key, attrs) for u, v, key, attrs in graph.edges(keys=True, data=True)]
    view = viz.View(list(graph.nodes), positions, {}, {}, edges, len(keep) < len(result.graph["nodes"]), {})
    payload = viz.render(graph, view, get_store().ontology, ui_lang())
    response = jsonify(payload)
    response.cache_control.no_cache = True
    return response


def _download(result: QueryResult, fmt: str, name: str) -> Response:
    if fmt == "graph":
        return _drawing(result)
    if fmt == "csv":
        response = Response(result.to_csv(), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = Response(result.to_json(), mimetype="application/json")
        if request.args.get("format") == "json":
            response.headers["Content-Disposition"] = f'inline; filename="{name}.json"'
    return response


def _error_json(exc: ValidationError, extra: dict[str, Any] | None = None) -> Response:
    response = jsonify({**exc.to_dict(), **(extra or {})})
    response.status_code = 400
    return response


@bp.get("/query")
@_limit_runs
def console():
    fmt = _format()
    lang = ui_lang()
    cypher, params, result, error = "", {}, None, None
    try:
        if request.args.get("example"):
            cypher = example(request.args["example"])["cypher"]
        else:
            cypher = _query_text(request.args)
        params = _url_params(request.args)
        if cypher:
            timeout, rows = _limits()
            result = run_query(get_store(), cypher, params=params, timeout=timeout, row_limit=rows)
    except ValidationError as exc:
        if fmt != "html":
            return _error_json(exc)
        error = exc
    if fmt != "html":
        if result is None:
            return _error_json(ValidationError("enter a query", "q"))
        return _download(result, fmt, "query")
    html = render_template(
        "query/console.html",
        cypher=cypher,
        params=params,
        param_args=_param_args(params),
        download_args=[("q", cypher), *_param_args(params)],
        result=result,
        error=error,
        examples=[{"id": ex["id"], "title": ex[f"title_{lang}"], "cypher": ex["cypher"]} for ex in EXAMPLES],
        cells=_cells(result, lang) if result else [],
        graph=_graph_listing(result, lang) if result else None,
        engine=_engine_name(),
        limits=_limits(),
        max_length=MAX_URL_QUERY,
    )
    return Response(html, status=400 if error else 200, mimetype="text/html")


def _engine_name() -> str:
    from graphkb.store.neo4j import Neo4jStore

    return "neo4j" if isinstance(get_store(), Neo4jStore) else "embedded"


# -- the builder --------------------------------------------------------------------------------


def _builder_filters(args) -> tuple[str, str, str, dict[str, Any]]:
    subject = args.get("subject", "")
    relation = args.get("relation", "")
    target = args.get("target", "")
    qualifier = args.get("qualifier", "")
    value = text_arg(args, "value")
    filters: dict[str, Any] = {
        "subject_label": text_arg(args, "subject_label"),
        "target_label": text_arg(args, "target_label"),
        "limit": int_arg(args, "limit", 200, minimum=1, maximum=10_000),
        "qualifiers": {qualifier: value} if qualifier and value else {},
    }
    return subject, relation, target, filters


@bp.get("/query/builder")
@_limit_runs
def builder():
    fmt = _format()
    lang = ui_lang()
    ontology = get_store().ontology
    subject, relation, target, filters = _builder_filters(request.args)
    cypher, params, result, error = "", {}, None, None
    try:
        if relation:
            cypher, params = build_pattern_query(ontology, subject, relation, target, filters)
            timeout, rows = _limits()
            result = run_query(get_store(), cypher, params=params, timeout=timeout, row_limit=rows)
    except ValidationError as exc:
        if fmt != "html":
            return _error_json(exc, {"cypher": cypher, "params": params})
        error = exc
    if fmt != "html":
        if result is None:
            return _error_json(ValidationError("choose a relation", "relation"))
        if fmt == "json":
            payload = {"cypher": cypher, "params": params, **result.to_dict()}
            return Response(orjson.dumps(payload, option=orjson.OPT_NON_STR_KEYS), mimetype="application/json")
        return _download(result, fmt, "pattern")
    types = sorted(ontology.entity_types.values(), key=lambda t: pick(t.labels, lang).lower())
    relations = sorted(ontology.relation_types.values(), key=lambda r: pick(r.labels, lang).lower())
    qualifier_names = sorted({q for r in ontology.relation_types.values() for q in r.qualifiers})
    html = render_template(
        "query/builder.html",
        types=[(t.name, pick(t.labels, lang)) for t in types],
        relations=[
            {
                "name": r.name,
                "label": pick(r.labels, lang),
                "subjects": " ".join(sorted(r.subjects)),
                "targets": " ".join(sorted(r.targets)),
                "qualifiers": " ".join(r.qualifiers),
                "allowed": (not subject or subject in r.subjects) and (not target or target in r.targets),
            }
            for r in relations
        ],
        qualifiers=[(name, _qualifier_label(ontology, name, lang)) for name in qualifier_names],
        qualifier_values=sorted(
            {v for r in ontology.relation_types.values() for spec in r.qualifiers.values() for v in spec.values}
        ),
        chosen={
            "subject": subject,
            "relation": relation,
            "target": target,
            "subject_label": filters["subject_label"],
            "target_label": filters["target_label"],
            "qualifier": request.args.get("qualifier", ""),
            "value": request.args.get("value", ""),
            "limit": filters["limit"],
        },
        cypher=cypher,
        params=params,
        console_link=console_url(cypher, params) if cypher else "",
        download_args=[(k, v) for k, v in request.args.items(multi=True) if k not in ("format", "lang")],
        result=result,
        error=error,
        cells=_cells(result, lang) if result else [],
        graph=_graph_listing(result, lang) if result else None,
        engine=_engine_name(),
    )
    return Response(html, status=400 if error else 200, mimetype="text/html")


def _qualifier_label(ontology, name: str, lang: str) -> str:
    for relation in ontology.relation_types.values():
        spec = relation.qualifiers.get(name)
        if spec is not None:
            return pick(spec.labels, lang) or name
    return name


# -- presenting values ------------------------------------------------------------------------


def _cells(result: QueryResult, lang: str) -> list[list[dict[str, Any]]]:
    return [[_cell(v, lang) for v in row] for row in result.rows]


def _is_node(v: Any) -> bool:
    return isinstance(v, dict) and set(v) == {"id", "type", "labels", "properties"}


def _is_relationship(v: Any) -> bool:
    return isinstance(v, dict) and set(v) == {"id", "type", "start", "end", "properties"}


def _is_path(v: Any) -> bool:
    return isinstance(v, dict) and set(v) == {"nodes", "relationships"}


def _relation_label(name: str) -> str:
    relation = get_store().ontology.relation_types.get(name)
    return pick(relation.labels, ui_lang()) if relation else name


def _cell(v: Any, lang: str) -> dict[str, Any]:
    """What a table cell shows: an entity link, a relation, a path, text or JSON."""
    if v is None:
        return {"kind": "null"}
    if _is_node(v):
        props = v["properties"]
        label = pick({"de": props.get("label_de") or "", "en": props.get("label_en") or ""}, lang)
        return {
            "kind": "node",
            "id": v["id"],
            "type": v["type"],
            "label": label or v["id"],
            "entity": "Entity" in v["labels"],
        }
    if _is_relationship(v):
        return {
            "kind": "relationship",
            "label": _relation_label(v["type"]),
            "ends": f"{v['start']} → {v['end']}",
            "evidence": v["properties"].get("evidence_level") or "",
        }
    if _is_path(v):
        return {
            "kind": "path",
            "steps": [_cell(n, lang) for n in v["nodes"]],
            "relations": [_relation_label(r["type"]) for r in v["relationships"]],
        }
    if isinstance(v, bool):
        return {"kind": "text", "text": "true" if v else "false"}
    if isinstance(v, str | int | float):
        return {"kind": "text", "text": str(v)}
    if isinstance(v, list) and all(isinstance(x, str | int | float) for x in v):
        return {"kind": "list", "entries": [str(x) for x in v]}
    return {"kind": "json", "text": orjson.dumps(v, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")}


def _graph_listing(result: QueryResult, lang: str) -> dict[str, Any] | None:
    """The result's graph as a list of nodes and of edges between them, labels in ``lang``."""
    nodes = result.graph.get("nodes", [])
    if not nodes:
        return None
    labels = {
        n["id"]: pick({"de": n.get("label_de") or "", "en": n.get("label_en") or ""}, lang) or n["id"] for n in nodes
    }
    return {
        "nodes": sorted(
            ({"id": n["id"], "type": n["type"], "label": labels[n["id"]]} for n in nodes),
            key=lambda n: n["label"].lower(),
        ),
        "edges": [
            {
                "source": e["source"],
                "source_label": labels.get(e["source"], e["source"]),
                "target": e["target"],
                "target_label": labels.get(e["target"], e["target"]),
                "label": _relation_label(e["type"]),
            }
            for e in result.graph.get("edges", [])
        ],
    }
