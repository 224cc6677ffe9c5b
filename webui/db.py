"""The one store an app talks to: opened lazily on first use, closed with the app.

SQLiteStore keeps one connection per thread, so a single store object serves every request
thread of one app. Views reach data only through :func:`get_store`.
"""

from __future__ import annotations

import threading
import weakref

from flask import Flask, current_app

from graphkb.errors import GraphKBError, StoreUnavailable
from graphkb.store import Store, open_store

__all__ = ["StoreHolder", "get_store", "init_app", "EXTENSION"]

EXTENSION = "graphkb_store"


class StoreHolder:
    """Opens the store at ``url`` once, on first use, and closes it once."""

    def __init__(self, url: str):
        self.url = url
        self._store: Store | None = None
        self._lock = threading.Lock()
        self.closed = False

    def get(self) -> Store:
        store = self._store
        if store is not None:
            return store
        with self._lock:
            if self._store is None:
                if self.closed:
                    raise StoreUnavailable("the store was closed with the app")
                try:
                    self._store = open_store(self.url)
                except GraphKBError as exc:
                    # A bad URL is a deployment problem, not the visitor's: 503, not 400.
                    raise StoreUnavailable(f"cannot open the store: {exc}") from exc
                except Exception as exc:  # noqa: BLE001 - sqlite3/OS errors when opening the file
                    raise StoreUnavailable(f"cannot open the store: {exc.__class__.__name__}") from exc
            return self._store

    @property
    def is_open(self) -> bool:
        return self._store is not None

    def close(self) -> None:
        with self._lock:
            self.closed = True
            store, self._store = self._store, None
        if store is not None:
            store.close()


def init_app(app: Flask) -> StoreHolder:
    holder = StoreHolder(app.config["GRAPHKB_STORE"])
    app.extensions[EXTENSION] = holder
    # Flask has no shutdown hook: close when the app object goes away or the process exits.
    # The finalizer holds the holder, never the app, so it does not keep the app alive.
    weakref.finalize(app, holder.close)
    return holder


def get_store() -> Store:
    """The current app's store, opened on first use."""
    return current_app.extensions[EXTENSION].get()
