"""Rendered entity pages for anonymous readers, kept per process for one graph version.

Most visits to a wiki are reads by people without an account, and an anonymous reader's page
depends only on the entity, the language, the query string and the graph. So, as MediaWiki's
parser cache does, the HTML is kept and served again until anything in the graph changes: the
store's graph version (bumped by every write, in every process) is read on each request, one
cheap query, and a different version empties the cache. A page is therefore never older than
the graph the request sees.

Only requests without a session or remember-me cookie are served from or stored in the cache:
whoever is logged in (or has a flash message waiting) gets a freshly rendered page with their
own links and CSRF tokens. ``GRAPHKB_PAGE_CACHE`` sets how many pages a process keeps (least
recently used go first); 0 turns the cache off.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path

from flask import Flask, Response, current_app, make_response, request

__all__ = ["PageCache", "init_app", "cached_page"]

EXTENSION = "graphkb_page_cache"


class PageCache:
    """A bounded LRU of rendered pages, all of one graph version."""

    def __init__(self, size: int):
        self.size = size
        self.version: int | None = None
        self.pages: OrderedDict[Hashable, str] = OrderedDict()
        self.hits = self.misses = 0
        self._lock = threading.Lock()  # gthread workers share one cache between threads

    def get(self, key: Hashable, version: int) -> str | None:
        with self._lock:
            if version != self.version:
                self.pages.clear()
                self.version = version
            page = self.pages.get(key)
            if page is None:
                self.misses += 1
                return None
            self.pages.move_to_end(key)
            self.hits += 1
            return page

    def clear(self) -> None:
        """Forget every page (for changes outside the graph, e.g. a setting changed while running)."""
        with self._lock:
            self.pages.clear()

    def put(self, key: Hashable, version: int, page: str) -> None:
        with self._lock:
            if version != self.version:
                return  # the graph moved on while this page was rendered
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


def _anonymous() -> bool:
    cookies = request.cookies
    config = current_app.config
    return (
        config["SESSION_COOKIE_NAME"] not in cookies
        and config.get("REMEMBER_COOKIE_NAME", "remember_token") not in cookies
    )


def cached_page(key: Hashable, version: Callable[[], int], render: Callable[[], str]) -> Response:
    """The response for a page: from the cache for anonymous readers, rendered otherwise.

    ``key`` names the page apart from the language, query string and mount point (added here);
    ``version`` reads the graph version (called once, before rendering). Cached answers carry
    an ETag and ``Cache-Control: no-cache``, so a browser asks again and gets a 304 while the
    graph is unchanged.
    """
    cache: PageCache | None = current_app.extensions.get(EXTENSION)
    if cache is None or request.method not in ("GET", "HEAD") or not _anonymous():
        return make_response(render())
    from .i18n import ui_lang

    full_key = (key, ui_lang(), request.query_string, request.script_root)
    current = version()
    page = cache.get(full_key, current)
    if page is None:
        page = render()
        cache.put(full_key, current, page)
    response = make_response(page)
    build = current_app.extensions.get(EXTENSION + "_build", "")
    tag = hashlib.blake2b(repr((full_key, current, build)).encode(), digest_size=12).hexdigest()
    response.set_etag(tag, weak=True)
    response.cache_control.no_cache = True
    return response.make_conditional(request)


def _build_id() -> str:
    """Changes when the app's code or templates do, so a browser's copy from before a deploy is not kept."""
    here = Path(__file__).parent
    newest = max(p.stat().st_mtime_ns for p in (*here.rglob("*.py"), *here.rglob("*.html")))
    return str(newest)


def init_app(app: Flask) -> None:
    size = int(app.config.get("GRAPHKB_PAGE_CACHE") or 0)
    if size > 0:
        app.extensions[EXTENSION] = PageCache(size)
        app.extensions[EXTENSION + "_build"] = _build_id()
