"""Soft delete and restore by administrators, through the real forms on both stores, CSRF on."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from graphkb.model import Entity, Statement

from .helpers import csrf_token, input_value, login, post_page_form, store_of, tags, text

ALLIANCE = "trägerverbünde-in-graz"


def actions(store, entity_id: str) -> list[tuple[str, str]]:
    return [(r.action, r.author) for r in store.history(entity_id)]


def test_delete_needs_a_reason(wclient):
    store = store_of(wclient)
    login(wclient, "admin")
    page = wclient.get("/entity/jugend-am-werk/delete?lang=en")
    assert page.status_code == 200
    reason = next(a for a in tags(page.text, "input") if a.get("name") == "reason")
    assert "required" in reason and reason["maxlength"] == "500"
    assert any(label.get("for") == reason["id"] for label in tags(page.text, "label"))
    for sent in ("", "   "):
        response = post_page_form(wclient, "/entity/jugend-am-werk/delete?lang=en", reason=sent)
        assert response.status_code == 422
        assert "Please say why" in text(response.text)
    assert not store.get("jugend-am-werk").deleted and store.get("jugend-am-werk").revision == 1


def test_deleting_a_referenced_entity_is_refused_with_the_referrers_listed(wclient):
    store = store_of(wclient)
    login(wclient, "admin")
    response = post_page_form(wclient, "/entity/sozialraum-2/delete?lang=en", reason="Zusammengelegt")
    assert response.status_code == 409
    refusal = response.text.split('class="notice notice-problem referrers"', 1)[1].split("</div>", 1)[0]
    hrefs = [a["href"] for a in tags(refusal, "a")]
    assert "/entity/graz" in hrefs and "/entity/tr%C3%A4gerverb%C3%BCnde-in-graz" in hrefs
    assert "Graz" in text(refusal) and "Provider alliances in Graz" in text(refusal)
    assert input_value(response.text, "reason") == "Zusammengelegt"  # the form keeps what was typed
    assert not store.get("sozialraum-2").deleted and store.get("sozialraum-2").revision == 1


def test_delete_then_restore_round_trip_records_both(wclient):
    store = store_of(wclient)
    login(wclient, "admin")
    response = post_page_form(wclient, "/entity/jugend-am-werk/delete", reason="Kein Bezug zu Graz")
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/entity/jugend-am-werk"
    page = text(wclient.get("/entity/jugend-am-werk?lang=en").text)
    assert "This entity has been deleted." in page and "Kein Bezug zu Graz" in page
    assert store.get("jugend-am-werk").deleted
    assert "jugend-am-werk" not in {s.id for s in store.list("Organization").items}

    response = post_page_form(wclient, "/entity/jugend-am-werk/restore", summary="Doch relevant")
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/entity/jugend-am-werk"
    assert "This entity has been deleted." not in text(wclient.get("/entity/jugend-am-werk?lang=en").text)
    entity = store.get("jugend-am-werk")
    assert not entity.deleted and entity.revision == 3
    assert actions(store, "jugend-am-werk") == [("restore", "admin"), ("delete", "admin"), ("create", "tester")]
    assert [r.summary for r in store.history("jugend-am-werk")][:2] == ["Doch relevant", "Kein Bezug zu Graz"]
    history = text(wclient.get("/entity/jugend-am-werk/history?lang=en").text)
    assert "restored" in history and "deleted" in history


def test_deleting_a_deleted_entity_or_restoring_a_live_one_is_a_clear_409(wclient):
    store = store_of(wclient)
    login(wclient, "admin")
    page = wclient.get("/entity/alter-verein/delete?lang=en")
    assert page.status_code == 409 and "deleted already" in text(page.text)
    assert post_page_form(wclient, "/entity/alter-verein/delete", reason="nochmal").status_code == 409
    page = wclient.get("/entity/graz/restore?lang=en")
    assert page.status_code == 409 and "not deleted" in text(page.text)
    assert post_page_form(wclient, "/entity/graz/restore").status_code == 409
    assert store.get("alter-verein").revision == 2 and store.get("graz").revision == 1


def test_a_restore_the_store_refuses_is_shown_with_its_reason(wclient):
    store = store_of(wclient)
    store.create(
        Entity(
            type="Organization",
            id="neuer-träger",
            labels={"de": "Neuer Träger"},
            statements=[Statement("PART_OF", "jugend-am-werk")],
        ),
        author="anna",
    )
    store.delete("neuer-träger", base_revision=1, author="anna", reason="Test")
    # its statement's target goes too (nothing live points at it any more)
    store.delete("jugend-am-werk", base_revision=1, author="anna", reason="Test")
    login(wclient, "admin")
    response = post_page_form(wclient, "/entity/neuer-tr%C3%A4ger/restore?lang=en", summary="zurück")
    assert response.status_code == 409
    assert "cannot be restored" in text(response.text) and "jugend-am-werk" in text(response.text)
    assert store.get("neuer-träger").deleted and store.get("neuer-träger").revision == 2


def test_a_stale_delete_is_a_conflict_and_writes_nothing(wclient):
    store = store_of(wclient)
    login(wclient, "admin")
    page = wclient.get("/entity/caritas-steiermark/delete")
    entity = store.get("caritas-steiermark")
    entity.descriptions["de"] = "Wohlfahrtsverband"
    store.update(entity, base_revision=1, author="carla", summary="Beschreibung")
    response = wclient.post(
        "/entity/caritas-steiermark/delete?lang=en",
        data={"csrf_token": csrf_token(page.text), "base_revision": "1", "reason": "veraltet"},
    )
    assert response.status_code == 409 and "Someone else saved this entity" in text(response.text)
    assert "carla" in text(response.text)
    assert not store.get("caritas-steiermark").deleted and store.get("caritas-steiermark").revision == 2


@pytest.mark.parametrize("role", ["reader", "editor"])
def test_only_admins_may_delete_or_restore(wclient, role):
    store = store_of(wclient)
    login(wclient, role)
    for url in ("/entity/jugend-am-werk/delete", "/entity/alter-verein/restore"):
        assert wclient.get(url).status_code == 403
    token = csrf_token(wclient.get("/").text)
    response = wclient.post(
        "/entity/jugend-am-werk/delete", data={"csrf_token": token, "base_revision": "1", "reason": "x"}
    )
    assert response.status_code == 403
    response = wclient.post("/entity/alter-verein/restore", data={"csrf_token": token, "base_revision": "2"})
    assert response.status_code == 403
    assert not store.get("jugend-am-werk").deleted and store.get("alter-verein").deleted


def test_anonymous_visitors_are_sent_to_log_in(wclient):
    for url in ("/entity/jugend-am-werk/delete", "/entity/alter-verein/restore"):
        response = wclient.get(url)
        assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def test_the_entity_page_offers_delete_and_restore_to_admins_only(wclient):
    assert "/entity/graz/delete" not in wclient.get("/entity/graz").text
    login(wclient, "admin")
    assert "/entity/graz/delete" in {a["href"] for a in tags(wclient.get("/entity/graz").text, "a")}
    assert "/entity/alter-verein/restore" in {a["href"] for a in tags(wclient.get("/entity/alter-verein").text, "a")}


def test_a_bad_base_revision_is_422_not_500(wclient):
    login(wclient, "admin")
    page = wclient.get("/entity/jugend-am-werk/delete")
    response = wclient.post(
        "/entity/jugend-am-werk/delete",
        data={"csrf_token": csrf_token(page.text), "base_revision": "abc", "reason": "x"},
    )
    assert response.status_code == 422
    assert not store_of(wclient).get("jugend-am-werk").deleted
