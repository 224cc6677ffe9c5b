"""The role matrix: every write route × anonymous, reader, editor, admin, on both stores.

The routes come from the app's URL map, so a new write route without an entry in ``EXPECTED``
or ``PUBLIC`` fails the suite instead of going unchecked. "Allowed" means only that the role
check let the request through: the made-up form data may still be answered with 422, 409, 404
or (for a route not written yet) 501.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Flask

from webui import create_app
from webui.auth import ROLE_RANK

from .helpers import csrf_token, login

# Who may use each write route: the lowest role that passes.
EXPECTED = {
    "account.profile": "reader",
    "account.users": "admin",
    "account.user_update": "admin",
    "account.invite": "admin",
    "edit.create": "editor",
    "edit.edit": "editor",
    "edit.statement_add": "editor",
    "edit.statement_edit": "editor",
    "edit.statement_remove": "editor",
    "edit.preview": "editor",
    "history.revert": "editor",
    "history.delete": "admin",
    "history.restore": "admin",
    "account.token_create": "reader",
    "account.token_revoke": "reader",
    "api.create_entity": "editor",
    "api.update_entity": "editor",
    "api.delete_entity": "admin",
}
# POST routes anyone may use (CSRF still applies).
PUBLIC = {"account.login", "account.logout", "account.register"}

JSON = {"Accept": "application/json"}
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def write_routes(app: Flask) -> list[tuple[str, str, object]]:
    """(endpoint, method, rule) of every writing route and of the GET of every role-guarded view."""
    routes = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        routes.extend((rule.endpoint, method, rule) for method in WRITES if method in rule.methods)
        if "GET" in rule.methods and getattr(view, "required_role", None):
            routes.append((rule.endpoint, "GET", rule))
    return sorted(routes, key=lambda r: (r[0], r[1]))


def checked_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, URL) of every route the matrix checks, with real ids from the small graph."""
    store = app.extensions["graphkb_store"].get()
    values = {
        "entity_id": "graz",
        "statement_id": store.get("graz").statements[0].id,
        "number": 1,
        "name": "reader",
    }
    adapter = app.url_map.bind("localhost")
    routes = []
    for endpoint, method, rule in write_routes(app):
        if endpoint in PUBLIC:
            continue
        missing = set(rule.arguments) - set(values)
        assert not missing, f"{rule.rule}: no test value for {missing}; add one to checked_routes"
        url = adapter.build(endpoint, {arg: values[arg] for arg in rule.arguments}, method=method)
        routes.append((endpoint, method, url))
    return routes


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def is_api(url: str) -> bool:
    return url.startswith("/api/")


def send(client, method: str, url: str, token: str | None, headers=None):
    if method == "GET":
        return client.get(url, headers=headers)
    return client.open(url, method=method, data={"csrf_token": token} if token else {}, headers=headers)


def test_every_write_route_has_an_expected_role(tmp_path):
    app = create_app({"TESTING": True, "GRAPHKB_STORE": f"sqlite:///{tmp_path / 'never-opened.sqlite3'}"})
    routes = write_routes(app)
    unknown = sorted({f"{method} {rule.rule} ({endpoint})" for endpoint, method, rule in routes
                      if endpoint not in EXPECTED and endpoint not in PUBLIC})  # fmt: skip
    assert unknown == [], "add these routes to EXPECTED (with their role) or to PUBLIC in test_roles.py"
    endpoints = {endpoint for endpoint, _, _ in routes}
    assert set(EXPECTED) <= endpoints, f"no longer routes: {set(EXPECTED) - endpoints}"
    assert {"account.login", "account.logout", "account.register"} <= endpoints
    for endpoint, role in EXPECTED.items():
        assert getattr(app.view_functions[endpoint], "required_role", None) == role, endpoint
    for endpoint in PUBLIC:
        assert getattr(app.view_functions[endpoint], "required_role", None) is None, endpoint


def test_anonymous_visitors_are_sent_to_log_in_or_get_401(wclient):
    token = csrf_token(wclient.get("/login").text)  # the form's token: CSRF is checked before the role
    wrong = []
    for endpoint, method, url in checked_routes(wclient.application):
        page = send(wclient, method, url, token)
        if is_api(url):  # the API answers JSON, whatever the client accepts
            if page.status_code != 401 or page.json.get("error") != "login_required":
                wrong.append(f"{method} {url} ({endpoint}): {page.status_code}, not 401")
        elif not is_login_redirect(page):
            wrong.append(f"{method} {url} ({endpoint}): HTML {page.status_code}, not a redirect to /login")
        elif method == "GET" and "next=" not in page.headers["Location"]:
            wrong.append(f"{method} {url}: the log-in page does not lead back")
        api = send(wclient, method, url, token, JSON)
        if api.status_code != 401 or api.json.get("error") != "login_required":
            wrong.append(f"{method} {url} ({endpoint}): JSON {api.status_code}, not 401")
    assert wrong == []


@pytest.mark.parametrize("role", ["reader", "editor", "admin"])
def test_each_role_passes_exactly_the_checks_of_its_rank(wclient, role):
    assert login(wclient, role).status_code == 302
    token = csrf_token(wclient.get("/").text)
    wrong = []
    for endpoint, method, url in checked_routes(wclient.application):
        allowed = ROLE_RANK[role] >= ROLE_RANK[EXPECTED[endpoint]]
        for headers in (None, JSON):
            response = send(wclient, method, url, token, headers)
            kind = "JSON" if headers else "HTML"
            if allowed and (response.status_code in (401, 403) or is_login_redirect(response)):
                wrong.append(f"{method} {url} ({endpoint}) {kind}: refused with {response.status_code}")
            if not allowed and response.status_code != 403:
                wrong.append(f"{method} {url} ({endpoint}) {kind}: {response.status_code}, not 403")
    assert wrong == [], f"as {role}"
    assert wclient.get("/account").status_code == 200  # still logged in as the same account afterwards
    assert f">{role}</a> <span" in wclient.get("/").text


def test_a_post_without_csrf_token_is_refused_before_anything_else(wclient):
    login(wclient, "admin")
    writes = [(e, m, url) for e, m, url in checked_routes(wclient.application) if m in WRITES]
    assert {m for _, m, _ in writes} == set(WRITES) - {"PUT"}
    for endpoint, method, url in writes:
        response = wclient.open(url, method=method, data={})
        assert response.status_code == 400, f"{method} {url} ({endpoint})"
        assert wclient.open(url, method=method, data={}, headers=JSON).json["error"] == "csrf_failed"
