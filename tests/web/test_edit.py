"""Contributors create and edit entities and statements through the forms (both stores, CSRF on)."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict

from graphkb.errors import ValidationError
from graphkb.schema import Ontology
from webui.forms import entity_error as _entity_error
from webui.forms import entity_form, statement_form
from webui.forms import statement_error as _statement_error

from .conftest import REPORT_QUOTE
from .helpers import csrf_token, incoming_part, login, outgoing_part, store_of, tags, text

ALLIANCE_URL = "/entity/tr%C3%A4gerverb%C3%BCnde-in-graz"


# -- reading forms as a browser does ------------------------------------------------------------------


class _Form(HTMLParser):
    """What a browser would submit from the first form with ``css_class`` (no submit buttons)."""

    def __init__(self, css_class: str, action: str | None = None):
        super().__init__(convert_charrefs=True)
        self.css_class, self.action, self.depth = css_class, action, 0
        self.fields: list[tuple[str, str]] = []
        self.select: str | None = None
        self.option: tuple[str, bool] | None = None
        self.first_option: str | None = None
        self.chosen: str | None = None
        self.textarea: str | None = None
        self.text = ""
        self.done = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if self.done:
            return
        if (
            tag == "form"
            and self.css_class in a.get("class", "").split()
            and (self.action is None or a.get("action") == self.action)
        ):
            self.depth = 1
            return
        if not self.depth:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button") or (kind in ("checkbox", "radio") and "checked" not in a):
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select, self.first_option, self.chosen = name, None, None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.first_option is None:
                self.first_option = value
            if "selected" in a:
                self.chosen = value
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_endtag(self, tag):
        if tag == "form" and self.depth:
            self.depth, self.done = 0, True
        elif tag == "select" and self.select:
            self.fields.append((self.select, self.chosen if self.chosen is not None else self.first_option or ""))
            self.select = None
        elif tag == "textarea" and self.textarea:
            # browsers drop the newline right after <textarea>
            self.fields.append((self.textarea, self.text.removeprefix("\r\n").removeprefix("\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text += data


def form_data(html: str, css_class: str = "edit-form", action: str | None = None) -> dict[str, str]:
    parser = _Form(css_class, action)
    parser.feed(html)
    assert parser.fields, f"no form .{css_class} on the page"
    return dict(parser.fields)


def field_errors(html: str, field_id: str) -> str:
    """The error text shown next to a field (empty when there is none)."""
    match = re.search(rf'<div class="error" id="{re.escape(field_id)}-error">(.*?)</div>', html, re.S)
    return text(match[1]) if match else ""


def input_value(html: str, name: str) -> str | None:
    for attrs in tags(html, "input"):
        if attrs.get("name") == name:
            return attrs.get("value", "")
    return None


def textarea(html: str, name: str) -> str | None:
    match = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>\r?\n?(.*?)</textarea>', html, re.S)
    return None if match is None else unescape(match[1])


def as_editor(client, name: str = "editor"):
    response = login(client, name)
    assert response.status_code == 302, response.status_code
    client.get("/?lang=en")  # English UI: the assertions read the English messages
    return client


def submit(client, url: str, changes: dict | None = None, *, page: str | None = None, extra=()):
    """Load the form at ``url`` (or use ``page``), change some fields, send it as a browser would."""
    html = page if page is not None else client.get(url).text
    data = MultiDict(form_data(html))
    for key, value in (changes or {}).items():
        data.setlist(key, [value] if isinstance(value, str) else list(value))
    for key, value in extra:
        data.add(key, value)
    return client.post(url, data=data)


def flash_text(client, response) -> str:
    assert response.status_code == 302, response.status_code
    return text(client.get(response.headers["Location"]).text)


# -- roles ----------------------------------------------------------------------------------------------

WRITE_PAGES = [
    "/create",
    "/create?type=City",
    "/entity/graz/edit",
    "/entity/graz/statements/new",
]


@pytest.mark.parametrize("url", WRITE_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(wclient, url):
    response = wclient.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_readers_may_not_write(wclient):
    login(wclient, "reader")
    sid = store_of(wclient).get("graz").statements[0].id
    token = csrf_token(wclient.get("/").text)
    for url in [*WRITE_PAGES, f"/entity/graz/statements/{sid}/edit"]:
        assert wclient.get(url).status_code == 403, url
    for url in (f"/entity/graz/statements/{sid}/remove", "/preview", "/create?type=City"):
        response = wclient.post(url, data={"csrf_token": token, "base_revision": "1", "confirm": "1", "body": "x"})
        assert response.status_code == 403, url
    assert store_of(wclient).get("graz").revision == 1


# -- creating ------------------------------------------------------------------------------------------------


def test_create_offers_every_type_with_its_label_and_description(wclient):
    html = as_editor(wclient).get("/create").text
    page = text(html)
    ontology = store_of(wclient).ontology
    for name, etype in ontology.entity_types.items():
        assert etype.labels["en"] in page and etype.description["en"] in page
        assert f'href="/create?type={name}"' in html


def test_a_red_link_label_is_kept_through_the_type_chooser_into_the_form(wclient):
    html = as_editor(wclient).get("/create?label=Neue%20Praxis").text
    assert "Neue Praxis" in text(html)
    assert 'href="/create?type=Practice&amp;label=Neue+Praxis"' in html
    form = wclient.get("/create?type=Practice&label=Neue+Praxis").text
    assert input_value(form, "label_de") == "Neue Praxis"
    assert input_value(form, "label_en") == ""


def test_the_form_has_a_fitting_widget_for_each_property(wclient):
    html = as_editor(wclient).get("/create?type=City").text
    inputs = {a["name"]: a for a in tags(html, "input") if a.get("name")}
    assert inputs["props-districts"]["type"] == "number"
    assert inputs["props-website"]["type"] == "url"
    assert inputs["label_de"].get("required") is not None and inputs["label_de"]["maxlength"] == "200"
    kinds = re.search(r'<select[^>]*name="props-kind".*?</select>', html, re.S)[0]
    assert re.findall(r'value="(\w*)"', kinds) == ["", "city", "county", "district", "canton"]
    for name in ("label_de", "label_en", "props-districts", "props-kind", "body", "summary"):
        assert f'<label for="{name}">' in html, name
    social = wclient.get("/create?type=SocialSpace").text
    assert re.search(r'<textarea[^>]*name="props-districts"', social)  # a list: one value per line
    event = wclient.get("/create?type=Program").text
    assert input_value(event, "props-start") == "" and 'placeholder="YYYY-MM-DD"' in event


def test_created_entities_read_back_on_their_page_and_in_the_store(wclient):
    as_editor(wclient)
    response = submit(
        wclient,
        "/create?type=City",
        {
            "label_de": "Neustadt an der Weinstraße",
            "label_en": "Neustadt",
            "aliases_de": "Neustadt/Weinstr.\r\nNW",
            "description_de": "Eine Stadt in der Pfalz",
            "body": "Die Stadt hat **viele** Weinberge.",
            "props-kind": "city",
            "props-districts": "9",
            "props-country": "Deutschland",
            "props-website": "https://www.neustadt.eu/",
            "summary": "Neue Stadt",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/entity/neustadt-an-der-weinstra%C3%9Fe"
    page = flash_text(wclient, response)
    assert "Created" in page and "Neustadt an der Weinstraße" in page
    entity = store_of(wclient).get("neustadt-an-der-weinstraße")
    assert entity.properties == {
        "kind": "city",
        "districts": 9,
        "country": "Deutschland",
        "website": "https://www.neustadt.eu/",
    }
    assert entity.aliases["de"] == ["Neustadt/Weinstr.", "NW"]
    assert entity.body == "Die Stadt hat **viele** Weinberge."
    history = store_of(wclient).history(entity.id)
    assert [(r.author, r.summary, r.action) for r in history] == [("editor", "Neue Stadt", "create")]
    html = wclient.get("/entity/neustadt-an-der-weinstra%C3%9Fe").text
    assert "<strong>viele</strong>" in html and "Deutschland" in text(html) and "9" in text(html)


def test_list_properties_take_one_value_per_line(wclient):
    as_editor(wclient)
    response = submit(
        wclient,
        "/create?type=SocialSpace",
        {"label_de": "Lend und Gries", "props-number": "4", "props-districts": "Lend\r\n\r\nGries\r\nLend\r\n"},
    )
    assert response.status_code == 302
    assert store_of(wclient).get("lend-und-gries").properties == {"number": 4, "districts": ["Lend", "Gries"]}


def test_similar_labels_are_offered_before_creating_and_create_anyway_creates(wclient):
    as_editor(wclient)
    before = store_of(wclient).stats().by_type["City"]
    response = submit(wclient, "/create?type=City", {"label_de": "Graz", "body": "Zweites Graz"})
    assert response.status_code == 200
    html = response.text
    assert "Did you mean" in text(html) and 'href="/entity/graz"' in html
    assert input_value(html, "label_de") == "Graz" and textarea(html, "body") == "Zweites Graz"
    assert store_of(wclient).stats().by_type["City"] == before  # nothing created yet
    assert input_value(html, "confirm")
    response = submit(wclient, "/create?type=City", page=html)
    assert response.status_code == 302 and response.headers["Location"] == "/entity/graz-2"
    assert store_of(wclient).get("graz-2").body == "Zweites Graz"


def test_a_changed_label_after_did_you_mean_is_checked_again(wclient):
    as_editor(wclient)
    html = submit(wclient, "/create?type=Organization", {"label_de": "Caritas"}).text
    assert "Caritas Steiermark" in text(html)
    again = submit(wclient, "/create?type=Organization", {"label_de": "Jugend am Werk"}, page=html)
    assert again.status_code == 200 and "Did you mean" in text(again.text)


def test_form_builder_covers_boolean_and_ref_properties(wclient):
    """No type of the shipped ontology has them yet; the form builder does."""
    ontology = Ontology.from_dict(
        {
            "entity_types": {
                "City": {"labels": {"de": "Stadt", "en": "City"}, "description": {"de": "d", "en": "d"}},
                "Club": {
                    "labels": {"de": "Verein", "en": "Club"},
                    "description": {"de": "d", "en": "d"},
                    "properties": {
                        "active": {"type": "boolean", "labels": {"de": "aktiv", "en": "active"}},
                        "seat": {"type": "ref", "ref": ["City"], "labels": {"de": "Sitz", "en": "Seat"}},
                    },
                },
            }
        }
    )
    etype = ontology.entity_types["Club"]
    app = wclient.application
    with app.test_request_context("/create?type=Club"):
        html = str(entity_form(ontology, etype, "en", {"label_de": "X", "props.active": True}).props)
        assert 'type="checkbox"' in html and "checked" in html
        assert 'data-autocomplete="/api/v1/search"' in html and 'data-types="City"' in html
        form = entity_form(ontology, etype, "en", formdata=MultiDict({"props-active": "y", "props-seat": "Graz"}))
        assert form.props.validate(form)
        values = form.values()
        assert values["props.active"] is True and values["props.seat"] == "graz"
        unchecked = entity_form(ontology, etype, "en", formdata=MultiDict({"props-seat": "Wien"}))
        assert not unchecked.props.validate(unchecked)
        assert unchecked.props.form.seat.errors
        assert unchecked.values({"props.active": True})["props.active"] is False  # unticked: "no", not gone


# -- editing ----------------------------------------------------------------------------------------------------


def test_edit_form_is_filled_with_the_entity_and_its_revision(wclient):
    html = as_editor(wclient).get("/entity/graz/edit").text
    assert input_value(html, "label_de") == "Graz" and input_value(html, "base_revision") == "1"
    assert input_value(html, "props-districts") == "17" and input_value(html, "props-country") == "Österreich"
    assert re.search(r'<option selected value="city">|<option value="city" selected>', html)
    assert textarea(html, "description_en") == "Capital of Styria"


def test_editing_writes_one_revision_with_author_and_summary(wclient):
    as_editor(wclient)
    response = submit(
        wclient, "/entity/graz/edit", {"label_en": "Graz (Styria)", "props-districts": "18", "summary": "Bezirke"}
    )
    assert "Saved" in flash_text(wclient, response)
    graz = store_of(wclient).get("graz")
    assert graz.labels["en"] == "Graz (Styria)" and graz.properties["districts"] == 18
    assert graz.revision == 2 and len(graz.statements) == 2  # statements untouched
    latest = store_of(wclient).history("graz")[0]
    assert (latest.author, latest.summary) == ("editor", "Bezirke")


def test_an_edit_without_summary_gets_one_naming_the_fields(wclient):
    as_editor(wclient)
    submit(wclient, "/entity/graz/edit", {"label_en": "Graz city"})
    assert store_of(wclient).history("graz")[0].summary == "Edited: label (en)"


def test_an_unchanged_save_writes_nothing(wclient):
    as_editor(wclient)
    response = submit(wclient, ALLIANCE_URL + "/edit")  # body with blank lines, aliases, a date
    assert "Nothing changed" in flash_text(wclient, response)
    assert store_of(wclient).get("trägerverbünde-in-graz").revision == 1


def test_preview_renders_the_body_sanitised_and_writes_nothing(wclient):
    as_editor(wclient)
    body = "Das ist **wichtig**.\n\n<script>alert('x')</script>\n\n[Klick](javascript:alert(1))"
    response = submit(wclient, "/entity/graz/edit", {"body": body, "label_en": "Changed"}, extra=[("preview", "1")])
    assert response.status_code == 200
    preview = response.text.split('id="preview-panel"', 1)[1].split("</section>", 1)[0]
    assert "<strong>wichtig</strong>" in preview
    assert "<script" not in preview and "&lt;script&gt;" in preview  # shown as text, never run
    assert 'href="javascript' not in preview
    assert textarea(response.text, "body") == body and input_value(response.text, "label_en") == "Changed"
    assert store_of(wclient).get("graz").revision == 1


def test_the_preview_endpoint_answers_json_for_the_script(wclient):
    as_editor(wclient)
    token = csrf_token(wclient.get("/entity/graz/edit").text)
    body = "# Titel\n\n<script>alert(1)</script> ![x](https://tracker.example/p.png)"
    response = wclient.post("/preview", data={"body": body}, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert "<h1>Titel</h1>" in html and "<script" not in html and "tracker.example" not in html
    assert wclient.post("/preview", data={"body": body}).status_code == 400  # no CSRF token
    too_long = wclient.post("/preview", data={"body": "x" * 100_001}, headers={"X-CSRFToken": token})
    assert too_long.status_code == 422 and too_long.get_json()["field"] == "body"
    assert store_of(wclient).get("graz").revision == 1


def test_deleted_entities_cannot_be_edited(wclient):
    as_editor(wclient)
    for url in ("/entity/alter-verein/edit", "/entity/alter-verein/statements/new"):
        response = wclient.get(url)
        assert response.status_code == 409
        assert "deleted" in text(response.text)


def test_unknown_entities_and_statements_are_404(wclient):
    as_editor(wclient)
    assert wclient.get("/entity/gibt-es-nicht/edit").status_code == 404
    assert wclient.get("/entity/graz/statements/s-gibt-es-nicht/edit").status_code == 404
    token = csrf_token(wclient.get("/entity/graz/edit").text)
    data = {"csrf_token": token, "base_revision": "1", "confirm": "1", "relation": "ADVISED_BY"}
    assert wclient.post("/entity/graz/statements/s-gibt-es-nicht/remove", data=data).status_code == 404
    response = submit(
        wclient,
        "/entity/graz/statements/s-gibt-es-nicht/edit",
        {"relation": "ADVISED_BY", "target": "wolfgang-hinte"},
        page=wclient.get("/entity/graz/statements/new").text,
    )
    assert response.status_code == 404
    assert store_of(wclient).get("graz").revision == 1


# -- bad input -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"label_de": "x" * 201}, "label_de", "200"),
        ({"label_de": "   "}, "label_de", "required"),
        ({"props-districts": "zwölf"}, "props-districts", "whole number"),
        ({"props-districts": "1.5"}, "props-districts", "whole number"),
        ({"props-kind": "metropolis"}, "props-kind", "valid choice"),
        ({"props-website": "ftp://graz.at"}, "props-website", "http"),
        ({"aliases_de": "\n".join(f"Name {i}" for i in range(51))}, "aliases_de", "50"),
        ({"summary": "s" * 501}, "summary", "500"),
    ],
)
def test_bad_input_shows_the_form_again_with_the_reason_and_what_was_typed(wclient, changes, field, reason):
    as_editor(wclient)
    changes = {"description_de": "Mein neuer Text", **changes}
    response = submit(wclient, "/entity/graz/edit", changes)
    assert response.status_code == 422
    assert reason in field_errors(response.text, field)
    assert textarea(response.text, "description_de") == "Mein neuer Text"
    assert 'aria-invalid="true"' in response.text
    assert store_of(wclient).get("graz").revision == 1


def test_a_missing_or_odd_base_revision_is_refused(wclient):
    as_editor(wclient)
    for base in ("", "abc", "-1", "0", "99", "1e3"):
        response = submit(wclient, "/entity/graz/edit", {"label_en": "X", "base_revision": base})
        assert response.status_code == 400, base
        assert "base_revision" in text(response.text)
    assert store_of(wclient).get("graz").revision == 1


def test_a_huge_form_is_refused_without_writing(wclient):
    as_editor(wclient)
    response = submit(wclient, "/entity/graz/edit", {"body": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413
    assert store_of(wclient).get("graz").revision == 1


def test_a_required_property_is_asked_for(wclient):
    as_editor(wclient)
    page = wclient.get("/create?type=Source").text
    data = MultiDict(form_data(page))
    data.setlist("label_de", ["Ein Bericht"])
    data.setlist("props-layer", [""])
    response = wclient.post("/create?type=Source", data=data)
    assert response.status_code == 422
    assert field_errors(response.text, "props-layer")
    assert input_value(response.text, "label_de") == "Ein Bericht"


# -- statements ---------------------------------------------------------------------------------------------------


def test_the_statement_form_offers_only_relations_the_subject_may_have(wclient):
    html = as_editor(wclient).get("/entity/graz/statements/new").text
    relation = re.search(r'<select[^>]*name="relation".*?</select>', html, re.S)[0]
    offered = re.findall(r'value="([A-Z_]+)"', relation)
    assert "ADVISED_BY" in offered and "HAS_SOCIAL_SPACE" in offered and "DESCRIBED_IN" in offered
    assert "LEADS_TO" not in offered and "EMBODIES" not in offered
    assert ">advised by</option>" in relation  # the label in the UI language
    assert 'data-targets="Organization,Person" value="ADVISED_BY"' in relation
    picker = next(a for a in tags(html, "input") if a.get("name") == "citations-0-source")
    assert picker["data-types"] == "Source" and picker["data-target"] == "citations-0-source-id"


def test_a_statement_with_two_citations_and_a_new_source_shows_on_both_pages(wclient):
    as_editor(wclient)
    url = "/entity/graz/statements/new"
    first = {
        "relation": "ADVISED_BY",
        "target": "Caritas Steiermark",  # typed, no script: resolved on the server
        "q-since": "2010",
        "q-note": "Beratung beim Umbau",
        "citations-0-source": "grazer-bericht",
        "citations-0-quote": REPORT_QUOTE,
        "citations-0-locator": "Abs. 3",
    }
    # without JS: "add another citation" sends the form and gets it back with one more row
    more = submit(wclient, url, first, extra=[("add_citation", "1")])
    assert more.status_code == 200 and input_value(more.text, "citations-1-source") == ""
    assert input_value(more.text, "citations-0-source") == "grazer-bericht"
    assert store_of(wclient).get("graz").revision == 1
    second = {
        "citations-1-new_label": "Caritas Jahresbericht 2010",
        "citations-1-new_url": "https://www.caritas-steiermark.at/bericht",
        "citations-1-new_layer": "background",
        "citations-1-quote": "Die Caritas berät die Stadt.",
    }
    response = submit(wclient, url, second, page=more.text)
    assert response.status_code == 302, field_errors(response.text, "target")
    assert response.headers["Location"].startswith("/entity/graz#s")
    store = store_of(wclient)
    source = store.get("caritas-jahresbericht-2010")
    assert source.type == "Source" and source.properties["layer"] == "background"
    assert [(r.author, r.action) for r in store.history(source.id)] == [("editor", "create")]
    graz = store.get("graz")
    added = graz.statements[-1]
    assert (added.type, added.target, added.qualifiers) == (
        "ADVISED_BY",
        "caritas-steiermark",
        {"since": "2010", "note": "Beratung beim Umbau"},
    )
    assert [(c.source, c.locator) for c in added.citations] == [
        ("grazer-bericht", "Abs. 3"),
        ("caritas-jahresbericht-2010", ""),
    ]
    latest = store.history("graz")[0]
    assert (latest.number, latest.author) == (2, "editor")
    assert latest.summary == "Statement added: ADVISED_BY → caritas-steiermark"
    outgoing = outgoing_part(wclient.get("/entity/graz").text)
    assert "Caritas Steiermark" in outgoing and "Die Caritas berät die Stadt." in text(outgoing)
    assert "Caritas Jahresbericht 2010" in outgoing
    incoming = incoming_part(wclient.get("/entity/caritas-steiermark").text)
    assert 'href="/entity/graz"' in incoming

    # edit its qualifier: a revision of the subject
    edit_url = f"/entity/graz/statements/{added.id}/edit"
    form = wclient.get(edit_url).text
    assert (
        input_value(form, "target") == "Caritas Steiermark" and input_value(form, "target-id") == "caritas-steiermark"
    )
    assert input_value(form, "citations-1-source") == "Caritas Jahresbericht 2010"
    response = submit(wclient, edit_url, {"q-since": "2011"}, page=form)
    assert response.status_code == 302
    graz = store.get("graz")
    assert graz.statements[-1].qualifiers["since"] == "2011" and graz.statements[-1].id == added.id
    assert len(graz.statements[-1].citations) == 2
    latest = store.history("graz")[0]
    assert (latest.number, latest.author, latest.summary) == (
        3,
        "editor",
        "Statement edited: ADVISED_BY → caritas-steiermark",
    )

    # remove it: a confirmation first, then a revision
    remove_url = f"/entity/graz/statements/{added.id}/remove"
    token = csrf_token(wclient.get("/entity/graz").text)
    confirm = wclient.post(remove_url, data={"csrf_token": token, "base_revision": "3"})
    assert confirm.status_code == 200 and "Remove this statement?" in text(confirm.text)
    assert store.get("graz").revision == 3
    response = submit(wclient, remove_url, page=confirm.text)
    assert response.status_code == 302
    graz = store.get("graz")
    assert added.id not in [s.id for s in graz.statements] and len(graz.statements) == 2
    latest = store.history("graz")[0]
    assert (latest.number, latest.author, latest.summary) == (
        4,
        "editor",
        "Statement removed: ADVISED_BY → caritas-steiermark",
    )
    assert 'href="/entity/graz"' not in incoming_part(wclient.get("/entity/caritas-steiermark").text)


def test_the_entity_page_remove_button_leads_to_the_confirmation(wclient):
    as_editor(wclient)
    sid = store_of(wclient).get("graz").statements[1].id
    url = f"/entity/graz/statements/{sid}/remove"
    page = wclient.get("/entity/graz").text
    response = wclient.post(url, data=form_data(page, "inline", action=url))
    assert response.status_code == 200
    assert "Wolfgang Hinte" in text(response.text) and REPORT_QUOTE in text(response.text)
    assert store_of(wclient).get("graz").revision == 1


def test_a_relation_the_subject_may_not_have_is_refused_with_the_reason(wclient):
    as_editor(wclient)
    response = submit(wclient, "/entity/graz/statements/new", {"relation": "LEADS_TO", "target": "wolfgang-hinte"})
    assert response.status_code == 422
    assert "valid choice" in field_errors(response.text, "relation")
    assert input_value(response.text, "target") == "wolfgang-hinte"
    assert store_of(wclient).get("graz").revision == 1


def test_a_target_of_the_wrong_type_is_refused_with_the_reason(wclient):
    as_editor(wclient)
    for target, hidden in (("Sozialraum 2", ""), ("anything", "sozialraum-2"), ("sozialraum-2", "")):
        response = submit(
            wclient,
            "/entity/graz/statements/new",
            {"relation": "ADVISED_BY", "target": target, "target-id": hidden, "q-note": "getippt"},
        )
        assert response.status_code == 422, target
        reason = field_errors(response.text, "target")
        if hidden:  # a forged id that does not match the text: the text is looked up instead
            assert "no entity" in reason
        else:
            assert "Social space" in reason and "Organisation" in reason, reason
        assert textarea(response.text, "q-note") == "getippt"
    assert store_of(wclient).get("graz").revision == 1


def test_a_forged_target_id_of_the_wrong_type_is_refused(wclient):
    as_editor(wclient)
    response = submit(
        wclient,
        "/entity/graz/statements/new",
        {"relation": "ADVISED_BY", "target": "Sozialraum 2", "target-id": "sozialraum-2"},
    )
    assert response.status_code == 422
    assert "Social space" in field_errors(response.text, "target")


def test_an_unclear_target_offers_candidates_to_choose_from(wclient):
    as_editor(wclient)
    url = "/entity/graz/statements/new"
    response = submit(wclient, url, {"relation": "ADVISED_BY", "target": "Jugend"})
    assert response.status_code == 422
    radios = [a for a in tags(response.text, "input") if a.get("name") == "target-choice"]
    assert {"jugend-am-werk", "amt-für-jugend-und-familie-graz"} <= {a["value"] for a in radios}
    assert input_value(response.text, "target") == "Jugend"
    response = submit(wclient, url, page=response.text, extra=[("target-choice", "jugend-am-werk")])
    assert response.status_code == 302
    assert store_of(wclient).get("graz").statements[-1].target == "jugend-am-werk"


def test_an_unknown_target_is_refused(wclient):
    as_editor(wclient)
    response = submit(wclient, "/entity/graz/statements/new", {"relation": "ADVISED_BY", "target": "Niemand Bekanntes"})
    assert response.status_code == 422 and "no entity" in field_errors(response.text, "target")


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"q-since": "gestern"}, "q-since", "YYYY"),
        ({"q-social_space": "Graz"}, "q-social_space", "Municipality"),
        ({"q-count": "3"}, "q-count", "does not apply"),
        ({"citations-0-source": "grazer-bericht"}, "citations-0-quote", "quote"),
        ({"citations-0-quote": "Ein Zitat"}, "citations-0-source", "source"),
        ({"citations-0-source": "wolfgang-hinte", "citations-0-quote": "Zitat"}, "citations-0-source", "Person"),
        ({"citations-0-new_label": "Neu", "citations-0-quote": "Zitat"}, "citations-0-new_layer", "layer"),
        ({"citations-0-locator": "x" * 201, "citations-0-source": "grazer-bericht"}, "citations-0-locator", "200"),
    ],
)
def test_bad_statement_input_is_shown_next_to_its_field(wclient, changes, field, reason):
    as_editor(wclient)
    data = {"relation": "MEMBER_OF", "target": "Caritas Steiermark", "q-note": "bleibt", **changes}
    response = submit(wclient, "/entity/graz/statements/new", data)
    assert response.status_code == 422
    assert reason in field_errors(response.text, field)
    assert textarea(response.text, "q-note") == "bleibt"
    assert store_of(wclient).stats().by_type["Source"] == 2 and store_of(wclient).get("graz").revision == 1


def test_store_errors_land_on_the_entity_field_they_name(wclient):
    as_editor(wclient)
    ontology = store_of(wclient).ontology
    with wclient.application.test_request_context("/entity/graz/edit"):
        form = entity_form(ontology, ontology.entity_types["City"], "en", {})
        errors: list[str] = []
        for field, reason in [
            ("properties.districts", "must be a whole number"),
            ("labels.de", "a German label is required"),
            ("aliases.en", "at most 50 aliases"),
            ("body", "longer than 100000 characters"),
            ("type", "unknown entity type"),
        ]:
            _entity_error(form, ValidationError(reason, field), errors)
        assert form.props.form.districts.errors == ["must be a whole number"]
        assert form.label_de.errors == ["a German label is required"]
        assert form.aliases_en.errors == ["at most 50 aliases"] and form.body.errors
        assert errors == ["type: unknown entity type"]  # no field of its own: shown above the form


def test_store_errors_in_a_statement_land_on_its_fields(wclient):
    """The store's complaints name the stored statement (``statements[2].citations[0].source``)."""
    as_editor(wclient)
    with wclient.application.test_request_context("/entity/graz/statements/new"):
        form = statement_form(store_of(wclient).ontology, "City", "en", {"citations": [{}, {"source": "x"}]})
        errors: list[str] = []
        _statement_error(
            form, ValidationError("is not a Source entity", "statements[2].citations[0].source"), 2, [1], errors
        )
        _statement_error(form, ValidationError("must be a date", "statements[2].qualifiers.since"), 2, [1], errors)
        _statement_error(form, ValidationError("no entity", "statements[0].target"), 2, [1], errors)
        assert form.citations.entries[1].form.source.errors == ["is not a Source entity"]
        assert form.q.form.since.errors == ["must be a date"]
        assert errors == ["statements[0].target: no entity"]


def test_editing_a_statement_unchanged_writes_nothing(wclient):
    as_editor(wclient)
    sid = store_of(wclient).get("graz").statements[1].id
    response = submit(wclient, f"/entity/graz/statements/{sid}/edit")
    assert "Nothing changed" in flash_text(wclient, response)
    assert store_of(wclient).get("graz").revision == 1
