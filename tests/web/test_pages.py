"""The HTML pages a reader uses: home, type index, entity page, search."""

from __future__ import annotations

import re

from graphkb.schema import default_ontology

from .conftest import ALLIANCE, BACKGROUND_QUOTE, REPORT_QUOTE
from .helpers import (
    incoming_part,
    outgoing_part,
    tags,
    text,
)

ALLIANCE_URL = "/entity/tr%C3%A4gerverb%C3%BCnde-in-graz"


def get_html(client, url, lang="de", status=200):
    response = client.get(url, headers={"Accept-Language": lang})
    assert response.status_code == status, (url, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


# -- home -------------------------------------------------------------------------------------


def test_home_says_what_graphkb_is_and_offers_a_search_box(client):
    html = get_html(client, "/")
    assert "Sozialraumorientierung" in text(html) and "Graz" in text(html)
    forms = [f for f in tags(html, "form") if f.get("action") == "/search"]
    assert forms and any(i.get("name") == "q" for i in tags(html, "input"))


def test_home_lists_every_entity_type_with_its_count_labels_and_colour_swatch(client):
    html = get_html(client, "/")
    counts = dict(re.findall(r'<span class="count" data-type="(\w+)">(\d+)</span>', html))
    assert counts["Organization"] == "4"  # the deleted one is not counted
    assert counts["Source"] == "2" and counts["City"] == "1" and counts["Lesson"] == "0"
    assert set(counts) == set(default_ontology().entity_types)
    assert 'href="/types/ProviderAlliance"' in html
    assert "Trägerverbund" in html and "Provider alliance" in html  # both languages of the type
    assert 'class="type-card type-ProviderAlliance"' in html and 'class="swatch"' in html


def test_home_shows_recent_changes_with_links_editor_and_summary(client):
    html = get_html(client, "/")
    recent = html.split('id="recent-h"', 1)[1]
    assert f'href="{ALLIANCE_URL}"' in recent
    assert "tester" in recent and "Trägerverbünde angelegt" in recent
    # newest first: the deletion of "Alter Verein" was the last write
    assert recent.index("Alter Verein") < recent.index("Trägerverbünde in Graz")


# -- type index -------------------------------------------------------------------------------


def _listed(html):
    part = html.split('class="entity-list"', 1)[1].split("</ul>", 1)[0]
    return [text(a) for a in re.findall(r"<a [^>]*>.*?</a>", part)]


def test_type_index_paginates(client):
    first = get_html(client, "/types/Organization")
    second = get_html(client, "/types/Organization?page=2")
    assert _listed(first) == ["Amt für Jugend und Familie Graz", "Caritas Steiermark"]
    assert _listed(second) == ["Jugend am Werk", "Österreichische Kinderfreunde"]
    assert "Seite 1 von 2" in text(first) and 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert "Alter Verein" not in first + second  # deleted entities are not listed
    assert "4 Einträge" in text(first)


def test_type_index_sorts_by_label_both_ways_and_by_last_change(client):
    assert _listed(get_html(client, "/types/Organization?sort=-label"))[0] == "Österreichische Kinderfreunde"
    assert _listed(get_html(client, "/types/Organization?sort=-updated"))[0] == "Österreichische Kinderfreunde"
    assert _listed(get_html(client, "/types/Organization?sort=updated"))[0] == "Amt für Jugend und Familie Graz"


def test_type_index_filters_by_text(client):
    html = get_html(client, "/types/Organization?q=jugend")
    assert set(_listed(html)) == {"Amt für Jugend und Familie Graz", "Jugend am Werk"}
    assert "gefiltert nach „jugend“" in text(html)


def test_type_index_of_an_unknown_type_or_a_bad_parameter_is_an_error_page(client):
    get_html(client, "/types/Spaceship", status=404)
    html = get_html(client, "/types/Organization?page=zwei", status=400)
    assert "page" in text(html)
    get_html(client, "/types/Organization?sort=colour", status=400)


# -- entity page ------------------------------------------------------------------------------


def test_entity_page_shows_labels_ui_language_first_aliases_and_description(client):
    de = get_html(client, ALLIANCE_URL, "de")
    assert re.search(r"<h1>Trägerverbünde in Graz</h1>", de)
    assert '<p class="secondary-label" lang="en">Provider alliances in Graz</p>' in de
    assert "Trägerverbund" in text(de) and "provider alliance" in text(de)
    assert "Zusammenschlüsse freier Träger je Sozialraum" in text(de)
    en = get_html(client, ALLIANCE_URL, "en")
    assert re.search(r"<h1>Provider alliances in Graz</h1>", en)
    assert '<p class="secondary-label" lang="de">Trägerverbünde in Graz</p>' in en


def test_entity_page_renders_markdown_body_and_never_a_script_tag(client):
    html = get_html(client, ALLIANCE_URL)
    assert "<strong>Trägerverbünde</strong>" in html and "<li>eins</li>" in html
    assert "<script" not in html.split('class="body"', 1)[1].split("</section>", 1)[0].lower()
    assert "&lt;script&gt;" in html  # shown as text, harmless
    assert 'href="javascript' not in html and "tracker.example" not in html  # no script links, no outside images
    assert '<a href="https://www.uni-due.de/biwi/issab/" rel="nofollow noopener noreferrer">ISSAB</a>' in html


def test_entity_page_shows_properties_with_ontology_labels(client):
    html = get_html(client, "/entity/graz")
    props = html.split('id="props-h"', 1)[1].split("</section>", 1)[0]
    assert re.search(r"<dt>Land</dt><dd>Österreich</dd>", props)
    assert re.search(r"<dt>Art</dt><dd>Stadt</dd>", props)  # enum value translated
    assert re.search(r"<dt>Anzahl Stadtbezirke</dt><dd>17</dd>", props)
    en = get_html(client, "/entity/graz", "en")
    assert re.search(r"<dt>Country</dt><dd>Österreich</dd>", en)


def test_entity_page_groups_statements_by_relation_with_targets_quotes_and_sources(client):
    out = outgoing_part(get_html(client, ALLIANCE_URL))
    headings = re.findall(r"<h3>(.*?)</h3>", out)
    assert headings == ["kooperiert mit", "zuständig für", "liegt in"]  # ontology order
    assert 'href="/entity/sozialraum-2">Sozialraum 2</a>' in out
    assert f"<blockquote><p>{REPORT_QUOTE}</p></blockquote>" in out
    assert 'href="/entity/grazer-bericht">Von Graz lernen</a>' in out and "Absatz 5" in out
    assert re.search(r"<dt>seit</dt><dd>2004</dd>", out)
    assert re.search(r'<dt>Sozialraum</dt><dd><a href="/entity/sozialraum-2">Sozialraum 2</a></dd>', out)


def test_every_statement_shows_a_badge_for_its_layer(client):
    out = outgoing_part(get_html(client, ALLIANCE_URL))
    items = out.split('<li class="statement"')[1:]
    by_target = {re.search(r'href="/entity/([^"]+)"', item).group(1): item for item in items}
    assert 'class="badge layer-report"' in by_target["sozialraum-2"]
    assert 'class="badge layer-background"' not in by_target["sozialraum-2"]
    assert 'class="badge layer-background"' in by_target["graz"] and BACKGROUND_QUOTE in by_target["graz"]
    assert 'class="badge layer-none"' in by_target["amt-f%C3%BCr-jugend-und-familie-graz"]
    assert ">Bericht<" in by_target["sozialraum-2"] and ">Hintergrund<" in by_target["graz"]


def test_incoming_statements_are_grouped_under_the_inverse_label(client):
    incoming = incoming_part(get_html(client, "/entity/sozialraum-2"))
    headings = re.findall(r"<h3>(.*?)</h3>", incoming)
    assert headings == ["Sozialraum von", "Zuständigkeit von"]
    assert f'href="{ALLIANCE_URL}">Trägerverbünde in Graz</a>' in incoming
    assert 'href="/entity/graz">Graz</a>' in incoming
    assert 'class="badge layer-report"' in incoming
    en = incoming_part(get_html(client, "/entity/wolfgang-hinte", "en"))
    assert re.findall(r"<h3>(.*?)</h3>", en) == ["advises"]


def test_entity_page_names_last_editor_time_and_revision(client):
    html = get_html(client, ALLIANCE_URL)
    meta = text(html.split('class="meta muted"', 1)[1].split("</p>", 1)[0])
    assert "Version 1" in meta and "zuletzt bearbeitet von tester" in meta
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', html)


def test_a_deleted_entity_still_has_its_page_with_a_note(client):
    html = get_html(client, "/entity/alter-verein")
    assert "Dieser Eintrag wurde gelöscht." in text(html) and "Doppelt angelegt" in text(html)


def test_umlaut_ids_resolve_raw_and_percent_encoded_and_links_are_percent_encoded(client):
    encoded = client.get(ALLIANCE_URL)
    # what a server hands over for a raw UTF-8 path: the bytes as latin-1 (PEP 3333)
    raw_path = f"/entity/{ALLIANCE}".encode().decode("latin-1")
    raw = client.get("/", environ_overrides={"PATH_INFO": raw_path})
    assert encoded.status_code == raw.status_code == 200
    assert "<h1>Trägerverbünde in Graz</h1>" in raw.get_data(as_text=True)
    assert client.get(f"/entity/{ALLIANCE}").status_code == 200
    html = get_html(client, "/entity/graz")
    assert f'href="{ALLIANCE_URL}"' in html


def test_an_id_typed_in_capitals_or_decomposed_umlauts_redirects_to_the_real_page(client):
    import unicodedata

    for variant in ("Graz", unicodedata.normalize("NFD", ALLIANCE)):
        response = client.get(f"/entity/{variant}")
        assert response.status_code == 308
        assert client.get(response.location).status_code == 200


def test_an_unknown_entity_is_a_404_page(client):
    html = get_html(client, "/entity/gibt-es-nicht", status=404)
    assert "Nicht gefunden" in text(html)
    get_html(client, "/entity/%FF%FE", status=404)


# -- search -----------------------------------------------------------------------------------


def test_search_finds_traegerverbund_typed_without_umlaut(client):
    html = get_html(client, "/search?q=traegerverbund")
    results = html.split('class="results"', 1)[1]
    assert f'href="{ALLIANCE_URL}"' in results


def test_search_can_be_limited_to_one_type(client):
    html = get_html(client, "/search?q=graz&type=City")
    results = html.split('class="results"', 1)[1].split("</ol>", 1)[0]
    assert 'href="/entity/graz"' in results and "amt-f" not in results
    assert '<option value="City" selected>' in html


def test_search_without_a_query_shows_just_the_form(client):
    html = get_html(client, "/search")
    assert 'class="results"' not in html and 'name="q"' in html


def test_a_much_cited_source_shows_its_first_statements_and_says_so(client, monkeypatch):
    from webui.views import wiki

    page = client.get("/entity/grazer-bericht", headers={"Accept-Language": "en"}).text
    assert "first" not in text(page.split('id="ev-h"', 1)[1].split("</section>", 1)[0])
    monkeypatch.setattr(wiki, "EVIDENCE_LIMIT", 1)
    forget_rendered_pages(client)
    page = client.get("/entity/grazer-bericht", headers={"Accept-Language": "en"}).text
    evidence = page.split('id="ev-h"', 1)[1].split('id="in-h"', 1)[0]
    assert "the first 1 statements are shown" in text(evidence)
    assert evidence.count('class="statement evidence"') == 1


def test_the_json_twin_of_a_source_takes_a_cited_by_limit(client):
    full = client.get("/api/v1/entities/grazer-bericht").json
    assert len(full["cited_by"]) == 2 and full["cited_by_limit"] == 100
    one = client.get("/api/v1/entities/grazer-bericht?cited_by_limit=1").json
    assert len(one["cited_by"]) == 1
    assert client.get("/api/v1/entities/grazer-bericht?cited_by_limit=0").status_code == 400


def test_a_hub_shows_the_first_statements_that_link_to_it_and_says_so(client, monkeypatch):
    from webui.views import wiki

    page = client.get("/entity/sozialraum-2", headers={"Accept-Language": "en"}).text
    assert incoming_part(page).count('class="statement"') == 2
    assert "first" not in text(incoming_part(page))
    monkeypatch.setattr(wiki, "INCOMING_LIMIT", 1)
    forget_rendered_pages(client)
    page = client.get("/entity/sozialraum-2", headers={"Accept-Language": "en"}).text
    assert incoming_part(page).count('class="statement"') == 1
    assert "the first 1 are shown" in text(incoming_part(page))


def test_the_json_twin_takes_an_incoming_limit(client):
    assert len(client.get("/api/v1/entities/sozialraum-2").json["incoming"]) == 2
    one = client.get("/api/v1/entities/sozialraum-2?incoming_limit=1").json
    assert len(one["incoming"]) == 1 and one["incoming_limit"] == 1
    assert client.get("/api/v1/entities/sozialraum-2?incoming_limit=x").status_code == 400


def forget_rendered_pages(client) -> None:
    """After a page limit is changed in the running app: the page cache only knows the graph's changes."""
    from webui.page_cache import EXTENSION

    client.application.extensions[EXTENSION].clear()
