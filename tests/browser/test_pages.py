"""The pages in a real Chromium: they render, style and navigate without script errors or outside requests.

Every test here also fails (at teardown) on a console error, a CSP violation, an uncaught script
error, a dialog or a request to another host: see conftest.py.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from graphkb.schema import default_ontology

from ..web.conftest import ORGANISATIONS, REPORT_QUOTE
from .support import login, shot

ALLIANCE_PATH = "/entity/trägerverbünde-in-graz"


def path_of(page) -> str:
    return unquote(urlsplit(page.url).path)


def open_ok(page, url: str):
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    return response


# -- reading ----------------------------------------------------------------------------------


def test_home_page_renders_types_in_their_colours_and_recent_changes(page):
    open_ok(page, "/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("h1")).to_have_text("graphkb")
    expect(page.locator(".type-card")).to_have_count(len(default_ontology().entity_types))
    # the colour comes from the app's own generated stylesheet (no style= attribute): CSS loads under the CSP
    swatch = page.locator(".type-card.type-ProviderAlliance .swatch")
    assert swatch.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(237, 201, 72)"
    expect(page.locator("section.recent")).to_contain_text("Trägerverbünde in Graz")
    shot(page, "home")


def test_entity_page_with_umlauts_in_its_address_renders_and_links_both_ways(page):
    open_ok(page, ALLIANCE_PATH)
    assert path_of(page) == ALLIANCE_PATH  # no redirect, no mangled umlauts
    expect(page.locator("h1")).to_have_text("Trägerverbünde in Graz")
    expect(page.locator(".secondary-label")).to_have_text("Provider alliances in Graz")
    expect(page.locator(".statements h3")).to_have_text(["kooperiert mit", "zuständig für", "liegt in"])
    expect(page.locator(".statements blockquote").first).to_contain_text(REPORT_QUOTE)
    body = page.locator("section.body")
    expect(body.locator("strong")).to_have_text("Trägerverbünde")
    expect(body).to_contain_text('<script>alert("body")</script>')  # raw HTML in Markdown is shown as text
    expect(body.locator("a[href^='javascript:' i]")).to_have_count(0)
    shot(page, "entity")

    page.locator(".statements").get_by_role("link", name="Sozialraum 2", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Sozialraum 2")
    page.locator(".incoming").get_by_role("link", name="Trägerverbünde in Graz", exact=True).click()
    expect(page.locator("h1")).to_have_text("Trägerverbünde in Graz")
    assert path_of(page) == ALLIANCE_PATH


def test_type_index_lists_filters_and_sorts(page):
    open_ok(page, "/types/Organization")
    expect(page.locator("h1")).to_have_text("Organisation")
    entries = page.locator(".entity-list li > a")
    expect(entries).to_have_text(ORGANISATIONS)  # the deleted one is not listed
    page.locator(".sorts a[href*='sort=-label']").click()
    expect(entries.first).to_have_text("Österreichische Kinderfreunde")
    page.locator("#filter-q").fill("jugend")
    page.locator("#filter-q").press("Enter")
    expect(entries).to_have_text(["Jugend am Werk", "Amt für Jugend und Familie Graz"])  # sort kept


def test_search_page_finds_by_part_of_a_word_filters_by_type_and_opens_a_result(page):
    open_ok(page, "/search")
    page.locator("#search-q").fill("verbund")
    page.locator("#search-q").press("Enter")
    results = page.locator("ol.results > li > a")
    expect(results).to_have_text(["Trägerverbünde in Graz"])
    page.locator("#search-q").fill("graz")
    page.locator("#search-type").select_option("City")
    page.locator("main form.big-search button[type=submit]").click()
    expect(results).to_have_text(["Graz"])
    results.first.click()
    expect(page.locator("h1")).to_have_text("Graz")


# -- language ---------------------------------------------------------------------------------


def test_a_german_browser_reads_german_and_the_switch_gives_english_for_the_rest_of_the_visit(page):
    open_ok(page, ALLIANCE_PATH)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "de")
    expect(page.locator("#st-h")).to_have_text("Aussagen")
    expect(page.locator("nav.site-nav")).to_contain_text("Letzte Änderungen")

    page.get_by_role("link", name="English", exact=True).click()
    expect(html).to_have_attribute("lang", "en")
    assert path_of(page) == ALLIANCE_PATH  # the same page, in English
    expect(page.locator("h1")).to_have_text("Provider alliances in Graz")
    expect(page.locator("#st-h")).to_have_text("Statements")

    page.locator("a.brand").click()  # a link without ?lang: the choice is remembered
    expect(page.locator("h1")).to_have_text("graphkb")
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("nav.site-nav")).to_contain_text("Recent changes")
    page.get_by_role("link", name="Deutsch", exact=True).click()
    expect(html).to_have_attribute("lang", "de")


def test_an_english_browser_reads_english(new_page):
    page = new_page(locale="en-GB")
    open_ok(page, ALLIANCE_PATH)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Provider alliances in Graz")


# -- search suggestions (webui/static/js/autocomplete.js) -----------------------------------------

ACTIVE_OPTION = """() => {
  const box = document.getElementById("site-q");
  const id = box.getAttribute("aria-activedescendant");
  const active = (id && document.getElementById(id)) || document.querySelector('[role=option][aria-selected=true]');
  return active ? active.textContent : null;
}"""


def test_header_search_suggests_while_typing_and_the_keyboard_opens_a_suggestion(page):
    open_ok(page, "/")
    box = page.locator("#site-q")
    box.press_sequentially("träger", delay=40)
    suggestion = re.compile("Trägerverbünde in Graz")
    expect(page.get_by_role("listbox").get_by_role("option", name=suggestion)).to_be_visible()
    # the box announces the list it controls (ARIA combobox), so a screen reader finds the suggestions
    expect(box).to_have_attribute("aria-expanded", "true")
    listbox = page.locator(f"[id='{box.get_attribute('aria-controls')}'][role=listbox]")
    expect(listbox.get_by_role("option", name=suggestion)).to_be_visible()

    box.press("ArrowDown")
    active = page.wait_for_function(ACTIVE_OPTION, timeout=5000).json_value()
    assert "Trägerverbünde in Graz" in active
    with page.expect_navigation():
        box.press("Enter")
    assert path_of(page) == ALLIANCE_PATH
    expect(page.locator("h1")).to_have_text("Trägerverbünde in Graz")


# -- editing ----------------------------------------------------------------------------------

FORM_RULES = """form => [...form.querySelectorAll("input, textarea, select")]
  .filter(el => el.type !== "hidden" && el.type !== "submit" && el.type !== "button")
  .map(el => ({
    name: el.name,
    labelled: el.labels.length > 0 || el.hasAttribute("aria-label") || el.hasAttribute("aria-labelledby"),
    limited: !["text", "search", "url", "textarea"].includes(el.type) || el.maxLength > 0,
  }))"""


def test_the_create_form_for_an_editor_is_labelled_limited_and_protected(live_app, page):
    login(page, "editor")
    open_ok(page, "/create?type=Practice")
    form = page.locator("main form").filter(has=page.locator("input[name=csrf_token]")).first
    expect(form).to_have_attribute("method", re.compile("post", re.I))
    fields = form.evaluate(FORM_RULES)
    assert fields, "the create form has no fields"
    assert [f["name"] for f in fields if not f["labelled"]] == []
    assert [f["name"] for f in fields if not f["limited"]] == []
    shot(page, "create-form")


# -- the harness itself -------------------------------------------------------------------------


def test_requests_to_other_hosts_are_blocked_and_reported(page, browser_log):
    open_ok(page, "/")
    # a script's request to another host is stopped by the CSP before it leaves, and reported
    assert page.evaluate("fetch('https://example.org/x').then(() => 'sent', () => 'refused')") == "refused"
    assert any("Content Security Policy" in v for v in browser_log.csp_violations)
    # whatever the CSP does not cover (here a navigation) never leaves the machine either
    with pytest.raises(PlaywrightError, match="ERR_BLOCKED_BY_CLIENT"):
        page.goto("https://example.org/tracker")
    assert browser_log.outside == ["https://example.org/tracker"]
    assert browser_log.problems()  # teardown would fail this test; it provoked them on purpose
    browser_log.forget()
