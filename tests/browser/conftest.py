"""Fixtures for tests in a real headless Chromium against the real app served over HTTP.

One browser for the package (Playwright is stopped before the other tests run), a new context
per test. ``page`` is bound to the test's live server (``live_app`` if the test asks for one,
else the module's read-only ``live_server``), records every request, blocks and reports any
request to another host, and fails the test at teardown on console errors, CSP violations,
uncaught page errors and dialogs (``browser_log.allow_console_errors(...)`` opts out for one
kind of console error). ``pooled_page`` does the same with a page kept open across a module's
anonymous visits, for sweeps over many pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from ..web.conftest import PASSWORDS, add_accounts, build_graph
from .support import (
    BrowserLog,
    LiveServer,
    PagePool,
    build_store,
    chromium_args,
    chromium_path,
    open_watched_page,
    unavailable,
)

CONTEXT_DEFAULTS = {
    "locale": "de-DE",  # the wiki's readers: German browsers
    "timezone_id": "Europe/Vienna",
    "viewport": {"width": 1280, "height": 900},
}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Teardown reads this to stay quiet about a page's noise when the test failed for its own reason.
    report = yield
    if report.when == "call":
        item.browser_call_failed = report.failed
    return report


@pytest.fixture(scope="package")
def browser() -> Iterator:
    executable = chromium_path()
    if not executable:
        unavailable("no chromium on PATH; `make install-test` installs Debian's package (or set GRAPHKB_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=chromium_args())
    except Exception as exc:  # noqa: BLE001 - whatever stops it from starting is the reason to report
        playwright.stop()
        unavailable(f"{executable} does not start: {exc.__class__.__name__}: {exc}")
    yield launched
    launched.close()
    playwright.stop()


@pytest.fixture(scope="session")
def browser_account_hashes() -> dict[str, str]:
    from graphkb.accounts import hash_password

    return {role: hash_password(password) for role, password in PASSWORDS.items()}


def serve_small_graph(directory, hashes, *more_builders) -> Iterator[LiveServer]:
    """The small test graph of tests/web with the three accounts (and more), served live."""
    url = build_store(
        f"sqlite:///{directory / 'graphkb.sqlite3'}",
        build_graph,
        lambda store: add_accounts(store, hashes),
        *more_builders,
    )
    with LiveServer(url) as server:
        yield server


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, browser_account_hashes) -> Iterator[LiveServer]:
    """Read-only: one server per module; a test that writes takes ``live_app``."""
    yield from serve_small_graph(tmp_path_factory.mktemp("browser-graph"), browser_account_hashes)


@pytest.fixture
def live_app(tmp_path, browser_account_hashes) -> Iterator[LiveServer]:
    """A fresh copy of the small graph for this test alone, served live; write to it at will."""
    yield from serve_small_graph(tmp_path, browser_account_hashes)


@pytest.fixture
def server(request) -> LiveServer:
    return request.getfixturevalue("live_app" if "live_app" in request.fixturenames else "live_server")


@pytest.fixture
def browser_log(server) -> BrowserLog:
    return BrowserLog(origin=server.url)


def fail_on(request, logs) -> None:
    problems = [problem for log in logs for problem in log.problems()]
    if problems and not getattr(request.node, "browser_call_failed", False):
        pytest.fail("the browser saw what no page may cause:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def new_page(request, browser, server, browser_log) -> Iterator[Callable]:
    """``new_page(**context_options)``: a page in a new context (e.g. ``locale="en-US"``), watched."""
    pages = []

    def open_page(**options):
        pages.append(open_watched_page(browser, server, browser_log, **{**CONTEXT_DEFAULTS, **options}))
        return pages[-1]

    yield open_page
    for page in pages:
        page.context.close()
    fail_on(request, [browser_log])


@pytest.fixture
def page(new_page):
    """A German browser's page on the test's live server; ``page.goto("/")`` opens the home page."""
    return new_page()


@pytest.fixture(scope="module")
def page_pool(browser, live_server) -> Iterator[PagePool]:
    pool = PagePool(browser, live_server, CONTEXT_DEFAULTS)
    yield pool
    pool.close()


@pytest.fixture
def pooled_page(request, page_pool) -> Iterator[Callable]:
    """``pooled_page(**context_options)`` → ``(page, log)``: like ``new_page``, but the page stays open for the
    module's next test with the same options (faster). Only for anonymous visits to ``live_server``."""
    used = []

    def get(**options):
        page, log = page_pool.get(**options)
        if log not in used:
            log.reset()
            used.append(log)
        return page, log

    yield get
    fail_on(request, used)
    for log in used:
        log.reset()
