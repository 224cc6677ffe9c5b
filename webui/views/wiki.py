"""The read-only wiki: home, type index, entity page, search. Data only through the store."""

from __future__ import annotations

import math
import re
from datetime import datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import format_datetime

from graphkb.errors import NotFound
from graphkb.model import pick

from ..db import get_store
from ..i18n import other_lang, ui_lang, value_label
from ..page_cache import cached_page
from ..params import canonical_id, int_arg, sort_arg, text_arg, types_arg
from ..present import LAYERS, entity_page
from ..render import is_external

bp = Blueprint("wiki", __name__)

INCOMING_LIMIT = 300  # "what links here" on the page: a hub has thousands (5.7 MB of HTML at 5,826)
EVIDENCE_LIMIT = 100  # statements citing a Source shown on its page; a much-cited source has thousands
UI_SORTS = ("label", "-label", "updated", "-updated")
_COLOR = re.compile(r"#[0-9A-Fa-f]{3,8}")


def type_label(name: str) -> str:
    """An entity type's name in the UI language (a Jinja global, so cached macros can use it)."""
    etype = get_store().ontology.entity_types.get(name)
    return pick(etype.labels, ui_lang()) if etype else name


@bp.record_once
def _jinja_globals(state) -> None:
    # Globals, not context: macros imported without context are compiled and cached once,
    # while ``import … with context`` runs the whole macro module again on every render.
    from ..auth import has_role

    state.app.jinja_env.globals.update(
        type_label=type_label,
        value_label=value_label,
        is_external=is_external,
        layers=LAYERS,
        has_role=has_role,
    )


@bp.app_context_processor
def _globals() -> dict:
    lang = ui_lang()

    def lang_url(target: str) -> str:
        # A query-only reference keeps the current path (also on error pages without an endpoint).
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
        return "?" + urlencode([*args, ("lang", target)])

    return {
        "lang": lang,
        "other_lang": other_lang(lang),
        "lang_url": lang_url,
        "type_label": type_label,
        "value_label": value_label,
        "is_external": is_external,
        "layers": LAYERS,
    }


@bp.app_template_filter("when")
def _when(timestamp: str) -> str:
    try:
        return format_datetime(datetime.fromisoformat(timestamp), "medium")
    except (TypeError, ValueError):
        return timestamp or ""


@bp.get("/")
def home():
    store = get_store()
    stats = store.stats()
    lang = ui_lang()
    types = [
        {
            "name": name,
            "label": pick(et.labels, lang),
            "other": et.labels[other_lang(lang)],
            "description": pick(et.description, lang),
            "count": stats.by_type.get(name, 0),
        }
        for name, et in store.ontology.entity_types.items()
    ]
    recent = store.recent_changes(limit=current_app.config["GRAPHKB_RECENT"])
    return render_template("home.html", types=types, stats=stats, recent=recent)


@bp.get("/types/<type_name>")
def type_index(type_name: str):
    store = get_store()
    etype = store.ontology.entity_types.get(type_name)
    if etype is None:
        raise NotFound(f"no entity type {type_name[:100]!r}")
    page = int_arg(request.args, "page", 1, minimum=1, maximum=1_000_000)
    sort = sort_arg(request.args)
    q = text_arg(request.args)
    size = int(current_app.config["GRAPHKB_PAGE_SIZE"])
    result = store.list(type_name, offset=(page - 1) * size, limit=size, sort=sort, lang=ui_lang(), text=q)
    pages = max(1, math.ceil(result.total / size))

    def page_url(**changes) -> str:
        args = {"page": page, "sort": sort, "q": q or None, **changes}
        if args["page"] == 1:
            args["page"] = None
        if args["sort"] == "label":
            args["sort"] = None
        return url_for("wiki.type_index", type_name=type_name, **args)

    return render_template(
        "type_index.html",
        etype=etype,
        result=result,
        page=page,
        pages=pages,
        sort=sort,
        q=q,
        sorts=UI_SORTS,
        page_url=page_url,
        type_name=type_name,
    )


@bp.get("/entity/<entity_id>")
def entity(entity_id: str):
    canonical = canonical_id(entity_id)
    if canonical is None:
        raise NotFound(f"no entity {entity_id[:100]!r}")
    if canonical != entity_id:
        return redirect(url_for("wiki.entity", entity_id=canonical), 308)
    store = get_store()
    return cached_page(("entity", canonical), store.graph_version, lambda: _entity_html(store, canonical))


def _entity_html(store, entity_id: str) -> str:
    found = store.get(entity_id)
    lang = ui_lang()
    cited_by = store.cited_by(entity_id, limit=EVIDENCE_LIMIT) if found.type == "Source" else None
    incoming = store.incoming(entity_id, limit=INCOMING_LIMIT)
    page = entity_page(store, found, incoming, lang, other_lang(lang), cited_by)
    return render_template(
        "entity.html",
        page=page,
        e=found,
        more_evidence=cited_by is not None and len(cited_by) >= EVIDENCE_LIMIT,
        evidence_limit=EVIDENCE_LIMIT,
        more_incoming=len(incoming) >= INCOMING_LIMIT,
        incoming_limit=INCOMING_LIMIT,
    )


@bp.get("/search")
def search():
    store = get_store()
    q = text_arg(request.args)
    types = types_arg(request.args, store.ontology)
    results = store.search(q, types=types or None, limit=100) if q else []
    type_choices = [(name, pick(et.labels, ui_lang())) for name, et in store.ontology.entity_types.items()]
    return render_template("search.html", q=q, types=types, results=results, type_choices=type_choices)


@bp.get("/static-types.css")
def type_css():
    """One class per entity type with its ontology colour, so no page needs a style= attribute."""
    lines = ["/* generated from the ontology */"]
    for name, etype in get_store().ontology.entity_types.items():
        color = etype.color if _COLOR.fullmatch(etype.color) else "#888888"
        lines.append(f".type-{name} {{ --type-color: {color}; }}")
    response = Response("\n".join(lines) + "\n", mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
