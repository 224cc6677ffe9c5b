"""The OpenAPI document matches the implementation: every route is in it, and a schemathesis run over it
(reads, and writes with an editor's and an administrator's token) gives no server error and only
answers the document describes."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from webui import create_app
from webui.openapi import openapi_path

from .conftest import ALLIANCE

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import GenerationMode  # noqa: E402

EXAMPLES = 10  # valid cases per operation, account and store: the run stays well under a minute
NEGATIVE = 5  # invalid ones


@pytest.fixture
def api_app(writable_url):
    app = create_app({"TESTING": True, "GRAPHKB_STORE": writable_url})
    yield app
    app.extensions["graphkb_store"].close()


def token_for(app, name: str) -> str:
    from webui.api_tokens import registry

    with app.app_context():
        user = app.extensions["graphkb_store"].get().get_user(name)
        return registry().create(name, user.password_hash, "schemathesis")[1]


def test_every_api_route_is_documented_and_every_documented_route_exists(api_app):
    document = api_app.test_client().get("/api/v1/openapi.json").get_json()
    routed = {
        (openapi_path(rule.rule), method.lower())
        for rule in api_app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert routed == documented
    assert document["openapi"].startswith("3.1")


def test_the_document_names_the_roles_writes_need_and_the_ontologys_types(api_app):
    paths = api_app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    assert paths["/api/v1/entities"]["post"]["x-required-role"] == "editor"
    assert paths["/api/v1/entities/{entity_id}"]["patch"]["x-required-role"] == "editor"
    assert paths["/api/v1/entities/{entity_id}"]["delete"]["x-required-role"] == "admin"
    assert "x-required-role" not in paths["/api/v1/entities"]["get"]
    type_param = next(p for p in paths["/api/v1/entities"]["get"]["parameters"] if p["name"] == "type")
    assert {"City", "Organization", "Source"} <= set(type_param["schema"]["enum"])


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


REAL_IDS = ("graz", "sozialraum-2", ALLIANCE, "alter-verein")  # alter-verein is deleted


def _strategy(operation, mode):
    """Generated cases, and as many again on real entities (random ids are nearly always 404)."""
    strategies = [operation.as_strategy(generation_mode=mode)]
    if "{entity_id}" in operation.path:
        strategies += [operation.as_strategy(generation_mode=mode, path_parameters={"entity_id": i}) for i in REAL_IDS]
    if operation.path.endswith("/paths") and mode == GenerationMode.POSITIVE:
        strategies.append(operation.as_strategy(query={"source": "wolfgang-hinte", "target": "sozialraum-2"}))
    if operation.path.endswith("/export") and mode == GenerationMode.POSITIVE:
        strategies.append(operation.as_strategy(query={"around": "graz"}))
    return strategies[0] if len(strategies) == 1 else st.one_of(*strategies)


def _run(schema, headers: dict[str, str], methods: set[str]) -> list[str]:
    """Every operation with one of ``methods``: EXAMPLES valid and NEGATIVE invalid cases; the failures found.

    Every answer must be one the document describes (status, media type, schema): for invalid
    requests (wrong types, missing fields) that is a documented error, never a server error.
    """
    failures: list[str] = []
    checks = _checks()
    modes = [(GenerationMode.POSITIVE, EXAMPLES), (GenerationMode.NEGATIVE, NEGATIVE)]
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() not in methods:
            continue
        for mode, examples in modes:

            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=_strategy(operation, mode))
            def run(case):
                response = case.call(headers=headers)
                try:
                    case.validate_response(response, checks=checks, headers=headers)
                except Exception as exc:  # noqa: BLE001 - schemathesis' failure (group): collect, go on
                    failures.append(f"{case.method} {case.formatted_path} {case.query}: {str(exc)[:600]}")

            try:
                run()
            except Unsatisfiable:  # no parameters and no body: there is no invalid request to make
                assert mode == GenerationMode.NEGATIVE, operation.path
    return failures


@pytest.mark.parametrize(
    ("who", "methods"),
    [
        (None, {"GET", "POST", "PATCH", "DELETE"}),
        ("reader", {"POST", "PATCH", "DELETE"}),
        ("editor", {"GET", "POST", "PATCH", "DELETE"}),
        ("admin", {"POST", "PATCH", "DELETE"}),
    ],
    ids=["anonymous", "reader", "editor", "admin"],
)
def test_a_schemathesis_run_finds_no_server_error_and_no_undocumented_answer(api_app, who, methods):
    headers = {"Authorization": f"Bearer {token_for(api_app, who)}"} if who else {}
    with warnings.catch_warnings():
        # schemathesis and hypothesis warn about their own internals (pytest turns warnings into errors)
        warnings.simplefilter("ignore")
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
        failures = _run(schema, headers, methods)
    assert failures == []
    # the graph is still there and readable after the run
    assert api_app.test_client().get(f"/api/v1/entities/{ALLIANCE}").status_code in (200, 404)
