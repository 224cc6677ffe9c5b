"""Edit conflicts: two people edit the same entity; the second save is caught, merged and never lost."""

from __future__ import annotations

import re

import pytest

from .helpers import text
from .test_edit import as_editor, field_errors, form_data, input_value, store_of, submit, textarea


@pytest.fixture
def two(writable_app):
    """Two logged-in contributors on the same graph: ``editor`` (A) and ``admin`` (B)."""
    return as_editor(writable_app.test_client(), "editor"), as_editor(writable_app.test_client(), "admin")


def conflict_part(html: str) -> str:
    return html.split('class="conflict"', 1)[1].split("</section>", 1)[0]


def theirs_of(html: str, field_id: str) -> str | None:
    match = re.search(rf'<div class="their-value" id="{re.escape(field_id)}-theirs">(.*?)</div>', html, re.S)
    return text(match[1]) if match else None


# -- entities ------------------------------------------------------------------------------------------------


def test_the_second_save_is_caught_keeps_what_b_typed_and_shows_what_a_changed(two):
    a, b = two
    page_a, page_b = a.get("/entity/graz/edit").text, b.get("/entity/graz/edit").text
    saved = submit(a, "/entity/graz/edit", {"description_de": "Hauptstadt der Steiermark"}, page=page_a)
    assert saved.status_code == 302
    response = submit(b, "/entity/graz/edit", {"label_en": "Graz, Styria", "summary": "Englisch"}, page=page_b)
    assert response.status_code == 409
    html = response.text
    assert input_value(html, "label_en") == "Graz, Styria"  # B's typing kept
    assert input_value(html, "summary") == "Englisch"
    assert textarea(html, "description_de") == "Hauptstadt der Steiermark"  # A's change merged in
    shown = text(conflict_part(html))
    assert "Revision 2 by editor" in shown
    assert "Landeshauptstadt der Steiermark" in shown and "Hauptstadt der Steiermark" in shown  # before → now
    assert input_value(html, "base_revision") == "2"
    assert theirs_of(html, "label_en") is None  # nothing changed on both sides
    store = store_of(b)
    assert store.get("graz").revision == 2 and store.get("graz").labels["en"] == "Graz"  # nothing overwritten

    again = submit(b, "/entity/graz/edit", page=html)
    assert again.status_code == 302
    graz = store.get("graz")
    assert graz.labels["en"] == "Graz, Styria" and graz.descriptions["de"] == "Hauptstadt der Steiermark"
    assert [(r.number, r.author) for r in store.history("graz")] == [(3, "admin"), (2, "editor"), (1, "tester")]
    assert store.history("graz")[0].summary == "Englisch"


def test_a_field_both_changed_is_marked_and_holds_bs_value_with_theirs_to_take(two):
    a, b = two
    page_b = b.get("/entity/graz/edit").text
    submit(a, "/entity/graz/edit", {"label_en": "City of Graz", "props-districts": "18"})
    response = submit(b, "/entity/graz/edit", {"label_en": "Graz (Austria)", "props-country": "Austria"}, page=page_b)
    assert response.status_code == 409
    html = response.text
    assert input_value(html, "label_en") == "Graz (Austria)"
    assert theirs_of(html, "label_en") == "City of Graz"
    assert input_value(html, "props-districts") == "18" and input_value(html, "props-country") == "Austria"
    boxes = re.findall(r'<input type="checkbox" name="take_theirs" value="([^"]+)"', html)
    assert boxes == ["label_en"]
    assert 'class="field field-stringfield has-conflict"' in html

    # B takes A's label: a checkbox, no script needed
    response = submit(b, "/entity/graz/edit", page=html, extra=[("take_theirs", "label_en")])
    assert response.status_code == 302
    graz = store_of(b).get("graz")
    assert graz.labels["en"] == "City of Graz"
    assert graz.properties["districts"] == 18 and graz.properties["country"] == "Austria"


def test_keeping_ones_own_version_of_a_conflicting_field(two):
    a, b = two
    page_b = b.get("/entity/graz/edit").text
    submit(a, "/entity/graz/edit", {"body": "Version A"})
    response = submit(b, "/entity/graz/edit", {"body": "Version B"}, page=page_b)
    assert response.status_code == 409 and theirs_of(response.text, "body") == "Version A"
    assert "+Version A" in text(conflict_part(response.text))  # the body's diff
    assert submit(b, "/entity/graz/edit", page=response.text).status_code == 302
    assert store_of(b).get("graz").body == "Version B"


def test_a_third_save_in_between_is_a_conflict_again(two):
    a, b = two
    page_b = b.get("/entity/graz/edit").text
    submit(a, "/entity/graz/edit", {"label_en": "A1"})
    first = submit(b, "/entity/graz/edit", {"description_en": "B"}, page=page_b)
    assert first.status_code == 409
    submit(a, "/entity/graz/edit", {"props-districts": "20"})  # a third save while B looks at the merge
    second = submit(b, "/entity/graz/edit", page=first.text)
    assert second.status_code == 409
    assert input_value(second.text, "props-districts") == "20" and textarea(second.text, "description_en") == "B"
    assert input_value(second.text, "base_revision") == "3"
    assert submit(b, "/entity/graz/edit", page=second.text).status_code == 302
    graz = store_of(b).get("graz")
    assert (graz.labels["en"], graz.descriptions["en"], graz.properties["districts"]) == ("A1", "B", 20)


def test_an_entity_deleted_meanwhile_is_reported_not_recreated(two):
    a, b = two
    store = store_of(a)
    page_b = b.get("/entity/wolfgang-hinte/edit").text
    graz = store.get("graz")  # first the one statement pointing at him, then the person
    graz.statements = [s for s in graz.statements if s.target != "wolfgang-hinte"]
    store.update(graz, base_revision=1, author="tester")
    store.delete("wolfgang-hinte", base_revision=1, author="tester", reason="doppelt")
    response = submit(b, "/entity/wolfgang-hinte/edit", {"label_en": "W. Hinte"}, page=page_b)
    assert response.status_code == 409 and "deleted" in text(response.text)
    assert store.get("wolfgang-hinte").deleted and store.get("wolfgang-hinte").labels["en"] == ""


# -- statements ---------------------------------------------------------------------------------------------


def _advised_by(client) -> str:
    return next(s.id for s in store_of(client).get("graz").statements if s.type == "ADVISED_BY")


def test_statement_edits_of_both_are_merged(two):
    a, b = two
    sid = _advised_by(a)
    url = f"/entity/graz/statements/{sid}/edit"
    page_a, page_b = a.get(url).text, b.get(url).text
    assert submit(a, url, {"q-since": "2005"}, page=page_a).status_code == 302
    response = submit(b, url, {"q-note": "Prozessberatung"}, page=page_b)
    assert response.status_code == 409
    html = response.text
    assert input_value(html, "q-since") == "2005" and textarea(html, "q-note") == "Prozessberatung"
    assert "Revision 2 by editor" in text(conflict_part(html))
    assert "Statement changed: advised by → Wolfgang Hinte" in text(conflict_part(html))
    assert submit(b, url, page=html).status_code == 302
    statement = next(s for s in store_of(b).get("graz").statements if s.id == sid)
    assert statement.qualifiers == {"since": "2005", "note": "Prozessberatung"}
    assert [r.author for r in store_of(b).history("graz")][:2] == ["admin", "editor"]


def test_a_qualifier_both_changed_is_a_conflict_with_theirs_to_take(two):
    a, b = two
    sid = _advised_by(a)
    url = f"/entity/graz/statements/{sid}/edit"
    page_b = b.get(url).text
    submit(a, url, {"q-since": "2005"})
    response = submit(b, url, {"q-since": "2006"}, page=page_b)
    assert response.status_code == 409
    assert input_value(response.text, "q-since") == "2006" and theirs_of(response.text, "q-since") == "2005"
    assert submit(b, url, page=response.text, extra=[("take_theirs", "q.since")]).status_code == 302
    statement = next(s for s in store_of(b).get("graz").statements if s.id == sid)
    assert statement.qualifiers["since"] == "2005"


def test_editing_a_statement_someone_removed_meanwhile(two):
    a, b = two
    sid = _advised_by(a)
    url = f"/entity/graz/statements/{sid}/edit"
    page_b = b.get(url).text
    remove = f"/entity/graz/statements/{sid}/remove"
    confirm = a.post(remove, data=form_data(a.get("/entity/graz").text, "inline", action=remove))
    assert submit(a, remove, page=confirm.text).status_code == 302
    response = submit(b, url, {"q-note": "doch noch"}, page=page_b)
    assert response.status_code == 409
    assert "removed in the meantime" in text(response.text)
    assert "Statement removed: advised by → Wolfgang Hinte" in text(conflict_part(response.text))
    assert submit(b, url, page=response.text).status_code == 302  # saving adds it back, on purpose
    graz = store_of(b).get("graz")
    again = [s for s in graz.statements if s.type == "ADVISED_BY"]
    assert len(again) == 1 and again[0].qualifiers["note"] == "doch noch" and again[0].id != sid


def test_adding_a_statement_after_someone_else_saved_keeps_both(two):
    a, b = two
    url = "/entity/graz/statements/new"
    page_b = b.get(url).text
    submit(a, "/entity/graz/edit", {"label_en": "Graz!"})
    data = {
        "relation": "COOPERATES_WITH",
        "target": "Jugend am Werk",
        "citations-0-new_label": "Bericht über Jugend am Werk",
        "citations-0-new_layer": "background",
        "citations-0-quote": "Jugend am Werk kooperiert mit der Stadt.",
    }
    response = submit(b, url, data, page=page_b)
    assert response.status_code == 409
    html = response.text
    store = store_of(b)
    # the new source exists once, and the form now points at it: a retry will not create it again
    assert store.get("bericht-über-jugend-am-werk").type == "Source"
    assert input_value(html, "citations-0-source-id") == "bericht-über-jugend-am-werk"
    assert input_value(html, "citations-0-new_label") == ""
    assert input_value(html, "target-id") == "jugend-am-werk"
    assert submit(b, url, page=html).status_code == 302
    graz = store.get("graz")
    assert graz.labels["en"] == "Graz!" and graz.statements[-1].target == "jugend-am-werk"
    assert graz.statements[-1].citations[0].source == "bericht-über-jugend-am-werk"
    assert store.stats().by_type["Source"] == 3


def test_a_failed_statement_save_keeps_the_new_source_selected(two):
    a, b = two
    url = "/entity/graz/statements/new"
    page = b.get(url).text
    data = {
        "relation": "COOPERATES_WITH",
        "target": "Jugend am Werk",
        "q-note": "x" * 10,
        "citations-0-new_label": "Neue Quelle",
        "citations-0-new_layer": "report",
        "citations-0-quote": "Zitat",
    }
    submit(a, "/entity/graz/edit", {"label_en": "Graz 2"})
    first = submit(b, url, data, page=page)
    assert first.status_code == 409
    second = submit(b, url, page=first.text)
    assert second.status_code == 302
    sources = [s for s in store_of(b).list("Source").items if s.label() == "Neue Quelle"]
    assert len(sources) == 1


def test_removing_on_a_stale_revision_asks_again(two):
    a, b = two
    sid = _advised_by(a)
    remove = f"/entity/graz/statements/{sid}/remove"
    confirm_b = b.post(remove, data=form_data(b.get("/entity/graz").text, "inline", action=remove))
    submit(a, "/entity/graz/edit", {"label_en": "Graz 3"})
    response = submit(b, remove, page=confirm_b.text)
    assert response.status_code == 409
    assert "Revision 2 by editor" in text(conflict_part(response.text))
    assert input_value(response.text, "base_revision") == "2"
    assert sid in [s.id for s in store_of(b).get("graz").statements]
    assert submit(b, remove, page=response.text).status_code == 302
    graz = store_of(b).get("graz")
    assert sid not in [s.id for s in graz.statements] and graz.labels["en"] == "Graz 3"


def test_conflict_errors_in_a_retried_form_are_still_shown(two):
    """After a conflict the form is a normal form: bad input is still 422 with the reason."""
    a, b = two
    page_b = b.get("/entity/graz/edit").text
    submit(a, "/entity/graz/edit", {"label_en": "A"})
    response = submit(b, "/entity/graz/edit", {"label_en": "B"}, page=page_b)
    bad = submit(b, "/entity/graz/edit", {"props-districts": "viele"}, page=response.text)
    assert bad.status_code == 422 and "whole number" in field_errors(bad.text, "props-districts")
    assert input_value(bad.text, "label_en") == "B"
