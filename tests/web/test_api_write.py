"""Writing through the JSON API with tokens: create, change on a base revision (409 when stale), delete.

Every write records the token's account as author and a summary; bad input is a 400 naming the field.
"""

from __future__ import annotations

import pytest

from webui import create_app

from .conftest import ALLIANCE

ENTITIES = "/api/v1/entities"


@pytest.fixture
def api_app(writable_url):
    app = create_app({"TESTING": True, "GRAPHKB_STORE": writable_url})
    yield app
    app.extensions["graphkb_store"].close()


def bearer(app, name: str) -> dict[str, str]:
    from webui.api_tokens import registry

    with app.app_context():
        user = app.extensions["graphkb_store"].get().get_user(name)
        return {"Authorization": f"Bearer {registry().create(name, user.password_hash, 'test')[1]}"}


@pytest.fixture
def editor(api_app):
    return api_app.test_client(), bearer(api_app, "editor")


@pytest.fixture
def admin(api_app):
    return api_app.test_client(), bearer(api_app, "admin")


NEW_ORGANISATION = {
    "type": "Organization",
    "labels": {"de": "Verein für Sozialraumarbeit", "en": "Association for social space work"},
    "descriptions": {"de": "Ein freier Träger"},
    "statements": [{"type": "LOCATED_IN", "target": "graz"}],
    "summary": "Neuer Träger aus dem Bericht",
}


def test_an_editor_token_creates_an_entity_recorded_with_its_author_and_summary(editor):
    client, token = editor
    response = client.post(ENTITIES, json=NEW_ORGANISATION, headers=token)
    assert response.status_code == 201, response.json
    entity = response.json["entity"]
    assert entity["id"] == "verein-für-sozialraumarbeit" and entity["revision"] == 1
    assert entity["statements"][0]["target"] == "graz" and entity["statements"][0]["id"]
    assert response.headers["Location"].endswith("/api/v1/entities/verein-f%C3%BCr-sozialraumarbeit")
    revision = response.json["revision"]
    assert (revision["author"], revision["summary"], revision["action"]) == (
        "editor",
        NEW_ORGANISATION["summary"],
        "create",
    )
    assert client.get(response.headers["Location"]).json["labels"]["de"] == "Verein für Sozialraumarbeit"
    incoming = client.get("/api/v1/entities/graz").json["incoming"]
    assert "verein-für-sozialraumarbeit" in {i["subject"]["id"] for i in incoming}


def test_a_write_without_a_summary_says_it_came_through_the_api(editor):
    client, token = editor
    body = {"type": "Person", "labels": {"de": "Maria Lüttringhaus"}}
    assert client.post(ENTITIES, json=body, headers=token).json["revision"]["summary"] == "Created via the API"


def test_a_change_replaces_the_fields_given_and_keeps_the_others(editor):
    client, token = editor
    before = client.get("/api/v1/entities/graz").json
    change = {"base_revision": before["revision"], "body": "Zweitgrößte Stadt Österreichs.", "summary": "Text"}
    response = client.patch("/api/v1/entities/graz", json=change, headers=token)
    assert response.status_code == 200, response.json
    after = response.json["entity"]
    assert after["revision"] == before["revision"] + 1 and after["body"] == "Zweitgrößte Stadt Österreichs."
    assert after["labels"] == before["labels"] and after["statements"] == before["statements"]
    assert (response.json["revision"]["author"], response.json["revision"]["summary"]) == ("editor", "Text")


def test_what_a_get_answers_can_be_changed_and_sent_back(editor):
    client, token = editor
    data = client.get("/api/v1/entities/sozialraum-2").json
    data.pop("incoming"), data.pop("incoming_limit")
    data["labels"]["en"] = "Social area 2"
    data["base_revision"] = data["revision"]
    response = client.patch("/api/v1/entities/sozialraum-2", json=data, headers=token)
    assert response.status_code == 200, response.json
    assert response.json["entity"]["labels"] == {"de": "Sozialraum 2", "en": "Social area 2"}


def test_a_change_based_on_a_stale_revision_is_409_with_the_current_revision_and_writes_nothing(editor):
    client, token = editor
    first = client.patch("/api/v1/entities/graz", json={"base_revision": 1, "body": "eins"}, headers=token)
    assert first.status_code == 200
    stale = client.patch("/api/v1/entities/graz", json={"base_revision": 1, "body": "zwei"}, headers=token)
    assert stale.status_code == 409
    assert stale.json["error"] == "edit_conflict" and stale.json["field"] == "base_revision"
    assert stale.json["current_revision"] == 2 and stale.json["current"]["number"] == 2
    assert stale.json["current"]["snapshot"]["body"] == "eins" and stale.json["current"]["author"] == "editor"
    assert client.get("/api/v1/entities/graz").json["body"] == "eins"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "Organization", "labels": {"de": 5}}, "labels.de"),
        ({"type": "Organization", "labels": {"de": "X", "fr": "X"}}, "labels.fr"),
        ({"type": "Organization", "labels": ["X"]}, "labels"),
        ({"type": "Organization", "label": {"de": "X"}, "labels": {"de": "X"}}, "label"),
        ({"type": "Organization", "labels": {"de": ""}}, "labels.de"),
        ({"type": "Planet", "labels": {"de": "X"}}, "type"),
        ({"labels": {"de": "X"}}, "type"),
        ({"type": "Organization", "labels": {"de": "X"}, "statements": [{"type": "LOCATED_IN", "target": "nirgends"}]},
         "statements[0].target"),
        ({"type": "Organization", "labels": {"de": "X"}, "statements": [{"type": "LOCATED_IN", "target": 3}]},
         "statements[0].target"),
        ({"type": "Organization", "labels": {"de": "X"}, "statements": [{"type": "LOCATED_IN", "target": "graz",
          "citations": [{"source": "grazer-bericht", "quote": ""}]}]}, "statements[0].citations[0].quote"),
        ({"type": "Organization", "labels": {"de": "X"}, "statements": "graz"}, "statements"),
        ({"type": "Organization", "labels": {"de": "X"}, "properties": []}, "properties"),
        ({"type": "Organization", "labels": {"de": "X"}, "summary": 7}, "summary"),
    ],
)  # fmt: skip
def test_bad_input_is_400_naming_the_field(editor, body, field):
    client, token = editor
    response = client.post(ENTITIES, json=body, headers=token)
    assert response.status_code == 400, response.json
    assert response.json["error"] == "validation_error" and response.json["field"] == field


@pytest.mark.parametrize(
    ("body", "field"),
    [({"body": "x"}, "base_revision"), ({"base_revision": "1"}, "base_revision"),
     ({"base_revision": True}, "base_revision"), ({"base_revision": 1, "type": "Person"}, "type"),
     ({"base_revision": 1, "id": "wien"}, "id")],
)  # fmt: skip
def test_a_change_needs_its_base_revision_and_keeps_type_and_id(editor, body, field):
    client, token = editor
    response = client.patch("/api/v1/entities/graz", json=body, headers=token)
    assert response.status_code == 400 and response.json["field"] == field


def test_a_body_that_is_not_json_is_refused_with_4xx_not_500(editor):
    client, token = editor
    assert client.post(ENTITIES, data="type=City", headers=token).status_code == 415
    garbled = client.post(ENTITIES, data="{not json", headers={**token, "Content-Type": "application/json"})
    assert garbled.status_code == 400 and garbled.json["error"] == "validation_error"
    listed = client.post(ENTITIES, json=["City"], headers=token)
    assert listed.status_code == 400


def test_an_id_that_is_taken_is_409(editor):
    client, token = editor
    response = client.post(ENTITIES, json={"type": "City", "id": "graz", "labels": {"de": "Graz"}}, headers=token)
    assert response.status_code == 409 and response.json["error"] == "conflict"


def test_an_administrator_deletes_with_a_reason_and_the_history_records_it(admin):
    client, token = admin
    response = client.delete("/api/v1/entities/wolfgang-hinte?base_revision=1&reason=Doppelt", headers=token)
    assert response.status_code == 409 and "graz" in response.json["referrers"]  # Graz still points at him
    created = client.post(ENTITIES, json={"type": "Person", "labels": {"de": "Niemand"}}, headers=token).json
    deleted = client.delete(f"/api/v1/entities/{created['entity']['id']}?base_revision=1&reason=Angelegt aus Versehen",
                            headers=token)  # fmt: skip
    assert deleted.status_code == 200, deleted.json
    assert deleted.json["entity"]["deleted"] is True
    assert (deleted.json["revision"]["action"], deleted.json["revision"]["author"]) == ("delete", "admin")
    assert deleted.json["revision"]["summary"] == "Angelegt aus Versehen"


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [("base_revision=1", 400, "reason"), ("reason=weg", 400, "base_revision"),
     ("base_revision=abc&reason=weg", 400, "base_revision"), ("base_revision=9&reason=weg", 409, "base_revision")],
)  # fmt: skip
def test_a_deletion_needs_its_base_revision_and_a_reason(admin, query, status, field):
    client, token = admin
    response = client.delete(f"/api/v1/entities/{ALLIANCE}?{query}", headers=token)
    assert response.status_code == status and response.json["field"] == field
    assert client.get(f"/api/v1/entities/{ALLIANCE}").json["deleted"] is False


def test_a_deleted_entity_cannot_be_changed_or_deleted_again(admin):
    client, token = admin
    changed = client.patch("/api/v1/entities/alter-verein", json={"base_revision": 2, "body": "x"}, headers=token)
    assert changed.status_code == 409 and changed.json["error"] == "conflict"
    again = client.delete("/api/v1/entities/alter-verein?base_revision=2&reason=nochmal", headers=token)
    assert again.status_code == 409


def test_writes_to_unknown_entities_are_404(admin):
    client, token = admin
    assert client.patch("/api/v1/entities/wien", json={"base_revision": 1}, headers=token).status_code == 404
    assert client.delete("/api/v1/entities/wien?base_revision=1&reason=x", headers=token).status_code == 404
    assert client.patch("/api/v1/entities/%20", json={"base_revision": 1}, headers=token).status_code == 404


def test_a_practice_and_its_outcome_written_through_the_api_appear_in_the_evidence_map(editor):
    client, token = editor
    outcome = {"type": "Outcome", "id": "weniger-unterbringungen", "labels": {"de": "Weniger Unterbringungen"}}
    assert client.post(ENTITIES, json=outcome, headers=token).status_code == 201
    claim = {"source": "grazer-bericht", "quote": "deutlich weniger Fremdunterbringungen", "locator": "Absatz 9"}
    practice = {
        "type": "Practice",
        "id": "fallunspezifische-arbeit",
        "labels": {"de": "Fallunspezifische Arbeit"},
        "statements": [{"type": "LEADS_TO", "target": "weniger-unterbringungen",
                        "qualifiers": {"evidence_level": "evaluation"}, "citations": [claim]}],
    }  # fmt: skip
    assert client.post(ENTITIES, json=practice, headers=token).status_code == 201
    data = client.get("/api/v1/evidence").json
    (cell,) = data["cells"]
    assert (cell["practice"], cell["outcome"], cell["direct"], cell["citations"]) == (
        "fallunspezifische-arbeit", "weniger-unterbringungen", 1, 1
    )  # fmt: skip
    assert cell["best_level"] == "evaluation" and cell["paths"][0]
    assert "paths" not in client.get("/api/v1/evidence?paths=no").json["cells"][0]
    assert client.get("/api/v1/evidence?level=study").json["cells"] == []
    only_report = client.get("/api/v1/evidence?source=grazer-bericht").json["cells"]
    assert [c["practice"] for c in only_report] == ["fallunspezifische-arbeit"]
