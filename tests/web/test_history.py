"""History, revisions, diffs, revert, recent changes and the Atom feed, through the real app on both stores.

Writes by other people go through the app's store (``store_of``) under their own names, so the
pages have several authors; the app's own writes go through its forms, CSRF on.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

from graphkb.model import Statement

from .helpers import csrf_token, input_value, login, store_of, tags, text

ATOM = "{http://www.w3.org/2005/Atom}"
BODY_A = "Graz ist die Landeshauptstadt.\nDie Stadt hat 17 Bezirke.\nEnde."
BODY_B = "Graz ist die Landeshauptstadt.\nDie Stadt hat 17 Stadtbezirke.\nEnde."


def edit(store, entity_id: str, who: str, summary: str, change) -> int:
    """One edit by ``who``: ``change(entity)`` changes a fresh copy in place; returns the new revision."""
    entity = store.get(entity_id)
    change(entity)
    return store.update(entity, base_revision=entity.revision, author=who, summary=summary).number


def rows(html: str, cls: str) -> list[dict[str, str]]:
    return [a for a in tags(html, "tr") if a.get("class") == cls]


def section(html: str, start: str, end: str = "</section>") -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def field_row(html: str, name: str) -> str:
    """The visible text of the diff's row for field ``name``."""
    return text(html.split(f'data-field="{name}">', 1)[1].split("</tr>", 1)[0])


def graz_with_three_edits(store) -> dict[int, object]:
    """Graz at revision 4: anna adds a body (2), bert shortens it (3), anna adds a description (4)."""
    edit(store, "graz", "anna", "Text ergänzt", lambda e: setattr(e, "body", BODY_A + "\n" + "x" * 200))
    edit(store, "graz", "bert", "Text gekürzt", lambda e: setattr(e, "body", BODY_A))
    edit(store, "graz", "anna", "Beschreibung", lambda e: e.descriptions.update(en="Capital of Styria, Austria"))
    return {r.number: r for r in store.history("graz")}


# --- history -------------------------------------------------------------------------------------


def test_history_lists_revisions_newest_first_with_author_summary_size_and_links(wclient):
    revisions = graz_with_three_edits(store_of(wclient))
    login(wclient, "editor")
    html = wclient.get("/entity/graz/history?lang=en").text
    # the test app shows 2 per page
    assert [r["data-revision"] for r in rows(html, "revision")] == ["4", "3"]
    page = text(html)
    assert "anna" in page and "bert" in page and "Beschreibung" in page and "Text gekürzt" in page
    shrink = revisions[3].size - revisions[2].size
    grow = revisions[4].size - revisions[3].size
    assert shrink < 0 < grow
    assert f"−{-shrink}" in page and f"+{grow}" in page
    links = {a["href"] for a in tags(html, "a")}
    assert "/entity/graz/revisions/3" in links and "/entity/graz/diff?to=3" in links
    assert "/entity/graz/revert/3" in links  # an editor may revert to an older revision
    assert "/entity/graz/revert/4" not in links  # but not to the current one
    # the compare form: a GET form to the diff, the two newest revisions preselected
    form = next(f for f in tags(html, "form") if f.get("action") == "/entity/graz/diff")
    assert form.get("method") == "get"
    checked = {(a["name"], a["value"]) for a in tags(html, "input") if a.get("type") == "radio" and "checked" in a}
    assert checked == {("from", "3"), ("to", "4")}
    older = wclient.get("/entity/graz/history?page=2&lang=en").text
    assert [r["data-revision"] for r in rows(older, "revision")] == ["2", "1"]
    assert f"+{revisions[1].size}" in text(older)  # the first revision grew from nothing
    assert "/entity/graz/history?page=2" in links  # the pager


def test_history_is_readable_without_an_account_and_offers_no_revert(wclient):
    graz_with_three_edits(store_of(wclient))
    html = wclient.get("/entity/graz/history").text
    assert rows(html, "revision")
    assert not [a for a in tags(html, "a") if "/revert/" in a["href"]]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/entity/gibt-es-nicht/history", 404),
        ("/entity/graz/history?page=x", 400),
        ("/entity/graz/history?page=0", 400),
        ("/entity/graz/history?page=99", 404),
        ("/entity/graz/revisions/99", 404),
        ("/entity/graz/revisions/0", 404),
        ("/entity/graz/revisions/99999999999999999999", 404),
        ("/entity/gibt-es-nicht/revisions/1", 404),
        ("/entity/graz/diff", 400),
        ("/entity/graz/diff?to=abc", 400),
        ("/entity/graz/diff?to=0", 400),
        ("/entity/graz/diff?to=1", 400),  # the first revision has nothing before it
        ("/entity/graz/diff?from=1&to=-2", 400),
        ("/entity/graz/diff?from=x&to=1", 400),
        ("/entity/graz/diff?to=99", 404),
        ("/entity/graz/diff?from=99&to=1", 404),
        ("/entity/gibt-es-nicht/diff?to=1", 404),
        ("/entity/%00/history", 404),
    ],
)
def test_bad_history_parameters_are_4xx_with_a_message(client, url, status):
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == status, response.text[:500]
    if status == 400:
        assert "must" in text(response.text) or "revision" in text(response.text)


def test_history_urls_take_other_spellings_of_an_id(client):
    response = client.get("/entity/Tr%C3%A4gerverb%C3%BCnde-in-Graz/history?page=1")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/entity/tr%C3%A4gerverb%C3%BCnde-in-graz/history?page=1")


# --- revision view -------------------------------------------------------------------------------


def test_an_old_revision_shows_the_entity_as_it_was_and_says_so(wclient):
    graz_with_three_edits(store_of(wclient))
    html = wclient.get("/entity/graz/revisions/2?lang=en").text
    page = text(html)
    assert "an old revision (2)" in page and "current revision is 4" in page
    assert "x" * 200 in page  # the body as it was at revision 2
    assert "Capital of Styria, Austria" not in page  # added later
    assert "Capital of Styria" in page
    links = {a["href"] for a in tags(html, "a")}
    assert "/entity/graz" in links and "/entity/graz/diff?from=2&to=4" in links
    assert "/entity/graz/diff?to=2" in links
    current = text(wclient.get("/entity/graz/revisions/4?lang=en").text)
    assert "This is the current revision (4)" in current


# --- diff ----------------------------------------------------------------------------------------


def test_diff_between_non_adjacent_revisions_shows_fields_statements_and_body(wclient):
    store = store_of(wclient)

    def first(e):  # revision 2
        e.body = BODY_A

    def second(e):  # revision 3
        e.properties["districts"] = 18
        e.statements.append(Statement("ADVISED_BY", "caritas-steiermark", {"note": "Beratung"}))

    def third(e):  # revision 4
        e.body = BODY_B
        e.labels["en"] = "City of Graz"
        e.statements = [s for s in e.statements if s.type != "HAS_SOCIAL_SPACE"]
        hinte = next(s for s in e.statements if s.target == "wolfgang-hinte")
        hinte.qualifiers["since"] = "2005"

    edit(store, "graz", "anna", "Text", first)
    edit(store, "graz", "bert", "Bezirke und Beratung", second)
    edit(store, "graz", "anna", "<script>alert('summary')</script>", third)

    response = wclient.get("/entity/graz/diff?from=2&to=4&lang=en")
    assert response.status_code == 200
    html = response.text
    page = text(html)
    # the header names both revisions with author and summary (escaped)
    assert "From revision 2 to revision 4" in page and "anna" in page
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;summary&#39;)" in html
    # fields with the ontology's labels, old and new side by side
    fields = section(html, 'id="diff-fields-h"')
    assert field_row(fields, "labels.en") == "Label EN Graz City of Graz"
    assert field_row(fields, "properties.districts") == "Number of districts 17 18"
    assert 'data-field="labels.de"' not in fields  # unchanged fields are not listed
    # statements: added (revision 3), removed and changed (revision 4)
    statements = section(html, 'id="diff-st-h"')
    added = text(section(statements, 'class="diff-list diff-added"', "</ul>"))
    assert "advised by" in added and "Caritas Steiermark" in added and "Beratung" in added
    removed = text(section(statements, 'class="diff-list diff-removed"', "</ul>"))
    assert "has social space" in removed and "Social space 2" in removed
    changed = text(statements.split('class="diff-list diff-changed"', 1)[1])
    assert "Wolfgang Hinte" in changed and "2004" in changed and "2005" in changed
    assert "Untereinander agieren sie" in changed  # the citation's quote
    # the body: a line diff with the changed word marked
    body = section(html, 'id="diff-body-h"')
    assert "<del>Bezirke</del>" in body and "<ins>Stadtbezirke</ins>" in body
    assert "Graz ist die Landeshauptstadt." in body  # a line of context


def test_diff_with_to_alone_compares_a_revision_with_its_parent(wclient):
    graz_with_three_edits(store_of(wclient))
    html = wclient.get("/entity/graz/diff?to=4&lang=en").text
    assert "From revision 3 to revision 4" in text(html)
    fields = section(html, 'id="diff-fields-h"')
    assert 'data-field="descriptions.en"' in fields and "Capital of Styria, Austria" in text(fields)
    assert 'id="diff-body-h"' not in html  # the body did not change from 3 to 4


def test_the_same_revision_on_both_sides_says_there_is_no_difference(client):
    html = client.get("/entity/graz/diff?from=1&to=1&lang=en").text
    assert "No difference in content" in text(html)


# --- revert --------------------------------------------------------------------------------------


def test_revert_shows_what_changes_and_makes_a_new_revision_equal_to_the_old_one(wclient):
    store = store_of(wclient)
    graz_with_three_edits(store)
    login(wclient, "editor")
    page = wclient.get("/entity/graz/revert/2?lang=en")
    assert page.status_code == 200
    assert input_value(page.text, "base_revision") == "4"
    assert input_value(page.text, "summary") == "Reverted to revision 2"
    assert "x" * 200 in page.text  # the body lines reverting brings back
    response = wclient.post(
        "/entity/graz/revert/2",
        data={"csrf_token": csrf_token(page.text), "base_revision": "4", "summary": "Kürzung zurückgenommen"},
    )
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/entity/graz"
    assert "Reverted to revision 2" in text(wclient.get("/entity/graz?lang=en").text)  # the flash
    head = store.history("graz", limit=1)[0]
    assert (head.number, head.action, head.author, head.summary) == (5, "revert", "editor", "Kürzung zurückgenommen")
    assert store.get("graz").content_dict() == store.revision("graz", 2).entity().content_dict()


def test_a_stale_revert_is_a_conflict_and_writes_nothing(wclient):
    store = store_of(wclient)
    graz_with_three_edits(store)
    login(wclient, "editor")
    page = wclient.get("/entity/graz/revert/2")
    # someone saves while the editor looks at the revert page
    edit(store, "graz", "carla", "Zwischendurch", lambda e: e.labels.update(en="Graz (Styria)"))
    response = wclient.post(
        "/entity/graz/revert/2?lang=en",
        data={"csrf_token": csrf_token(page.text), "base_revision": "4", "summary": "zurück"},
    )
    assert response.status_code == 409
    page_text = text(response.text)
    assert "Someone else saved this entity" in page_text and "carla" in page_text and "revision 5" in page_text
    assert "/entity/graz/revert/2" in {a["href"] for a in tags(response.text, "a")}  # reload the revert page
    head = store.history("graz", limit=1)[0]
    assert (head.number, head.author) == (5, "carla")
    assert store.get("graz").labels["en"] == "Graz (Styria)"


def test_revert_rejects_a_bad_form_with_422_and_keeps_what_was_typed(wclient):
    store = store_of(wclient)
    graz_with_three_edits(store)
    login(wclient, "editor")
    page = wclient.get("/entity/graz/revert/2")
    too_long = "ä" * 501
    response = wclient.post(
        "/entity/graz/revert/2?lang=en",
        data={"csrf_token": csrf_token(page.text), "base_revision": "4", "summary": too_long},
    )
    assert response.status_code == 422
    assert input_value(response.text, "summary") == too_long
    assert any(p.get("class") == "field-error" for p in tags(response.text, "p"))
    assert store.get("graz").revision == 4


def test_reverting_a_deleted_entity_is_refused_clearly(wclient):
    store = store_of(wclient)
    login(wclient, "editor")
    page = wclient.get("/entity/alter-verein/revert/1?lang=en")
    assert page.status_code == 409 and "An administrator can restore it" in text(page.text)
    response = wclient.post(
        "/entity/alter-verein/revert/1", data={"csrf_token": csrf_token(page.text), "base_revision": "2"}
    )
    assert response.status_code == 409
    assert store.get("alter-verein").revision == 2 and store.get("alter-verein").deleted


def test_reverting_to_the_same_content_writes_nothing(wclient):
    store = store_of(wclient)
    login(wclient, "editor")
    page = wclient.get("/entity/graz/revert/1?lang=en")
    assert page.status_code == 200 and "nothing to revert" in text(page.text)
    assert input_value(page.text, "summary") is None  # no form to send
    response = wclient.post("/entity/graz/revert/1", data={"csrf_token": csrf_token(page.text), "base_revision": "1"})
    assert response.status_code == 409 and store.get("graz").revision == 1


def test_revert_to_a_revision_that_does_not_exist_is_404(wclient):
    login(wclient, "editor")
    for number in ("9", "99999999999999999999"):
        assert wclient.get(f"/entity/graz/revert/{number}").status_code == 404
    token = csrf_token(wclient.get("/").text)
    response = wclient.post("/entity/graz/revert/9", data={"csrf_token": token, "base_revision": "1"})
    assert response.status_code == 404 and store_of(wclient).get("graz").revision == 1


# --- roles ---------------------------------------------------------------------------------------


def test_readers_may_not_revert(wclient):
    store = store_of(wclient)
    graz_with_three_edits(store)
    login(wclient, "reader")
    assert wclient.get("/entity/graz/revert/2").status_code == 403
    token = csrf_token(wclient.get("/").text)
    response = wclient.post("/entity/graz/revert/2", data={"csrf_token": token, "base_revision": "4"})
    assert response.status_code == 403 and store.get("graz").revision == 4


def test_anonymous_visitors_are_sent_to_log_in_before_reverting(wclient):
    response = wclient.get("/entity/graz/revert/1")
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


# --- recent changes ------------------------------------------------------------------------------


def recent_rows(html: str) -> list[tuple[str, str]]:
    return [(r["data-entity"], r["data-revision"]) for r in rows(html, "change")]


def test_recent_changes_lists_writes_newest_first_and_filters_by_type_and_author(wclient):
    store = store_of(wclient)
    edit(store, "graz", "anna", "Graz ergänzt", lambda e: e.descriptions.update(en="Capital of Styria, Austria"))
    edit(store, "wolfgang-hinte", "bert", "Titel", lambda e: e.properties.update(title="Prof."))
    html = wclient.get("/recent?lang=en").text
    assert recent_rows(html) == [("wolfgang-hinte", "2"), ("graz", "2")]  # 2 per page in the test app
    row = html.split('data-entity="wolfgang-hinte"', 1)[1].split("</tr>", 1)[0]
    assert "Wolfgang Hinte" in text(row) and "bert" in text(row) and "Titel" in text(row) and "edited" in text(row)
    assert "/entity/wolfgang-hinte/diff?to=2" in row and "/entity/wolfgang-hinte/history" in row
    assert "/recent?page=2" in {a["href"] for a in tags(html, "a")}

    cities = wclient.get("/recent?type=City&lang=en").text
    assert recent_rows(cities) == [("graz", "2"), ("graz", "1")]
    assert next(o for o in tags(cities, "option") if o.get("value") == "City").get("selected") is not None
    annas = wclient.get("/recent?author=anna").text
    assert recent_rows(annas) == [("graz", "2")]
    assert input_value(annas, "author") == "anna"
    assert recent_rows(wclient.get("/recent?author=niemand").text) == []
    assert recent_rows(wclient.get("/recent?type=Person&author=anna").text) == []


def test_recent_changes_show_labels_in_the_ui_language(wclient):
    edit(store_of(wclient), "sozialraum-2", "anna", "Nummer", lambda e: e.properties.update(number=3))
    html = wclient.get("/recent?lang=en").text
    assert "Social space 2" in text(html)
    assert "Sozialraum 2" in text(wclient.get("/recent?lang=de").text)


@pytest.mark.parametrize(
    "url", ["/recent?type=Nope", "/recent?page=x", "/recent?author=" + "x" * 101, "/recent.atom?type=Nope"]
)
def test_bad_recent_parameters_are_400(client, url):
    assert client.get(url).status_code == 400


# --- Atom feed -----------------------------------------------------------------------------------


def feed(client, url: str = "/recent.atom"):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    return response, ET.fromstring(response.data)


def test_the_atom_feed_is_valid_atom_with_the_newest_change_first(wclient):
    store = store_of(wclient)
    edit(store, "graz", "anna", "<script>alert('feed')</script> & mehr", lambda e: setattr(e, "body", BODY_A))
    edit(store, "wolfgang-hinte", "bert", "Titel", lambda e: e.properties.update(title="Prof."))
    response, root = feed(wclient, "/recent.atom?lang=en")
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None and root.find(f"{ATOM}{name}").text
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == "http://localhost/recent.atom" and links["alternate"] == "http://localhost/recent"
    entries = root.findall(f"{ATOM}entry")
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert ids[:2] == ["http://localhost/entity/wolfgang-hinte/revisions/2", "http://localhost/entity/graz/revisions/2"]
    assert len(set(ids)) == len(ids)
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    graz = entries[1]
    assert graz.find(f"{ATOM}author/{ATOM}name").text == "anna"
    assert graz.find(f"{ATOM}link").get("href") == "http://localhost/entity/graz/diff?to=2"
    assert graz.find(f"{ATOM}title").text.startswith("Graz")
    # markup in a summary is text in the feed, never markup
    assert graz.find(f"{ATOM}summary").text == "<script>alert('feed')</script> & mehr"
    assert b"<script>" not in response.data


def test_the_atom_feed_honours_the_filters(wclient):
    store = store_of(wclient)
    edit(store, "graz", "anna", "Graz", lambda e: setattr(e, "body", BODY_A))
    edit(store, "wolfgang-hinte", "anna", "Hinte", lambda e: e.properties.update(title="Prof."))
    edit(store, "sozialraum-2", "bert", "Nummer", lambda e: e.properties.update(number=3))
    _, annas = feed(wclient, "/recent.atom?author=anna")
    assert [e.find(f"{ATOM}author/{ATOM}name").text for e in annas.findall(f"{ATOM}entry")] == ["anna", "anna"]
    self_link = next(link for link in annas.findall(f"{ATOM}link") if link.get("rel") == "self").get("href")
    assert parse_qs(urlsplit(self_link).query) == {"author": ["anna"]}
    _, cities = feed(wclient, "/recent.atom?type=City")
    terms = [e.find(f"{ATOM}category").get("term") for e in cities.findall(f"{ATOM}entry")]
    assert terms == ["City", "City"]  # graz: anna's edit and its creation
    _, nobody = feed(wclient, "/recent.atom?type=City&author=bert")
    assert nobody.findall(f"{ATOM}entry") == [] and nobody.find(f"{ATOM}updated").text


def test_recent_changes_page_links_its_filtered_feed(client):
    html = client.get("/recent?type=City&author=tester").text
    feeds = [a["href"] for a in tags(html, "a") if a.get("type") == "application/atom+xml"]
    assert feeds and parse_qs(urlsplit(feeds[0]).query) == {"type": ["City"], "author": ["tester"]}
