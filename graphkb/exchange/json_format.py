"""JSON (``graphkb-json``, version 1): the lossless, documented format.

The file is one JSON object::

    {"format": "graphkb-json", "version": 1,
     "entities": [<Entity.to_dict()>, ...],        # sorted by id, deleted ones included
     "revisions": [<Revision.to_dict()>, ...]}     # the whole history, in the order written

Each entity and revision is written on one line, so the file diffs well. Exporting, importing
into an empty store and exporting again gives a byte-identical file.

A view (a :class:`~graphkb.exchange.selection.Selection` other than the whole graph) writes its
live entities with only the statements inside the view and no history. Its citations and
references may still name entities outside the view: to import it, those must exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import IO, Any

from ..errors import ValidationError
from ..model import Entity, Revision
from ..store.base import Store
from .selection import Selection, View

__all__ = ["FORMAT", "VERSION", "export_json", "import_json"]

FORMAT = "graphkb-json"
VERSION = 1


def _line(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _entities(store: Store, selection: Selection | None):
    if selection is None or selection.is_whole():
        yield from store.iter_entities(include_deleted=True)
        return
    view = View(store, selection)
    for entity in view.nodes():
        entity.statements = view.statements_of(entity)
        yield entity


def export_json(
    store: Store,
    out: IO[str],
    *,
    history: bool = True,
    progress: Callable[[int], None] | None = None,
    selection: Selection | None = None,
) -> int:
    """Write the graph (or a view of it: then without history) to ``out``; returns the number of entities."""
    whole = selection is None or selection.is_whole()
    out.write(f'{{"format":"{FORMAT}","version":{VERSION},\n"entities":[')
    count = 0
    for entity in _entities(store, selection):
        out.write(("\n" if count == 0 else ",\n") + _line(entity.to_dict()))
        count += 1
        if progress:
            progress(1)
    out.write("\n]")
    if history and whole:
        out.write(',\n"revisions":[')
        for i, rev in enumerate(store.iter_revisions()):
            out.write(("\n" if i == 0 else ",\n") + _line(rev.to_dict()))
        out.write("\n]")
    out.write("}\n")
    return count


def import_json(store: Store, source: IO[str], *, author: str, progress: Callable[[int], None] | None = None) -> int:
    """Load a ``graphkb-json`` file into the store; with ``revisions`` the history comes along."""
    try:
        data = json.load(source)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"not valid JSON: {exc}", "file") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError(f"not a {FORMAT} file", "format")
    if data.get("version") != VERSION:
        raise ValidationError(f"unsupported version {data.get('version')!r} (this graphkb reads {VERSION})", "version")
    entities = [Entity.from_dict(e) for e in data.get("entities") or []]
    revisions = [Revision.from_dict(r) for r in data["revisions"]] if "revisions" in data else None
    return store.bulk_import(entities, author=author, summary="Import", revisions=revisions, progress=progress)
