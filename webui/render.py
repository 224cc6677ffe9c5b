"""Markdown bodies to safe HTML: markdown-it-py without raw HTML, then nh3 as a second fence.

Bodies may link to other entities wiki style: ``[[Label]]``, ``[[id]]`` or ``[[id|shown text]]``.
An inline rule turns them into ordinary link tokens; a *resolver* (see :func:`store_resolver`)
decides where each one points, for all links of a body at once. Without a resolver the brackets
stay literal text, so ``render_markdown(text)`` keeps its old meaning.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import nh3
from flask import url_for
from flask_babel import gettext as _
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markupsafe import Markup

from graphkb.model import EntitySummary
from graphkb.store import Store
from graphkb.text import fold, is_slug

__all__ = [
    "render_markdown",
    "is_external",
    "WikiLink",
    "Resolver",
    "store_resolver",
    "wikilink_name",
    "REDLINK",
    "DELETED",
]

REDLINK = "redlink"  # class of a link to an entity that does not exist yet
DELETED = "deleted"  # class of a link to a soft-deleted entity
_LINK_CLASSES = {REDLINK, DELETED}
MAX_WIKILINK = 200  # as long as a label may be
MAX_LABEL_LOOKUPS = 50  # label searches per body: a page view must stay cheap, however many links it has

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
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}


@dataclass(frozen=True)
class WikiLink:
    """Where one ``[[name]]`` points: ``text`` is shown unless the author gave ``[[name|text]]``."""

    href: str
    text: str
    css_class: str = ""  # "", DELETED or REDLINK
    title: str = ""


Resolver = Callable[[Sequence[str]], Mapping[str, WikiLink]]
"""Takes the distinct link names of one body, returns a WikiLink for each name it can place."""


def is_external(url: str) -> bool:
    """True for an address on another host (or protocol-relative), which the page must not load."""
    parts = urlsplit(url.strip())
    return bool(parts.scheme or parts.netloc) or url.strip().startswith("//")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Images load without a click: only the app's own files, never another host.
    if tag == "img" and attribute == "src" and is_external(value):
        return None
    if attribute == "class" and (tag != "a" or value not in _LINK_CLASSES):
        return None
    return value


def wikilink_name(raw: str) -> str:
    """The name a link refers to, as the resolver receives it: NFC, inner whitespace collapsed.

    >>> wikilink_name("  Trägerverbünde   in Graz ")
    'Trägerverbünde in Graz'
    """
    return " ".join(unicodedata.normalize("NFC", raw).split())


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    """``[[name]]`` or ``[[name|shown]]`` → link tokens, filled in later by the resolver.

    Only active when the render asked for it (``env["wikilinks"]``); code spans never reach it
    (the backticks rule consumes them first), and it stays out of ordinary link texts.
    """
    links = state.env.get("wikilinks") if isinstance(state.env, dict) else None
    if links is None or state.linkLevel > 0 or not state.src.startswith("[[", state.pos):
        return False
    end = state.src.find("]]", state.pos + 2, min(state.posMax, state.pos + 4 + MAX_WIKILINK))
    if end < 0:
        return False
    inner = state.src[state.pos + 2 : end]
    if any(ch in inner for ch in "[]\n"):
        return False
    name, _bar, shown = inner.partition("|")
    name, shown = wikilink_name(name), " ".join(shown.split())
    if not name:
        return False
    if not silent:
        opening = state.push("link_open", "a", 1)
        opening.attrs = {"href": ""}
        opening.meta = {"wikilink": name, "raw": state.src[state.pos : end + 2]}
        label = state.push("text", "", 0)
        label.content = shown
        closing = state.push("link_close", "a", -1)
        links.append((opening, label, closing))
    state.pos = end + 2
    return True


def _fill(links: list[tuple[Token, Token, Token]], resolver: Resolver) -> None:
    names = list(dict.fromkeys(opening.meta["wikilink"] for opening, _label, _closing in links))
    resolved = resolver(names) if names else {}
    for opening, label, closing in links:
        link = resolved.get(opening.meta["wikilink"])
        if link is None:
            # the resolver could not place it: the author's text as it was
            label.content = opening.meta["raw"]
            for token in (opening, closing):
                token.type, token.tag, token.nesting, token.attrs = "text", "", 0, {}
            continue
        opening.attrs = {"href": link.href}
        if link.css_class:
            opening.attrs["class"] = link.css_class
        if link.title:
            opening.attrs["title"] = link.title
        label.content = label.content or link.text


@functools.cache
def _parser() -> MarkdownIt:
    # html=False: raw HTML in a body is shown as text, never passed through.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    return md


def render_markdown(text: str, resolver: Resolver | None = None) -> Markup:
    """Safe HTML of a Markdown body; with ``resolver``, ``[[…]]`` become links to entities."""
    if not text.strip():
        return Markup("")
    md = _parser()
    env: dict = {"wikilinks": []} if resolver is not None else {}
    tokens = md.parse(text, env)
    if resolver is not None:
        _fill(env["wikilinks"], resolver)
    html = md.renderer.render(tokens, md.options, env)
    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 just above


# --- resolving against a store ------------------------------------------------------------------


def _label_key(text: str) -> str:
    """Labels compare folded (case, diacritics, ß, ae/oe/ue) with whitespace collapsed, as search folds them."""
    return " ".join(fold(text).split())


def _id_candidates(name: str) -> list[str]:
    lowered = name.lower()
    return [c for c in dict.fromkeys((name, lowered)) if is_slug(c)]


def _by_label(store: Store, name: str) -> EntitySummary | None:
    key = _label_key(name)
    if not key:
        return None
    for summary in store.search(name, limit=20):
        if any(_label_key(label) == key for label in summary.labels.values() if label):
            return summary
    return None


def store_resolver(store: Store, lang: str) -> Resolver:
    """A resolver for ``render_markdown`` that places links in ``store``, labels in ``lang``.

    A name is an id first (one ``get_many`` for every name of the body, deleted entities
    included: they link with class ``deleted``), then an exact label in German or English,
    compared folded like search (``[[Tragerverbunde in Graz]]`` finds ``Trägerverbünde in Graz``;
    one ``search`` per name still unplaced, at most MAX_LABEL_LOOKUPS). A name that matches nothing
    becomes a red link (class ``redlink``) to the create form with the label filled in.
    Needs an app (and request) context for ``url_for`` and the UI strings.
    """

    def entity_link(summary: EntitySummary) -> WikiLink:
        deleted = summary.deleted
        return WikiLink(
            href=url_for("wiki.entity", entity_id=summary.id),
            text=summary.label(lang) or summary.id,
            css_class=DELETED if deleted else "",
            title=_("This entity has been deleted.") if deleted else "",
        )

    def resolve(names: Sequence[str]) -> dict[str, WikiLink]:
        candidates = {name: _id_candidates(name) for name in names}
        found = store.get_many([c for ids in candidates.values() for c in ids])
        links: dict[str, WikiLink] = {}
        lookups = 0
        for name in names:
            summary = next((found[c] for c in candidates[name] if c in found), None)
            if summary is None and lookups < MAX_LABEL_LOOKUPS:
                lookups += 1
                summary = _by_label(store, name)
            elif summary is None:
                # past the budget: let search find it rather than claim it does not exist
                links[name] = WikiLink(url_for("wiki.search", q=name), name)
                continue
            if summary is not None:
                links[name] = entity_link(summary)
            else:
                links[name] = WikiLink(
                    href=url_for("edit.create", label=name),
                    text=name,
                    css_class=REDLINK,
                    title=_("does not exist yet – create it"),
                )
        return links

    return resolve
