"""Fixtures for the web app: a real SQLite file with a small hand-made graph, the app, a client.

The small graph (``graph``) is built once per session and only read by the tests; its figures
are chosen so assertions can be checked by hand. ``seeded_client`` serves the Graz seed graph.
"""

from __future__ import annotations

import pytest

from graphkb.model import Citation, Entity, Statement
from graphkb.store import open_store
from webui import create_app

from ..conftest import STORE_BACKENDS

REPORT_QUOTE = "Untereinander agieren sie im jeweiligen Sozialraum nun in sogenannten Trägerverbünden"
BACKGROUND_QUOTE = "Das Fachkonzept wurde am ISSAB entwickelt"
ALLIANCE = "trägerverbünde-in-graz"
BODY = """Die **Trägerverbünde** arbeiten im Sozialraum zusammen.

<script>alert("body")</script>

- eins
- zwei

Mehr beim [ISSAB](https://www.uni-due.de/biwi/issab/). ![Zählpixel](https://tracker.example/p.png)
[Klick](javascript:alert(1))
"""
PAGE_SIZE = 2
# Organisation labels, so the type index has 4 live entries on 2 pages (plus one deleted).
ORGANISATIONS = [
    "Amt für Jugend und Familie Graz",
    "Caritas Steiermark",
    "Jugend am Werk",
    "Österreichische Kinderfreunde",
]


def _statement(rel, target, quote=None, source=None, locator="", **qualifiers):
    citations = [Citation(source, quote, locator)] if quote else []
    return Statement(rel, target, qualifiers=qualifiers, citations=citations)


def build_graph(store) -> None:
    def add(entity: Entity, summary: str = "Test"):
        store.create(entity, author="tester", summary=summary)

    add(
        Entity(
            type="Source",
            id="grazer-bericht",
            labels={"de": "Von Graz lernen", "en": "Learning from Graz"},
            properties={"layer": "report", "kind": "blog"},
        )
    )
    add(
        Entity(
            type="Source",
            id="issab-fachkonzept",
            labels={"de": "ISSAB: Fachkonzept", "en": "ISSAB: concept"},
            properties={"layer": "background", "url": "https://www.uni-due.de/biwi/issab/"},
        )
    )
    add(Entity(type="Person", id="wolfgang-hinte", labels={"de": "Wolfgang Hinte"}, properties={"title": "Prof. Dr."}))
    add(
        Entity(
            type="SocialSpace",
            id="sozialraum-2",
            labels={"de": "Sozialraum 2", "en": "Social space 2"},
            properties={"number": 2},
        )
    )
    add(
        Entity(
            type="City",
            id="graz",
            labels={"de": "Graz", "en": "Graz"},
            descriptions={"de": "Landeshauptstadt der Steiermark", "en": "Capital of Styria"},
            properties={"country": "Österreich", "kind": "city", "districts": 17},
            statements=[
                _statement("HAS_SOCIAL_SPACE", "sozialraum-2"),
                _statement("ADVISED_BY", "wolfgang-hinte", REPORT_QUOTE, "grazer-bericht", since="2004"),
            ],
        ),
        summary="Graz angelegt",
    )
    for label in ORGANISATIONS:
        add(Entity(type="Organization", labels={"de": label}))
    add(
        Entity(
            type="ProviderAlliance",
            id=ALLIANCE,
            labels={"de": "Trägerverbünde in Graz", "en": "Provider alliances in Graz"},
            aliases={"de": ["Trägerverbund"], "en": ["provider alliance"]},
            descriptions={"de": "Zusammenschlüsse freier Träger je Sozialraum", "en": "Alliances of providers"},
            body=BODY,
            properties={"founded": "2004"},
            statements=[
                _statement("RESPONSIBLE_FOR", "sozialraum-2", REPORT_QUOTE, "grazer-bericht", "Absatz 5", since="2004"),
                _statement("LOCATED_IN", "graz", BACKGROUND_QUOTE, "issab-fachkonzept", "Abschnitt 2.2"),
                _statement("COOPERATES_WITH", "amt-für-jugend-und-familie-graz", social_space="sozialraum-2"),
            ],
        ),
        summary="Trägerverbünde angelegt",
    )
    add(Entity(type="Organization", id="alter-verein", labels={"de": "Alter Verein"}))
    store.delete("alter-verein", base_revision=1, author="tester", reason="Doppelt angelegt")


def _build(url: str, builder) -> str:
    store = open_store(url)
    try:
        builder(store)
    finally:
        store.close()
    return url


@pytest.fixture(scope="session")
def sqlite_graph_url(tmp_path_factory) -> str:
    return _build(f"sqlite:///{tmp_path_factory.mktemp('web-store') / 'graphkb.sqlite3'}", build_graph)


@pytest.fixture(params=STORE_BACKENDS)
def graph_url(request) -> str:
    """The small graph on each store; the Neo4j copy is rebuilt only when another graph was loaded."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_graph_url")
    server = request.getfixturevalue("neo4j_server")
    return server.ensure_graph("web-graph", lambda url: _build(url, build_graph))


def _app(url: str, **extra):
    app = create_app({"TESTING": True, "GRAPHKB_STORE": url, "GRAPHKB_PAGE_SIZE": PAGE_SIZE, **extra})
    yield app
    app.extensions["graphkb_store"].close()


@pytest.fixture
def app(graph_url):
    yield from _app(graph_url)


@pytest.fixture
def client(app):
    return app.test_client()


def _seed(store) -> None:
    from graphkb.seed import load_seed

    load_seed(store, author="seed")


def _need_seed() -> None:
    from graphkb.seed import read_seed

    if not read_seed():
        pytest.skip("the seed graph files are not there yet")


@pytest.fixture(scope="session")
def sqlite_seeded_url(tmp_path_factory) -> str:
    _need_seed()
    return _build(f"sqlite:///{tmp_path_factory.mktemp('seeded-store') / 'graphkb.sqlite3'}", _seed)


@pytest.fixture(params=STORE_BACKENDS)
def seeded_url(request) -> str:
    """The Graz seed graph on each store."""
    _need_seed()
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_seeded_url")
    server = request.getfixturevalue("neo4j_server")
    return server.ensure_graph("seed", lambda url: _build(url, _seed))


@pytest.fixture
def seeded_client(seeded_url):
    for app in _app(seeded_url, GRAPHKB_PAGE_SIZE=50):
        yield app.test_client()


# --- writable apps with accounts -------------------------------------------------------------

PASSWORDS = {role: f"{role}-passwort-äöü" for role in ("reader", "editor", "admin")}
"""One account per role, named after it (``reader``, ``editor``, ``admin``), with these passwords."""


@pytest.fixture(scope="session")
def account_hashes() -> dict[str, str]:
    # scrypt is slow on purpose: hash once per session, not once per test
    from graphkb.accounts import hash_password

    return {role: hash_password(password) for role, password in PASSWORDS.items()}


def add_accounts(store, hashes: dict[str, str]) -> None:
    from graphkb.model import User

    for role, password_hash in hashes.items():
        store.save_user(User(role, role, password_hash=password_hash))


@pytest.fixture(params=STORE_BACKENDS)
def writable_url(request, tmp_path, account_hashes) -> str:
    """A fresh copy of the small graph with the three accounts, on each store; tests may write to it."""
    from ..conftest import fresh_store_url

    url = fresh_store_url(request, request.param, tmp_path)

    def build(store):
        build_graph(store)
        add_accounts(store, account_hashes)

    return _build(url, build)


@pytest.fixture
def writable_app(writable_url):
    yield from _app(writable_url)


@pytest.fixture
def wclient(writable_app):
    """A client on a writable graph; log in with ``login(wclient, "editor")``."""
    return writable_app.test_client()
