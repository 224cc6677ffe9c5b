"""A real Neo4j server for the tests: started from the Maven Central build in scripts/neo4j/.

Neo4j Community has one user database, so tests share it: a test that needs an empty graph wipes
it, and fixtures that build a named graph (the web tests' small graph, the seed) rebuild it only
when another graph was loaded in between (``ensure_graph``).

``GRAPHKB_TEST_NEO4J=bolt://host:port`` points the tests at a server that is already running
(it gets wiped!). Without it the session starts its own server. Where that cannot work (no Java,
no Maven, no network on a first run) the Neo4j tests skip with the reason; with ``CI=true`` that
is a failure instead, because CI must prove both stores.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LAUNCHER = REPO / "scripts" / "neo4j" / "neo4j_server.py"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str):
    """Skip where a real Neo4j cannot be had; in CI that is a failure, not a skip."""
    if in_ci():
        pytest.fail(f"Neo4j is required in CI (CI=true) but unavailable: {reason}", pytrace=False)
    pytest.skip(f"Neo4j unavailable: {reason}")


def load_launcher():
    spec = importlib.util.spec_from_file_location("neo4j_server", LAUNCHER)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("neo4j_server", module)
    spec.loader.exec_module(module)
    return module


class Neo4jForTests:
    """The session's server and which named graph it holds right now."""

    def __init__(self, url: str, server=None):
        self.url = url
        self.server = server
        self.current: str | None = None
        import neo4j

        self.driver = neo4j.GraphDatabase.driver(url.replace("neo4j://", "bolt://"), auth=None)

    def wipe(self) -> None:
        """Remove every node and relationship; constraints and indexes stay (the store recreates missing ones)."""
        with self.driver.session() as session:  # CALL … IN TRANSACTIONS needs an implicit transaction
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        self.current = None

    def fresh_url(self) -> str:
        self.wipe()
        return self.url

    def ensure_graph(self, name: str, build: Callable[[str], None]) -> str:
        """The URL of the server holding graph ``name``, built by ``build(url)`` if something else is loaded."""
        if self.current != name:
            self.wipe()
            build(self.url)
            self.current = name
        return self.url

    def close(self) -> None:
        self.driver.close()
        if self.server is not None:
            self.server.stop()


def start_for_session(tmp_root: Path) -> Neo4jForTests:
    given = os.environ.get("GRAPHKB_TEST_NEO4J")
    if given:
        return Neo4jForTests(given)
    try:
        launcher = load_launcher()
        # a private home (conf, logs, data) per session; the jars are shared and cached
        server = launcher.Neo4jServer(tmp_root / "neo4j-home", fresh=True)
        server.start()
        server.fresh = False  # a restart within the session (outage tests) keeps the data
    except Exception as exc:  # noqa: BLE001 - any reason it cannot start is reported as such
        unavailable(f"{exc.__class__.__name__}: {exc}")
    return Neo4jForTests(server.uri.replace("bolt://", "neo4j://"), server)
