"""The explorer's JSON, the evidence map and the analytics page through the real app, on both stores.

The small graph (tests/web/conftest.py): Graz ─hat Sozialraum→ Sozialraum 2, Graz ─beraten von→
Wolfgang Hinte; Trägerverbünde ─zuständig für→ Sozialraum 2, ─liegt in→ Graz, ─kooperiert mit→ Amt.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pytest

from graphkb.model import Citation, Entity, Statement
from graphkb.store import open_store

from .conftest import ALLIANCE, REPORT_QUOTE
from .helpers import tags, text

AMT = "amt-für-jugend-und-familie-graz"


def data(client, query: str, **headers):
    response = client.get(f"/explore/data?{query}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def ids(payload) -> set[str]:
    return {n["id"] for n in payload["nodes"]}


# -- the explorer ---------------------------------------------------------------------------------


def test_a_local_view_has_the_centre_its_neighbours_their_statements_and_positions(client):
    view = data(client, "center=graz")
    assert ids(view) == {"graz", "sozialraum-2", "wolfgang-hinte", ALLIANCE}
    edges = {(e["from"], e["to"]): e for e in view["edges"]}
    assert set(edges) == {
        ("graz", "sozialraum-2"),
        ("graz", "wolfgang-hinte"),
        (ALLIANCE, "graz"),
        (ALLIANCE, "sozialraum-2"),
    }
    advised = edges["graz", "wolfgang-hinte"]
    assert advised["label"] == "beraten von" and advised["arrows"] == "to"
    nodes = {n["id"]: n for n in view["nodes"]}
    assert (nodes["graz"]["x"], nodes["graz"]["y"]) == (0.0, 0.0)
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in view["nodes"])
    assert nodes[ALLIANCE]["more"] == 1  # the Amt it cooperates with is outside the view
    assert view["options"]["physics"]["enabled"] is False
    assert view["state"] == "center=graz"


def test_labels_follow_the_ui_language_with_the_other_as_fallback(client):
    english = {n["id"]: n["label"] for n in data(client, "center=graz&lang=en")["nodes"]}
    assert english[ALLIANCE] == "Provider alliances in Graz"
    assert english["wolfgang-hinte"] == "Wolfgang Hinte"  # no English label: the German one
    assert {e["label"] for e in data(client, "center=graz&lang=en")["edges"]} >= {"advised by", "located in"}
    legend = {item["type"]: item["label"] for item in data(client, "center=graz&lang=de")["legend"]}
    assert legend["City"] == "Kommune" and legend["ProviderAlliance"] == "Trägerverbund"


def test_filters_by_type_and_relation_and_depth(client):
    assert ids(data(client, "center=graz&depth=2")) == {"graz", "sozialraum-2", "wolfgang-hinte", ALLIANCE, AMT}
    assert ids(data(client, "center=graz&depth=2&type=SocialSpace")) == {"graz", "sozialraum-2"}
    assert ids(data(client, "center=graz&depth=3&rel=LOCATED_IN,COOPERATES_WITH")) == {"graz", ALLIANCE, AMT}
    people = data(client, "type=Person")
    assert ids(people) == {"wolfgang-hinte"} and not people["truncated"]


def test_a_view_is_cut_at_its_limit_and_never_above_500(client):
    cut = data(client, "limit=2")
    assert len(cut["nodes"]) == 2 and cut["truncated"] is True
    assert ids(cut) == {"graz", ALLIANCE}  # the best connected
    too_many = client.get("/explore/data?limit=501")
    assert too_many.status_code == 400 and too_many.get_json()["field"] == "limit"


def test_positions_are_the_same_on_every_visit(client):
    assert data(client, "center=graz&depth=2")["nodes"] == data(client, "center=graz&depth=2")["nodes"]


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("center=nobody-here", 404, None),
        ("center=%3Cscript%3E", 400, "center"),
        ("depth=0", 400, "depth"),
        ("depth=x", 400, "depth"),
        ("type=Nope", 400, "type"),
        ("rel=NOPE", 400, "rel"),
        ("city=wolfgang-hinte", 400, "city"),
        ("expand=graz:99", 400, "expand"),
        ("expand=a:b:c", 400, "expand"),
    ],
)
def test_bad_parameters_answer_as_json_naming_the_field(client, query, status, field):
    response = client.get(f"/explore/data?{query}")
    assert response.status_code == status and response.is_json
    assert response.get_json()["field"] == field
    page = client.get(f"/explore?{query}")  # the page says the same in HTML
    assert page.status_code == status and "text/html" in page.content_type


def test_expanding_a_node_adds_its_hidden_neighbours_and_the_edges_to_the_view(client):
    response = client.get(f"/explore/expand/{ALLIANCE}?center=graz")
    assert response.status_code == 200
    delta = response.get_json()
    added = {n["id"]: n for n in delta["nodes"]}
    assert set(added) == {AMT, ALLIANCE}  # the new node, and the expanded one with its new count
    assert added[AMT]["via"] == ALLIANCE and added[ALLIANCE]["more"] == 0
    assert [(e["from"], e["to"]) for e in delta["edges"]] == [(ALLIANCE, AMT)]
    assert delta["remaining"] == 0 and delta["state"] == urlencode({"center": "graz", "expand": ALLIANCE})
    # the shared address draws the same nodes in the same places
    shared = {n["id"]: (n["x"], n["y"]) for n in data(client, delta["state"])["nodes"]}
    assert shared[AMT] == (added[AMT]["x"], added[AMT]["y"])


def test_expanding_refuses_nodes_outside_the_view_and_unknown_ones(client):
    outside = client.get(f"/explore/expand/{AMT}?center=wolfgang-hinte")
    assert outside.status_code == 400 and outside.is_json
    assert client.get("/explore/expand/nobody?center=graz").status_code == 404


def test_the_explorer_page_keeps_its_state_in_the_form_and_links_its_json(client):
    response = client.get("/explore?center=graz&depth=2&type=City&type=SocialSpace&lang=de")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    box = tags(html, "div")
    src = next(t["data-graph-src"] for t in box if "data-graph-src" in t)
    assert src == "/explore/data?center=graz&depth=2&type=City&type=SocialSpace"
    checked = [t["value"] for t in tags(html, "input") if t.get("name") == "type" and "checked" in t]
    assert checked == ["City", "SocialSpace"]
    assert next(t for t in tags(html, "input") if t.get("id") == "center-q")["value"] == "Graz"
    assert "/static/js/explore.js" in {t.get("src") for t in tags(html, "script")}


def test_the_explorer_offers_its_view_as_a_download_in_every_export_format(client):
    from html import unescape

    html = client.get("/explore?center=graz&depth=2&type=City&type=SocialSpace&lang=en").get_data(as_text=True)
    links = {t.get("href") for t in tags(html, "a") if "download" in t}
    assert len(links) == 5
    gexf = next(unescape(link) for link in links if "format=gexf" in link)
    assert gexf == "/api/v1/export?format=gexf&type=City&type=SocialSpace&around=graz&depth=2&lang=en"
    download = client.get(gexf)
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    body = download.get_data(as_text=True)
    assert 'id="graz"' in body and 'id="sozialraum-2"' in body
    assert "Trägerverbünde" not in body  # an Alliance: not among the chosen types


def test_every_entity_page_links_its_one_hop_graph_without_drawing_it_in_the_html(client):
    html = client.get(f"/entity/{ALLIANCE}").get_data(as_text=True)
    box = next(t for t in tags(html, "div") if "data-graph-src" in t)
    assert box["data-graph-src"] == "/explore/data?center=tr%C3%A4gerverb%C3%BCnde-in-graz&limit=60"
    assert client.get(box["data-graph-src"]).status_code == 200
    deleted = client.get("/entity/alter-verein").get_data(as_text=True)
    assert not any("data-graph-src" in t for t in tags(deleted, "div"))


# -- the evidence map -----------------------------------------------------------------------------

PRACTICE, OUTCOME, PRINCIPLE, LONELY = "budget", "weniger-heime", "ressourcen", "einsame-praxis"
QUOTE = "Die Zahl der Heimunterbringungen ging zurück"


def add_evidence(url: str) -> None:
    store = open_store(url)
    try:
        for entity in (
            Entity(type="Outcome", id=OUTCOME, labels={"de": "Weniger Heimunterbringungen", "en": "Fewer placements"}),
            Entity(
                type="Principle",
                id=PRINCIPLE,
                labels={"de": "Ressourcenorientierung"},
                statements=[Statement("LEADS_TO", OUTCOME, qualifiers={"evidence_level": "goal"})],
            ),
            Entity(
                type="Practice",
                id=PRACTICE,
                labels={"de": "Sozialraumbudget", "en": "Social-space budget"},
                statements=[
                    Statement(
                        "LEADS_TO",
                        OUTCOME,
                        qualifiers={"evidence_level": "evaluation", "place": "graz"},
                        citations=[Citation("grazer-bericht", QUOTE, "S. 4")],
                    ),
                    Statement("EMBODIES", PRINCIPLE, citations=[Citation("issab-fachkonzept", REPORT_QUOTE, "")]),
                ],
            ),
            Entity(type="Practice", id=LONELY, labels={"de": "Einsame Praxis"}),
        ):
            store.create(entity, author="tester")
    finally:
        store.close()


@pytest.fixture
def eclient(writable_url, writable_app):
    add_evidence(writable_url)
    return writable_app.test_client()


def test_the_evidence_map_shows_the_matrix_its_gaps_and_drills_down_to_quotes(eclient):
    html = eclient.get("/evidence?lang=de").get_data(as_text=True)
    cells = [t["href"] for t in tags(html, "a") if "practice=" in t.get("href", "")]
    assert cells == [f"/evidence?practice={PRACTICE}&outcome={OUTCOME}#cell"]
    assert "Einsame Praxis" in text(html)  # a practice without an outcome: a gap
    detail = text(eclient.get(cells[0].split("#")[0]).get_data(as_text=True))
    assert f"„{QUOTE}“ — Von Graz lernen , S. 4" in detail
    assert "Sozialraumbudget verkörpert Ressourcenorientierung" in detail  # the indirect path, step by step
    assert "Weg 2" in detail  # the second path, in German as the page is


def test_the_evidence_map_as_json_and_csv_with_filters(eclient):
    full = eclient.get("/evidence.json").get_json()
    [cell] = full["cells"]
    assert (cell["practice"], cell["outcome"], cell["direct"], cell["indirect"]) == (PRACTICE, OUTCOME, 1, 1)
    assert cell["citations"] == 2 and cell["best_level"] == "evaluation"
    assert [p["id"] for p in full["gaps"]["practices_without_outcome"]] == [LONELY]
    only_goals = eclient.get("/evidence.json?level=goal").get_json()
    assert [c["indirect"] for c in only_goals["cells"]] == [1] and only_goals["cells"][0]["direct"] == 0
    assert eclient.get("/evidence.json?city=graz").get_json()["cells"][0]["direct"] == 1
    assert "paths" not in cell  # counts only: a big graph's paths are many megabytes
    one = eclient.get(f"/evidence.json?practice={PRACTICE}&outcome={OUTCOME}").get_json()
    quotes = [c["quote"] for p in one["paths"] for s in p["statements"] for c in s["citations"]]
    assert QUOTE in quotes and REPORT_QUOTE in quotes and len(one["paths"]) == 2
    assert eclient.get(f"/evidence.json?practice={LONELY}&outcome={OUTCOME}").status_code == 404
    assert len(eclient.get("/evidence.json?paths=1").get_json()["cells"][0]["paths"]) == 2
    rows = list(csv.reader(io.StringIO(eclient.get("/evidence.csv").get_data(as_text=True))))
    assert rows[0][:4] == ["practice", "practice_label_de", "outcome", "outcome_label_de"]
    assert rows[1][:4] == [PRACTICE, "Sozialraumbudget", OUTCOME, "Weniger Heimunterbringungen"]
    bad = eclient.get("/evidence.json?level=rumour")
    assert bad.status_code == 400 and bad.get_json()["field"] == "level"


def test_the_evidence_map_as_a_bipartite_graph(eclient):
    graph = eclient.get("/evidence/graph?lang=en").get_json()
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert set(nodes) == {PRACTICE, OUTCOME}
    assert nodes[PRACTICE]["x"] < nodes[OUTCOME]["x"] and nodes[OUTCOME]["label"] == "Fewer placements"
    assert [(e["from"], e["to"], e["label"]) for e in graph["edges"]] == [(PRACTICE, OUTCOME, "2")]


# -- analytics ------------------------------------------------------------------------------------


def test_analytics_ranks_by_degree_per_type_and_finds_the_path_with_its_statements(client):
    payload = client.get("/analytics.json?measure=degree&lang=de").get_json()
    top = [(e["id"], e["score"]) for e in payload["rankings"][:3]]
    assert top == [("graz", 3), (ALLIANCE, 3), ("sozialraum-2", 2)]
    people = client.get("/analytics.json?measure=pagerank&type=Person").get_json()["rankings"]
    assert [e["id"] for e in people] == ["wolfgang-hinte"]
    paths = client.get("/analytics.json?from=wolfgang-hinte&to=sozialraum-2").get_json()["paths"]
    assert [[(s["subject"], s["relation_label"], s["target"]) for s in path] for path in paths] == [
        [("graz", "beraten von", "wolfgang-hinte"), ("graz", "hat Sozialraum", "sozialraum-2")]
    ]
    # a triangle (Graz, Sozialraum 2, Trägerverbünde) with two leaves: no bridge but to a leaf
    assert payload["bridges"]["count"] == 0 and payload["communities"]["count"] >= 1


def test_the_analytics_page_renders_every_section_and_refuses_bad_measures(client):
    html = client.get(f"/analytics?from={ALLIANCE}&to=wolfgang-hinte&lang=en").get_data(as_text=True)
    page = text(html)
    for heading in ("Shortest paths", "Degree", "Brokers", "Communities", "Bridges"):
        assert heading in page
    assert "Provider alliances in Graz located in Graz" in page
    bad = client.get("/analytics.json?measure=magic")
    assert bad.status_code == 400 and bad.get_json()["field"] == "measure"
