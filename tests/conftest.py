"""Shared fixtures: every store backend the contract suite runs against."""

from __future__ import annotations

import pytest

from graphkb.store import open_store

STORE_BACKENDS = ["sqlite"]


def make_store(backend: str, tmp_path):
    if backend == "sqlite":
        return open_store(f"sqlite:///{tmp_path / 'graphkb.sqlite3'}")
    raise ValueError(backend)


@pytest.fixture(params=STORE_BACKENDS)
def store(request, tmp_path):
    """A fresh, empty store of each backend."""
    s = make_store(request.param, tmp_path)
    yield s
    s.close()
