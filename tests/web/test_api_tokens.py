"""API tokens: made and revoked on the account page, kept only as a hash in the store, checked on every request.

A token acts with its account's current role; revoking it, revoking all, a password change, a
disabled account or a demotion take effect at once. Token requests need no CSRF token, session
requests that write to the API still do.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

import pytest

from webui import create_app

from .helpers import csrf_token, login, post_form, text

ENTITIES = "/api/v1/entities"
TOKEN = re.compile(r"gkb_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


@pytest.fixture
def api_app(writable_url):
    app = create_app({"TESTING": True, "GRAPHKB_STORE": writable_url})
    yield app
    app.extensions["graphkb_store"].close()


@pytest.fixture
def browser(api_app):
    client = api_app.test_client()
    client.get("/?lang=en")  # the page texts below are the English ones
    return client


def make_token(client, label: str = "Auswertung") -> str:
    """Create a token on the account page (the logged-in user's) and read it off the answer."""
    response = post_form(client, "/account/tokens", {"label": label}, form_page="/account")
    assert response.status_code == 201, response.status_code
    return TOKEN.search(response.text).group(0)


def revoke(client, token_id: str):
    return post_form(client, "/account/tokens/revoke", {"token_id": token_id}, form_page="/account")


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def person(label: str) -> dict:
    return {"type": "Person", "labels": {"de": label}}


def test_a_token_made_on_the_account_page_lets_a_program_write_as_that_account(api_app, browser):
    login(browser, "editor")
    token = make_token(browser)
    program = api_app.test_client()  # no cookies: only the token
    response = program.post(ENTITIES, json=person("Frank Früchtel"), headers=auth(token))
    assert response.status_code == 201, response.json
    assert response.json["revision"]["author"] == "editor"
    assert "Set-Cookie" not in response.headers  # a token request starts no session


def test_the_token_is_shown_once_and_only_its_hash_is_kept(api_app, browser):
    login(browser, "editor")
    token = make_token(browser, "Notizbuch")
    page = browser.get("/account").text
    assert token not in page
    assert "Notizbuch" in text(page) and token[:16] in page  # listed by name and its public start
    secret = token[len("gkb_0123456789ab_") :]  # the secret itself may hold "_"
    [record] = api_app.extensions["graphkb_store"].get().list_api_tokens("editor")
    assert (record.id, record.label) == (token[4:16], "Notizbuch")
    assert record.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(record)


def test_tokens_live_in_the_store_so_every_app_on_it_accepts_them_and_no_side_file_is_made(
    api_app, browser, writable_url, tmp_path
):
    login(browser, "editor")
    token = make_token(browser)
    other_host = create_app({"TESTING": True, "GRAPHKB_STORE": writable_url})  # another worker or host
    try:
        assert other_host.test_client().get("/api/v1/stats", headers=auth(token)).status_code == 200
    finally:
        other_host.extensions["graphkb_store"].close()
    assert not [p.name for p in tmp_path.rglob("*token*")]


def test_a_revoked_token_is_refused_with_401_even_for_reading(api_app, browser):
    login(browser, "editor")
    token = make_token(browser)
    program = api_app.test_client()
    assert program.get("/api/v1/stats", headers=auth(token)).status_code == 200
    assert revoke(browser, token[4:16]).status_code == 302
    refused = program.get("/api/v1/stats", headers=auth(token))
    assert refused.status_code == 401 and refused.json["error"] == "invalid_token"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert program.post(ENTITIES, json=person("X"), headers=auth(token)).status_code == 401


def test_revoking_all_ends_every_token_of_that_account_and_no_other(api_app, browser):
    login(browser, "editor")
    first, second = make_token(browser, "eins"), make_token(browser, "zwei")
    other = api_app.test_client()
    other.get("/?lang=en")
    login(other, "admin")
    admins = make_token(other)
    assert revoke(browser, "all").status_code == 302
    program = api_app.test_client()
    assert [program.get("/api/v1/stats", headers=auth(t)).status_code for t in (first, second, admins)] == [
        401,
        401,
        200,
    ]


def test_nobody_revokes_another_accounts_token(api_app, browser):
    login(browser, "admin")
    admins = make_token(browser)
    editor = api_app.test_client()
    editor.get("/?lang=en")
    login(editor, "editor")
    assert revoke(editor, admins[4:16]).status_code == 404
    assert api_app.test_client().get("/api/v1/stats", headers=auth(admins)).status_code == 200


def test_a_password_change_ends_the_accounts_tokens(api_app, browser):
    from .conftest import PASSWORDS

    login(browser, "editor")
    token = make_token(browser)
    new = "ein-ganz-neues-passwort"
    changed = post_form(browser, "/account", {"current": PASSWORDS["editor"], "password": new, "confirm": new})
    assert changed.status_code == 302
    assert api_app.test_client().get("/api/v1/stats", headers=auth(token)).status_code == 401
    assert "You have no API tokens" in browser.get("/account").text


def test_a_token_has_its_accounts_current_role(api_app, browser):
    login(browser, "editor")
    token = make_token(browser)
    program = api_app.test_client()
    assert program.delete(f"{ENTITIES}/graz?base_revision=1&reason=x", headers=auth(token)).status_code == 403
    store = api_app.extensions["graphkb_store"].get()
    store.save_user(replace(store.get_user("editor"), role="reader"))
    demoted = program.post(ENTITIES, json=person("X"), headers=auth(token))
    assert demoted.status_code == 403 and demoted.json["error"] == "forbidden"
    store.save_user(replace(store.get_user("editor"), disabled=True))
    assert program.get("/api/v1/stats", headers=auth(token)).status_code == 401


def test_a_reader_token_reads_but_cannot_write(api_app, browser):
    login(browser, "reader")
    token = make_token(browser)
    program = api_app.test_client()
    assert program.get("/api/v1/entities/graz", headers=auth(token)).status_code == 200
    assert program.post(ENTITIES, json=person("X"), headers=auth(token)).status_code == 403
    assert program.patch(f"{ENTITIES}/graz", json={"base_revision": 1}, headers=auth(token)).status_code == 403


@pytest.mark.parametrize("header", ["Bearer gkb_000000000000_" + "A" * 43, "Bearer nonsense", "Bearer ", "bearer x y"])
def test_a_wrong_token_is_401_not_anonymous_reading(api_app, header):
    response = api_app.test_client().get("/api/v1/stats", headers={"Authorization": header})
    assert response.status_code == 401 and response.json["error"] == "invalid_token"


def test_token_writes_need_no_csrf_token_but_session_writes_do(api_app, browser):
    login(browser, "editor")
    without = browser.post(ENTITIES, json=person("Ohne Token"))
    assert without.status_code == 400 and without.json["error"] == "csrf_failed"
    with_csrf = browser.post(
        ENTITIES, json=person("Mit Token"), headers={"X-CSRFToken": csrf_token(browser.get("/").text)}
    )
    assert with_csrf.status_code == 201 and with_csrf.json["revision"]["author"] == "editor"
    token = make_token(browser)
    assert api_app.test_client().post(ENTITIES, json=person("Programm"), headers=auth(token)).status_code == 201


def test_a_token_opens_the_api_only_not_the_html_pages(api_app, browser):
    login(browser, "editor")
    token = make_token(browser)
    program = api_app.test_client()
    page = program.get("/account", headers=auth(token))
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_tokens_open_the_api_where_reading_needs_an_account(writable_url):
    app = create_app({"TESTING": True, "GRAPHKB_STORE": writable_url, "GRAPHKB_PUBLIC_READ": False})
    try:
        browser = app.test_client()
        browser.get("/login?lang=en")
        login(browser, "reader")
        token = make_token(browser)
        program = app.test_client()
        assert program.get("/api/v1/stats").status_code == 401
        assert program.get("/api/v1/stats", headers=auth(token)).status_code == 200
    finally:
        app.extensions["graphkb_store"].close()


def test_a_token_needs_a_name_and_an_account_has_at_most_twenty(browser):
    from webui.api_tokens import MAX_TOKENS

    login(browser, "reader")
    unnamed = post_form(browser, "/account/tokens", {"label": "  "}, form_page="/account")
    assert unnamed.status_code == 422
    for i in range(MAX_TOKENS):
        make_token(browser, f"Token {i}")
    too_many = post_form(browser, "/account/tokens", {"label": "noch einer"}, form_page="/account")
    assert too_many.status_code == 422 and "At most 20 tokens" in too_many.text


def test_anonymous_visitors_cannot_make_tokens(browser):
    token = csrf_token(browser.get("/login").text)
    response = browser.post("/account/tokens", data={"csrf_token": token, "label": "x"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
