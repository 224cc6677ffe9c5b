"""Settings from the environment, read when asked for (never at import)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["store_url", "instance_dir", "secret_key", "DEFAULT_INSTANCE_DIR"]

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


def secret_key() -> str:
    """GRAPHKB_SECRET_KEY, or one kept in ``instance/secret_key`` (made once, readable by its owner only).

    Every worker process of one server must sign sessions with the same key, and a restart must
    not log everyone out; a random key per process would do both.
    """
    key = os.environ.get("GRAPHKB_SECRET_KEY")
    if key:
        return key
    path = instance_dir() / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(candidate + "\n")
    return candidate
