"""GRAPHKB_PUBLIC_READ: a wiki open to everyone (the default), or one that needs an account to read."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import _app
from .helpers import csrf_token, login

PAGES = ["/", "/entity/graz", "/types/City", "/search?q=graz", "/recent", "/entity/graz/history"]
API = ["/api/v1/types", "/api/v1/entities/graz", "/api/v1/entities?type=City", "/api/v1/search?q=graz",
       "/api/v1/stats", "/api/v1/recent"]  # fmt: skip
ALWAYS_OPEN = ["/login", "/static/style.css", "/static/account.css", "/static-types.css"]


@pytest.fixture
def gated(writable_url):
    """A client of a wiki that only account holders may read."""
    for app in _app(writable_url, GRAPHKB_PUBLIC_READ=False):
        yield app.test_client()


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_log_in_and_back(gated, url):
    response = gated.get(url)
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/login" and parse_qs(target.query)["next"] == [url]
    assert "Graz" not in response.text


@pytest.mark.parametrize("url", API)
def test_anonymous_api_clients_get_401(gated, url):
    response = gated.get(url)
    assert response.status_code == 401
    assert response.json["error"] == "login_required"
    assert "WWW-Authenticate" in response.headers
    assert "Graz" not in response.text


def test_json_clients_of_html_pages_get_401_too(gated):
    response = gated.get("/entity/graz", headers={"Accept": "application/json"})
    assert response.status_code == 401 and response.json["error"] == "login_required"


@pytest.mark.parametrize("url", ALWAYS_OPEN)
def test_the_login_page_and_static_files_stay_open(gated, url):
    with gated.get(url) as response:
        assert response.status_code == 200


def test_logging_in_leads_to_the_page_asked_for(gated):
    first = gated.get("/entity/graz?lang=en")
    login_page = gated.get(first.headers["Location"])
    assert login_page.status_code == 200
    response = gated.post(
        "/login",
        data={
            "name": "reader",
            "password": "reader-passwort-äöü",
            "next": "/entity/graz?lang=en",
            "csrf_token": csrf_token(login_page.text),
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/entity/graz?lang=en"
    page = gated.get("/entity/graz?lang=en")
    assert page.status_code == 200 and "Capital of Styria" in page.text


def test_a_logged_in_reader_reads_everything(gated):
    login(gated, "reader")
    for url in PAGES + API:
        response = gated.get(url)
        assert response.status_code == 200, url
        assert 'type="password"' not in response.text, url
    assert "Landeshauptstadt der Steiermark" in gated.get("/entity/graz").text
    assert gated.get("/api/v1/entities/graz").json["id"] == "graz"


def test_after_log_out_the_wiki_is_closed_again(gated):
    login(gated, "reader")
    assert gated.get("/entity/graz").status_code == 200
    gated.post("/logout", data={"csrf_token": csrf_token(gated.get("/").text)})
    assert gated.get("/entity/graz").status_code == 302
    assert gated.get("/api/v1/entities/graz").status_code == 401


def test_by_default_anonymous_visitors_read_everything(wclient):
    assert wclient.application.config["GRAPHKB_PUBLIC_READ"] is True
    for url in PAGES + API:
        response = wclient.get(url)
        assert response.status_code == 200, url
    assert "Set-Cookie" not in wclient.get("/entity/graz").headers  # reading needs no session
