"""The UI language: ``?lang=`` (remembered in a cookie), then the cookie, then Accept-Language, then German."""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask_babel import Babel, get_locale, get_translations
from flask_babel import lazy_gettext as _l

from graphkb.text import LANGS

__all__ = ["init_app", "ui_lang", "other_lang", "select_locale", "value_label", "COOKIE"]

COOKIE = "lang"
DEFAULT = "de"
COOKIE_MAX_AGE = 365 * 24 * 3600

# Enum values of the ontology, as readers see them. Unknown values fall back to the raw value.
_VALUE_LABELS = {
    # City.kind
    "city": _l("city"),
    "county": _l("county"),
    "district": _l("district"),
    "canton": _l("canton"),
    # Organization.kind
    "public_authority": _l("public authority"),
    "youth_welfare_office": _l("youth welfare office"),
    "free_provider": _l("independent provider"),
    "university": _l("university"),
    "institute": _l("institute"),
    "foundation": _l("foundation"),
    "association": _l("association"),
    "court": _l("court"),
    "political_party": _l("political party"),
    "media": _l("media"),
    "other": _l("other"),
    # Role.sector
    "administration": _l("administration"),
    "politics": _l("politics"),
    "free_providers": _l("independent providers"),
    "science": _l("science"),
    "civil_society": _l("civil society"),
    # Event.kind
    "study_trip": _l("study trip"),
    "webinar": _l("webinar"),
    "conference": _l("conference"),
    "decision": _l("decision"),
    "founding": _l("founding"),
    "project": _l("project"),
    "evaluation": _l("evaluation"),
    "court_decision": _l("court decision"),
    "award": _l("award"),
    # Source.kind and Source.layer
    "report": _l("report"),
    "background": _l("background"),
    "blog": _l("blog"),
    "article": _l("article"),
    "web_page": _l("web page"),
    "study": _l("study"),
    "press": _l("press"),
    "brochure": _l("brochure"),
    "parliamentary": _l("parliamentary document"),
    "lexicon": _l("lexicon"),
    "lecture": _l("lecture"),
    # qualifiers
    "practice_experience": _l("practice experience"),
    "self_report": _l("self-report"),
    "goal": _l("goal"),
    "counter_position": _l("counter-position"),
    "asserted": _l("asserted"),
    "contested": _l("contested"),
    "direct": _l("direct"),
    "partial": _l("partial"),
}


def value_label(value: str) -> str:
    label = _VALUE_LABELS.get(value)
    return str(label) if label is not None else value.replace("_", " ")


def select_locale() -> str:
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    remembered = request.cookies.get(COOKIE)
    if remembered in LANGS:
        return remembered
    return request.accept_languages.best_match(LANGS) or DEFAULT


def ui_lang() -> str:
    locale = get_locale()
    lang = locale.language if locale is not None else DEFAULT
    return lang if lang in LANGS else DEFAULT


def other_lang(lang: str | None = None) -> str:
    lang = lang or ui_lang()
    return next(other for other in LANGS if other != lang)


def _remember_choice(response: Response) -> Response:
    asked = request.args.get("lang")
    if asked in LANGS and request.cookies.get(COOKIE) != asked:
        response.set_cookie(
            COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", secure=request.is_secure, httponly=True
        )
    # The same URL is German or English depending on the request: caches must keep them apart.
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def _translations():
    """This request's catalogue, looked up once.

    Flask-Babel's own template callables find the locale and domain again for every string (an
    entity page has about fifty): a quarter of the page's time. The catalogue is kept where
    ``flask_babel.refresh()`` clears it, so a locale switch mid-request still takes effect.
    """
    ctx = getattr(g, "_flask_babel", None)
    found = getattr(ctx, "babel_translations", None)
    if found is None:
        found = get_translations()
        ctx = getattr(g, "_flask_babel", None)  # get_translations() creates it on first use
        if ctx is not None:
            ctx.babel_translations = found
    return found


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Vienna")
    Babel(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.after_request(_remember_choice)
