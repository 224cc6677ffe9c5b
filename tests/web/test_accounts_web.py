"""Accounts in the browser: log in and out, registration, invitations, user management, own password.

Every test runs on both stores, through the real app with CSRF on.
"""

from __future__ import annotations

import time
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from werkzeug.security import check_password_hash

from webui.auth import NotLoggedIn, WebUser, author
from webui.views.account import INVITATION_SALT, Invitation, invitation_token

from .conftest import PASSWORDS, _app
from .helpers import csrf_token, login, post_form, store_of, tags, text

NEW_PASSWORD = "Neues-Passwort-2024"
GENERIC = "Wrong user name or password."


@pytest.fixture(autouse=True)
def english(request):
    """These tests read the English messages; German is the default."""
    if "wclient" in request.fixturenames:
        request.getfixturevalue("wclient").environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def make_client(writable_url):
    """Clients of apps over the same writable graph, each app with its own settings."""
    made = []

    def make(**config):
        apps = _app(writable_url, **config)
        made.append(apps)
        client = next(apps).test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # these tests read the English messages
        return client

    yield make
    for apps in made:
        next(apps, None)  # closes that app's store


def logged_in_as(client) -> str:
    """The name in the page header ('' when anonymous)."""
    html = client.get("/").text
    who = html.split('class="who">', 1)
    return text(who[1].split("</a>", 1)[0]) if len(who) == 2 else ""


def location(response) -> str:
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def field_value(html: str, name: str) -> str | None:
    for attrs in tags(html, "input"):
        if attrs.get("name") == name:
            return attrs.get("value")
    return None


def error_of(html: str, field_id: str) -> str:
    """The error text shown next to a field (found through the field's aria-describedby)."""
    marker = f'id="{field_id}-error">'
    assert marker in html, f"no error next to {field_id}"
    return html.split(marker, 1)[1].split("<", 1)[0]


# --- log in and out ---------------------------------------------------------------------------


def test_log_in_and_out_round_trip(wclient):
    assert logged_in_as(wclient) == ""
    response = login(wclient, "editor")
    assert response.status_code == 302 and location(response) == "/"
    home = wclient.get("/").text
    assert "Logged in as editor." in text(home)
    assert logged_in_as(wclient) == "editor"

    page = wclient.get("/")
    response = wclient.post("/logout", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302 and location(response) == "/"
    assert "You are logged out." in text(wclient.get("/").text)
    assert logged_in_as(wclient) == ""


def test_log_in_goes_on_to_the_page_that_asked_for_it(wclient):
    page = wclient.get("/login?next=/entity/graz%3Flang%3Den")
    assert field_value(page.text, "next") == "/entity/graz?lang=en"
    response = wclient.post(
        "/login",
        data={
            "name": "reader",
            "password": PASSWORDS["reader"],
            "next": "/entity/graz?lang=en",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 302 and location(response) == "/entity/graz?lang=en"


def test_wrong_password_and_unknown_user_get_the_same_answer(wclient):
    wrong = login(wclient, "editor", "falsches-passwort")
    unknown = login(wclient, "niemand", "falsches-passwort")
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert GENERIC in text(response.text)
        assert field_value(response.text, "password") == ""  # the password is never sent back
    assert field_value(wrong.text, "name") == "editor"
    assert field_value(unknown.text, "name") == "niemand"
    assert text(wrong.text).replace("editor", "X") == text(unknown.text).replace("niemand", "X")
    assert logged_in_as(wclient) == ""


def test_an_empty_form_is_answered_next_to_its_fields(wclient):
    response = post_form(wclient, "/login", {"name": "", "password": ""})
    assert response.status_code == 422
    assert error_of(response.text, "name") and error_of(response.text, "password")


def test_a_disabled_account_cannot_log_in_and_loses_its_session(wclient, make_client):
    other = make_client()
    assert login(other, "editor").status_code == 302
    store = store_of(wclient)
    store.save_user(replace(store.get_user("editor"), disabled=True))

    response = login(wclient, "editor")
    assert response.status_code == 403
    assert "disabled" in text(response.text)
    assert logged_in_as(wclient) == ""
    assert logged_in_as(other) == ""  # the session opened before is over as well


OFFSITE = [
    "//evil.example/",
    "https://evil.example/",
    "http:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "evil.example",
]


def test_log_in_never_redirects_to_another_site_or_back_to_itself(wclient):
    for target in OFFSITE:
        page = wclient.get("/login", query_string={"next": target})
        assert field_value(page.text, "next") == "", target
        data = {"name": "reader", "password": PASSWORDS["reader"], "next": target, "csrf_token": csrf_token(page.text)}
        response = wclient.post("/login", data=data)
        assert response.status_code == 302 and response.headers["Location"] == "/", target
    for target in ("/login", "/login?next=/entity/graz", "/register"):  # the header's log-in link there
        response = post_form(wclient, "/login", {"name": "reader", "password": PASSWORDS["reader"], "next": target})
        assert response.headers["Location"] == "/", target


def test_remember_me_sets_a_lasting_cookie_only_when_asked(wclient):
    assert "remember_token" not in login(wclient, "reader").headers.get("Set-Cookie", "")
    page = wclient.get("/login")
    response = wclient.post(
        "/login",
        data={"name": "reader", "password": PASSWORDS["reader"], "remember": "y", "csrf_token": csrf_token(page.text)},
    )
    cookies = " ".join(response.headers.getlist("Set-Cookie"))
    assert "remember_token=" in cookies and "HttpOnly" in cookies


def test_posts_without_a_csrf_token_are_refused(wclient):
    response = wclient.post("/login", data={"name": "editor", "password": PASSWORDS["editor"]})
    assert response.status_code == 400
    assert logged_in_as(wclient) == ""
    login(wclient, "editor")
    assert wclient.post("/logout").status_code == 400
    assert logged_in_as(wclient) == "editor"


# --- rate limit -------------------------------------------------------------------------------


def test_too_many_failed_log_ins_get_429_and_other_apps_are_not_affected(make_client):
    limited = make_client(GRAPHKB_LOGIN_LIMIT="3 per minute")
    for _ in range(3):
        assert login(limited, "editor", "falsches-passwort").status_code == 401
    blocked = login(limited, "editor")  # even the right password, until the minute is over
    assert blocked.status_code == 429
    assert "Too many attempts" in text(blocked.text)
    assert "Retry-After" in blocked.headers
    assert logged_in_as(limited) == ""
    token = csrf_token(limited.get("/login").text)
    as_json = limited.post(
        "/login", data={"name": "x", "password": "y", "csrf_token": token}, headers={"Accept": "application/json"}
    )
    assert as_json.status_code == 429 and as_json.json["error"] == "too_many_requests"

    # another app in the same process counts on its own
    fresh = make_client(GRAPHKB_LOGIN_LIMIT="3 per minute")
    assert login(fresh, "editor").status_code == 302
    assert login(limited, "editor").status_code == 429


def test_successful_log_ins_do_not_use_up_the_limit(make_client):
    # many colleagues behind one office address log in at nine o'clock
    client = make_client(GRAPHKB_LOGIN_LIMIT="2 per minute")
    for name in ("reader", "editor", "admin", "reader"):
        assert login(client, name).status_code == 302


def test_registration_attempts_are_limited_too(make_client):
    client = make_client(GRAPHKB_LOGIN_LIMIT="2 per minute", GRAPHKB_REGISTRATION="open")
    statuses = [post_form(client, "/register", {"name": "a b"}).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]


# --- registration -----------------------------------------------------------------------------


def register(client, url="/register", **data):
    fields = {"name": "neue-kollegin", "email": "k@jugendamt.example", "password": NEW_PASSWORD}
    fields.update(data)
    fields.setdefault("confirm", fields["password"])
    return post_form(client, url, fields, form_page="/login")


def test_open_registration_creates_a_reader_that_is_logged_in_with_a_hashed_password(make_client):
    client = make_client(GRAPHKB_REGISTRATION="open")
    page = client.get("/register")
    assert page.status_code == 200 and field_value(page.text, "name") == ""
    response = register(client)
    assert response.status_code == 302
    assert logged_in_as(client) == "neue-kollegin"
    user = store_of(client).get_user("neue-kollegin")
    assert (user.role, user.email, user.disabled) == ("reader", "k@jugendamt.example", False)
    assert user.password_hash.startswith("scrypt:") and NEW_PASSWORD not in user.password_hash
    assert check_password_hash(user.password_hash, NEW_PASSWORD)


def test_open_registration_gives_the_configured_role(make_client):
    client = make_client(GRAPHKB_REGISTRATION="open", GRAPHKB_REGISTRATION_ROLE="editor")
    assert register(client).status_code == 302
    assert store_of(client).get_user("neue-kollegin").role == "editor"


BAD_REGISTRATIONS = [
    ({"confirm": "Anderes-Passwort-1"}, "confirm", "differ"),
    ({"password": "kurz", "confirm": "kurz"}, "password", "At least 10 characters"),
    ({"name": "editor"}, "name", "taken"),
    ({"name": "Editor"}, "name", "taken"),  # not a look-alike of an existing account either
    ({"name": "zwei wörter"}, "name", "no spaces or slashes"),
    ({"name": "a/b"}, "name", "no spaces or slashes"),
    ({"email": "keine-adresse"}, "email", "email address"),
]


def test_bad_registrations_are_shown_next_to_the_field_with_the_input_kept(make_client):
    client = make_client(GRAPHKB_REGISTRATION="open", GRAPHKB_LOGIN_LIMIT="100 per minute")
    before = [u.name for u in store_of(client).list_users()]
    for data, field, says in BAD_REGISTRATIONS:
        response = register(client, **data)
        assert response.status_code == 422, data
        assert says in error_of(response.text, field), data
        sent = {"name": "neue-kollegin", "email": "k@jugendamt.example", **data}
        assert field_value(response.text, "name") == sent["name"]
        assert field_value(response.text, "email") == sent["email"]
        assert field_value(response.text, "password") == "" and field_value(response.text, "confirm") == ""
    assert [u.name for u in store_of(client).list_users()] == before
    assert logged_in_as(client) == ""


def test_invite_only_registration_needs_an_invitation(wclient):
    page = wclient.get("/register")
    assert page.status_code == 200 and "invitation" in text(page.text)
    assert 'name="password"' not in page.text
    token = csrf_token(wclient.get("/login").text)
    response = wclient.post(
        "/register",
        data={"name": "x-y", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 403
    assert "x-y" not in [u.name for u in store_of(wclient).list_users()]


def test_closed_registration_is_not_offered(make_client):
    client = make_client(GRAPHKB_REGISTRATION="closed")
    response = client.get("/register")
    assert response.status_code == 404 and "closed" in text(response.text)
    assert "/register" not in client.get("/").text and "/register" not in client.get("/login").text
    invitation = invite(make_client(GRAPHKB_REGISTRATION="invite"), "gast", "reader")
    assert client.get(invitation).status_code == 404  # invitations do not open it either


# --- invitations ------------------------------------------------------------------------------


def invite(client, name: str, role: str, email: str = "") -> str:
    """Log in as admin, create an invitation, log out; returns the link's path and query."""
    login(client, "admin")
    response = post_form(client, "/invitations", {"name": name, "role": role, "email": email})
    assert response.status_code == 200, response.status_code
    link = next(a["value"] for a in tags(response.text, "input") if a.get("id") == "invitation-link")
    parts = urlsplit(link)
    assert parts.scheme == "http" and parts.netloc == "localhost" and parts.path == "/register"
    client.post("/logout", data={"csrf_token": csrf_token(response.text)})
    return f"{parts.path}?{parts.query}"


def test_an_invitation_creates_exactly_the_invited_account_once(wclient):
    link = invite(wclient, "neue-kollegin", "editor", "k@jugendamt.example")
    page = wclient.get(link)
    assert page.status_code == 200
    name_input = next(a for a in tags(page.text, "input") if a.get("name") == "name")
    assert name_input["value"] == "neue-kollegin" and "readonly" in name_input
    assert field_value(page.text, "email") == "k@jugendamt.example"

    # a changed name field does not change the account the invitation names
    response = register(wclient, link, name="ich-bin-admin", email="")
    assert response.status_code == 302
    assert logged_in_as(wclient) == "neue-kollegin"
    names = [u.name for u in store_of(wclient).list_users()]
    assert "neue-kollegin" in names and "ich-bin-admin" not in names
    assert store_of(wclient).get_user("neue-kollegin").role == "editor"

    wclient.post("/logout", data={"csrf_token": csrf_token(wclient.get("/").text)})
    again = wclient.get(link)
    assert again.status_code == 410 and "used" in text(again.text)
    assert register(wclient, link, password="Noch-ein-Passwort").status_code == 410
    user = store_of(wclient).get_user("neue-kollegin")
    assert check_password_hash(user.password_hash, NEW_PASSWORD)  # the account was not replaced


def test_an_invitation_for_an_existing_name_is_refused(wclient):
    login(wclient, "admin")
    response = post_form(wclient, "/invitations", {"name": "Editor", "role": "admin"})
    assert response.status_code == 422
    assert "already" in error_of(response.text, "name")
    assert "invitation-link" not in response.text


def _token(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def test_tampered_and_foreign_tokens_are_refused_clearly(wclient):
    token = _token(invite(wclient, "gast", "reader"))
    payload, rest = token.split(".", 1)
    forged = URLSafeTimedSerializer(wclient.application.secret_key, salt="another-salt").dumps(
        {"name": "gast", "role": "admin", "email": ""}
    )
    for bad in (payload[:-2] + "xx." + rest, token[:-3], "kaputt", forged, "ä" * 50):
        response = wclient.get("/register", query_string={"token": bad})
        assert response.status_code == 400, bad
        assert "not valid" in text(response.text)
    response = register(wclient, "/register?token=kaputt")
    assert response.status_code == 400
    assert "gast" not in [u.name for u in store_of(wclient).list_users()]


def test_a_token_with_a_role_that_does_not_exist_is_refused(wclient):
    with wclient.application.test_request_context():
        token = URLSafeTimedSerializer(wclient.application.secret_key, salt=INVITATION_SALT).dumps(
            {"name": "gast", "role": "owner"}
        )
    assert wclient.get("/register", query_string={"token": token}).status_code == 400


def test_an_expired_invitation_is_refused(wclient, monkeypatch):
    app = wclient.application
    days = app.config["GRAPHKB_INVITE_DAYS"]
    signed_at = int(time.time()) - days * 86400 - 60
    with monkeypatch.context() as patch, app.test_request_context():
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: signed_at)
        old = invitation_token(Invitation("gast", "editor", ""))
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: signed_at + 120)
        young = invitation_token(Invitation("gast", "editor", ""))
    response = wclient.get("/register", query_string={"token": old})
    assert response.status_code == 410 and "expired" in text(response.text)
    assert register(wclient, f"/register?token={old}").status_code == 410
    assert wclient.get("/register", query_string={"token": young}).status_code == 200
    assert "gast" not in [u.name for u in store_of(wclient).list_users()]


# --- user management --------------------------------------------------------------------------


def update_user(client, name: str, **data):
    return post_form(client, f"/users/{name}", data, form_page="/users")


def test_admins_see_every_account(wclient):
    login(wclient, "admin")
    page = wclient.get("/users")
    assert page.status_code == 200
    rows = [row for row in page.text.split("<tr")[2:]]
    assert [text("<tr" + row).split(" ")[0] for row in rows] == ["admin", "editor", "reader"]
    assert len([a for a in tags(page.text, "form") if a.get("action", "").startswith("/users/")]) == 3


def test_a_role_change_takes_effect_on_the_next_request(wclient, make_client):
    reader = make_client()
    login(reader, "reader")
    assert "(Reader)" in text(reader.get("/").text)
    assert 'href="/create"' not in reader.get("/").text

    login(wclient, "admin")
    response = update_user(wclient, "reader", role="editor")
    assert response.status_code == 302 and location(response) == "/users"
    assert "reader is now: Editor." in text(wclient.get("/users").text)

    page = reader.get("/").text  # same session, no new log-in
    assert "(Editor)" in text(page) and 'href="/create"' in page

    assert update_user(wclient, "reader", role="editor", disabled="y").status_code == 302
    assert store_of(wclient).get_user("reader").disabled
    assert logged_in_as(reader) == ""
    assert login(reader, "reader").status_code == 403


def test_the_last_active_admin_cannot_be_demoted_or_disabled(wclient):
    login(wclient, "admin")
    for data in ({"role": "editor"}, {"role": "admin", "disabled": "y"}):
        response = update_user(wclient, "admin", **data)
        assert response.status_code == 409
        assert "last active administrator" in text(response.text)
    user = store_of(wclient).get_user("admin")
    assert (user.role, user.disabled) == ("admin", False)

    # with a second admin it is allowed; the former admin lands on the home page
    assert update_user(wclient, "editor", role="admin").status_code == 302
    response = update_user(wclient, "admin", role="reader")
    assert response.status_code == 302 and location(response) == "/"
    assert store_of(wclient).get_user("admin").role == "reader"
    assert wclient.get("/users").status_code == 403


def test_bad_user_updates_are_refused(wclient):
    login(wclient, "admin")
    response = update_user(wclient, "reader", role="owner")
    assert response.status_code == 422
    assert error_of(response.text, "role-3")  # the reader's row (third by name)
    assert store_of(wclient).get_user("reader").role == "reader"
    assert update_user(wclient, "niemand", role="editor").status_code == 404


# --- own account ------------------------------------------------------------------------------


def test_a_password_change_ends_the_other_sessions(wclient, make_client):
    elsewhere = make_client()
    login(elsewhere, "editor")
    login(wclient, "editor")
    response = post_form(
        wclient, "/account", {"current": PASSWORDS["editor"], "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert logged_in_as(wclient) == "editor"  # this session goes on
    assert logged_in_as(elsewhere) == ""  # the other one ended
    assert login(elsewhere, "editor").status_code == 401
    assert login(elsewhere, "editor", NEW_PASSWORD).status_code == 302
    user = store_of(wclient).get_user("editor")
    assert user.password_hash.startswith("scrypt:") and NEW_PASSWORD not in user.password_hash


def login_remembered(client, name: str) -> None:
    page = client.get("/login")
    data = {"name": name, "password": PASSWORDS[name], "remember": "y", "csrf_token": csrf_token(page.text)}
    assert client.post("/login", data=data).status_code == 302


def test_a_password_change_keeps_this_devices_remember_me_and_ends_the_others(wclient, make_client):
    elsewhere = make_client()
    login_remembered(elsewhere, "editor")
    login_remembered(wclient, "editor")
    data = {"current": PASSWORDS["editor"], "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert post_form(wclient, "/account", data).status_code == 302
    for client in (wclient, elsewhere):  # the browsers restart: only the remember-me cookie is left
        client.delete_cookie("session")
    assert logged_in_as(wclient) == "editor"
    assert logged_in_as(elsewhere) == ""


def test_a_bad_password_change_changes_nothing(wclient):
    login(wclient, "editor")
    for data, field in [
        ({"current": "falsches-passwort"}, "current"),
        ({"confirm": "Anderes-Passwort-1"}, "confirm"),
        ({"password": "kurz", "confirm": "kurz"}, "password"),
    ]:
        fields = {"current": PASSWORDS["editor"], "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, **data}
        response = post_form(wclient, "/account", fields)
        assert response.status_code == 422, data
        assert error_of(response.text, field), data
        assert all(field_value(response.text, name) == "" for name in ("current", "password", "confirm"))
    assert check_password_hash(store_of(wclient).get_user("editor").password_hash, PASSWORDS["editor"])


def test_the_own_account_page_needs_a_log_in(wclient):
    response = wclient.get("/account")
    assert response.status_code == 302 and location(response) == "/login?next=/account"


# --- authorship -------------------------------------------------------------------------------


def test_revisions_are_written_in_the_logged_in_users_name(wclient):
    app = wclient.application
    with app.test_request_context():
        with pytest.raises(NotLoggedIn):
            author()
    with app.test_request_context():
        from flask_login import login_user

        login_user(WebUser(store_of(wclient).get_user("editor")))
        assert author() == "editor"
