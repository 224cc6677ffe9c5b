"""Import and export: JSON (lossless), GraphML, GEXF 1.3, CSV and a Cypher script.

Every export takes the store and, optionally, a :class:`Selection` (the whole graph by default;
:func:`select` makes one from ids, a neighbourhood or type filters) and streams to a file object,
reporting progress per entity written. :data:`EXPORT_FORMATS` names each format with a writer of
one shape, ``write(store, out: binary file, *, selection=None, progress=None, lang="de") -> int``
(the number of entities written), its MIME type and its file extension, so a download can offer
every format.

========  ===============================================  =========================================
format    module                                           import
========  ===============================================  =========================================
json      :mod:`~graphkb.exchange.json_format`             :func:`import_json` (history included)
graphml   :mod:`~graphkb.exchange.xml_formats`             no
gexf      :mod:`~graphkb.exchange.xml_formats`             no
csv       :mod:`~graphkb.exchange.csv_format` (zip)        :func:`import_csv`, :func:`import_csv_zip`
cypher    :mod:`~graphkb.exchange.cypher`                  run it on an empty Neo4j
========  ===============================================  =========================================
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any, NamedTuple

from ..store.base import Store
from .csv_format import export_csv, export_csv_zip, import_csv, import_csv_zip
from .cypher import cypher_literal, export_cypher, split_cypher_script
from .json_format import FORMAT, VERSION, export_json, import_json
from .selection import Selection, View, select
from .xml_formats import export_gexf, export_graphml

__all__ = [
    "FORMAT",
    "VERSION",
    "EXPORT_FORMATS",
    "ExportFormat",
    "Selection",
    "View",
    "select",
    "export_json",
    "import_json",
    "export_graphml",
    "export_gexf",
    "export_csv",
    "export_csv_zip",
    "import_csv",
    "import_csv_zip",
    "export_cypher",
    "cypher_literal",
    "split_cypher_script",
]


class ExportFormat(NamedTuple):
    """One export format: ``write(store, out, *, selection=None, progress=None, lang="de") -> int``."""

    write: Callable[..., int]
    mimetype: str
    extension: str


def _as_text(writer: Callable[..., int], *, labelled: bool = False, **fixed: Any) -> Callable[..., int]:
    """A text writer made to write UTF-8 to a binary stream (left open for the caller).

    ``labelled``: the writer takes ``lang`` (the language of its node labels); the others ignore it.
    """

    def write(
        store: Store,
        out: IO[bytes],
        *,
        selection: Selection | None = None,
        progress: Callable[[int], None] | None = None,
        lang: str = "de",
    ) -> int:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        try:
            kwargs = {"lang": lang} if labelled else {}
            return writer(store, text, selection=selection, progress=progress, **kwargs, **fixed)
        finally:
            text.flush()
            text.detach()

    write.__doc__ = writer.__doc__
    return write


def _csv_zip(
    store: Store,
    out: IO[bytes],
    *,
    selection: Selection | None = None,
    progress: Callable[[int], None] | None = None,
    lang: str = "de",
) -> int:
    return export_csv_zip(store, out, selection=selection, progress=progress)


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "json": ExportFormat(_as_text(export_json), "application/json", "json"),
    "graphml": ExportFormat(_as_text(export_graphml, labelled=True), "application/graphml+xml", "graphml"),
    "gexf": ExportFormat(_as_text(export_gexf, labelled=True), "application/gexf+xml", "gexf"),
    "csv": ExportFormat(_csv_zip, "application/zip", "zip"),
    "cypher": ExportFormat(_as_text(export_cypher), "text/plain; charset=utf-8", "cypher"),
}
"""Every export format by name: writer, MIME type, file extension (the CSV pair comes as one zip)."""
