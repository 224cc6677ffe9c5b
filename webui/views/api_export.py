"""Downloads through the API: the graph (or a part of it) in every format of :data:`graphkb.exchange.EXPORT_FORMATS`.

The file is written to a temporary file first and then streamed, so a failure while writing is a
clean error answer, not a download cut off in the middle, and the memory used stays small.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO
from urllib.parse import quote

from flask import Response

from graphkb.exchange import EXPORT_FORMATS, Selection

from ..db import get_store
from ..openapi import Param
from .api import api, entity_id_of

__all__ = ["export", "attachment"]

_FILE = {"type": "string", "format": "binary"}


def _media_type(mimetype: str) -> str:
    return mimetype.split(";")[0].strip()


def _schema(mimetype: str) -> dict:
    if _media_type(mimetype) == "application/json":  # graphkb-json: documented in graphkb.exchange
        return {"type": "object", "required": ["format", "version", "entities"]}
    return _FILE


@api.operation(
    "GET",
    "/export",
    summary="Download the graph (or the neighbourhood of one entity, or some types) as a file",
    description=(
        "json: lossless with history (importable); graphml and gexf: for Gephi, yEd, networkx; "
        "csv: a zip of nodes.csv and edges.csv; cypher: a script for an empty Neo4j."
    ),
    params=(
        Param("format", "choice", default="json", choices=tuple(EXPORT_FORMATS)),
        Param("type", "types", arg="types", description="only entities of these types"),
        Param("relation", "relations", arg="relations", description="only statements of these relation types"),
        Param("around", "id", max_length=400, description="only this entity and its neighbours"),
        Param("depth", "int", default=1, minimum=1, maximum=3, description="how far around reaches"),
        Param("lang", "choice", default="de", choices=("de", "en"), description="labels in graphml and gexf"),
    ),
    responses={
        200: (
            "The file (Content-Disposition: attachment)",
            {_media_type(f.mimetype): _schema(f.mimetype) for f in EXPORT_FORMATS.values()},
        )
    },
    tag="export",
)
def export(format: str, types: list[str], relations: list[str], around: str | None, depth: int, lang: str):
    store = get_store()
    ids = None
    statement_ids = None
    if around is not None:
        part = store.neighbours(entity_id_of(around), depth=depth, limit=5000)
        ids = frozenset(n.id for n in part.nodes)
        statement_ids = frozenset(e.statement_id for e in part.edges)
    selection = Selection(
        ids=ids, entity_types=frozenset(types), relation_types=frozenset(relations), statement_ids=statement_ids
    )
    chosen = EXPORT_FORMATS[format]
    out = tempfile.TemporaryFile()
    try:
        chosen.write(store, out, selection=None if selection.is_whole() else selection, lang=lang)
        size = out.tell()
        out.seek(0)
    except BaseException:
        out.close()
        raise
    name = f"graphkb.{chosen.extension}" if around is None else f"graphkb-{around}.{chosen.extension}"
    response = Response(_blocks(out), mimetype=chosen.mimetype, direct_passthrough=True)
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = attachment(name)
    response.headers["Cache-Control"] = "no-store"
    return response


def attachment(name: str) -> str:
    """A Content-Disposition for a download named ``name`` (non-ASCII letters as RFC 6266 asks).

    >>> attachment("graphkb.json")
    'attachment; filename=graphkb.json'
    >>> attachment("graphkb-trägerverbünde.json")
    "attachment; filename=graphkb-trgerverbnde.json; filename*=UTF-8''graphkb-tr%C3%A4gerverb%C3%BCnde.json"
    """
    plain = name.encode("ascii", "ignore").decode("ascii")
    if plain == name:
        return f"attachment; filename={name}"
    return f"attachment; filename={plain}; filename*=UTF-8''{quote(name)}"


def _blocks(out: IO[bytes]) -> Iterator[bytes]:
    """The file in blocks; closed when the answer is sent or dropped."""
    try:
        while block := out.read(64 * 1024):
            yield block
    finally:
        out.close()
