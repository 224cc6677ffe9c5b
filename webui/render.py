"""Markdown bodies to safe HTML: markdown-it-py without raw HTML, then nh3 as a second fence."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

__all__ = ["render_markdown", "is_external"]

_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "code",
    "em",
    "strong",
    "s",
    "del",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}


def is_external(url: str) -> bool:
    """True for an address on another host (or protocol-relative), which the page must not load."""
    parts = urlsplit(url.strip())
    return bool(parts.scheme or parts.netloc) or url.strip().startswith("//")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Images load without a click: only the app's own files, never another host.
    if tag == "img" and attribute == "src" and is_external(value):
        return None
    return value


@functools.cache
def _parser() -> MarkdownIt:
    # html=False: raw HTML in a body is shown as text, never passed through.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


def render_markdown(text: str) -> Markup:
    if not text.strip():
        return Markup("")
    html = _parser().render(text)
    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 just above
