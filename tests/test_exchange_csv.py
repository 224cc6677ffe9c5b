"""CSV export and import: Excel-friendly files, exact round trips, bad rows named by file, row and column."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from graphkb.errors import ValidationError
from graphkb.exchange import export_csv, export_csv_zip, import_csv, import_csv_zip, select
from graphkb.model import Entity
from graphkb.seed import load_seed
from graphkb.store import open_store

from .exchange_graphs import NASTY, NASTY_LINE, nasty_graph


def _csv(store, **kwargs) -> tuple[str, str]:
    nodes, edges = io.StringIO(newline=""), io.StringIO(newline="")
    export_csv(store, nodes, edges, **kwargs)
    return nodes.getvalue(), edges.getvalue()


@pytest.fixture
def empty(tmp_path):
    other = open_store(f"sqlite:///{tmp_path / 'target.sqlite3'}")
    yield other
    other.close()


def _load(store, nodes: str, edges: str | None) -> int:
    return import_csv(
        store, io.StringIO(nodes, newline=""), io.StringIO(edges, newline="") if edges else None, author="csv"
    )


def test_store_to_csv_to_a_new_store_to_csv_gives_the_same_files(store, empty):
    load_seed(store)
    nasty_graph(store)
    first = _csv(store)
    assert _load(empty, *first) == store.stats().entities
    assert _csv(empty) == first
    assert empty.stats().statements == store.stats().statements
    assert empty.stats().citations == store.stats().citations


def test_nasty_values_survive_the_round_trip_field_by_field(store, empty):
    nasty_graph(store)
    _load(empty, *_csv(store))
    city = empty.get("straße-köln")
    assert city.labels == {"de": "=Straße " + NASTY_LINE, "en": "-Street"}
    assert city.descriptions["de"] == NASTY and city.body.endswith(NASTY)
    assert city.aliases["de"] == ["Köln | Kölle", "a;b", '"c"']
    assert city.properties["districts"] == 9 and empty.get("sozialraum-ä").properties["districts"][1] == "Süd | West"
    assert city.statements[0].qualifiers == {"note": NASTY, "since": "2004"}
    assert [c.to_dict() for c in city.statements[0].citations] == [
        c.to_dict() for c in store.get("straße-köln").statements[0].citations
    ]
    assert [st.id for st in city.statements] == [st.id for st in store.get("straße-köln").statements]


def test_the_files_open_in_a_german_excel_bom_semicolons_header_and_no_formulas(store):
    nasty_graph(store)
    nodes, edges = _csv(store)
    for text in (nodes, edges):
        assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(nodes.lstrip("\ufeff"), newline=""), delimiter=";"))
    assert rows[0][:4] == ["id", "type", "label_de", "label_en"] and "districts" in rows[0]
    city = dict(zip(rows[0], next(r for r in rows if r[0] == "straße-köln"), strict=True))
    assert city["label_de"].startswith("'=Straße") and city["label_en"] == "'-Street"  # no formula in a cell
    assert city["districts"] == "9" and city["aliases_de"].startswith('["Köln | Kölle"')
    header, *data = list(csv.reader(io.StringIO(edges.lstrip("\ufeff"), newline=""), delimiter=";"))
    edge = dict(zip(header, next(r for r in data if r[2] == "HAS_SOCIAL_SPACE"), strict=True))
    assert edge["citation_count"] == "2" and edge["citation_sources"] == "quelle-über | quelle-über"


def test_plain_comma_separated_files_without_bom_import_too(store, empty):
    nasty_graph(store)
    nodes, edges = _csv(store, delimiter=",", bom=False)
    assert not nodes.startswith("\ufeff") and nodes.startswith("id,type,")
    _load(empty, nodes, edges)
    assert _csv(empty) == _csv(store)


def _zip_rows(data: bytes, name: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_a_zip_of_both_files_round_trips_and_a_view_holds_only_its_part(store, empty):
    load_seed(store)
    whole = io.BytesIO()
    assert export_csv_zip(store, whole) == store.stats().entities
    assert import_csv_zip(empty, io.BytesIO(whole.getvalue()), author="zip") == store.stats().entities
    assert _csv(empty) == _csv(store)
    view = select(store, around="graz", depth=1)
    part = io.BytesIO()
    assert export_csv_zip(store, part, selection=view) == len(view.ids)
    assert {row["id"] for row in _zip_rows(part.getvalue(), "nodes.csv")} == view.ids
    assert {row["id"] for row in _zip_rows(part.getvalue(), "edges.csv")} == view.statement_ids


def _nodes(*rows: str) -> str:
    return "id;type;label_de;districts\r\n" + "".join(r + "\r\n" for r in rows)


EDGES = "id;subject;type;target;note;citations\r\n"


@pytest.mark.parametrize(
    ("nodes", "edges", "field", "reason"),
    [
        (_nodes("graz;City;Graz;9", "wien;City;Wien;zwölf"), None, "nodes.csv row 3: properties.districts", "whole"),
        (_nodes("graz;City;Graz;", "x;Planet;X;"), None, "nodes.csv row 3: type", "unknown entity type"),
        (_nodes("graz;City;;"), None, "nodes.csv row 2: labels.de", "German label"),
        (_nodes("graz;City;Graz;", "graz;City;Graz 2;"), None, "nodes.csv row 3: id", "twice"),
        (
            _nodes("graz;City;Graz;"),
            EDGES + ";graz;HAS_SOCIAL_SPACE;nirgends;;\r\n",
            "edges.csv row 2: target",
            "no entity",
        ),
        (_nodes("graz;City;Graz;"), EDGES + ";wien;LOCATED_IN;graz;;\r\n", "edges.csv row 2: subject", "no entity"),
        (_nodes("graz;City;Graz;"), EDGES + ";graz;NO_SUCH;graz;;\r\n", "edges.csv row 2: type", "unknown relation"),
        (
            _nodes("graz;City;Graz;"),
            EDGES + ";graz;COOPERATES_WITH;graz;;[oops\r\n",
            "edges.csv row 2: citations",
            "JSON",
        ),
        ("id;type;label_de;colour\r\ngraz;City;Graz;rot\r\n", None, "nodes.csv: colour", "unknown column"),
    ],
)
def test_a_bad_row_is_refused_naming_file_row_and_column_and_nothing_is_written(store, nodes, edges, field, reason):
    store.bulk_import([Entity(type="Lesson", id="schon-da", labels={"de": "Schon da"})], author="t")
    with pytest.raises(ValidationError) as caught:
        _load(store, nodes, edges)
    assert caught.value.field == field and reason in caught.value.reason
    assert [e.id for e in store.iter_entities()] == ["schon-da"]


def test_files_that_are_not_utf8_csv_or_zip_are_refused_clearly(store):
    with pytest.raises(ValidationError, match="UTF-8"):
        import_csv(store, io.TextIOWrapper(io.BytesIO("id;type;label_de\r\ngraz;City;Gr\xfcn\r\n".encode("cp1252"))),
                   author="t")  # fmt: skip
    with pytest.raises(ValidationError, match="not a zip"):
        import_csv_zip(store, io.BytesIO(b"id;type\r\n"), author="t")
    with pytest.raises(ValidationError, match="empty"):
        import_csv(store, io.StringIO(""), author="t")
    assert store.stats().entities == 0
