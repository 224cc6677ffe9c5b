"""Exploring through the JSON API on the small hand-made graph (both stores): neighbours, paths,
analytics, the evidence map, read-only Cypher and downloads.

The small graph's statements (see conftest.build_graph)::

    graz -HAS_SOCIAL_SPACE-> sozialraum-2        alliance -RESPONSIBLE_FOR-> sozialraum-2
    graz -ADVISED_BY-> wolfgang-hinte            alliance -LOCATED_IN-> graz
                                                 alliance -COOPERATES_WITH-> amt-für-jugend-und-familie-graz
"""

from __future__ import annotations

import io
import json
import zipfile
from urllib.parse import quote

import pytest

from .conftest import ALLIANCE

AMT = "amt-für-jugend-und-familie-graz"


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    return response.get_json()


def test_neighbours_are_the_entities_one_hop_away_and_the_statements_between(client):
    data = get_json(client, "/api/v1/entities/sozialraum-2/neighbours")
    assert data["nodes"][0]["id"] == "sozialraum-2"
    assert {n["id"] for n in data["nodes"]} == {"sozialraum-2", "graz", ALLIANCE}
    edges = {(e["subject"], e["type"], e["target"]) for e in data["edges"]}
    assert ("graz", "HAS_SOCIAL_SPACE", "sozialraum-2") in edges and (
        ALLIANCE,
        "RESPONSIBLE_FOR",
        "sozialraum-2",
    ) in edges
    assert data["truncated"] is False


def test_neighbours_follow_only_the_relations_asked_for(client):
    data = get_json(client, "/api/v1/entities/graz/neighbours?relation=ADVISED_BY")
    assert {n["id"] for n in data["nodes"]} == {"graz", "wolfgang-hinte"}


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/api/v1/entities/graz/neighbours?depth=9", 400, "depth"),
        ("/api/v1/entities/graz/neighbours?relation=KNOWS", 400, "relation"),
        ("/api/v1/entities/wien/neighbours", 404, None),
        ("/api/v1/paths?source=graz", 400, "target"),
        ("/api/v1/paths?source=graz&target=wien", 404, None),
        ("/api/v1/paths?source=graz&target=Graz%20Stadt", 400, "target"),
        ("/api/v1/analytics/rankings?measure=fame", 400, "measure"),
        ("/api/v1/analytics/rankings?type=Planet", 400, "type"),
        ("/api/v1/evidence?level=rumour", 400, "level"),
        ("/api/v1/evidence?city=sozialraum-2", 400, "city"),
        ("/api/v1/export?format=xls", 400, "format"),
        ("/api/v1/query", 400, "q"),
        ("/api/v1/query?q=MATCH%20(n)%20RETURN%20n&params=%5B1%5D", 400, "params"),
    ],
)
def test_bad_parameters_are_4xx_naming_the_parameter(client, url, status, field):
    data = get_json(client, url, status)
    assert data["field"] == field


def test_paths_go_through_the_fewest_statements_with_their_real_direction(client):
    data = get_json(client, "/api/v1/paths?source=wolfgang-hinte&target=sozialraum-2")
    assert [[(e["subject"], e["type"], e["target"]) for e in path] for path in data["paths"]] == [
        [("graz", "ADVISED_BY", "wolfgang-hinte"), ("graz", "HAS_SOCIAL_SPACE", "sozialraum-2")]
    ]
    assert [e["forward"] for e in data["paths"][0]] == [False, True]
    assert data["nodes"]["graz"]["labels"]["de"] == "Graz"


def test_paths_carry_the_citations_of_their_statements(client):
    data = get_json(client, f"/api/v1/paths?source={quote(ALLIANCE)}&target=sozialraum-2")
    (edge,) = data["paths"][0]
    assert edge["type"] == "RESPONSIBLE_FOR" and edge["citations"][0]["source"] == "grazer-bericht"


def test_no_connection_within_max_hops_is_an_empty_list(client):
    assert get_json(client, f"/api/v1/paths?source=wolfgang-hinte&target={quote(AMT)}&max_hops=2")["paths"] == []


def test_rankings_by_degree_count_statements_made_and_received(client):
    data = get_json(client, "/api/v1/analytics/rankings?measure=degree&limit=3")
    assert [(i["id"], i["score"]) for i in data["items"]] == [("graz", 3), (ALLIANCE, 3), ("sozialraum-2", 2)]
    assert data["items"][0]["labels"]["de"] == "Graz" and data["items"][0]["type"] == "City"
    only_people = get_json(client, "/api/v1/analytics/rankings?type=Person")
    assert [i["id"] for i in only_people["items"]] == ["wolfgang-hinte"]


def test_bridges_are_the_links_to_entities_with_no_other_neighbour_when_asked_for(client):
    assert get_json(client, "/api/v1/analytics/bridges")["items"] == []
    pairs = get_json(client, "/api/v1/analytics/bridges?leaves=yes")["items"]
    assert [[n["id"] for n in pair] for pair in pairs] == [[AMT, ALLIANCE], ["graz", "wolfgang-hinte"]]


def test_communities_cover_every_connected_entity_once(client):
    groups = get_json(client, "/api/v1/analytics/communities")["communities"]
    ids = [n["id"] for group in groups for n in group]
    assert len(ids) == len(set(ids)) and {"graz", ALLIANCE, "sozialraum-2", "wolfgang-hinte", AMT} <= set(ids)


def test_brokers_rank_the_entities_that_join_groups(client):
    items = get_json(client, "/api/v1/analytics/brokers")["items"]
    assert {i["id"] for i in items} == {"graz", ALLIANCE, "sozialraum-2"}  # the ones with two neighbours or more
    assert items[0]["score"] >= items[-1]["score"]


def test_the_evidence_map_answers_json_with_practices_outcomes_and_gaps(client):
    data = get_json(client, "/api/v1/evidence")
    assert {"practices", "outcomes", "cells", "gaps"} <= set(data)
    assert data["cells"] == []  # the small graph has no practices


def test_a_read_only_query_answers_columns_and_rows(client):
    data = get_json(client, "/api/v1/query?q=" + quote("MATCH (c:City) RETURN c.id AS id"))
    assert data["columns"] == ["id"] and data["rows"] == [["graz"]] and data["truncated"] is False
    with_params = get_json(client, "/api/v1/query?q=" + quote("MATCH (c:City) WHERE c.id = $id RETURN c.id")
                           + "&params=" + quote(json.dumps({"id": "wien"})))  # fmt: skip
    assert with_params["rows"] == []


def test_a_writing_query_is_refused_with_400(client):
    data = get_json(client, "/api/v1/query?q=" + quote("MATCH (c:City) DETACH DELETE c"), 400)
    assert data["error"] == "validation_error"
    assert get_json(client, "/api/v1/entities/graz")["deleted"] is False


def test_the_whole_graph_downloads_as_json_that_names_every_entity(client):
    response = client.get("/api/v1/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == "attachment; filename=graphkb.json"
    data = json.loads(response.data)
    assert "graz" in {e["id"] for e in data["entities"]}


@pytest.mark.parametrize(
    ("fmt", "mimetype", "marker"),
    [("graphml", "application/graphml+xml", b"<graphml"), ("gexf", "application/gexf+xml", b"<gexf"),
     ("cypher", "text/plain", b"CREATE"), ("csv", "application/zip", b"PK")],
)  # fmt: skip
def test_every_format_downloads_the_neighbourhood_of_an_entity(client, fmt, mimetype, marker):
    response = client.get(f"/api/v1/export?format={fmt}&around=sozialraum-2")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert "graphkb-sozialraum-2." in response.headers["Content-Disposition"]
    assert marker in response.data
    if fmt == "csv":
        names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
        assert {"nodes.csv", "edges.csv"} <= set(names)
    else:
        assert b"sozialraum-2" in response.data and b"wolfgang-hinte" not in response.data
