"""What only the Neo4j store has: its URL, a graph that reads naturally in Cypher, and outages."""

from __future__ import annotations

import socket
import time

import pytest

from graphkb.errors import StoreUnavailable, ValidationError
from graphkb.store import open_store
from graphkb.store.neo4j import parse_url
from webui import create_app

from .contract.helpers import small_graph


def test_url_names_host_credentials_and_database_with_the_environment_as_fallback(monkeypatch):
    monkeypatch.delenv("NEO4J_USER", raising=False)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    assert parse_url("neo4j://db.intern:7688") == {"uri": "neo4j://db.intern:7688", "auth": None, "database": "neo4j"}
    assert parse_url("bolt://kb:g%C3%BCltig%2F1@localhost/wissen") == {
        "uri": "bolt://localhost:7687",
        "auth": ("kb", "gültig/1"),
        "database": "wissen",
    }
    monkeypatch.setenv("NEO4J_USER", "graphkb")
    monkeypatch.setenv("NEO4J_PASSWORD", "geheim")
    monkeypatch.setenv("NEO4J_DATABASE", "jugendhilfe")
    assert parse_url("neo4j://neo4j:7687") == {
        "uri": "neo4j://neo4j:7687",
        "auth": ("graphkb", "geheim"),
        "database": "jugendhilfe",
    }
    for bad in ("neo4j://", "http://localhost:7474"):
        with pytest.raises(ValidationError):
            parse_url(bad)


@pytest.fixture
def neo4j_store(neo4j_server):
    store = open_store(neo4j_server.fresh_url())
    yield store
    store.close()


def test_researchers_read_the_graph_with_plain_cypher(neo4j_store, neo4j_server):
    small_graph(neo4j_store)
    rows, _, _ = neo4j_server.driver.execute_query(
        "MATCH (p:Practice)-[r:LEADS_TO]->(o:Outcome) "
        "RETURN p.label_de AS practice, o.label_en AS outcome, r.evidence_level AS level, "
        "r.citation_sources AS sources, r.citation_quotes AS quotes"
    )
    assert [r.data() for r in rows] == [
        {
            "practice": "Zusammenarbeit im Trägerverbund",
            "outcome": "Parity in decisions",
            "level": "report",
            "sources": ["von-graz-lernen"],
            "quotes": ["gegenüber der Verwaltung haben sie in Entscheidungsprozessen an Augenhöhe gewonnen"],
        }
    ]
    rows, _, _ = neo4j_server.driver.execute_query(
        "MATCH (:City {id: 'graz'})-[:HAS_SOCIAL_SPACE]->(s:SocialSpace)<-[r:RESPONSIBLE_FOR]-(a:ProviderAlliance) "
        "RETURN s.id AS space, a.aliases_de AS aliases, r.since AS since"
    )
    assert [r.data() for r in rows] == [{"space": "sozialraum-2", "aliases": ["AG SR 2"], "since": "2015-01"}]
    rows, _, _ = neo4j_server.driver.execute_query(
        "MATCH (:Entity {id: 'graz'})-[:HAS_REVISION]->(r:Revision) RETURN r.number AS n, r.author AS a ORDER BY n"
    )
    assert [(r["n"], r["a"]) for r in rows] == [(1, "alice"), (2, "alice")]
    rows, _, _ = neo4j_server.driver.execute_query("MATCH (m:GraphMeta) RETURN m.version AS v")
    assert rows[0]["v"] == neo4j_store.graph_version() == 7
    names = {r["name"] for r in neo4j_server.driver.execute_query("SHOW CONSTRAINTS YIELD name")[0]}
    assert {"entity_id", "revision_key", "user_name"} <= names
    indexes = {r["name"]: r["type"] for r in neo4j_server.driver.execute_query("SHOW INDEXES YIELD name, type")[0]}
    assert indexes["entity_text"] == "FULLTEXT" and indexes["entity_labels"] == "TEXT"


def test_an_entity_written_with_plain_cypher_still_reads_without_revisions(neo4j_store, neo4j_server):
    small_graph(neo4j_store)
    neo4j_server.driver.execute_query(
        "CREATE (s:Entity:SocialSpace {id: 'sozialraum-3', type: 'SocialSpace', label_de: 'Sozialraum 3', "
        "label_en: '', description_de: '', description_en: '', body: '', revision: 0, deleted: false, "
        "sort_de: 'sozialraum 3', sort_en: 'sozialraum 3'})"
        "<-[:HAS_SOCIAL_SPACE {id: 'x1', position: 0, citation_sources: [], citation_quotes: [], "
        "citation_locators: []}]-(:Entity:City {id: 'leoben', type: 'City', label_de: 'Leoben', revision: 0, "
        "deleted: false})"
    )
    started = time.monotonic()
    leoben = neo4j_store.get("leoben")
    assert time.monotonic() - started < 1
    assert [(st.type, st.target) for st in leoben.statements] == [("HAS_SOCIAL_SPACE", "sozialraum-3")]
    assert neo4j_store.get("sozialraum-3").labels["de"] == "Sozialraum 3"
    assert neo4j_store.get("graz").revision == 2  # a versioned entity still reads from its revision


def test_labels_and_relationship_types_come_only_from_the_ontology(neo4j_store):
    small_graph(neo4j_store)
    from graphkb.model import Entity, Statement

    for entity in (
        Entity(type="City`) DETACH DELETE (n", labels={"de": "X"}),
        Entity(type="City", labels={"de": "X"}, statements=[Statement("LEADS_TO]->() DELETE r//", "graz")]),
    ):
        with pytest.raises(ValidationError):
            neo4j_store.create(entity, author="mallory")
    assert neo4j_store.stats().entities == 6


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_server_is_a_clear_error_and_a_503_not_a_hang(monkeypatch):
    monkeypatch.setenv("GRAPHKB_NEO4J_RETRY_SECONDS", "1")
    url = f"neo4j://127.0.0.1:{_free_port()}"
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="not reachable"):
        open_store(url)
    assert time.monotonic() - started < 15
    client = create_app({"TESTING": True, "GRAPHKB_STORE": url}).test_client()
    response = client.get("/api/v1/stats")
    assert response.status_code == 503
    assert "Neo4j" in response.get_json()["message"]
    page = client.get("/", headers={"Accept-Language": "de"})
    assert page.status_code == 503 and b"<html" in page.data


def test_the_app_answers_503_while_neo4j_is_down_and_recovers_without_a_restart(neo4j_server, monkeypatch):
    if neo4j_server.server is None:
        pytest.skip("the tests use a server they did not start (GRAPHKB_TEST_NEO4J); it is not theirs to stop")
    monkeypatch.setenv("GRAPHKB_NEO4J_RETRY_SECONDS", "1")
    url = neo4j_server.ensure_graph("small", lambda url: _small(url))
    app = create_app({"TESTING": True, "GRAPHKB_STORE": url})
    client = app.test_client()
    assert client.get("/api/v1/entities/graz").status_code == 200
    neo4j_server.server.stop()
    try:
        down = client.get("/api/v1/entities/graz")
        assert down.status_code == 503
        assert "Neo4j" in down.get_json()["message"]
        assert client.get("/entity/graz", headers={"Accept": "text/html"}).status_code == 503
    finally:
        neo4j_server.server.start()
    # the same app, the same driver: it reconnects on its own
    back = client.get("/api/v1/entities/graz")
    assert back.status_code == 200 and back.get_json()["labels"]["de"] == "Graz"
    app.extensions["graphkb_store"].close()


def _small(url: str) -> None:
    store = open_store(url)
    try:
        small_graph(store)
    finally:
        store.close()
