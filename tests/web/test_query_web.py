"""The query console and builder pages on both stores, through the real app and the Graz seed graph."""

from __future__ import annotations

import csv
import io
import time
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from graphkb.query import EXAMPLES
from webui import create_app

from .helpers import tags, text

LEADS_TO = EXAMPLES[0]["cypher"]


def _results(html: str) -> str:
    return html.split('id="query-results"', 1)[1]


def test_the_console_page_offers_a_text_area_and_the_examples_in_the_ui_language(seeded_client):
    html = seeded_client.get("/query?lang=de").get_data(as_text=True)
    assert [t for t in tags(html, "textarea") if t.get("name") == "q"]
    page = text(html)
    for ex in EXAMPLES:
        assert ex["title_de"] in page
    assert 'id="query-results"' not in html  # nothing run yet
    english = text(seeded_client.get("/query?lang=en").get_data(as_text=True))
    assert EXAMPLES[1]["title_en"] in english
    assert 'src="/static/js/query.js"' in html  # "running…" comes from an external script


def test_an_example_runs_from_its_link_and_shows_a_table(seeded_client):
    html = seeded_client.get("/query?example=practices-outcomes&lang=de").get_data(as_text=True)
    results = _results(html)
    headers = [text(h) for h in results.split("<thead>", 1)[1].split("</thead>", 1)[0].split("</th>")[:-1]]
    assert headers == ["practice", "practice_de", "outcome", "outcome_de", "evidence_level"]
    assert "Fallübergreifende Arbeit" in text(results)
    # the query is in the text area, ready to be changed
    assert "MATCH (p:Practice)-[r:LEADS_TO]-&gt;(o:Outcome)" in html


def test_the_query_sits_in_the_url_and_csv_and_json_download_the_same_rows(seeded_client):
    url = "/query?" + urlencode({"q": LEADS_TO})
    page = seeded_client.get(url).get_data(as_text=True)
    downloads = {a["href"] for a in tags(_results(page), "a") if "format=" in a.get("href", "")}
    assert len(downloads) == 2
    for href in downloads:
        assert dict(parse_qsl(urlsplit(href).query))["q"] == LEADS_TO
    as_json = seeded_client.get(url + "&format=json")
    assert as_json.status_code == 200 and as_json.mimetype == "application/json"
    data = as_json.get_json()
    assert set(data) >= {"columns", "rows", "truncated", "elapsed_ms", "graph"}
    assert data["truncated"] is False and len(data["rows"]) >= 20
    as_csv = seeded_client.get(url + "&format=csv")
    assert as_csv.mimetype == "text/csv" and "attachment" in as_csv.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True))))
    assert table[0] == data["columns"]
    assert [[c or None for c in row] for row in table[1:]] == data["rows"]
    # the JSON twin also answers to Accept
    twin = seeded_client.get(url, headers={"Accept": "application/json"})
    assert twin.get_json()["rows"] == data["rows"]


def test_parameters_in_the_url_carry_umlauts(seeded_client):
    url = "/query?" + urlencode(
        {
            "q": "MATCH (p:Practice) WHERE p.label_de = $label RETURN p.id AS id, p.label_en AS en",
            "p.label": "Fallübergreifende Arbeit",
            "format": "csv",
        }
    )
    response = seeded_client.get(url)
    assert response.status_code == 200
    assert response.get_data(as_text=True).splitlines() == ["id,en", "fallübergreifende-arbeit,Cross-case work"]


@pytest.mark.parametrize(
    "cypher",
    [
        "CREATE (n:Entity {id: 'x'})",
        "MERGE (n:Entity {id: 'graz'})",
        "MATCH (n:City) SET n.label_de = 'x'",
        "MATCH (n:City) DETACH DELETE n",
        "MATCH (n:City) REMOVE n.label_de",
        "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
        "CALL dbms.listConfig()",
        "SHOW USERS",
    ],
)
def test_refused_queries_answer_400_with_the_reason_in_an_error_box(seeded_client, cypher):
    response = seeded_client.get("/query?" + urlencode({"q": cypher}))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    box = _results(html).split("</div>", 1)[0]
    assert 'role="alert"' in box and "read-only" in text(box)
    assert cypher.split()[0] in html.split("</textarea>", 1)[0]  # the query is kept for correcting
    as_json = seeded_client.get("/query?" + urlencode({"q": cypher, "format": "json"}))
    assert as_json.status_code == 400 and as_json.get_json()["error"] == "validation_error"
    # nothing changed
    graz = seeded_client.get("/query?" + urlencode({"q": "MATCH (c:City {id: 'graz'}) RETURN c.label_de AS l"}))
    assert "Graz" in text(_results(graz.get_data(as_text=True)))


def test_syntax_errors_and_bad_arguments_are_400_never_500(seeded_client):
    for args in (
        {"q": "MATCH (n:Practice RETURN n"},
        {"q": "RETURN 'unterminated"},
        {"q": "x" * 2001},
        {"q": LEADS_TO, "format": "xml"},
        {"q": LEADS_TO, "n.count": "viele"},
        {"example": "gibt-es-nicht"},
        {"q": "MATCH (p) RETURN p.id", "p.1bad": "x"},
    ):
        response = seeded_client.get("/query?" + urlencode(args))
        assert response.status_code == 400, args


def _client_with(url: str, **config):
    app = create_app({"TESTING": True, "GRAPHKB_STORE": url, **config})
    yield app.test_client()
    app.extensions["graphkb_store"].close()


@pytest.fixture
def impatient_client(seeded_url):
    yield from _client_with(seeded_url, GRAPHKB_QUERY_TIMEOUT=1)


@pytest.fixture
def capped_client(seeded_url):
    yield from _client_with(seeded_url, GRAPHKB_QUERY_ROWS=3)


RUNAWAY = (
    "MATCH (a:Entity) MATCH (b:Entity) MATCH (c:Entity) MATCH (d:Entity) "
    'WHERE a.id + b.id + c.id + d.id = "x" RETURN COUNT(a) AS n'
)


def test_a_runaway_query_is_stopped_at_the_configured_limit(impatient_client):
    started = time.monotonic()
    response = impatient_client.get("/query?" + urlencode({"q": RUNAWAY}))
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    box = text(_results(response.get_data(as_text=True)))
    assert "too long" in box or "zu lange" in box
    as_json = impatient_client.get("/query?" + urlencode({"q": RUNAWAY, "format": "json"}))
    assert as_json.status_code == 400 and as_json.get_json()["error"] == "query_timeout"


def test_the_configured_row_cap_applies_and_is_announced(capped_client):
    data = capped_client.get("/query?" + urlencode({"q": LEADS_TO, "format": "json"})).get_json()
    assert len(data["rows"]) == 3 and data["truncated"] is True
    html = capped_client.get("/query?" + urlencode({"q": LEADS_TO, "lang": "en"})).get_data(as_text=True)
    assert "Only the first 3 rows" in text(html)


def test_a_graph_result_lists_its_nodes_and_edges_with_links(seeded_client):
    html = seeded_client.get("/query?example=studied-links&lang=de").get_data(as_text=True)
    graph = html.split('id="query-graph-h"', 1)[1]
    links = {a["href"] for a in tags(graph, "a")}
    assert "/entity/fall%C3%BCbergreifende-arbeit" in links
    assert "führt zu" in text(graph)


def test_the_builder_lists_types_and_relations_from_the_ontology(seeded_client):
    html = seeded_client.get("/query/builder?lang=de").get_data(as_text=True)
    selects = {t.get("name") for t in tags(html, "select")}
    assert {"subject", "relation", "target", "qualifier"} <= selects
    relation_options = [t for t in tags(html, "option") if t.get("data-subjects")]
    leads_to = next(t for t in relation_options if t["value"] == "LEADS_TO")
    assert "Practice" in leads_to["data-subjects"].split() and leads_to["data-targets"] == "Outcome"
    # with types chosen, relations the ontology does not allow between them cannot be picked
    narrowed = seeded_client.get("/query/builder?subject=Practice&target=Outcome").get_data(as_text=True)
    enabled = {t["value"] for t in tags(narrowed, "option") if t.get("data-subjects") and "disabled" not in t}
    assert "LEADS_TO" in enabled and "ADVISED_BY" not in enabled and "HAS_SOCIAL_SPACE" not in enabled


def test_the_builder_runs_its_pattern_and_shows_the_cypher_with_a_console_link(seeded_client):
    args = {
        "subject": "Practice",
        "relation": "LEADS_TO",
        "target": "Outcome",
        "qualifier": "evidence_level",
        "value": "evaluation",
        "subject_label": "FALLÜBER",
    }
    response = seeded_client.get("/query/builder?" + urlencode(args))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    generated = html.split('id="generated-h"', 1)[1]
    assert "$q_evidence_level" in text(generated) and "evaluation" not in generated.split("</pre>", 1)[0]
    console_link = next(a["href"] for a in tags(generated, "a") if a["href"].startswith("/query?"))
    from_console = seeded_client.get(console_link + "&format=json").get_json()
    from_builder = seeded_client.get("/query/builder?" + urlencode({**args, "format": "json"})).get_json()
    assert from_console["rows"] == from_builder["rows"]
    assert {(r[0]["id"], r[2]["id"]) for r in from_builder["rows"]} == {
        ("fallübergreifende-arbeit", "angemessener-ressourceneinsatz"),
        ("fallübergreifende-arbeit", "beabsichtigte-wirkungen-fallunspezifischer-und-fallübergreifender-projekte"),
    }
    assert from_builder["params"] == {"subject_label": "fallüber", "q_evidence_level": "evaluation"}


def test_the_builder_refuses_a_relation_the_types_do_not_allow(seeded_client):
    response = seeded_client.get("/query/builder?subject=Practice&relation=ADVISED_BY&target=Person")
    assert response.status_code == 400
    assert 'role="alert"' in response.get_data(as_text=True)
    as_json = seeded_client.get("/query/builder?subject=Practice&relation=NOPE&format=json")
    assert as_json.status_code == 400 and as_json.get_json()["error"] == "validation_error"


def test_the_result_graph_is_drawn_from_laid_out_vis_network_data(seeded_client):
    html = seeded_client.get("/query?example=studied-links").get_data(as_text=True)
    box = next(t for t in tags(html, "div") if "data-graph-src" in t)
    assert 'src="/static/js/explore.js"' in html
    data = seeded_client.get("/query" + box["data-graph-src"]).get_json()
    ids = {n["id"] for n in data["nodes"]}
    assert "fallübergreifende-arbeit" in ids and all("x" in n and "y" in n for n in data["nodes"])
    assert all(n["more"] == 0 for n in data["nodes"])  # a result is drawn as it is: nothing to expand
    assert {(e["from"], e["to"]) for e in data["edges"]} >= {
        ("fallübergreifende-arbeit", "angemessener-ressourceneinsatz")
    }


def test_each_client_address_runs_a_limited_number_of_queries_per_minute(seeded_url):
    for client in _client_with(seeded_url, GRAPHKB_QUERY_LIMIT="3 per minute"):
        url = "/query?" + urlencode({"q": "MATCH (c:City {id: 'graz'}) RETURN c.id AS id", "format": "json"})
        assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
        assert client.get("/query").status_code == 200  # the empty console costs nothing
        assert client.get(url, environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 200
