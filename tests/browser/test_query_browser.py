"""The query console and builder in a real Chromium: the running state, the drawn result, the builder's lists.

As every browser test, these also fail on a console error, a CSP violation or a request to another host.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from ..web.conftest import add_accounts, build_graph
from .support import LiveServer, build_store, shot

SLOW = "MATCH (a)-[*1..9]-(b) RETURN COUNT(b) AS n"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, browser_account_hashes):
    directory = tmp_path_factory.mktemp("query-graph")
    url = build_store(
        f"sqlite:///{directory / 'graphkb.sqlite3'}", build_graph, lambda s: add_accounts(s, browser_account_hashes)
    )
    with LiveServer(url, GRAPHKB_QUERY_TIMEOUT=2) as server:
        yield server


def test_a_submitted_query_shows_that_it_runs_until_the_answer_comes(page, browser_log):
    browser_log.allow_console_errors(r"status of 400")  # the timeout's answer page, on purpose
    page.goto("/query")
    page.fill("#query-q", SLOW)
    state = page.locator("form.query-form").evaluate(
        """form => {
            form.querySelector('button[type="submit"]').click();  // the submit handler runs before this returns
            return [form.querySelector('.query-status').textContent, form.classList.contains('running')];
        }"""
    )
    assert state[0].strip() and state[1] is True
    alert = page.locator(".query-error")
    expect(alert).to_be_visible(timeout=15000)
    expect(alert).to_have_attribute("role", "alert")
    assert page.locator(".query-status").text_content() == ""  # the answer page is not "running"
    shot(page, "query-timeout")


def test_a_result_with_nodes_and_relationships_is_drawn_as_a_graph(page):
    query = "MATCH (c:City {id: 'graz'})-[r:ADVISED_BY]->(p:Person) RETURN c, r, p"
    page.goto("/query?" + urlencode({"q": query}))
    expect(page.locator(".query-table tbody tr")).to_have_count(1)
    box = page.locator(".graph-box")
    expect(box).to_have_attribute("data-graph-stable", "1", timeout=15000)
    assert box.get_attribute("data-node-count") == "2"
    shot(page, "query-graph")


def test_the_builder_offers_only_relations_the_chosen_types_allow(page):
    page.goto("/query/builder")
    relation = page.locator("#b-relation")
    page.select_option("#b-subject", "Practice")
    page.select_option("#b-target", "Outcome")
    assert relation.locator('option[value="LEADS_TO"]').is_enabled()
    assert relation.locator('option[value="ADVISED_BY"]').is_disabled()
    page.select_option("#b-relation", "LEADS_TO")
    assert page.locator('#b-qualifier option[value="evidence_level"]').is_enabled()
    assert page.locator('#b-qualifier option[value="social_space"]').is_disabled()  # not a LEADS_TO qualifier
    page.select_option("#b-subject", "City")
    assert relation.input_value() == ""  # a city does not lead to outcomes: the choice is cleared
    page.select_option("#b-subject", "City")
    page.select_option("#b-target", "Person")
    page.select_option("#b-relation", "ADVISED_BY")
    page.locator("form.builder-form button[type=submit]").click()
    expect(page.locator(".query-table tbody tr")).to_have_count(1)
    expect(page.locator("pre.cypher")).to_contain_text("MATCH (s:City)-[r:ADVISED_BY]->(t:Person)")
    shot(page, "query-builder")
