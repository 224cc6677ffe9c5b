"""Script in every text a contributor can write, on every page that shows it: shown as text, never run.

The payloads go in through the store (labels, aliases, descriptions, Markdown body, property
values, statement qualifiers, citation quotes and locators, edit summaries, an author name, a
deletion reason) and through the address (search and filter queries, a bad parameter). Every
page is opened twice: as served, and with the browser ignoring the Content Security Policy, so
escaping alone must hold; the CSP is the second fence, not the only one. A payload that runs sets
``window.__xss`` or opens a dialog (both checked); one that is injected but stopped by the CSP
shows up as a CSP violation, which fails the test at teardown (conftest.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import NamedTuple
from urllib.parse import quote

import pytest

from graphkb.model import Citation, Entity, Statement

from .conftest import serve_small_graph
from .support import login

SUBJECT = "/entity/xss-subject"


def payload(where: str) -> str:
    """A text that breaks out of an attribute, a <title> or a <textarea> and runs script, three ways."""
    return (
        f'{where}: </title></textarea>"\'><script>window.__xss="{where}"</script>'
        f'<img src=x onerror=alert("{where}")><svg onload=alert("{where}")>'
    )


def shown(where: str) -> str:
    """A part of ``payload(where)`` without spaces: survives word-level diffs, proves escaping when visible."""
    return f'<script>window.__xss="{where}"</script>'


AUTHOR = '<img/src=x/onerror=alert("author")>'  # an author name has no spaces
URL = 'https://example.org/?q="><script>window.__xss="url"</script>'
BODY = """Ein **Trägerverbund** zum Test (body-text).

<script>window.__xss="body-script"</script>

<img src=x onerror=alert("body-img")>

<svg onload=alert("body-svg")>

[Klick mich](javascript:window.__xss="body-link")

[Daten](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

<a href="javascript:alert('body-a')">roh</a>
"""


def add_payloads(store) -> None:
    store.create(
        Entity(
            type="Source",
            id="xss-source",
            labels={"de": payload("source-de"), "en": payload("source-en")},
            properties={"layer": "report", "author": payload("source-author"), "publisher": payload("publisher")},
        ),
        author="tester",
        summary=payload("summary-source"),
    )
    store.create(
        Entity(
            type="Organization",
            id="xss-target",
            labels={"de": payload("target-de"), "en": payload("target-en")},
            properties={"address": payload("address")},
        ),
        author="tester",
    )
    cooperation = Statement(
        "COOPERATES_WITH",
        "xss-target",
        qualifiers={"note": payload("note") + "\n" + payload("note-2"), "social_space": "sozialraum-2"},
        citations=[Citation("xss-source", payload("quote"), payload("locator"))],
    )
    subject = Entity(
        type="ProviderAlliance",
        id="xss-subject",
        labels={"de": payload("label-de"), "en": payload("label-en")},
        aliases={"de": [payload("alias-de")], "en": [payload("alias-en")]},
        descriptions={"de": payload("desc-old"), "en": payload("desc-en")},
        body=BODY,
        properties={"website": URL},
        statements=[cooperation],
    )
    store.create(subject, author="tester", summary=payload("summary-create"))
    edited = store.get("xss-subject")
    edited.descriptions["de"] = payload("desc-de")
    store.update(edited, base_revision=1, author=AUTHOR, summary=payload("summary-edit"))
    store.create(Entity(type="Organization", id="xss-deleted", labels={"de": "Gelöscht"}), author="tester")
    store.delete("xss-deleted", base_revision=1, author="tester", reason=payload("reason"))


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, browser_account_hashes):
    """This module's pages: the small graph plus the payloads (read-only)."""
    yield from serve_small_graph(tmp_path_factory.mktemp("xss-graph"), browser_account_hashes, add_payloads)


class Check(NamedTuple):
    selector: str
    text: str
    how: str = "contains"  # contains | exact | value


class Visit(NamedTuple):
    path: str
    checks: tuple[Check, ...]
    status: int = 200


def exact(selector: str, where: str) -> Check:
    return Check(selector, payload(where), "exact")


def contains(selector: str, where: str) -> Check:
    return Check(selector, shown(where))


VISITS = {
    "entity-subject": Visit(
        SUBJECT,
        (
            Check("title", payload("label-de") + " · graphkb", "exact"),
            exact("h1", "label-de"),
            exact(".secondary-label", "label-en"),
            contains(".aliases", "alias-de"),
            contains(".aliases", "alias-en"),
            exact(".description:not(.secondary)", "desc-de"),
            exact(".description.secondary", "desc-en"),
            Check(".meta", AUTHOR),
            Check("section.body", shown("body-script")),
            Check("section.body", '<img src=x onerror=alert("body-img")>'),
            Check("section.body", '<svg onload=alert("body-svg")>'),
            Check(".properties", URL),
            contains(".statements .qualifiers", "note"),
            contains(".statements .qualifiers", "note-2"),
            exact(".statements blockquote", "quote"),
            exact(".statements .locator", "locator"),
            exact(".statements .statement-head a", "target-de"),
        ),
    ),
    "entity-target": Visit(
        "/entity/xss-target",
        (
            exact("h1", "target-de"),
            exact(".properties dd", "address"),
            exact(".incoming .statement-head a", "label-de"),
            contains(".incoming .qualifiers", "note"),
        ),
    ),
    "entity-source": Visit(
        "/entity/xss-source",
        (
            exact("h1", "source-de"),
            contains(".properties", "source-author"),
            contains(".properties", "publisher"),
            exact(".evidence blockquote", "quote"),
            contains(".evidence .statement-head", "label-de"),
        ),
    ),
    "entity-deleted": Visit("/entity/xss-deleted", (contains(".notice-deleted", "reason"),)),
    "search-results": Visit(
        "/search?q=__xss",
        (exact("ol.results a", "label-de"), exact("ol.results a", "target-de"), exact("ol.results .desc", "desc-de")),
    ),
    "search-query": Visit(
        "/search?q=" + quote(payload("query")),
        (Check("#search-q", payload("query"), "value"), contains(".total", "query")),
    ),
    "search-bad-type": Visit("/search?q=x&type=" + quote(payload("type")), (contains("main", "type"),), status=400),
    "type-index": Visit(
        "/types/ProviderAlliance", (exact(".entity-list a", "label-de"), exact(".entity-list .desc", "desc-de"))
    ),
    "type-index-filter": Visit(
        "/types/Organization?q=" + quote(payload("filter")),
        (Check("#filter-q", payload("filter"), "value"), contains(".total", "filter")),
    ),
    "home": Visit(
        "/",
        (
            exact("section.recent a", "label-de"),
            exact("section.recent q", "summary-edit"),
            Check("section.recent", AUTHOR),
        ),
    ),
    "recent": Visit(
        "/recent", (contains("main", "label-de"), contains("main", "summary-edit"), contains("main", "summary-create"))
    ),
    "history": Visit(
        SUBJECT + "/history",
        (contains("main", "summary-create"), contains("main", "summary-edit"), Check("main", AUTHOR)),
    ),
    "revision": Visit(SUBJECT + "/revisions/1", (contains("main", "label-de"), contains("main", "desc-old"))),
    "diff": Visit(SUBJECT + "/diff?from=1&to=2", (contains("main", "desc-old"), contains("main", "desc-de"))),
}

INJECTED = """() => ({
  inlineScripts: document.querySelectorAll("script:not([src])").length,
  handlers: [...document.querySelectorAll("*")].filter(el => [...el.attributes].some(a => /^on/i.test(a.name))).length,
  scriptLinks: document.querySelectorAll("a[href^='javascript:' i], a[href^='data:' i]").length,
  svgs: document.querySelectorAll("main svg").length,
})"""


# One round trip for all checks of a page: what each selector's elements show (value for inputs).
SHOWN = """selectors => Object.fromEntries(selectors.map(s => [s, s === "title" ? [document.title]
  : [...document.querySelectorAll(s)].map(el => el.matches("input, textarea, select") ? el.value : el.innerText)]))"""


def check_texts(page, checks: tuple[Check, ...]) -> None:
    found = page.evaluate(SHOWN, sorted({c.selector for c in checks}))
    for check in checks:
        texts = found[check.selector]
        if check.how == "contains":
            ok = any(check.text in t for t in texts)
        else:  # exact, value
            ok = check.text in [t.strip() for t in texts]
        assert ok, (check.selector, check.how, check.text, [t[:300] for t in texts[:5]])


def assert_nothing_ran(page, browser_log) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined", page.evaluate("window.__xss")
    assert browser_log.dialogs == []
    assert page.evaluate(INJECTED) == {"inlineScripts": 0, "handlers": 0, "scriptLinks": 0, "svgs": 0}


@pytest.mark.parametrize("csp", ["csp", "no-csp"])
@pytest.mark.parametrize("name", VISITS)
def test_payloads_are_shown_as_text_and_never_run(pooled_page, name, csp):
    visit = VISITS[name]
    page, browser_log = pooled_page(bypass_csp=csp == "no-csp")
    if visit.status != 200:
        browser_log.allow_console_errors(f"status of {visit.status}")  # the error page itself is intended
    response = page.goto(visit.path)
    assert response is not None and response.status == visit.status, (visit.path, response and response.status)
    assert_nothing_ran(page, browser_log)
    check_texts(page, visit.checks)


def test_links_in_a_body_cannot_run_script_even_when_clicked(new_page, browser_log):
    page = new_page(bypass_csp=True)
    page.goto(SUBJECT)
    body = page.locator("section.body")
    for name in ("Klick mich", "Daten", "roh"):
        body.get_by_text(name).first.click()  # a link if the renderer made one, else its text
        assert page.url.endswith(SUBJECT)
    assert_nothing_ran(page, browser_log)


FIELD_VALUES = "() => [...document.querySelectorAll('main input, main textarea')].map(el => el.value.trim())"


def test_forms_show_payloads_as_field_values_and_never_run_them(new_page, browser_log, live_server):
    page = new_page(bypass_csp=True)
    login(page, "admin")  # admins may open every form: edit, statement, revert, delete
    statement = live_server.store.get("xss-subject").statements[0].id
    forms = {
        SUBJECT + "/edit": [payload("label-de"), payload("label-en"), payload("desc-de"), BODY.strip()],
        f"{SUBJECT}/statements/{statement}/edit": [payload("quote"), payload("locator")],
        SUBJECT + "/revert/1": [],
        SUBJECT + "/delete": [],
    }
    for path, expected in forms.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        assert_nothing_ran(page, browser_log)
        values = page.evaluate(FIELD_VALUES)
        assert [text for text in expected if text not in values] == [], (path, values)


def test_the_atom_feed_escapes_every_payload_for_feed_readers(page):
    response = page.request.get("/recent.atom")
    assert response.status == 200
    assert "xml" in response.headers["content-type"]
    root = ET.fromstring(response.body())  # well-formed: nothing broke out of its element
    elements = list(root.iter())
    assert not [el.tag for el in elements if el.tag.rsplit("}", 1)[-1] in ("script", "img", "svg")]
    carrying = [el for el in elements if el.text and "__xss" in el.text]
    assert any(shown("label-de") in el.text for el in carrying), "the feed does not show the changed entity"
    for el in carrying:
        # a reader renders type="html" content as HTML: there the payload must arrive escaped once more
        if el.get("type") == "html":
            assert "<script" not in el.text and "<img" not in el.text, el.text
        else:
            assert el.get("type") in (None, "text"), el.get("type")
