"""Heavy pages computed in the background (graphkb/jobs.py, webui/background.py), through the real app
on both stores: a computation held back by the test hook (``Jobs.before_compute``, a gate the test
opens) shows the page that reloads itself and answers JSON 202; then the result; after an edit the
old result with a note while the new one computes; a failure with its reason, computed again next time.
"""

from __future__ import annotations

import threading
import time

import pytest

from graphkb.jobs import Jobs
from graphkb.model import Entity, Statement
from graphkb.store import open_store
from webui import create_app
from webui.background import jobs

from .helpers import tags, text

WAIT = 0.3  # the app's waiting budget in these tests: short, so a held computation is "computing"


class Gate:
    """The test hook: computations whose key starts with one of ``names`` wait until opened;
    ``fail`` makes the next one raise."""

    def __init__(self, *names: str):
        self.names = names
        self.opened = threading.Event()
        self.fail: str | None = None
        self.started: list[tuple] = []

    def __call__(self, key) -> None:
        if key[0] not in self.names:
            return
        self.started.append(key)
        if self.fail:
            reason, self.fail = self.fail, None
            raise ValueError(reason)
        assert self.opened.wait(30), "the test never opened the gate"


@pytest.fixture
def app(writable_url):
    app = create_app({"TESTING": True, "GRAPHKB_STORE": writable_url, "GRAPHKB_COMPUTE_WAIT": WAIT})
    yield app
    jobs(app).shutdown()
    app.extensions["graphkb_store"].close()


@pytest.fixture
def gate(app) -> Gate:
    hook = Gate("analytics-page", "evidence-map", "api-rankings", "api-evidence")
    jobs(app).before_compute = hook
    yield hook
    hook.opened.set()


def until_ready(client, url: str, timeout: float = 30.0):
    """Ask again, as the page's refresh does, until the answer is no longer 202."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(url)
        if response.status_code != 202 or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


def refresh_of(html: str) -> str | None:
    found = [t["content"] for t in tags(html, "meta") if t.get("http-equiv") == "refresh"]
    return found[0] if found else None


def add_hub(url: str) -> None:
    """An organisation cooperating with the four others: it tops the degree ranking (Graz has three
    statements), and the graph version moves on."""
    store = open_store(url)
    try:
        targets = ["amt-für-jugend-und-familie-graz", "caritas-steiermark", "jugend-am-werk"]
        targets.append("österreichische-kinderfreunde")
        store.create(
            Entity(
                type="Organization",
                id="neuer-knoten",
                labels={"de": "Neuer Knoten", "en": "New hub"},
                statements=[Statement("COOPERATES_WITH", t) for t in targets],
            ),
            author="tester",
        )
    finally:
        store.close()


def test_a_slow_analysis_shows_a_page_that_reloads_itself_then_the_result(app, gate):
    client = app.test_client()
    page = client.get("/analytics?lang=de")
    html = page.get_data(as_text=True)
    assert page.status_code == 202 and page.headers["Cache-Control"] == "no-store"
    assert refresh_of(html) == "3"
    assert "Being computed" in text(html) or "Wird berechnet" in text(html)
    assert [t for t in tags(html, "select") if t.get("name") == "measure"]  # the form stays usable
    twin = client.get("/analytics.json?lang=de")
    assert twin.status_code == 202 and twin.headers["Retry-After"] == "3"
    assert twin.get_json()["status"] == "computing"
    api = client.get("/api/v1/analytics/rankings?measure=degree")
    assert api.status_code == 202 and api.get_json()["status"] == "computing"
    assert len([k for k in gate.started if k[0] == "analytics-page"]) == 1  # one computation, however often asked

    gate.opened.set()
    done = until_ready(client, "/analytics?lang=de")
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and refresh_of(html) is None
    assert "Trägerverbünde in Graz" in text(html)  # ranked, with Graz (three statements each)
    assert until_ready(client, "/analytics.json?lang=de").get_json()["rankings"][0]["id"] == "graz"
    ranked = until_ready(client, "/api/v1/analytics/rankings?measure=degree")
    assert ranked.status_code == 200 and ranked.get_json()["items"][0]["id"] == "graz"


def test_after_an_edit_the_old_result_is_shown_with_a_note_while_the_new_one_computes(app, gate, writable_url):
    client = app.test_client()
    gate.opened.set()
    first = until_ready(client, "/analytics.json?lang=en")
    assert first.status_code == 200 and "X-Graph-Stale" not in first.headers
    old_version = int(first.headers["X-Graph-Version"])

    gate.opened.clear()
    add_hub(writable_url)
    page = client.get("/analytics?lang=en")
    html = text(page.get_data(as_text=True))
    assert page.status_code == 200
    assert f"Computed for graph version {old_version}" in html and "being computed" in html
    assert "New hub" not in html  # still the old graph's ranking
    stale = client.get("/analytics.json?lang=en")
    assert stale.status_code == 200 and stale.headers["X-Graph-Stale"] == "true"
    assert stale.get_json()["rankings"][0]["id"] == "graz"

    gate.opened.set()
    deadline = time.monotonic() + 30
    while client.get("/analytics.json?lang=en").headers.get("X-Graph-Stale") and time.monotonic() < deadline:
        time.sleep(0.05)
    fresh = client.get("/analytics.json?lang=en")
    assert "X-Graph-Stale" not in fresh.headers and int(fresh.headers["X-Graph-Version"]) > old_version
    assert fresh.get_json()["rankings"][0]["id"] == "neuer-knoten"
    assert "Computed for graph version" not in text(client.get("/analytics?lang=en").get_data(as_text=True))


def test_a_failing_computation_says_why_and_is_computed_again_on_the_next_request(app, gate):
    client = app.test_client()
    gate.opened.set()
    gate.fail = "the disk is on fire"
    failed = client.get("/analytics.json")
    assert failed.status_code == 503 and failed.headers["Retry-After"] == "3"
    assert failed.get_json()["error"] == "computation_failed"
    assert "the disk is on fire" in failed.get_json()["message"]
    again = client.get("/analytics.json")
    assert again.status_code == 200 and again.get_json()["rankings"]

    gate.fail = "out of memory"
    page = client.get("/analytics?measure=pagerank&lang=en")
    assert page.status_code == 503
    html = text(page.get_data(as_text=True))
    assert "Computing the results failed" in html and "out of memory" in html
    assert client.get("/analytics?measure=pagerank&lang=en").status_code == 200


def test_the_evidence_map_and_its_twins_are_computed_in_the_background(app, gate):
    client = app.test_client()
    page = client.get("/evidence?lang=en&level=goal")
    assert page.status_code == 202 and refresh_of(page.get_data(as_text=True)) == "3"
    assert "Being computed" in text(page.get_data(as_text=True))
    for url in ("/evidence.json?level=goal", "/evidence.csv?level=goal", "/api/v1/evidence?level=goal"):
        answer = client.get(url)
        assert answer.status_code == 202 and answer.get_json()["status"] == "computing", url
    gate.opened.set()
    done = until_ready(client, "/evidence?lang=en&level=goal")
    assert done.status_code == 200 and "Gaps" in text(done.get_data(as_text=True))
    assert until_ready(client, "/evidence.csv?level=goal").mimetype == "text/csv"
    assert "cells" in until_ready(client, "/api/v1/evidence?level=goal").get_json()


def test_bad_input_is_refused_at_once_and_an_unknown_entity_once_computed(app, gate):
    client = app.test_client()
    assert client.get("/analytics.json?measure=magic").status_code == 400  # before anything is computed
    assert client.get("/evidence.json?city=Not%20an%20id!").status_code == 400
    gate.opened.set()
    missing = until_ready(client, "/analytics.json?from=nobody&to=graz")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"


def test_the_seed_graph_answers_directly_as_before(seeded_client):
    page = seeded_client.get("/analytics?lang=de")
    assert page.status_code == 200 and refresh_of(page.get_data(as_text=True)) is None
    assert "Wird berechnet" not in page.get_data(as_text=True)
    assert seeded_client.get("/evidence").status_code == 200
    api = seeded_client.get("/api/v1/analytics/communities")
    assert api.status_code == 200 and "X-Graph-Stale" not in api.headers and api.get_json()["communities"]


# -- the job registry on its own ------------------------------------------------------------------


class Owner:
    """Stands for a store: results are kept per owner object."""


def test_one_computation_per_key_runs_at_a_time_and_the_newest_version_asked_follows():
    registry = Jobs(workers=2, wait=0)
    owner, release, runs = Owner(), threading.Event(), []

    def compute(version):
        def run():
            runs.append(version)
            release.wait(10)
            return version

        return run

    try:
        assert registry.ask(owner, "k", 1, compute(1)).state == "computing"
        for version in (2, 3, 3):
            registry.ask(owner, "k", version, compute(version))
        assert runs == [1]  # the others wait for it
        release.set()
        answer = registry.ask(owner, "k", 3, compute(3), wait=10)
        assert answer.state == "ready" and answer.value == 3
        assert runs == [1, 3]  # version 2 was overtaken by 3 before it began
    finally:
        registry.shutdown()


def test_a_computation_that_meets_the_graph_changing_is_run_again():
    registry = Jobs(workers=1, wait=5)
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) < 3:
            raise RuntimeError("dictionary changed size during iteration")
        return "done"

    try:
        assert registry.ask(Owner(), "k", 1, flaky).value == "done" and len(attempts) == 3
    finally:
        registry.shutdown()
