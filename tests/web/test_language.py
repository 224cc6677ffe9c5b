"""German and English: how the UI language is chosen, and that the German catalogue is complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from .helpers import tags, text

WEBUI = Path(__file__).resolve().parents[2] / "webui"
PO = WEBUI / "translations" / "de" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def html_lang(response) -> str:
    return tags(response.get_data(as_text=True), "html")[0]["lang"]


def test_german_for_accept_language_de_de(client):
    response = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert html_lang(response) == "de"
    assert "Letzte Änderungen" in text(response.get_data(as_text=True))


def test_english_for_accept_language_en(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert html_lang(response) == "en"
    assert "Recent changes" in text(response.get_data(as_text=True))


def test_german_when_the_browser_asks_for_neither_or_nothing(client):
    assert html_lang(client.get("/", headers={"Accept-Language": "fr-FR,it"})) == "de"
    assert html_lang(client.get("/")) == "de"


def test_lang_parameter_wins_and_is_remembered_in_a_cookie(client):
    response = client.get("/?lang=en", headers={"Accept-Language": "de"})
    assert html_lang(response) == "en"
    assert "lang=en" in response.headers["Set-Cookie"]
    # the next page, without ?lang, stays English although the browser prefers German
    assert html_lang(client.get("/types/City", headers={"Accept-Language": "de"})) == "en"
    assert html_lang(client.get("/types/City?lang=de")) == "de"
    assert html_lang(client.get("/types/City")) == "de"


def test_an_unknown_lang_value_is_ignored(client):
    response = client.get("/?lang=xx", headers={"Accept-Language": "en"})
    assert response.status_code == 200 and html_lang(response) == "en"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("url", ["/", "/types/City", "/entity/graz", "/search?q=graz", "/entity/nope"])
def test_every_page_has_a_language_switch_that_keeps_the_query(client, url):
    html = client.get(url).get_data(as_text=True)
    switch = [a for a in tags(html, "a") if a.get("hreflang")]
    assert {a["hreflang"] for a in switch} == {"de", "en"}
    english = next(a for a in switch if a["hreflang"] == "en")
    assert english["href"].startswith("?") and english["href"].endswith("lang=en")
    if "q=graz" in url:
        assert "q=graz" in english["href"]


def test_responses_say_they_vary_by_language(client):
    vary = client.get("/").headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


def test_content_labels_fall_back_to_the_other_language_marked_as_such(client):
    # Wolfgang Hinte has only a German label; screen readers should pronounce it as German
    html = client.get("/entity/wolfgang-hinte?lang=en").get_data(as_text=True)
    assert '<h1 lang="de">Wolfgang Hinte</h1>' in html
    assert "<h1>Graz</h1>" in client.get("/entity/graz?lang=en").get_data(as_text=True)


def test_every_ui_string_has_a_german_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(WEBUI / "babel.cfg"), "-k", "_l", "-o", str(pot), str(WEBUI)]
    )
    with pot.open("rb") as fh:
        wanted = {m.id for m in read_po(fh) if m.id}
    assert "Recent changes" in wanted and "youth welfare office" in wanted  # templates and Python both read
    with PO.open("rb") as fh:
        catalogue = {m.id: m for m in read_po(fh) if m.id}
    assert wanted - set(catalogue) == set(), "run pybabel update and translate"
    untranslated = [
        m.id
        for m in catalogue.values()
        if not m.string or m.fuzzy or (isinstance(m.string, tuple) and not all(m.string))
    ]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_po_file():
    def entries(catalogue):
        as_key = lambda v: tuple(v) if isinstance(v, list | tuple) else v  # noqa: E731
        return {as_key(m.id): as_key(m.string) for m in catalogue if m.id}

    with PO.open("rb") as fh:
        po = entries(read_po(fh))
    with MO.open("rb") as fh:
        mo = entries(read_mo(fh))
    assert mo == po, "run: pybabel compile -d webui/translations"
