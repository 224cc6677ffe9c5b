"""``[[…]]`` links in Markdown bodies: to entities by id or label (umlaut-tolerant), red links to create the rest."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from webui.render import render_markdown, store_resolver

from .helpers import all_tags, store_of, tags, text

ALLIANCE_URL = "/entity/tr%C3%A4gerverb%C3%BCnde-in-graz"


def set_body(client, entity_id: str, body: str) -> None:
    store = store_of(client)
    entity = store.get(entity_id)
    entity.body = body
    store.update(entity, base_revision=entity.revision, author="anna", summary="Links")


def body_of(client, entity_id: str = "graz", lang: str = "en") -> str:
    html = client.get(f"/entity/{entity_id}?lang={lang}").text
    return html.split('<section class="body"', 1)[1].split("</section>", 1)[0]


def links(html: str) -> list[dict[str, str]]:
    return tags(html, "a")


def link_texts(html: str) -> list[str]:
    return [text(part.split("</a>", 1)[0].split(">", 1)[1]) for part in html.split("<a ")[1:]]


def test_a_label_links_to_its_entity_with_the_label_in_the_ui_language(wclient):
    set_body(wclient, "graz", "Hier arbeiten die [[Trägerverbünde in Graz]].")
    body = body_of(wclient, lang="en")
    assert [a["href"] for a in links(body)] == [ALLIANCE_URL]
    assert "class" not in links(body)[0]
    assert link_texts(body) == ["Provider alliances in Graz"]
    assert link_texts(body_of(wclient, lang="de")) == ["Trägerverbünde in Graz"]


def test_labels_match_whatever_the_case_umlauts_and_spelling(wclient):
    set_body(
        wclient,
        "graz",
        "[[Tragerverbunde in Graz]] · [[TRÄGERVERBÜNDE IN GRAZ]] · [[traegerverbuende  in graz]]"
        " · [[Provider alliances in Graz]] · [[amt fur jugend und familie graz]]",
    )
    hrefs = [a["href"] for a in links(body_of(wclient))]
    assert hrefs == [ALLIANCE_URL] * 4 + ["/entity/amt-f%C3%BCr-jugend-und-familie-graz"]


def test_an_id_links_directly_and_shown_text_replaces_the_label(wclient):
    set_body(wclient, "graz", "Beraten von [[wolfgang-hinte]] ([[wolfgang-hinte|Prof. Hinte]]), [[Graz]].")
    body = body_of(wclient)
    assert [a["href"] for a in links(body)] == ["/entity/wolfgang-hinte"] * 2 + ["/entity/graz"]
    assert link_texts(body) == ["Wolfgang Hinte", "Prof. Hinte", "Graz"]


def test_a_deleted_target_is_a_link_marked_deleted(wclient):
    set_body(wclient, "graz", "Früher: [[alter-verein]].")
    (link,) = links(body_of(wclient))
    assert link["href"] == "/entity/alter-verein" and link["class"] == "deleted"


def test_a_missing_entity_is_a_red_link_to_the_create_form_with_the_label(wclient):
    set_body(wclient, "graz", "Noch offen: [[Jugendamt Süd & Co]] und [[Fachstelle|die Fachstelle]].")
    body = body_of(wclient)
    first, second = links(body)
    for link, label in ((first, "Jugendamt Süd & Co"), (second, "Fachstelle")):
        url = urlsplit(link["href"])
        assert url.path == "/create" and parse_qs(url.query) == {"label": [label]}
        assert link["class"] == "redlink" and "create it" in link["title"]
    assert link_texts(body) == ["Jugendamt Süd & Co", "die Fachstelle"]


def test_brackets_in_code_stay_literal(wclient):
    set_body(wclient, "graz", "Schreibe `[[Graz]]` für einen Link:\n\n    [[Graz]] im Block\n\n```\n[[Graz]]\n```\n")
    body = body_of(wclient)
    assert links(body) == []
    assert body.count("[[Graz]]") == 3


def test_markup_inside_the_brackets_is_escaped(wclient):
    set_body(
        wclient,
        "graz",
        '[[<script>alert(1)</script>]] [[x" onmouseover="alert(2)]] [[<img src=x onerror=alert(3)>|<b>fett</b>]]',
    )
    html = wclient.get("/entity/graz").text
    body = body_of(wclient)
    assert "<script>alert" not in html and "<img src=x" not in body and "<b>" not in body
    for tag, attrs in all_tags(body):
        assert tag in ("p", "a"), tag
        assert not [name for name in attrs if name.startswith("on")], attrs
    first = links(body)[0]
    assert parse_qs(urlsplit(first["href"]).query) == {"label": ["<script>alert(1)</script>"]}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert unquote(links(body)[2]["href"]).endswith("label=<img+src=x+onerror=alert(3)>")


def test_without_a_resolver_brackets_stay_text():
    html = str(render_markdown("Siehe [[Graz]] und [[x|y]]."))
    assert html == "<p>Siehe [[Graz]] und [[x|y]].</p>\n"


class CountingStore:
    """The app's store, counting the calls a resolver makes."""

    def __init__(self, store):
        self.store = store
        self.calls: list[str] = []

    def get_many(self, ids):
        self.calls.append("get_many")
        return self.store.get_many(ids)

    def search(self, query, **kwargs):
        self.calls.append("search")
        return self.store.search(query, **kwargs)


def test_all_links_of_a_body_are_resolved_with_one_get_many_and_one_search_per_label(writable_app):
    store = CountingStore(writable_app.extensions["graphkb_store"].get())
    body = "[[graz]] [[wolfgang-hinte]] [[graz|Stadt]] [[Tragerverbunde in Graz]] [[Gibt es nicht]] [[Graz]]"
    with writable_app.test_request_context("/"):
        html = str(render_markdown(body, store_resolver(store, "de")))
    assert store.calls == ["get_many", "search", "search"]  # "Graz" is found as the id graz
    assert [a.get("class", "") for a in links(html)] == ["", "", "", "", "redlink", ""]
