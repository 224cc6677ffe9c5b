"""Writing end to end in a real Chromium: create, add a statement with its evidence, an edit conflict, a revert.

Each test drives the pages as a contributor does — links, buttons, typing, the keyboard in the
pickers — on a fresh copy of the small test graph (``live_app``), and checks what the person sees.
The pages are English (``en-GB`` browsers): the English texts are the ones in the code, while the
German catalogue is filled in separately, so these flows do not break when a translation changes.
The content (labels, descriptions, quotes) is German and English, as in the wiki.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import expect

from .support import login, shot

ENGLISH = {"locale": "en-GB"}
GRAZ_DE, GRAZ_EN = "Landeshauptstadt der Steiermark", "Capital of Styria"  # Graz's descriptions in build_graph


@dataclass(frozen=True)
class NewEntity:
    type_label: str
    label_de: str
    label_en: str
    description_en: str = ""
    body: str = ""


PRACTICE = NewEntity(
    "Practice",
    "Fallunspezifische Arbeit",
    "Case-unspecific work",
    "Getting to know a neighbourhood's resources before they are needed",
    "Die **Fachkräfte** kennen ihren Stadtteil.\n\n- Netzwerke pflegen\n- Ressourcen erschließen\n",
)
OUTCOME = NewEntity("Outcome", "Weniger Fremdunterbringungen", "Fewer out-of-home placements")


# -- steps a contributor takes ------------------------------------------------------------------------


def page_actions(page):
    return page.get_by_role("navigation", name="Page actions")


def open_create_form(page, type_label: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Create", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an entity")
    page.locator("ul.type-choice").get_by_role("link", name=type_label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"New entity of type {type_label}")


def fill_entity_form(page, new: NewEntity) -> None:
    page.get_by_label("Label (German)").fill(new.label_de)
    page.get_by_label("Label (English)").fill(new.label_en)
    if new.description_en:
        page.get_by_label("Short description (English)").fill(new.description_en)
    if new.body:
        page.get_by_label("Text", exact=True).fill(new.body)


def save_entity(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()


def create_entity(page, new: NewEntity) -> None:
    """Through the Create link, the type chooser and the form; ends on the new entity's page."""
    open_create_form(page, new.type_label)
    fill_entity_form(page, new)
    save_entity(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(new.label_en)


def pick(page, name: str, typed: str, option: str) -> None:
    """Type into the picker called ``name``, wait for ``option`` among the suggestions, take the first by keyboard."""
    box = page.get_by_role("combobox", name=name)
    # keys in one burst, well inside the script's debounce: one search, so the list does not change under the arrow
    box.press_sequentially(typed)
    suggestions = page.get_by_role("listbox", name=name).get_by_role("option")
    expect(suggestions.first).to_contain_text(option)
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(".+"))
    expect(page.locator(f"[id='{box.get_attribute('aria-activedescendant')}']")).to_contain_text(option)
    box.press("Enter")
    expect(box).to_have_value(option)
    expect(box).to_have_attribute("aria-expanded", "false")


def open_entity(page, path: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def open_edit_form(page) -> None:
    page_actions(page).get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Edit “"))


def history_rows(page):
    return page.locator("table.history tbody tr.revision")


def history_row(page, number: int):
    return page.locator(f"table.history tr.revision[data-revision='{number}']")


# -- 1. create ---------------------------------------------------------------------------------------


def test_an_editor_creates_a_practice_with_a_live_preview_and_reads_it_back(live_app, new_page):
    page = new_page(**ENGLISH)
    login(page, "editor")
    open_create_form(page, "Practice")
    fill_entity_form(page, PRACTICE)
    page.get_by_label("Short description (German)").fill("Ressourcen des Stadtteils kennen, bevor sie gebraucht werden")

    # the preview comes from the server by script: the page (and what was typed) stays as it is
    page.evaluate("window.typedBeforePreview = true")
    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_be_hidden()
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(preview.locator("strong")).to_have_text("Fachkräfte")
    expect(preview.locator("li")).to_have_text(["Netzwerke pflegen", "Ressourcen erschließen"])
    assert page.evaluate("window.typedBeforePreview") is True, "the preview reloaded the page"
    expect(page.get_by_label("Label (German)")).to_have_value(PRACTICE.label_de)
    shot(page, "create-form-filled")

    save_entity(page)
    expect(page.locator(".flash-success")).to_contain_text(f"Created “{PRACTICE.label_de}”")
    expect(page.get_by_role("heading", level=1)).to_have_text(PRACTICE.label_en)
    expect(page.locator(".secondary-label")).to_have_text(PRACTICE.label_de)
    expect(page.locator(".page-head .description").first).to_have_text(PRACTICE.description_en)
    body = page.get_by_role("region", name="Text")
    expect(body.locator("strong")).to_have_text("Fachkräfte")
    expect(body.locator("li")).to_have_text(["Netzwerke pflegen", "Ressourcen erschließen"])
    expect(body).not_to_contain_text("**")  # rendered, not shown as Markdown source

    open_edit_form(page)
    expect(page.get_by_label("Label (German)")).to_have_value(PRACTICE.label_de)
    expect(page.get_by_label("Label (English)")).to_have_value(PRACTICE.label_en)
    expect(page.get_by_label("Text", exact=True)).to_have_value(PRACTICE.body)
    shot(page, "edit-form")


# -- 2. a statement with its evidence -----------------------------------------------------------------


def test_a_statement_picked_by_keyboard_with_a_citation_shows_on_both_ends(live_app, new_page):
    page = new_page(**ENGLISH)
    login(page, "editor")
    create_entity(page, OUTCOME)  # the small graph has no Outcome, the only target LEADS_TO allows
    create_entity(page, PRACTICE)

    page_actions(page).get_by_role("link", name="Add statement", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Add a statement to “{PRACTICE.label_en}”")
    page.get_by_label("Relation").select_option(label="leads to")
    pick(page, "Target", "Fewer out", OUTCOME.label_en)
    # the source is found by its German title; the English page names it in English
    pick(page, "Source", "Von Graz", "Learning from Graz")
    quote = "Die Zahl der Fremdunterbringungen ist seither deutlich zurückgegangen"
    page.get_by_label("Verbatim quote").fill(quote)
    page.get_by_label("Where in the source").fill("Abschnitt 4")
    with page.expect_navigation():
        page.get_by_role("button", name="Save statement").click()

    expect(page.locator(".flash-success")).to_have_text("Statement saved.")
    group = page.locator("section.statements section.group").filter(has_text="leads to")
    statement = group.locator("li.statement")
    expect(statement).to_have_count(1)
    expect(statement.get_by_role("link", name=OUTCOME.label_en)).to_be_visible()
    expect(statement.locator("blockquote")).to_have_text(quote)
    expect(statement.locator("figcaption")).to_contain_text("Learning from Graz")
    expect(statement.locator(".locator")).to_have_text("Abschnitt 4")

    statement.get_by_role("link", name=OUTCOME.label_en).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(OUTCOME.label_en)
    incoming = page.locator("section.incoming")
    expect(incoming.locator("h3")).to_have_text(["results from"])
    back = incoming.locator("li.statement")
    expect(back.get_by_role("link", name=PRACTICE.label_en)).to_be_visible()
    back.get_by_text("1 citation").click()  # the evidence is folded away under "What links here"
    expect(back.locator("blockquote")).to_have_text(quote)
    expect(back.locator(".locator")).to_have_text("Abschnitt 4")


# -- 3. an edit conflict ---------------------------------------------------------------------------------


def test_the_second_of_two_editors_gets_a_merged_form_and_saves_both_changes(live_app, new_page, browser_log):
    first, second = new_page(**ENGLISH), new_page(**ENGLISH)
    login(first, "editor")
    login(second, "admin")
    for page in (first, second):
        open_entity(page, "/entity/graz")
        open_edit_form(page)
    new_en, new_de = "Capital of the Austrian state of Styria", "Landeshauptstadt der Steiermark an der Mur"

    first.get_by_label("Short description (English)").fill(new_en)
    save_entity(first)
    expect(first.locator(".page-head .description").first).to_have_text(new_en)

    second.get_by_label("Short description (German)").fill(new_de)
    browser_log.allow_console_errors(r"status of 409")  # Chromium logs the conflict page's status; it is meant
    with second.expect_navigation() as answer:
        second.get_by_role("button", name="Save", exact=True).click()
    assert answer.value.status == 409
    conflict = second.get_by_role("alert").filter(has=second.locator("#conflict-h"))
    expect(conflict.get_by_role("heading", level=2)).to_have_text("Edit conflict: someone else saved in the meantime")
    expect(conflict).to_contain_text("Revision 2 by editor")
    changed = conflict.locator("table.diff tbody tr")
    expect(changed).to_have_count(1)
    expect(changed.locator("th")).to_have_text("Short description (English)")
    expect(changed.locator("td.old")).to_have_text(GRAZ_EN)
    expect(changed.locator("td.new")).to_have_text(new_en)
    expect(second.get_by_label("Short description (German)")).to_have_value(new_de)  # what they typed is kept
    expect(second.get_by_label("Short description (English)")).to_have_value(new_en)  # the other's change merged in
    expect(second.locator(".has-conflict")).to_have_count(0)  # different fields: nothing to choose
    shot(second, "conflict")

    save_entity(second)
    expect(second.locator(".flash-success")).to_be_visible()
    expect(second.locator(".page-head .description")).to_have_text([new_en, new_de])
    page_actions(second).get_by_role("link", name="History", exact=True).click()
    expect(history_rows(second)).to_have_count(3)
    expect(history_rows(second).locator("td.author")).to_have_text(["admin", "editor", "tester"])


# -- 4. revert ---------------------------------------------------------------------------------------------


def test_reverting_to_the_first_revision_brings_back_its_content_as_a_new_revision(live_app, new_page):
    page = new_page(**ENGLISH)
    login(page, "editor")
    open_entity(page, "/entity/graz")
    open_edit_form(page)
    page.get_by_label("Short description (English)").fill("Second-largest city of Austria")
    save_entity(page)
    expect(page.locator(".page-head .description").first).to_have_text("Second-largest city of Austria")

    page_actions(page).get_by_role("link", name="History", exact=True).click()
    expect(history_rows(page)).to_have_count(2)
    expect(history_row(page, 2).get_by_role("link", name="revert to this")).to_have_count(0)  # the current one
    history_row(page, 1).get_by_role("link", name="revert to this").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revert Graz to revision 1")
    expect(page.locator(".diff-fields")).to_contain_text(GRAZ_EN)  # what the revert will bring back
    summary = "Back to the reviewed description"
    page.get_by_label("Summary").fill(summary)
    with page.expect_navigation():
        page.get_by_role("button", name="Revert to revision 1").click()

    expect(page.locator(".flash-success")).to_contain_text("Reverted to revision 1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Graz")
    expect(page.locator(".page-head .description")).to_have_text([GRAZ_EN, GRAZ_DE])
    expect(page.locator(".page-head .meta")).to_contain_text("Revision 3")
    page_actions(page).get_by_role("link", name="History", exact=True).click()
    expect(history_rows(page)).to_have_count(3)
    newest = history_row(page, 3)
    expect(newest.locator("td.summary")).to_have_text(summary)
    expect(newest.locator("td.action")).to_have_text("reverted")
    expect(newest.locator("td.author")).to_have_text("editor")
