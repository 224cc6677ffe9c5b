"""The web view over the real Graz seed graph: every page renders, links resolve, layers are marked."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from .helpers import outgoing_part, tags, text

ALLIANCE = "trägerverbünde-in-graz"


@pytest.fixture
def entities(seeded_client):
    data = seeded_client.get("/api/v1/entities?limit=500").get_json()
    assert data["total"] == len(data["items"])
    return data["items"]


def entity_url(entity_id: str) -> str:
    return "/entity/" + quote(entity_id)


def test_home_counts_the_seeded_types_like_the_stats(seeded_client):
    stats = seeded_client.get("/api/v1/stats").get_json()
    html = seeded_client.get("/").get_data(as_text=True)
    counts = {k: int(v) for k, v in re.findall(r'<span class="count" data-type="(\w+)">(\d+)</span>', html)}
    assert {k: v for k, v in counts.items() if v} == stats["by_type"]
    assert "seed" in text(html.split('id="recent-h"', 1)[1])


def test_search_finds_the_graz_provider_alliances_by_traegerverbund(seeded_client):
    html = seeded_client.get("/search?q=traegerverbund").get_data(as_text=True)
    assert f'href="{entity_url(ALLIANCE)}"' in html.split('class="results"', 1)[1]
    found = seeded_client.get("/api/v1/search?q=Tr%C3%A4gerverbund").get_json()["items"]
    assert ALLIANCE in [i["id"] for i in found]


def test_the_provider_alliance_page_resolves_raw_and_encoded_and_cites_the_report(seeded_client):
    raw = seeded_client.get("/", environ_overrides={"PATH_INFO": f"/entity/{ALLIANCE}".encode().decode("latin-1")})
    encoded = seeded_client.get(entity_url(ALLIANCE))
    assert raw.status_code == encoded.status_code == 200
    html = encoded.get_data(as_text=True)
    assert "<h1>Trägerverbünde in Graz</h1>" in html
    assert "sogenannten Trägerverbünden" in text(outgoing_part(html))
    assert 'class="badge layer-report"' in outgoing_part(html)


def test_every_seeded_entity_page_and_json_twin_renders_in_both_languages(seeded_client, entities):
    for item in entities:
        for lang in ("de", "en"):
            page = seeded_client.get(entity_url(item["id"]) + f"?lang={lang}")
            assert page.status_code == 200, item["id"]
            assert tags(page.get_data(as_text=True), "html")[0]["lang"] == lang
        twin = seeded_client.get("/api/v1/entities/" + quote(item["id"])).get_json()
        assert twin["labels"] == item["labels"]


def test_every_link_between_seeded_pages_resolves(seeded_client, entities):
    seen: set[str] = set()
    for item in entities:
        html = seeded_client.get(entity_url(item["id"])).get_data(as_text=True)
        seen |= {a["href"] for a in tags(html, "a") if a.get("href", "").startswith(("/entity/", "/types/"))}
    for href in sorted(seen):
        assert seeded_client.get(href).status_code == 200, href


def test_every_seeded_statement_shows_the_layer_of_its_sources(seeded_client, entities):
    layers = {}
    for source in (i for i in entities if i["type"] == "Source"):
        layers[source["id"]] = seeded_client.get("/api/v1/entities/" + quote(source["id"])).get_json()["properties"][
            "layer"
        ]
    assert "report" in layers.values()
    for item in entities:
        data = seeded_client.get("/api/v1/entities/" + quote(item["id"])).get_json()
        html = outgoing_part(seeded_client.get(entity_url(item["id"])).get_data(as_text=True))
        shown = html.split('<li class="statement"')[1:]
        assert len(shown) == len(data["statements"]), item["id"]
        for st in data["statements"]:
            block = next(b for b in shown if b.startswith(f' id="{st["id"]}"'))
            badges = block.split("</div>", 1)[0]  # the badges in the statement's heading
            for layer in {layers[c["source"]] for c in st["citations"]}:
                assert f'class="badge layer-{layer}"' in badges, (item["id"], st["id"])
            assert 'class="badge layer-none"' not in badges


def test_type_index_of_the_seed_lists_every_entity_of_the_type(seeded_client, entities):
    roles = sorted(i["id"] for i in entities if i["type"] == "Role")
    html = seeded_client.get("/types/Role").get_data(as_text=True)
    listed = re.findall(r'<a href="/entity/([^"]+)"', html.split('class="entity-list"', 1)[1])
    assert sorted(quote(r) for r in roles) == sorted(listed)


def test_report_statements_come_before_background_ones_in_every_group(seeded_url):
    from graphkb.store import open_store
    from webui import create_app
    from webui.present import entity_page

    store = open_store(seeded_url)
    app = create_app({"GRAPHKB_STORE": seeded_url})
    with app.test_request_context("/?lang=de"):
        graz = store.get("graz")
        page = entity_page(store, graz, store.incoming("graz"), "de", "en")
    mixed = 0
    for group in page.outgoing:
        order = ["report" in s.layers for s in group.statements]
        assert order == sorted(order, reverse=True), group.type
        mixed += True in order and False in order
    assert mixed  # Graz has groups with statements of both layers
    store.close()


def test_the_report_source_page_lists_the_statements_it_is_evidence_for(seeded_client):
    report = "von-graz-lernen-studienreise-zur-sozialraumorientierung"
    html = seeded_client.get(entity_url(report) + "?lang=de").get_data(as_text=True)
    evidence = html.split('id="ev-h"', 1)[1].split('id="in-h"', 1)[0]
    assert "Belege aus dieser Quelle" in html
    assert f'href="{entity_url("graz")}"' in evidence
    assert "seit 2004 Schritt für Schritt" in text(evidence)
    assert 'class="badge layer-background"' not in evidence  # only this source's own quotes
    background = seeded_client.get("/api/v1/entities?type=Source&limit=500").get_json()["items"]
    other = next(s["id"] for s in background if s["id"] != report)
    other_html = seeded_client.get(entity_url(other) + "?lang=de").get_data(as_text=True)
    assert "seit 2004 Schritt für Schritt" not in other_html.split('id="ev-h"', 1)[1]


def test_a_sources_json_twin_lists_what_cites_it(seeded_client):
    report = "von-graz-lernen-studienreise-zur-sozialraumorientierung"
    data = seeded_client.get("/api/v1/entities/" + quote(report)).get_json()
    subjects = {c["subject"]["id"] for c in data["cited_by"]}
    assert "graz" in subjects and len(data["cited_by"]) > 60
    assert all(any(cit["source"] == report for cit in c["statement"]["citations"]) for c in data["cited_by"])
    assert "cited_by" not in seeded_client.get("/api/v1/entities/graz").get_json()
