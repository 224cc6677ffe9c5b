"""CSV: ``nodes.csv`` and ``edges.csv`` (one zip of both for a download), and their import.

Both files are UTF-8 **with a byte order mark**, ``;`` between fields, ``"`` around fields that
need it and CRLF line ends, with a header row: so a double click opens them in Excel in a
German-speaking office (whose list separator is ``;``, and which reads UTF-8 only after a BOM)
with umlauts intact. ``export_csv(..., delimiter=",", bom=False)`` writes plain RFC 4180 instead;
the import reads either (the BOM is skipped, the separator taken from the header row).

``nodes.csv``: ``id``, ``type``, ``label_de``, ``label_en``, ``description_de``,
``description_en``, ``aliases_de``, ``aliases_en``, ``body``, then one column per ontology
property (all types' properties, sorted; empty where a type has none). ``edges.csv``: ``id`` (the
statement id), ``subject``, ``type`` (relation type), ``target``, one column per qualifier,
``citation_count``, ``citation_sources`` (Source ids joined with `` | ``, for reading) and
``citations`` (a JSON list of ``{"source", "quote", "locator"}``: what the import reads).
Lists (aliases, list properties) are JSON arrays. A text that starts with ``= + - @`` or a tab
(a formula to a spreadsheet) or with ``'`` gets a leading ``'``, which the import takes off again.

Only live entities and the statements between them are written; the revision history is not
(that is the JSON format's job). Importing gives every entity revision 1, keeps the statement ids,
and is all or nothing: a bad row raises ValidationError naming the file, the row (as a
spreadsheet numbers it: the header is row 1) and the column, with nothing written.
Exporting, importing into an empty store and exporting again gives identical files.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from ..errors import ValidationError
from ..model import Citation, Entity, Statement
from ..schema import PropertySpec
from ..store.base import Store
from .columns import EDGE_FIELDS, NODE_FIELDS, edge_values, node_values, property_kinds, qualifier_kinds
from .selection import Selection, View

__all__ = ["export_csv", "export_csv_zip", "import_csv", "import_csv_zip", "NODES_FILE", "EDGES_FILE"]

NODES_FILE, EDGES_FILE = "nodes.csv", "edges.csv"
_CITATION_COLUMNS = ("citation_count", "citation_sources", "citations")
_FORMULA = re.compile(r"^[=+\-@\t\r']")


def _protect(text: str) -> str:
    """Keep spreadsheets from running a text as a formula.

    >>> _protect("=SUM(A1)"), _protect("'quoted"), _protect("Graz")
    ("'=SUM(A1)", "''quoted", 'Graz')
    """
    return "'" + text if _FORMULA.match(text) else text


def _cell(value: Any) -> str:
    if value is None or value == []:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return _protect(str(value))


def _writer(out: IO[str], delimiter: str, bom: bool) -> Any:
    if bom:
        out.write("\ufeff")
    return csv.writer(out, delimiter=delimiter, lineterminator="\r\n")


def _node_header(store: Store) -> list[str]:
    return [*NODE_FIELDS, "body", *property_kinds(store.ontology)]


def _edge_header(store: Store) -> list[str]:
    return [*EDGE_FIELDS, *qualifier_kinds(store.ontology), *_CITATION_COLUMNS]


def _write_nodes(view: View, out: IO[str], delimiter: str, bom: bool, progress: Callable[[int], None] | None) -> int:
    header = _node_header(view.store)
    writer = _writer(out, delimiter, bom)
    writer.writerow(header)
    count = 0
    for entity in view.nodes(progress):
        values = node_values(entity)
        values["body"] = entity.body
        writer.writerow([_cell(values.get(name)) for name in header])
        count += 1
    return count


def _write_edges(view: View, out: IO[str], delimiter: str, bom: bool) -> None:
    header = _edge_header(view.store)
    writer = _writer(out, delimiter, bom)
    writer.writerow(header)
    for subject, _, st in view.edges():
        values = edge_values(subject, st)
        values["citation_sources"] = " | ".join(values["citation_sources"])
        values["citations"] = [c.to_dict() for c in st.citations]
        writer.writerow([_cell(values.get(name)) for name in header])


def export_csv(
    store: Store,
    nodes_out: IO[str],
    edges_out: IO[str],
    *,
    selection: Selection | None = None,
    delimiter: str = ";",
    bom: bool = True,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the selection's nodes and edges to two text streams (open them with ``newline=""``)."""
    view = View(store, selection)
    count = _write_nodes(view, nodes_out, delimiter, bom, progress)
    _write_edges(view, edges_out, delimiter, bom)
    return count


def export_csv_zip(
    store: Store,
    out: IO[bytes],
    *,
    selection: Selection | None = None,
    delimiter: str = ";",
    bom: bool = True,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``nodes.csv`` and ``edges.csv`` into one zip (``out`` need not be seekable)."""
    view = View(store, selection)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(NODES_FILE, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
            count = _write_nodes(view, text, delimiter, bom, progress)
        with archive.open(EDGES_FILE, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
            _write_edges(view, text, delimiter, bom)
    return count


# -- import ---------------------------------------------------------------------------------


def _rows(source: IO[str], name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, row by column) for every data row; the separator from the header."""
    header_line = source.readline().lstrip("\ufeff")
    if not header_line.strip():
        raise ValidationError("the file is empty (no header row)", name)
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(itertools.chain([header_line], source), delimiter=delimiter)
    header = next(reader)
    for number, row in enumerate(reader, start=2):
        if not any(row):
            continue
        if len(row) != len(header):
            raise ValidationError(f"has {len(row)} fields, the header {len(header)}", f"{name} row {number}")
        yield number, dict(zip(header, row, strict=True))


def _check_columns(columns: set[str], known: set[str], required: tuple[str, ...], name: str) -> None:
    for column in required:
        if column not in columns:
            raise ValidationError("required column is missing", f"{name}: {column}")
    for column in sorted(columns - known):
        raise ValidationError("unknown column", f"{name}: {column}")


def _unprotect(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def _json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"not valid JSON: {exc.msg}", where) from None


def _list(text: str, where: str) -> list[str]:
    if text.startswith("["):
        value = _json(text, where)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError("must be a JSON list of texts", where)
        return value
    return [part.strip() for part in text.split("|") if part.strip()]


def _value(text: str, spec: PropertySpec, where: str) -> Any:
    """A cell as the value the ontology checks: lists parsed, whole numbers kept whole."""
    if spec.type == "list":
        return _list(text, where)
    if spec.type == "number" and re.fullmatch(r"-?\d{1,15}", text.strip()):
        return int(text)
    return text  # the ontology turns the rest into numbers, booleans … and says what is wrong


def _entity(row: dict[str, str], number: int, store: Store) -> Entity:
    where = f"{NODES_FILE} row {number}"
    cells = {k: _unprotect(v) for k, v in row.items()}
    etype = store.ontology.entity_types.get(cells["type"])
    if etype is None:
        raise ValidationError(f"unknown entity type {cells['type']!r}", f"{where}: type")
    if not cells["id"].strip():
        raise ValidationError("every row needs an id (edges.csv refers to it)", f"{where}: id")
    properties = {}
    for name, text in cells.items():
        if name in NODE_FIELDS or name == "body" or not text:
            continue
        spec = etype.properties.get(name)
        if spec is None:
            raise ValidationError(f"{etype.name} has no property {name!r}", f"{where}: {name}")
        properties[name] = _value(text, spec, f"{where}: {name}")
    return Entity(
        id=cells["id"].strip(),
        type=etype.name,
        labels={"de": cells.get("label_de", ""), "en": cells.get("label_en", "")},
        descriptions={"de": cells.get("description_de", ""), "en": cells.get("description_en", "")},
        aliases={lang: _list(cells.get(f"aliases_{lang}", ""), f"{where}: aliases_{lang}") for lang in ("de", "en")},
        body=cells.get("body", ""),
        properties=properties,
    )


def _statement(row: dict[str, str], number: int, store: Store) -> Statement:
    where = f"{EDGES_FILE} row {number}"
    cells = {k: _unprotect(v) for k, v in row.items()}
    rtype = store.ontology.relation_types.get(cells["type"])
    if rtype is None:
        raise ValidationError(f"unknown relation type {cells['type']!r}", f"{where}: type")
    qualifiers = {}
    for name, text in cells.items():
        if name in EDGE_FIELDS or name in _CITATION_COLUMNS or not text:
            continue
        spec = rtype.qualifiers.get(name)
        if spec is None:
            raise ValidationError(f"{rtype.name} has no qualifier {name!r}", f"{where}: {name}")
        qualifiers[name] = _value(text, spec, f"{where}: {name}")
    citations = _json(cells["citations"], f"{where}: citations") if cells.get("citations") else []
    if not isinstance(citations, list) or not all(isinstance(c, dict) for c in citations):
        raise ValidationError("must be a JSON list of {source, quote, locator}", f"{where}: citations")
    return Statement(
        rtype.name,
        cells["target"].strip(),
        qualifiers,
        [Citation.from_dict(c) for c in citations],
        cells.get("id", "").strip() or None,
    )


_BULK_FIELD = re.compile(r"^entities\[(\d+)\] [^:]*: (?:statements\[(\d+)\]\.?)?(.*)$")


def import_csv(
    store: Store,
    nodes: IO[str],
    edges: IO[str] | None = None,
    *,
    author: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Import ``nodes.csv`` (and ``edges.csv``) into the store, all or nothing; returns the number of entities."""
    csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))  # a body is up to 100k characters
    try:
        entities, node_rows, edge_rows = _read(store, nodes, edges)
    except UnicodeDecodeError:
        raise ValidationError("not UTF-8 text (save the CSV as UTF-8)", "file") from None
    except csv.Error as exc:
        raise ValidationError(f"not readable as CSV: {exc}", "file") from None
    try:
        return store.bulk_import(entities, author=author, summary="CSV import", progress=progress)
    except ValidationError as exc:
        raise _located(exc, node_rows, edge_rows) from None


def _read(
    store: Store, nodes: IO[str], edges: IO[str] | None
) -> tuple[list[Entity], list[int], dict[tuple[int, int], int]]:
    """The entities of both files, with the row each entity and statement came from."""
    entities: list[Entity] = []
    node_rows: list[int] = []
    index: dict[str, int] = {}
    node_known = {*NODE_FIELDS, "body", *property_kinds(store.ontology)}
    for number, row in _rows(nodes, NODES_FILE):
        if len(entities) == 0:
            _check_columns(set(row), node_known, ("id", "type", "label_de"), NODES_FILE)
        entity = _entity(row, number, store)
        if entity.id in index:
            raise ValidationError(f"id {entity.id!r} occurs twice", f"{NODES_FILE} row {number}: id")
        index[entity.id or ""] = len(entities)
        entities.append(entity)
        node_rows.append(number)
    edge_rows: dict[tuple[int, int], int] = {}
    if edges is not None:
        edge_known = {*EDGE_FIELDS, *qualifier_kinds(store.ontology), *_CITATION_COLUMNS}
        first = True
        for number, row in _rows(edges, EDGES_FILE):
            if first:
                _check_columns(set(row), edge_known, ("subject", "type", "target"), EDGES_FILE)
                first = False
            subject = index.get(row["subject"].strip())
            if subject is None:
                raise ValidationError(
                    f"no entity {row['subject']!r} in {NODES_FILE}", f"{EDGES_FILE} row {number}: subject"
                )
            statements = entities[subject].statements
            edge_rows[(subject, len(statements))] = number
            statements.append(_statement(row, number, store))
    return entities, node_rows, edge_rows


def _located(exc: ValidationError, node_rows: list[int], edge_rows: dict[tuple[int, int], int]) -> ValidationError:
    """The store's error (``entities[3] graz: statements[0].target``) as a file, row and column."""
    match = _BULK_FIELD.match(exc.field or "")
    if not match:
        return exc
    i, j, rest = int(match.group(1)), match.group(2), match.group(3)
    if j is not None and (int(i), int(j)) in edge_rows:
        return ValidationError(exc.reason, f"{EDGES_FILE} row {edge_rows[(i, int(j))]}: {rest or 'statement'}")
    return ValidationError(exc.reason, f"{NODES_FILE} row {node_rows[i]}: {rest}")


def import_csv_zip(
    store: Store, source: IO[bytes], *, author: str, progress: Callable[[int], None] | None = None
) -> int:
    """Import a zip holding ``nodes.csv`` and (optionally) ``edges.csv``."""
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise ValidationError("not a zip file", "file") from None
    with archive:
        names = set(archive.namelist())
        if NODES_FILE not in names:
            raise ValidationError(f"the zip has no {NODES_FILE}", "file")

        def text(name: str) -> IO[str]:
            return io.TextIOWrapper(archive.open(name), encoding="utf-8-sig", newline="")

        with text(NODES_FILE) as nodes:
            if EDGES_FILE not in names:
                return import_csv(store, nodes, None, author=author, progress=progress)
            with text(EDGES_FILE) as edges:
                return import_csv(store, nodes, edges, author=author, progress=progress)
