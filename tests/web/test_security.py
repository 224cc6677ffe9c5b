"""What keeps readers safe: security headers, no inline script or style, nothing loaded from elsewhere."""

from __future__ import annotations

import re

import pytest

from .helpers import all_tags

PAGES = [
    "/",
    "/types/Organization",
    "/types/Source?page=1&sort=-updated",
    "/entity/tr%C3%A4gerverb%C3%BCnde-in-graz",
    "/entity/issab-fachkonzept",  # has an outside address as a property
    "/entity/graz?lang=en",
    "/entity/alter-verein",
    "/search?q=graz",
    "/entity/gibt-es-nicht",
    "/types/Organization?page=x",
]
# attributes that make the browser fetch something without a click
LOADING = {
    ("script", "src"),
    ("img", "src"),
    ("iframe", "src"),
    ("link", "href"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("form", "action"),
    ("input", "src"),
    ("track", "src"),
    ("image", "href"),
    ("use", "href"),
}
OUTSIDE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.I)


@pytest.mark.parametrize("url", [*PAGES, "/api/v1/types", "/api/v1/nope", "/static/style.css", "/static-types.css"])
def test_every_response_carries_the_security_headers(client, url):
    with client.get(url) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"]


@pytest.mark.parametrize("url", PAGES)
def test_no_page_loads_anything_from_another_host(client, url):
    html = client.get(url).get_data(as_text=True)
    for tag, attrs in all_tags(html):
        for name, value in attrs.items():
            if (tag, name) in LOADING or name == "srcset":
                assert not OUTSIDE.match(value), (url, tag, name, value)
            if tag == "a" and name == "href" and OUTSIDE.match(value):
                # a link to a source's address is fine to click, but it leaks nothing and opens nothing
                assert value.startswith(("https://", "http://", "mailto:")), (url, value)
                rel = attrs.get("rel", "").split()
                assert "noopener" in rel and "noreferrer" in rel, (url, value)


def test_an_outside_address_is_shown_as_a_marked_link(client):
    html = client.get("/entity/issab-fachkonzept").get_data(as_text=True)
    assert '<a href="https://www.uni-due.de/biwi/issab/" rel="external nofollow noopener noreferrer">' in html


@pytest.mark.parametrize("url", PAGES)
def test_no_page_has_inline_script_inline_style_or_event_handlers(client, url):
    html = client.get(url).get_data(as_text=True)
    for tag, attrs in all_tags(html):
        assert tag != "style", (url, tag)
        if tag == "script":  # only the app's own files, never inline code
            assert attrs.get("src", "").startswith("/static/js/"), (url, attrs)
        assert "style" not in attrs, (url, tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (url, tag, attrs)
    assert all(not body.strip() for body in re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S)), url


def test_the_stylesheets_load_nothing_from_elsewhere(client):
    for url in ("/static/style.css", "/static-types.css"):
        with client.get(url) as response:
            assert response.status_code == 200 and response.mimetype == "text/css"
            css = response.get_data(as_text=True)
        assert "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:)?//", css)


def test_type_colours_come_from_the_generated_stylesheet(client):
    css = client.get("/static-types.css").get_data(as_text=True)
    assert ".type-ProviderAlliance { --type-color: #edc948; }" in css
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/static-types.css">' in html


def test_labels_and_quotes_are_escaped_not_interpreted(client, app):
    # every text shown on a page goes through Jinja's autoescape
    assert app.jinja_env.autoescape("page.html") is True
    html = client.get('/search?q=<b onmouseover="x">').get_data(as_text=True)
    assert '<b onmouseover="x">' not in html and "&lt;b onmouseover=" in html


def test_the_app_runs_without_debug_and_with_a_secret_key(app):
    assert app.debug is False and app.config["SECRET_KEY"]
