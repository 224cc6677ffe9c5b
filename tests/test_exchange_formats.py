"""The format table a download offers, JSON views, and the export/import commands of the CLI."""

from __future__ import annotations

import io
import json
import zipfile

import networkx as nx
import pytest
from click.testing import CliRunner

from graphkb.cli import cli
from graphkb.exchange import EXPORT_FORMATS, export_json, import_json, select
from graphkb.seed import load_seed
from graphkb.store import open_store

from .exchange_graphs import nasty_graph


def test_every_format_in_the_table_writes_bytes_of_its_kind(store):
    nasty_graph(store)
    assert sorted(EXPORT_FORMATS) == ["csv", "cypher", "gexf", "graphml", "json"]
    for name, (write, mimetype, extension) in EXPORT_FORMATS.items():
        out = io.BytesIO()
        assert write(store, out, selection=select(store, around="straße-köln"), lang="en") == 3, name
        data = out.getvalue()
        assert mimetype and extension and not extension.startswith(".")
        if extension == "zip":
            assert zipfile.ZipFile(io.BytesIO(data)).read("nodes.csv").decode("utf-8-sig").startswith("id;type")
        else:
            assert "straße-köln" in data.decode("utf-8")  # UTF-8, umlauts as they are
    assert not out.closed  # the caller's stream stays open


def test_json_of_a_view_has_its_entities_and_inner_statements_but_no_history(store, tmp_path):
    load_seed(store)
    # LEADS_TO cites Sources and names a City as its place: with those the view stands on its own
    view = select(store, entity_types=["Practice", "Outcome", "Source", "City"], relation_types=["LEADS_TO"])
    out = io.StringIO()
    count = export_json(store, out, selection=view)
    data = json.loads(out.getvalue())
    assert "revisions" not in data and count == len(data["entities"])
    assert {e["type"] for e in data["entities"]} == {"Practice", "Outcome", "Source", "City"}
    assert {st["type"] for e in data["entities"] for st in e["statements"]} == {"LEADS_TO"}
    other = open_store(f"sqlite:///{tmp_path / 'view.sqlite3'}")
    try:
        assert import_json(other, io.StringIO(out.getvalue()), author="t") == count
        inner = sum(len(e["statements"]) for e in data["entities"])
        assert other.stats().by_relation == {"LEADS_TO": inner} and inner > 10
    finally:
        other.close()


def _run(*args, ok=True):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert (result.exit_code == 0) == ok, result.output
    return result


@pytest.fixture
def seeded(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    store = open_store(url)
    load_seed(store)
    nasty_graph(store)
    store.close()
    return url


def test_cli_exports_a_neighbourhood_as_gexf_with_english_labels(seeded, tmp_path):
    path = tmp_path / "graz.gexf"
    result = _run("--store", seeded, "export", "--format", "gexf", "--around", "graz", "--depth", "1",
                  "--lang", "en", "-o", str(path))  # fmt: skip
    store = open_store(seeded)
    expected = store.neighbours("graz", depth=1, limit=5000)
    graph = nx.read_gexf(path, relabel=False)
    assert set(graph.nodes) == {n.id for n in expected.nodes}
    assert graph.nodes["graz"]["label"] == store.get("graz").label("en")
    assert f"Exported {len(expected.nodes)} entities." in result.output
    store.close()


def test_cli_csv_export_imports_back_as_zip_and_as_two_files(seeded, tmp_path):
    archive = tmp_path / "graph.zip"
    _run("--store", seeded, "export", "--format", "csv", "-o", str(archive))
    first = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    assert "Imported" in _run("--store", first, "import", str(archive)).output
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path)
    second = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    _run("--store", second, "import", str(tmp_path / "nodes.csv"), "--edges", str(tmp_path / "edges.csv"))
    source, a, b = open_store(seeded), open_store(first), open_store(second)
    assert source.stats().by_relation == a.stats().by_relation == b.stats().by_relation
    assert a.get("straße-köln").content_dict() == b.get("straße-köln").content_dict()
    for s in (source, a, b):
        s.close()


def test_cli_filters_by_types_and_relations_and_refuses_unknown_names(seeded, tmp_path):
    path = tmp_path / "out.graphml"
    _run("--store", seeded, "export", "--format", "graphml", "--types", "Practice,Outcome",
         "--relations", "LEADS_TO", "-o", str(path))  # fmt: skip
    graph = nx.read_graphml(path)
    assert {d["type"] for _, d in graph.nodes(data=True)} == {"Practice", "Outcome"}
    bad = _run("--store", seeded, "export", "--format", "cypher", "--types", "Planet", ok=False)
    assert "unknown entity type 'Planet'" in bad.output
    missing = _run("--store", seeded, "export", "--around", "nirgendwo", ok=False)
    assert "nirgendwo" in missing.output


def test_cli_refuses_a_broken_csv_naming_the_row_and_writes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    bad = tmp_path / "nodes.csv"
    bad.write_text("\ufeffid;type;label_de\r\ngraz;City;Graz\r\nwien;Town;Wien\r\n", encoding="utf-8")
    result = _run("--store", url, "import", str(bad), ok=False)
    assert "nodes.csv row 3: type" in result.output
    store = open_store(url)
    assert store.stats().entities == 0
    store.close()


def test_cli_cypher_export_goes_to_stdout(seeded):
    out = _run("--store", seeded, "export", "--format", "cypher", "--types", "City").stdout
    assert out.startswith("// graphkb Cypher export: types City") and "CREATE (n:Entity:City) SET n = row;" in out
