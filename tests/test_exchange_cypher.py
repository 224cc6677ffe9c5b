"""The Cypher script: literals Neo4j reads back exactly, and a script that rebuilds the graph on a real server."""

from __future__ import annotations

import io

import pytest

from graphkb.exchange import cypher_literal, export_csv, export_cypher, select, split_cypher_script
from graphkb.seed import load_seed
from graphkb.store import open_store

from .exchange_graphs import NASTY, nasty_graph

NASTY_VALUES = [
    NASTY,
    "",
    "'",
    "\\",
    "\\'",
    "a\\nb (a backslash and an n, not a line break)",
    "\x00\x01\x07\x1b\x1f\x7f control characters",
    "\r\n\u2028\u2029 line breaks of every kind",
    "// not a comment; /* nor this */ MATCH (n) DETACH DELETE n",
    "`backticks` and $dollars {braces}",
    "Ünïcödé 中文 🙂 \U0001f600",
    0,
    -42,
    2**62,
    1.5,
    -0.001,
    1e-20,
    True,
    False,
    None,
    ["ä", "b'c", ""],
    [1, 2, 3],
    {"plain": 1, "with-dash": "x", "with`tick": NASTY, "nested": {"list": [True, None]}},
]


@pytest.mark.parametrize("value", NASTY_VALUES, ids=range(len(NASTY_VALUES)))
def test_neo4j_reads_every_literal_back_as_the_value_it_was_made_from(neo4j_server, value):
    with neo4j_server.driver.session() as session:
        assert session.run("RETURN " + cypher_literal(value) + " AS v").single()["v"] == value


def test_values_cypher_cannot_write_are_refused_not_written_wrong():
    for value in (float("nan"), float("inf"), object()):
        with pytest.raises((ValueError, TypeError)):
            cypher_literal(value)


def _csv(store) -> tuple[str, str]:
    nodes, edges = io.StringIO(newline=""), io.StringIO(newline="")
    export_csv(store, nodes, edges)
    return nodes.getvalue(), edges.getvalue()


def _replay(neo4j_server, script: str) -> int:
    """Wipe the test server and run the script statement by statement; returns how many ran."""
    neo4j_server.wipe()
    statements = split_cypher_script(script)
    with neo4j_server.driver.session() as session:
        for statement in statements:
            session.run(statement).consume()
    return len(statements)


def _leads_to(store) -> set[tuple]:
    live = {e.id: e for e in store.iter_entities(include_deleted=False)}
    return {
        (e.id, st.target, st.qualifiers.get("evidence_level"), len(st.citations))
        for e in live.values()
        if e.type == "Practice"
        for st in e.statements
        if st.type == "LEADS_TO" and live.get(st.target) and live[st.target].type == "Outcome"
    }


def test_the_script_rebuilds_the_graph_in_an_empty_neo4j_and_graphkb_opens_it_unchanged(store, neo4j_server):
    load_seed(store)
    nasty_graph(store)
    lonely = next(e for e in store.list("Lesson", limit=1000).items if not store.incoming(e.id))
    store.delete(lonely.id, base_revision=store.get(lonely.id).revision, author="admin", reason="Dublette")
    figures, before, leads_to = store.stats(), _csv(store), _leads_to(store)
    out = io.StringIO()
    assert export_cypher(store, out, batch_size=40) == figures.entities
    script = out.getvalue()
    assert "$" not in script.replace("$dollars", "")  # values are literals, not parameters
    assert _replay(neo4j_server, script) > len(figures.by_type)
    with neo4j_server.driver.session() as session:
        count = session.run("MATCH (n:Entity) RETURN count(n) AS c").single()["c"]
        rels = session.run("MATCH (:Entity)-[r]->(:Entity) RETURN count(r) AS c").single()["c"]
        practices = session.run("MATCH (n:Entity:Practice) RETURN count(n) AS c").single()["c"]
        answer = {
            (r["p"], r["o"], r["level"], r["n"])
            for r in session.run(
                "MATCH (p:Practice)-[r:LEADS_TO]->(o:Outcome) "
                "RETURN p.id AS p, o.id AS o, r.evidence_level AS level, size(r.citation_sources) AS n"
            )
        }
        city = session.run("MATCH (c:City {id: 'straße-köln'}) RETURN c").single()["c"]
    assert (count, rels, practices) == (figures.entities, figures.statements, figures.by_type["Practice"])
    assert answer == leads_to  # a researcher's question gets the same answer
    assert city["description_de"] == NASTY and city["districts"] == 9 and city["aliases_de"][1] == "a;b"
    rebuilt = open_store(neo4j_server.url)
    try:
        assert _csv(rebuilt) == before  # every entity, property, statement, qualifier and citation
        assert rebuilt.stats().by_relation == figures.by_relation
        assert [n.id for n in rebuilt.search("Graz", limit=3)] == [n.id for n in store.search("Graz", limit=3)]
    finally:
        rebuilt.close()


def test_a_view_script_rebuilds_just_the_view(store, neo4j_server):
    load_seed(store)
    view = select(store, around="graz", depth=1, relation_types=["HAS_SOCIAL_SPACE", "LOCATED_IN"])
    out = io.StringIO()
    export_cypher(store, out, selection=view, schema=False)
    assert "CREATE CONSTRAINT" not in out.getvalue()
    _replay(neo4j_server, out.getvalue())
    with neo4j_server.driver.session() as session:
        ids = {r["id"] for r in session.run("MATCH (n:Entity) RETURN n.id AS id")}
        types = {r["t"] for r in session.run("MATCH ()-[r]->() RETURN DISTINCT type(r) AS t")}
    assert ids == view.ids and "graz" in ids and len(ids) > 1
    assert types == {"HAS_SOCIAL_SPACE", "LOCATED_IN"}


def test_the_script_splits_into_statements_at_line_ending_semicolons_only(store):
    nasty_graph(store)
    out = io.StringIO()
    export_cypher(store, out, schema=False)
    statements = split_cypher_script(out.getvalue())
    assert [s.split()[0] for s in statements] == ["UNWIND"] * len(statements)
    assert sum("CREATE (n:Entity:" in s for s in statements) == 3  # one per entity type
    assert all(";\n" not in s for s in statements)
