"""The small pieces of HTML every statement list repeats, built in Python.

An entity page lists dozens of statements, each with an entity link, a type chip, layer badges,
qualifiers and citations. As Jinja macros these were some 90 macro calls per page and more than
half of the page's CPU: a macro call costs ten times a function call. Here each piece is a
function that escapes every argument with ``markupsafe.escape`` and returns ``Markup``; the
texts that only depend on the language (badges, button labels) are built once per language.

The public functions are Jinja globals (``init_app``) under the names the macros had, so templates
call them as before. Browser tests (tests/browser/test_xss.py) put script payloads into every field
these functions print.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from .auth import has_role
from .db import get_store
from .i18n import ui_lang
from .links import entity_url, type_url

__all__ = [
    "init_app",
    "type_chip",
    "entity_link",
    "layer_badge",
    "value",
    "qualifiers",
    "citation",
    "statement",
    "statement_groups",
    "evidence_statement",
]

# Pieces are plain ``str`` built with f-strings, every value passed through ``_e`` (``markupsafe``'s C
# escape), and turned into ``Markup`` once at the edge: ``Markup.format`` costs ten times an f-string.
_TEXTS: dict[tuple[str, int], tuple[Any, dict[Any, str]]] = {}


def _e(value: Any) -> str:
    return escape(value).__str__()


def _texts() -> dict[Any, str]:
    """Constant pieces for the UI language and the store's ontology, built once per process.

    Type chips are kept here too (under ``("chip", type, link)``): their labels come from the
    ontology, which is part of the key (and kept alive by the entry, so its id is not reused).
    """
    lang = ui_lang()
    ontology = get_store().ontology
    key = (lang, id(ontology))
    entry = _TEXTS.get(key)
    found = entry[1] if entry is not None else None
    if found is None:
        # gettext calls stay outside f-strings: Babel's extractor does not look inside them
        report, report_title = _("Report"), _("Stated in the Graz report (primary layer)")
        background, bg_title = _("Background"), _("From a background source outside the report")
        none, none_title = _("No source"), _("No citation with a known layer")
        deleted = _("deleted")
        found = {
            "report": f'<span class="badge layer-report" title="{_e(report_title)}">{_e(report)}</span>',
            "background": f'<span class="badge layer-background" title="{_e(bg_title)}">{_e(background)}</span>',
            None: f'<span class="badge layer-none" title="{_e(none_title)}">{_e(none)}</span>',
            "deleted": f' <span class="badge badge-deleted">{_e(deleted)}</span>',
            "edit": _e(_("Edit statement")),
            "remove": _e(_("Remove statement")),
        }
        if not current_app.debug:  # in debug the catalogue may be recompiled while running
            _TEXTS[key] = (ontology, found)
    return found


def _chip(name: str, link: bool, t: dict[Any, str] | None = None) -> str:
    t = t if t is not None else _texts()
    found = t.get(("chip", name, link))
    if found is None:
        from .views.wiki import type_label  # the view module owns the ontology's labels

        label = _e(type_label(name))
        inner = f'<a href="{_e(type_url(name))}">{label}</a>' if link else label
        found = f'<span class="chip type-{_e(name)}"><span class="swatch" aria-hidden="true"></span>{inner}</span>'
        if not link:  # a linked chip's URL depends on the script root
            t["chip", name, link] = found
    return found


def _link(entity_id: str, label: str, deleted: bool = False, exists: bool = True, t: dict | None = None) -> str:
    if not exists:
        return f'<span class="missing">{_e(label)}</span>'
    if deleted:
        t = t if t is not None else _texts()
        return f'<a href="{_e(entity_url(entity_id))}" class="deleted">{_e(label)}</a>{t["deleted"]}'
    return f'<a href="{_e(entity_url(entity_id))}">{_e(label)}</a>'


def _badge(layer: str | None, t: dict[Any, str] | None = None) -> str:
    t = t if t is not None else _texts()
    return t.get(layer) or t[None]


def _value(v: Any) -> str:
    if v.kind == "ref":
        return f'<a href="{_e(entity_url(v.ref))}">{_e(v.text)}</a>'
    if v.kind == "url" and v.href.startswith(("http://", "https://")):
        return f'<a href="{_e(v.href)}" rel="external nofollow noopener noreferrer">{_e(v.text)}</a>'
    return _e(v.text)


def _qualifiers(items: Iterable[tuple[str, Any]]) -> str:
    parts = "".join(f"<div><dt>{_e(label)}</dt><dd>{_value(v)}</dd></div>" for label, v in items)
    return f'\n<dl class="qualifiers">{parts}</dl>' if parts else ""


def _citation(c: Any, t: dict[Any, str]) -> str:
    locator = f', <span class="locator">{_e(c.locator)}</span>' if c.locator else ""
    source = _link(c.source_id, c.label, exists=c.exists, t=t)
    return (
        f'<figure class="citation layer-{_e(c.layer or "none")}">\n  <blockquote><p>{_e(c.quote)}</p></blockquote>\n'
        f"  <figcaption>{_badge(c.layer, t)} {source}{locator}</figcaption>\n"
        "</figure>"
    )


def _citations(s: Any, collapse: bool, t: dict[Any, str]) -> str:
    if not s.citations:
        return ""
    inner = "".join(_citation(c, t) for c in s.citations)
    if collapse:
        n = len(s.citations)
        summary = t.get(n)
        if summary is None:
            summary = t[n] = _e(ngettext("%(num)d citation", "%(num)d citations", n))
        return f"\n<details>\n<summary>{summary}</summary>\n{inner}</details>"
    return f'\n<div class="citations">{inner}</div>'


def _actions(s: Any, subject: str, base: Any, texts: dict[Any, str]) -> str:
    edit = url_for("edit.statement_edit", entity_id=subject, statement_id=s.id)
    remove = url_for("edit.statement_remove", entity_id=subject, statement_id=s.id)
    return (
        f'\n<div class="statement-actions">\n  <a href="{_e(edit)}">{texts["edit"]}</a>\n'
        f'  <form class="inline" method="post" action="{_e(remove)}">\n'
        f'    <input type="hidden" name="csrf_token" value="{_e(generate_csrf())}">\n'
        f'    <input type="hidden" name="base_revision" value="{_e(base)}">\n'
        f'    <button type="submit" class="link danger">{texts["remove"]}</button>\n  </form>\n</div>'
    )


def _statement(
    s: Any, collapse: bool, subject: str | None, base: Any, tag: str, anchor: bool, editable: bool, t: dict[Any, str]
) -> str:
    ident = f' id="{_e(s.id)}"' if anchor and s.id and not collapse else ""
    chip = _chip(s.other_type, False, t) if s.other_type else ""
    badges = "".join(f"{_badge(layer, t)} " for layer in s.layers) if s.layers else _badge(None, t)
    actions = _actions(s, subject, base, t) if subject and s.id and editable else ""
    return (
        f'<{tag} class="statement"{ident}>\n  <div class="statement-head">\n'
        f"    {_link(s.other_id, s.other_label, s.other_deleted, s.other_exists, t)}\n    {chip}\n"
        f'    <span class="layers">{badges}</span>\n  </div>'
        f"{_qualifiers(s.qualifiers)}{actions}{_citations(s, collapse, t)}\n</{tag}>"
    )


# -- the Jinja globals ----------------------------------------------------------------------------


def type_chip(name: str, link: bool = True) -> Markup:
    return Markup(_chip(name, link))


def entity_link(entity_id: str, label: str, deleted: bool = False, exists: bool = True) -> Markup:
    return Markup(_link(entity_id, label, deleted, exists))


def layer_badge(layer: str | None) -> Markup:
    return Markup(_badge(layer))


def value(v: Any) -> Markup:
    return Markup(_value(v))


def qualifiers(items: Iterable[tuple[str, Any]]) -> Markup:
    return Markup(_qualifiers(items))


def citation(c: Any) -> Markup:
    return Markup(_citation(c, _texts()))


def statement(
    s: Any, collapse: bool = False, subject: str | None = None, base: Any = None, tag: str = "li", anchor: bool = True
) -> Markup:
    """One statement. In a diff it is a ``div`` without its id (the same statement may stand there twice)."""
    if tag not in ("li", "div"):
        raise ValueError(f"unexpected tag {tag!r}")
    editable = bool(subject) and has_role("editor")
    return Markup(_statement(s, collapse, subject, base, tag, anchor, editable, _texts()))


def statement_groups(
    groups: Iterable[Any], empty: str, collapse: bool = False, subject: str | None = None, base: Any = None
) -> Markup:
    """The groups of statements under one heading (each a relation), or ``empty``."""
    editable = bool(subject) and has_role("editor")  # once per list, not per statement
    t = _texts()
    parts = "".join(
        f'\n<section class="group" data-relation="{_e(group.type)}">\n  <h3>{_e(group.label)}</h3>\n'
        '  <ul class="statement-list">'
        + "".join(_statement(s, collapse, subject, base, "li", True, editable, t) for s in group.statements)
        + "</ul>\n</section>"
        for group in groups
    )
    return Markup(parts or f'\n<p class="muted">{_e(empty)}</p>')


def evidence_statement(s: Any, relation: str) -> Markup:
    """A statement citing a Source, shown on that Source's page: subject, relation, target, quotes."""
    t = _texts()
    subject_chip = _chip(s.subject_type, False, t) if s.subject_type else ""
    other_chip = _chip(s.other_type, False, t) if s.other_type else ""
    return Markup(
        f'<li class="statement evidence">\n  <div class="statement-head">\n    {_link(s.subject_id, s.subject_label)}\n'
        f'    {subject_chip}\n    <span class="relation">{_e(relation)}</span>\n'
        f"    {_link(s.other_id, s.other_label, s.other_deleted, s.other_exists, t)}\n    {other_chip}\n  </div>"
        f"{_qualifiers(s.qualifiers)}\n"
        f'  <div class="citations">{"".join(_citation(c, t) for c in s.citations)}</div>\n</li>'
    )


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update({name: globals()[name] for name in __all__ if name != "init_app"})
