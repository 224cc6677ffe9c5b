"""Anonymous readers get entity pages from the page cache, never older than the graph they see."""

from __future__ import annotations

from graphkb.model import Entity
from webui.page_cache import EXTENSION

from .helpers import login, store_of

URL = "/entity/graz"


def cache_of(client):
    return client.application.extensions[EXTENSION]


def rename_graz(store, label: str) -> None:
    graz = store.get("graz")
    graz.labels = {**graz.labels, "de": label}
    store.update(graz, base_revision=graz.revision, author="tester", summary="rename")


def test_a_second_anonymous_visit_is_served_from_the_cache(wclient):
    first = wclient.get(URL)
    hits = cache_of(wclient).hits
    second = wclient.get(URL)
    assert first.status_code == second.status_code == 200
    assert second.text == first.text
    assert cache_of(wclient).hits == hits + 1


def test_an_edit_anywhere_is_seen_on_the_next_visit(wclient):
    assert "Graz" in wclient.get(URL).text
    rename_graz(store_of(wclient), "Graz an der Mur")
    assert "Graz an der Mur" in wclient.get(URL).text
    # a page that only links to Graz shows the new label too: the whole graph's version counts
    store_of(wclient).create(
        Entity(type="City", id="leoben", labels={"de": "Leoben", "en": "Leoben"}), author="tester", summary="new"
    )
    assert "Leoben" in wclient.get("/entity/leoben").text


def test_languages_and_query_strings_are_cached_apart(wclient):
    german = wclient.get(URL, headers={"Accept-Language": "de"}).text
    english = wclient.get(URL, headers={"Accept-Language": "en"}).text
    assert 'lang="de"' in german and 'lang="en"' in english
    assert wclient.get(URL + "?lang=en", headers={"Accept-Language": "de"}).text.count('<html lang="en"') == 1


def test_a_logged_in_editor_gets_their_own_page_and_never_leaves_it_in_the_cache(writable_app):
    anonymous, editor = writable_app.test_client(), writable_app.test_client()
    anonymous.get(URL)
    login(editor, "editor")
    page = editor.get(URL).text
    assert "/entity/graz/edit" in page and 'name="csrf-token"' in page
    again = anonymous.get(URL).text
    assert "/entity/graz/edit" not in again and "csrf" not in again


def test_a_browser_revalidates_and_gets_304_while_the_graph_is_unchanged(wclient):
    first = wclient.get(URL)
    etag = first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]
    assert wclient.get(URL, headers={"If-None-Match": etag}).status_code == 304
    rename_graz(store_of(wclient), "Graz (Steiermark)")
    changed = wclient.get(URL, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Graz (Steiermark)" in changed.text


def test_a_missing_entity_is_a_404_and_is_not_cached(wclient):
    assert wclient.get("/entity/gibt-es-nicht").status_code == 404
    assert wclient.get("/entity/gibt-es-nicht").status_code == 404
    assert not any(key[0] == ("entity", "gibt-es-nicht") for key in cache_of(wclient).pages)


def test_the_cache_keeps_at_most_its_size(writable_url):
    from .conftest import _app

    for app in _app(writable_url, GRAPHKB_PAGE_CACHE=2):
        client = app.test_client()
        for entity_id in ("graz", "sozialraum-2", "grazer-bericht"):
            assert client.get(f"/entity/{entity_id}").status_code == 200
        assert [key[0][1] for key in app.extensions[EXTENSION].pages] == ["sozialraum-2", "grazer-bericht"]


def test_a_cache_size_of_zero_turns_it_off(writable_url):
    from .conftest import _app

    for app in _app(writable_url, GRAPHKB_PAGE_CACHE=0):
        response = app.test_client().get(URL)
        assert response.status_code == 200 and "ETag" not in response.headers
        assert EXTENSION not in app.extensions
