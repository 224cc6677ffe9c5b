"""The read-only query console's engine on both stores: refusals, limits, examples, the builder."""

from __future__ import annotations

import time

import pytest

from graphkb.errors import ValidationError
from graphkb.model import ApiToken, Entity, User
from graphkb.query import EXAMPLES, QueryTimeout, build_pattern_query, run_query
from graphkb.schema import default_ontology
from graphkb.store import open_store

from .conftest import STORE_BACKENDS


def _seed(url: str) -> str:
    from graphkb.seed import load_seed

    store = open_store(url)
    try:
        load_seed(store, author="seed")
    finally:
        store.close()
    return url


@pytest.fixture(scope="module")
def sqlite_seed_url(tmp_path_factory) -> str:
    return _seed(f"sqlite:///{tmp_path_factory.mktemp('query-seed') / 'graphkb.sqlite3'}")


def _seeded_url(request, backend: str) -> str:
    if backend == "sqlite":
        return request.getfixturevalue("sqlite_seed_url")
    return request.getfixturevalue("neo4j_server").ensure_graph("seed", _seed)


@pytest.fixture(params=STORE_BACKENDS)
def seeded(request):
    """The Graz seed graph on each store (read only by these tests)."""
    store = open_store(_seeded_url(request, request.param))
    yield store
    store.close()


WRITES_AND_ADMIN = [
    "CREATE (n:Entity {id: 'neu'}) RETURN n",
    "MERGE (n:Entity {id: 'graz'}) RETURN n",
    "MATCH (n:City) SET n.label_de = 'Gratz'",
    "MATCH (n:City) DELETE n",
    "MATCH (n:City) DETACH DELETE n",
    "MATCH (n:City) REMOVE n.label_de",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "CALL dbms.listConfig()",
    "CALL dbms.security.listUsers()",
    "SHOW USERS",
    "CREATE DATABASE fremd",
    "SHOW TRANSACTIONS",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "MATCH (n:City) FOREACH (x IN [1] | SET n.x = x)",
    "CALL { CREATE (n:Entity) } RETURN 1",
    "match (n:City) set n.label_de = 'klein geschrieben'",
]


@pytest.mark.parametrize("cypher", WRITES_AND_ADMIN)
def test_the_console_refuses_writes_loads_and_administration_on_both_stores(seeded, cypher):
    version = seeded.graph_version()
    with pytest.raises(ValidationError) as refused:
        run_query(seeded, cypher)
    assert "read-only" in str(refused.value)
    assert seeded.graph_version() == version
    assert seeded.get("graz").labels["de"] == "Graz"


@pytest.mark.parametrize(
    "cypher, refused_as",
    [
        ("CREATE (n:Entity {id: 'neu'}) RETURN n", "plans this query as 'rw'"),
        ("MERGE (n:Entity {id: 'graz'}) RETURN n", "plans this query as 'rw'"),
        ("MATCH (n:City) SET n.label_de = 'Gratz'", "plans this query as 'w'"),
        ("MATCH (n:City) DETACH DELETE n", "plans this query as 'w'"),
        ("MATCH (n:City) REMOVE n.label_de", "plans this query as 'w'"),
        ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "LOAD CSV"),
        ("CALL dbms.listConfig()", "dbms.listConfig"),
        ("SHOW USERS", "only, not 'system'"),
        ("SHOW TRANSACTIONS", "ShowTransactions"),
        ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TerminateTransactions"),
        ("CREATE DATABASE fremd", "administration command"),
    ],
)
def test_neo4j_itself_refuses_what_a_pattern_check_could_miss(request, cypher, refused_as):
    from graphkb.query_neo4j import run_neo4j

    store = open_store(_seeded_url(request, "neo4j"))
    try:
        version = store.graph_version()
        # straight to the database: no token check in front
        with pytest.raises(ValidationError) as refused:
            run_neo4j(store, cypher, {}, timeout=5, row_limit=10)
        assert refused_as in str(refused.value)
        assert store.graph_version() == version
        assert store.get("graz").labels["de"] == "Graz"
    finally:
        store.close()


@pytest.mark.parametrize(
    "cypher",
    [
        "CREATE (n:Entity {id: 'neu'}) RETURN n",
        "MERGE (n:Entity {id: 'graz'}) RETURN n",
        "MATCH (n:City) SET n.label_de = 'Gratz'",
        "MATCH (n:City) DETACH DELETE n",
        "MATCH (n:City) REMOVE n.label_de",
        "CREATE INDEX fremd FOR (n:City) ON (n.label_en)",
    ],
)
def test_the_read_transaction_alone_refuses_writes_on_neo4j(request, cypher):
    from graphkb.query_neo4j import run_neo4j

    store = open_store(_seeded_url(request, "neo4j"))
    try:
        version = store.graph_version()
        with pytest.raises(ValidationError, match="Neo4j refused a write"):
            run_neo4j(store, cypher, {}, timeout=5, row_limit=10, explain=False)
        assert store.graph_version() == version
        assert store.get("graz").labels["de"] == "Graz"
    finally:
        store.close()


def test_read_procedures_on_the_allow_list_run_on_neo4j(request):
    store = open_store(_seeded_url(request, "neo4j"))
    try:
        result = run_query(store, "CALL db.labels() YIELD label RETURN label ORDER BY label")
        assert ["Practice"] in result.rows
    finally:
        store.close()


RUNAWAY = {
    "sqlite": "MATCH (a:Entity) MATCH (b:Entity) MATCH (c:Entity) RETURN COUNT(a) AS n",
    "neo4j": "UNWIND range(1, 1000000000) AS x WITH x WHERE x % 7 = 99999999 RETURN count(*) AS n",
}


@pytest.mark.parametrize("backend", STORE_BACKENDS)
def test_a_runaway_query_is_stopped_at_the_time_limit(request, backend):
    store = open_store(_seeded_url(request, backend))
    try:
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            run_query(store, RUNAWAY[backend], timeout=1.0)
        assert time.monotonic() - started < 4.0
        # the store answers right after
        assert run_query(store, "MATCH (c:City {id: 'graz'}) RETURN c.label_de AS l").rows == [["Graz"]]
    finally:
        store.close()


def test_rows_are_capped_and_the_cap_is_reported(seeded):
    capped = run_query(seeded, "MATCH (p:Practice) RETURN p.id AS id ORDER BY id", row_limit=5)
    assert len(capped.rows) == 5 and capped.truncated
    everything = run_query(seeded, "MATCH (p:Practice) RETURN p.id AS id ORDER BY id", row_limit=1000)
    assert not everything.truncated and len(everything.rows) > 5
    assert everything.rows[:5] == capped.rows


def test_every_example_gives_the_same_rows_on_both_stores(request):
    results = {}
    for backend in STORE_BACKENDS:
        store = open_store(_seeded_url(request, backend))
        try:
            results[backend] = {ex["id"]: run_query(store, ex["cypher"]) for ex in EXAMPLES}
        finally:
            store.close()
    for ex in EXAMPLES:
        embedded, neo = results["sqlite"][ex["id"]], results["neo4j"][ex["id"]]
        assert embedded.columns == neo.columns, ex["id"]
        assert embedded.rows, f"{ex['id']} finds nothing in the seed"
        if all(isinstance(v, str | int | float | type(None)) for row in neo.rows for v in row):
            assert sorted(map(repr, embedded.rows)) == sorted(map(repr, neo.rows)), ex["id"]
        else:  # nodes and relationships: the same entities and statements
            assert {n["id"] for n in embedded.graph["nodes"]} == {n["id"] for n in neo.graph["nodes"]}, ex["id"]
            assert {e["id"] for e in embedded.graph["edges"]} == {e["id"] for e in neo.graph["edges"]}, ex["id"]


def test_the_first_example_answers_which_practices_lead_to_which_outcomes(seeded):
    result = run_query(seeded, EXAMPLES[0]["cypher"])
    pairs = {(row[0], row[2]) for row in result.rows}
    assert ("sozialraumbudget", "angemessener-ressourceneinsatz") in pairs or len(pairs) >= 20
    assert all(row[4] for row in result.rows)  # every link has its evidence level


def test_a_pasted_statement_with_its_semicolon_runs(seeded):
    assert run_query(seeded, "MATCH (c:City {id: 'graz'}) RETURN c.label_de AS l;\n").rows == [["Graz"]]


def test_umlauts_pass_through_parameters_and_results(seeded):
    result = run_query(
        seeded,
        "MATCH (p:Practice) WHERE p.label_de = $label RETURN p.id AS id, p.label_de AS label",
        params={"label": "Fallübergreifende Arbeit"},
    )
    assert result.rows == [["fallübergreifende-arbeit", "Fallübergreifende Arbeit"]]


def test_nodes_and_relationships_come_back_as_dicts_and_as_a_graph(seeded):
    result = run_query(
        seeded, "MATCH (c:City {id: 'graz'})-[r:ADVISED_BY]->(p:Person) RETURN c, r, p ORDER BY r.id LIMIT 1"
    )
    city, statement, person = result.rows[0]
    assert city["id"] == "graz" and city["type"] == "City" and "City" in city["labels"]
    assert city["properties"]["label_de"] == "Graz"
    assert statement["type"] == "ADVISED_BY" and statement["start"] == "graz" and statement["end"] == person["id"]
    assert {n["id"] for n in result.graph["nodes"]} == {"graz", person["id"]}
    assert result.graph["edges"] == [
        {"id": statement["id"], "type": "ADVISED_BY", "source": "graz", "target": person["id"]}
    ]


def test_syntax_errors_are_the_queries_fault_on_both_stores(seeded):
    with pytest.raises(ValidationError):
        run_query(seeded, "MATCH (n:Practice RETURN n")


def test_the_embedded_store_names_what_it_does_not_support(request):
    store = open_store(_seeded_url(request, "sqlite"))
    try:
        with pytest.raises(ValidationError) as refused:
            run_query(store, "MATCH (p:Practice) WITH p RETURN p.id")
        assert "not supported on the embedded store: WITH" in str(refused.value)
        assert "Neo4j store runs it" in str(refused.value)
        with pytest.raises(ValidationError) as refused:
            run_query(store, "MATCH (p:Practice) RETURN p.id ++ 1")
        assert "not supported on the embedded store" in str(refused.value)
    finally:
        store.close()
    neo = open_store(_seeded_url(request, "neo4j"))
    try:
        assert run_query(neo, "MATCH (p:Practice {id: 'sozialraumbudget'}) WITH p RETURN p.id").rows == [
            ["sozialraumbudget"]
        ]
    finally:
        neo.close()


def test_the_builder_names_only_ontology_names_and_passes_values_as_parameters():
    cypher, params = build_pattern_query(
        default_ontology(),
        "Practice",
        "LEADS_TO",
        "Outcome",
        {"subject_label": "Sozialraum' }) DETACH DELETE n //", "qualifiers": {"evidence_level": "study"}},
    )
    assert "DETACH" not in cypher and "$subject_label" in cypher and "$q_evidence_level" in cypher
    assert params == {"subject_label": "sozialraum' }) detach delete n //", "q_evidence_level": "study"}
    for bad in [
        ("Practice", "ADVISED_BY", "Outcome", {}),  # the relation does not start at a practice
        ("Practice", "LEADS_TO", "Person", {}),  # nor end at a person
        ("Practice", "LEADS_TO) DELETE (x", "Outcome", {}),
        ("Practice", "LEADS_TO", "Outcome", {"qualifiers": {"since) DELETE (x": "1"}}),
        ("Practice", "LEADS_TO", "Outcome", {"limit": "viele"}),
    ]:
        with pytest.raises(ValidationError):
            build_pattern_query(default_ontology(), *bad)


def test_the_builders_query_finds_the_same_links_on_both_stores(request):
    cypher, params = build_pattern_query(
        default_ontology(), "Practice", "LEADS_TO", "Outcome", {"qualifiers": {"evidence_level": "evaluation"}}
    )
    found = {}
    for backend in STORE_BACKENDS:
        store = open_store(_seeded_url(request, backend))
        try:
            result = run_query(store, cypher, params=params)
        finally:
            store.close()
        assert result.columns == ["subject", "statement", "target", "evidence_level"]
        assert {row[3] for row in result.rows} == {"evaluation"}
        found[backend] = [(row[0]["id"], row[2]["id"]) for row in result.rows]  # in the same order
    assert found["sqlite"] == found["neo4j"] and found["sqlite"]


def test_the_builder_filters_labels_with_umlauts_case_insensitively(seeded):
    cypher, params = build_pattern_query(
        default_ontology(), "Practice", "LEADS_TO", "", {"subject_label": "FALLÜBERGREIFENDE"}
    )
    result = run_query(seeded, cypher, params=params)
    assert {row[0]["id"] for row in result.rows} == {"fallübergreifende-arbeit"}


# These two wipe the Neo4j server: last, so the seeded graph is built once for the tests above.


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (u:User) RETURN u.name",
        "MATCH (n) RETURN n.password_hash",
        "MATCH (n) RETURN n.`email`",
        "MATCH (n) RETURN properties(n)",
        "MATCH (n) RETURN [k IN keys(n) | k]",
        "MATCH (n) RETURN n['pass' + 'word_hash']",
        "MATCH (n) RETURN n {.*}",
        "MATCH (t:ApiToken) RETURN t.id",
        "MATCH (n) RETURN n.secret_hash",
        "MATCH (n) WHERE n.token_user IS NOT NULL RETURN n.token_label",
        "MATCH (n) RETURN n.password_fingerprint",
        "MATCH (n) WHERE 'ApiToken' IN labels(n) RETURN n.id",
    ],
)
def test_account_data_stays_out_of_reach(store, cypher):
    store.save_user(User("anna", "admin", password_hash="scrypt:geheim"))
    store.save_api_token(ApiToken("0123456789ab", "anna", "Auswertung", "a" * 64, "2026-03-01", "f" * 16))
    with pytest.raises(ValidationError):
        run_query(store, cypher)


def test_account_nodes_show_as_null_on_neo4j(request):
    from tests.conftest import fresh_store_url

    store = open_store(fresh_store_url(request, "neo4j", None))
    try:
        store.create(Entity(type="City", id="graz", labels={"de": "Graz"}), author="t")
        store.save_user(User("anna", "admin", password_hash="scrypt:geheim"))
        store.save_api_token(ApiToken("0123456789ab", "anna", "Auswertung", "a" * 64, "2026-03-01", "f" * 16))
        result = run_query(store, "MATCH (n) RETURN n")
        shown = [row[0] for row in result.rows if row[0] is not None]
        assert [n["id"] for n in shown if "Entity" in n["labels"]] == ["graz"]
        shown_json = result.to_json().decode()
        assert [secret for secret in ("geheim", "a" * 64, "Auswertung") if secret in shown_json] == []
        assert result.notes
    finally:
        store.close()
