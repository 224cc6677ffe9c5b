"""Shared fixtures: every store backend the contract suite runs against."""

from __future__ import annotations

import pytest

from graphkb.store import open_store

from .neo4j_support import Neo4jForTests, start_for_session

STORE_BACKENDS = ["sqlite", "neo4j"]


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """One real Neo4j server for the whole session (skips, or fails in CI, where it cannot start)."""
    server = start_for_session(tmp_path_factory.mktemp("neo4j"))
    yield server
    server.close()


@pytest.fixture(params=STORE_BACKENDS)
def store(request, tmp_path):
    """A fresh, empty store of each backend."""
    s = open_store(fresh_store_url(request, request.param, tmp_path))
    yield s
    s.close()


def fresh_store_url(request, backend: str, tmp_path) -> str:
    """The URL of an empty store of ``backend`` (the Neo4j one is the session's server, wiped)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'graphkb.sqlite3'}"
    server: Neo4jForTests = request.getfixturevalue("neo4j_server")
    return server.fresh_url()
