"""Settings from the environment, read when asked for (never at import)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["store_url", "instance_dir", "DEFAULT_INSTANCE_DIR"]

DEFAULT_INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def instance_dir() -> Path:
    """Where the embedded store and other local state live (GRAPHKB_INSTANCE, default ./instance)."""
    return Path(os.environ.get("GRAPHKB_INSTANCE") or DEFAULT_INSTANCE_DIR)


def store_url() -> str:
    """GRAPHKB_STORE, or the SQLite file ``graphkb.sqlite3`` in the instance folder."""
    url = os.environ.get("GRAPHKB_STORE")
    if url:
        return url
    return f"sqlite:///{instance_dir() / 'graphkb.sqlite3'}"
