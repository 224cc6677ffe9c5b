"""What the web tests share besides fixtures: reading HTML without a browser."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(html: str, name: str | None = None) -> list[dict[str, str]]:
    """Attributes of every start tag (of one kind), in document order."""
    parser = _Tags()
    parser.feed(html)
    return [attrs for tag, attrs in parser.tags if name is None or tag == name]


def all_tags(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def text(html: str) -> str:
    """The visible text, whitespace collapsed (good enough for 'the page says ...')."""
    without = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    plain = re.sub(r"<[^>]+>", " ", without)
    return re.sub(r"\s+", " ", unescape(plain)).strip()


def outgoing_part(html: str) -> str:
    """The entity page's own statements (between the two section headings)."""
    return html.split('id="st-h"', 1)[1].split('id="in-h"', 1)[0]


def incoming_part(html: str) -> str:
    """The entity page's "what links here" section."""
    return html.split('id="in-h"', 1)[1].split("</article>", 1)[0]


def csrf_token(html: str) -> str:
    """The CSRF token of a page: its ``csrf-token`` meta tag or the first form's hidden field."""
    for attrs in tags(html, "meta"):
        if attrs.get("name") == "csrf-token":
            return attrs["content"]
    for attrs in tags(html, "input"):
        if attrs.get("name") == "csrf_token":
            return attrs["value"]
    raise AssertionError("no CSRF token on the page")


def login(client, name: str, password: str | None = None):
    """Log in through the real form (CSRF included); returns the response to the POST."""
    from .conftest import PASSWORDS

    page = client.get("/login")
    assert page.status_code == 200, page.status_code
    return client.post(
        "/login",
        data={"name": name, "password": password or PASSWORDS[name], "csrf_token": csrf_token(page.text)},
    )


def post_form(client, url: str, data: dict, *, form_page: str | None = None):
    """GET the form (``form_page`` or ``url``), then POST ``data`` with the page's CSRF token."""
    page = client.get(form_page or url)
    return client.post(url, data={"csrf_token": csrf_token(page.text), **data})


def input_value(html: str, name: str) -> str | None:
    """The value of the page's first input named ``name``."""
    return next((a.get("value") for a in tags(html, "input") if a.get("name") == name), None)


def post_page_form(client, url: str, **data):
    """POST to ``url`` what its form holds (CSRF token, base_revision) plus ``data``."""
    page = client.get(url)
    form = {"csrf_token": csrf_token(page.text), "base_revision": input_value(page.text, "base_revision") or ""}
    return client.post(url, data={**form, **data})


def store_of(client):
    """The store the client's app reads and writes."""
    return client.application.extensions["graphkb_store"].get()
