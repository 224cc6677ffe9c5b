"""What the browser tests share besides fixtures: Chromium, a live server, a request/console log, helpers.

The browser is Debian's ``chromium`` (``make install-test`` installs it), driven by Playwright
with ``executable_path``: Playwright's own browser downloads are not used anywhere.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from graphkb.store import open_store
from webui import create_app

from ..neo4j_support import in_ci
from ..web.conftest import PASSWORDS

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
# Schemes that never leave the machine: the page's own documents and inline data.
LOCAL_SCHEMES = ("data", "blob", "about")


def chromium_path() -> str | None:
    return os.environ.get("GRAPHKB_CHROMIUM") or shutil.which("chromium")


def chromium_args() -> list[str]:
    # Chromium refuses to start its sandbox as root (CI runs as root); /dev/shm is tiny in containers.
    args = ["--disable-dev-shm-usage"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    return args


def unavailable(reason: str):
    """Skip where Chromium cannot be had; in CI that is a failure, not a skip."""
    if in_ci():
        pytest.fail(f"Chromium is required in CI (CI=true) but unavailable: {reason}", pytrace=False)
    pytest.skip(f"Chromium unavailable: {reason}")


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass  # one line per request would drown the interesting output of a failing test


def _buffered(app):
    """The app's answers read to the end (and closed) before they are sent.

    Werkzeug's development server leaves a static file open when the browser drops the
    connection half-way (a page closed while it loads): a ResourceWarning, which fails the test
    that happens to run next. Production servers close it; here the answer is simply read first.
    """

    def wsgi(environ, start_response):
        answer = app(environ, start_response)
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        return [body]

    return wsgi


class LiveServer:
    """The real app over real HTTP on 127.0.0.1 and a free port, served from a background thread."""

    def __init__(self, store_url: str, **config):
        self.store_url = store_url
        self.app = create_app({"GRAPHKB_STORE": store_url, **config})
        self._server = make_server("127.0.0.1", 0, _buffered(self.app), threaded=True, request_handler=_QuietHandler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        # a short poll: shutdown() waits for it, once per server
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
        )

    @property
    def store(self):
        """The store the app serves from (for tests that write behind the browser's back)."""
        return self.app.extensions["graphkb_store"].get()

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()
        self.app.extensions["graphkb_store"].close()


def build_store(url: str, *builders) -> str:
    store = open_store(url)
    try:
        for build in builders:
            build(store)
    finally:
        store.close()
    return url


@dataclass
class BrowserLog:
    """Everything a test's pages did that the test did not ask for; checked when the test ends."""

    origin: str
    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    allowed_console: list[re.Pattern] = field(default_factory=list)

    def allow_console_errors(self, pattern: str) -> None:
        """Opt out for console errors matching ``pattern`` (e.g. the 404 of an intentional error page)."""
        self.allowed_console.append(re.compile(pattern))

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in LOCAL_SCHEMES or f"{parts.scheme}://{parts.netloc}" == self.origin

    def route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if self.is_local(url):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort("blockedbyclient")

    def console(self, message) -> None:
        if message.type != "error":
            return
        text = f"{message.text} ({message.location.get('url', '')})"
        if "Content Security Policy" in message.text:
            self.csp_violations.append(text)
        elif not any(p.search(message.text) for p in self.allowed_console):
            self.console_errors.append(text)

    def dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def watch(self, page) -> None:
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("dialog", self.dialog)

    def problems(self) -> list[str]:
        found = {
            "requests to other hosts (blocked)": self.outside,
            "Content Security Policy violations": self.csp_violations,
            "console errors": self.console_errors,
            "uncaught page errors": self.page_errors,
            "dialogs (alert/confirm/prompt)": self.dialogs,
        }
        return [f"{what}:\n  " + "\n  ".join(items) for what, items in found.items() if items]

    def forget(self) -> None:
        """Drop what was recorded so far (for a test that provoked it on purpose and checked it)."""
        for items in (self.outside, self.console_errors, self.csp_violations, self.page_errors, self.dialogs):
            items.clear()

    def reset(self) -> None:
        """Ready for the next test on the same page: nothing recorded, nothing allowed."""
        self.forget()
        self.requests.clear()
        self.allowed_console.clear()


def open_watched_page(browser, server: LiveServer, log: BrowserLog, **options):
    """A page in a new context on ``server`` whose every request and message goes to ``log``."""
    context = browser.new_context(base_url=server.url, **options)
    context.route("**/*", log.route)
    page = context.new_page()
    log.watch(page)
    return page


class PagePool:
    """Pages kept open across a module's tests, one per set of context options, each with its own log.

    A new context costs about as much as three page loads; a sweep of many pages that neither logs
    in nor sets cookies can share one. The log is emptied before each test and checked after it.
    """

    def __init__(self, browser, server: LiveServer, defaults: dict):
        self.browser, self.server, self.defaults = browser, server, defaults
        self._open: dict[str, tuple] = {}

    def get(self, **options) -> tuple:
        key = repr(sorted(options.items()))
        if key not in self._open:
            log = BrowserLog(origin=self.server.url)
            page = open_watched_page(self.browser, self.server, log, **{**self.defaults, **options})
            self._open[key] = (page, log)
        return self._open[key]

    def close(self) -> None:
        for page, _ in self._open.values():
            page.context.close()
        self._open.clear()


def login(page, role: str, password: str | None = None) -> None:
    """Log in through the real /login form as the account named ``role``; fails unless it worked."""
    page.goto("/login")
    form = page.locator("form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=name]").fill(role)
    form.locator("input[name=password]").fill(password or PASSWORDS[role])
    with page.expect_navigation():
        form.locator("button[type=submit], input[type=submit]").first.click()
    who = page.locator("header .who")
    assert who.count() == 1 and role in who.inner_text(), f"log-in as {role} failed on {page.url}"


def shot(page, name: str) -> Path:
    """A full-page PNG of the current page in test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
    assert path.stat().st_size > 1000, f"screenshot {path} is empty"
    return path
