"""GraphML and GEXF exports: valid against the official schemas, readable by networkx, views and nasty text."""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
import pytest
import xmlschema

from graphkb.exchange import Selection, export_gexf, export_graphml, select
from graphkb.seed import load_seed

from .exchange_graphs import NASTY, NASTY_LINE, nasty_graph

SCHEMAS = Path(__file__).resolve().parent / "schemas"


@pytest.fixture(scope="module")
def graphml_schema():
    return xmlschema.XMLSchema(str(SCHEMAS / "graphml" / "graphml.xsd"))


@pytest.fixture(scope="module")
def gexf_schema():
    return xmlschema.XMLSchema(str(SCHEMAS / "gexf-1.3" / "gexf.xsd"))


def _write(export, store, **kwargs) -> str:
    out = io.StringIO()
    export(store, out, **kwargs)
    return out.getvalue()


def _assert_valid(schema, text: str) -> None:
    errors = list(schema.iter_errors(text))
    assert not errors, errors[0]


def _live_edges(store) -> set[tuple[str, str, str]]:
    live = {e.id: e for e in store.iter_entities(include_deleted=False)}
    return {(e.id, st.target, st.id) for e in live.values() for st in e.statements if st.target in live}


def test_the_seed_graph_as_graphml_is_valid_and_networkx_reads_every_node_and_edge(store, graphml_schema):
    load_seed(store)
    text = _write(export_graphml, store)
    _assert_valid(graphml_schema, text)
    graph = nx.read_graphml(io.StringIO(text), force_multigraph=True)
    live = list(store.iter_entities(include_deleted=False))
    assert set(graph.nodes) == {e.id for e in live}
    assert {(u, v, k) for u, v, k in graph.edges(keys=True)} == _live_edges(store)
    graz = graph.nodes["graz"]
    assert graz["type"] == "City" and graz["label_de"] == "Graz" and graz["label"] == "Graz"
    cited = next((u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if d.get("citation_count", 0) > 0)
    statement = next(st for st in store.get(cited[0]).statements if st.id == cited[2])
    data = graph.edges[cited]
    assert data["relation"] == statement.type and data["statement"] == statement.id
    assert data["citation_count"] == len(statement.citations)
    assert data["citation_sources"] == " | ".join(c.source for c in statement.citations)


def test_the_seed_graph_as_gexf_is_valid_gexf_1_3_with_labels_kinds_and_type_colours(store, gexf_schema):
    load_seed(store)
    text = _write(export_gexf, store, lang="en")
    _assert_valid(gexf_schema, text)
    assert 'version="1.3"' in text and 'xmlns="http://gexf.net/1.3"' in text
    graph = nx.read_gexf(io.StringIO(text), relabel=False)
    assert graph.number_of_nodes() == store.stats().entities
    graz = graph.nodes["graz"]
    assert graz["label"] == store.get("graz").label("en") and graz["type"] == "City"
    colour = store.ontology.entity_types["City"].color.lstrip("#")
    rgb = {"r": int(colour[0:2], 16), "g": int(colour[2:4], 16), "b": int(colour[4:6], 16)}
    assert {k: v for k, v in graz["viz"]["color"].items() if k != "a"} == rgb
    edge = next(iter(graph.edges(data=True)))[2]
    assert edge["label"] == edge["relation"] and edge["relation"] in store.ontology.relation_types


def test_nasty_strings_come_back_unchanged_from_graphml_and_gexf(store, graphml_schema, gexf_schema):
    nasty_graph(store)
    graphml = _write(export_graphml, store)
    gexf = _write(export_gexf, store)
    _assert_valid(graphml_schema, graphml)
    _assert_valid(gexf_schema, gexf)
    for graph in (nx.read_graphml(io.StringIO(graphml)), nx.read_gexf(io.StringIO(gexf), relabel=False)):
        city = graph.nodes["straße-köln"]
        assert city["label_de"] == "=Straße " + NASTY_LINE
        assert city["description_de"] == NASTY
        assert city["aliases_de"] == 'Köln | Kölle | a;b | "c"'
        assert city["website"] == "https://example.org/ä?x=1&y='2'"
        edge = next(d for _, v, d in graph.edges(data=True) if v == "sozialraum-ä")
        assert edge["note"] == NASTY and edge["citation_count"] == 2
    assert nx.read_gexf(io.StringIO(gexf), relabel=False).nodes["straße-köln"]["label"] == "=Straße " + NASTY_LINE


def test_characters_xml_cannot_carry_become_replacement_characters_not_broken_files(store, graphml_schema):
    from graphkb.model import Entity

    store.bulk_import([Entity(type="Lesson", id="steuerzeichen", labels={"de": "Bell\x07 und NUL\x00"})], author="t")
    text = _write(export_graphml, store)
    _assert_valid(graphml_schema, text)
    assert nx.read_graphml(io.StringIO(text)).nodes["steuerzeichen"]["label_de"] == "Bell\ufffd und NUL\ufffd"


def test_the_schemas_reject_what_is_broken(graphml_schema, gexf_schema, store):
    # the validation the other tests rely on can fail: an edge to a missing node, a colour out of range
    nasty_graph(store)
    graphml = _write(export_graphml, store).replace('target="sozialraum-ä"', 'target="nirgends"', 1)
    assert not graphml_schema.is_valid(graphml)
    gexf = _write(export_gexf, store).replace('<viz:color r="', '<viz:color r="9', 1)
    assert not gexf_schema.is_valid(gexf)


# gephi/gexf data/viz.gexf (CC BY 4.0): the official GEXF 1.3 example with viz data
OFFICIAL_VIZ_EXAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">
    <graph>
        <nodes>
            <node id="a" label="glossy">
                <viz:color r="239" g="173" b="66" a="0.6"/>
                <viz:position x="15.783598" y="40.109245" z="0.0"/>
                <viz:size value="2.0375757"/>
            </node>
        </nodes>
    </graph>
</gexf>
"""


def test_the_derived_gexf_schema_accepts_the_official_example_and_rejects_broken_variants(gexf_schema):
    assert gexf_schema.is_valid(OFFICIAL_VIZ_EXAMPLE)
    for broken in (
        OFFICIAL_VIZ_EXAMPLE.replace('r="239"', 'r="299"'),
        OFFICIAL_VIZ_EXAMPLE.replace("viz:size", "size"),
        OFFICIAL_VIZ_EXAMPLE.replace('version="1.3"', 'version="1.2"'),
    ):
        assert not gexf_schema.is_valid(broken)


def test_a_neighbourhood_view_exports_its_nodes_and_only_the_edges_among_them(store, graphml_schema, gexf_schema):
    load_seed(store)
    view = select(store, around="graz", depth=1)
    expected = store.neighbours("graz", depth=1, limit=5000)
    graph = nx.read_graphml(io.StringIO(text := _write(export_graphml, store, selection=view)), force_multigraph=True)
    _assert_valid(graphml_schema, text)
    assert set(graph.nodes) == {n.id for n in expected.nodes}
    assert {k for _, _, k in graph.edges(keys=True)} == {e.statement_id for e in expected.edges}
    gexf = _write(export_gexf, store, selection=view)
    _assert_valid(gexf_schema, gexf)
    assert "graphkb export: " + view.describe() in gexf


def test_type_and_relation_filters_keep_only_those_entities_and_statements(store):
    load_seed(store)
    view = select(store, entity_types=["Practice", "Outcome"], relation_types=["LEADS_TO"])
    graph = nx.read_graphml(io.StringIO(_write(export_graphml, store, selection=view)), force_multigraph=True)
    assert {d["type"] for _, d in graph.nodes(data=True)} == {"Practice", "Outcome"}
    assert graph.number_of_nodes() == store.stats().by_type["Practice"] + store.stats().by_type["Outcome"]
    assert graph.number_of_edges() > 0
    assert {d["relation"] for *_, d in graph.edges(data=True)} == {"LEADS_TO"}


def test_unknown_type_names_in_a_selection_are_refused_naming_the_option(store):
    from graphkb.errors import ValidationError

    with pytest.raises(ValidationError, match="types"):
        select(store, entity_types=["Nonsense"])
    with pytest.raises(ValidationError, match="relations"):
        select(store, relation_types=["LEADS_NOWHERE"])
    assert Selection().is_whole()
