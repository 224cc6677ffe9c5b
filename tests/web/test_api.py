"""The JSON twins under /api/v1/: the same data as the pages, and errors a program can act on."""

from __future__ import annotations

import pytest

from graphkb.schema import default_ontology

from .conftest import ALLIANCE, ORGANISATIONS, REPORT_QUOTE

ALLIANCE_API = "/api/v1/entities/tr%C3%A4gerverb%C3%BCnde-in-graz"


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    return response.get_json()


def test_entity_json_is_the_entity_with_its_incoming_statements(client):
    data = get_json(client, "/api/v1/entities/sozialraum-2")
    assert data["id"] == "sozialraum-2" and data["labels"] == {"de": "Sozialraum 2", "en": "Social space 2"}
    assert data["properties"] == {"number": 2} and data["revision"] == 1
    incoming = {(i["subject"]["id"], i["statement"]["type"]) for i in data["incoming"]}
    assert incoming == {("graz", "HAS_SOCIAL_SPACE"), (ALLIANCE, "RESPONSIBLE_FOR")}


def test_entity_json_carries_statements_with_qualifiers_and_citations(client):
    data = get_json(client, ALLIANCE_API)
    assert data["id"] == ALLIANCE and data["body"].startswith("Die **Trägerverbünde**")
    responsible = next(s for s in data["statements"] if s["type"] == "RESPONSIBLE_FOR")
    assert responsible["qualifiers"] == {"since": "2004"}
    assert responsible["citations"] == [{"source": "grazer-bericht", "quote": REPORT_QUOTE, "locator": "Absatz 5"}]


def test_umlaut_ids_resolve_in_the_api_raw_and_encoded(client):
    assert get_json(client, ALLIANCE_API)["id"] == ALLIANCE
    assert get_json(client, f"/api/v1/entities/{ALLIANCE}")["id"] == ALLIANCE


def test_entity_list_pages_and_sorts_like_the_type_index(client):
    first = get_json(client, "/api/v1/entities?type=Organization&limit=2")
    assert first["total"] == 4 and first["offset"] == 0 and first["limit"] == 2
    assert [i["labels"]["de"] for i in first["items"]] == ORGANISATIONS[:2]
    rest = get_json(client, "/api/v1/entities?type=Organization&limit=2&offset=2&sort=label")
    assert [i["labels"]["de"] for i in rest["items"]] == ORGANISATIONS[2:]
    backwards = get_json(client, "/api/v1/entities?type=Organization&sort=-label")
    assert [i["labels"]["de"] for i in backwards["items"]] == ORGANISATIONS[::-1]
    filtered = get_json(client, "/api/v1/entities?type=Organization&q=jugend")
    assert filtered["total"] == 2


def test_entity_list_without_type_lists_every_live_entity(client):
    data = get_json(client, "/api/v1/entities?limit=500")
    assert data["total"] == len(data["items"]) == 10
    assert "alter-verein" not in {i["id"] for i in data["items"]}


def test_search_json_finds_what_the_search_page_finds(client):
    data = get_json(client, "/api/v1/search?q=traegerverbund")
    assert ALLIANCE in [i["id"] for i in data["items"]]
    html = client.get("/search?q=traegerverbund").get_data(as_text=True)
    for item in data["items"]:
        assert item["labels"]["de"] in html
    only_cities = get_json(client, "/api/v1/search?q=graz&type=City")
    assert [i["id"] for i in only_cities["items"]] == ["graz"]
    assert get_json(client, "/api/v1/search?q=")["items"] == []


def test_types_json_is_the_ontology(client):
    data = get_json(client, "/api/v1/types")
    ontology = default_ontology()
    assert [t["name"] for t in data["entity_types"]] == list(ontology.entity_types)
    alliance = next(t for t in data["entity_types"] if t["name"] == "ProviderAlliance")
    assert alliance["labels"] == {"de": "Trägerverbund", "en": "Provider alliance"}
    assert alliance["color"] == "#edc948" and "founded" in alliance["properties"]
    responsible = next(r for r in data["relation_types"] if r["name"] == "RESPONSIBLE_FOR")
    assert responsible["inverse"] == {"de": "Zuständigkeit von", "en": "responsibility of"}
    assert responsible["targets"] == ["SocialSpace"]
    assert set(responsible["subjects"]) == {"ProviderAlliance", "Organization", "Role"}
    assert responsible["qualifiers"]["since"]["type"] == "date"


def test_stats_json_counts_like_the_home_page(client):
    data = get_json(client, "/api/v1/stats")
    assert data["by_type"]["Organization"] == 4 and data["deleted"] == 1
    html = client.get("/").get_data(as_text=True)
    assert f'data-type="Organization">{data["by_type"]["Organization"]}<' in html


def test_recent_json_lists_revisions_newest_first_without_snapshots(client):
    data = get_json(client, "/api/v1/recent?limit=3")
    assert len(data["items"]) == 3
    assert data["items"][0]["entity_id"] == "alter-verein" and data["items"][0]["action"] == "delete"
    assert "snapshot" not in data["items"][0]
    sources = get_json(client, "/api/v1/recent?type=Source")
    assert {i["entity_id"] for i in sources["items"]} == {"grazer-bericht", "issab-fachkonzept"}


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/entities?offset=abc", "offset"),
        ("/api/v1/entities?offset=-1", "offset"),
        ("/api/v1/entities?offset=1.5", "offset"),
        ("/api/v1/entities?limit=501", "limit"),
        ("/api/v1/entities?limit=0", "limit"),
        ("/api/v1/entities?limit=99999999999999999999999", "limit"),
        ("/api/v1/entities?type=Spaceship", "type"),
        ("/api/v1/entities?sort=colour", "sort"),
        ("/api/v1/entities?q=" + "x" * 201, "q"),
        ("/api/v1/search?q=graz&type=Spaceship", "type"),
        ("/api/v1/search?q=graz&limit=1000", "limit"),
        ("/api/v1/recent?limit=x", "limit"),
        ("/api/v1/recent?type=x", "type"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(client, url, field):
    data = get_json(client, url, status=400)
    assert data["error"] == "validation_error" and data["field"] == field and data["message"]


def test_an_unknown_entity_is_a_404_in_json(client):
    data = get_json(client, "/api/v1/entities/gibt-es-nicht", status=404)
    assert data["error"] == "not_found" and "message" in data
    assert get_json(client, "/api/v1/entities/%FF", status=404)["error"] == "not_found"
    assert get_json(client, "/api/v1/no-such-thing", status=404)["error"] == "not_found"


def test_errors_are_json_for_clients_that_ask_for_json(client):
    response = client.get("/entity/gibt-es-nicht", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    page = client.get("/entity/gibt-es-nicht", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_writing_methods_are_refused_while_the_wiki_is_read_only(client):
    response = client.post("/api/v1/entities/graz")
    assert response.status_code == 405 and response.get_json()["error"] == "method_not_allowed"
    assert client.delete("/entity/graz").status_code == 405
