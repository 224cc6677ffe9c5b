"""Copy a whole graph from one store to another: entities, statements, citations, history, accounts
and their API tokens (the records: a token made on the source authenticates on the target).

The copy goes through the Store protocol only (``iter_entities``/``iter_revisions`` out,
``bulk_import`` with the revisions in), so any pair of backends works and revision numbers,
authors, times and statement ids arrive unchanged. ``verify`` proves it: the graphkb-json export
of both stores is compared byte for byte.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass

from .errors import Conflict
from .exchange import export_json
from .store.base import Store

__all__ = ["MigrationResult", "migrate", "export_digest"]


@dataclass(frozen=True)
class MigrationResult:
    entities: int
    revisions: int
    users: int
    tokens: int = 0


def migrate(source: Store, target: Store, *, progress: Callable[[int], None] | None = None) -> MigrationResult:
    """Copy everything from ``source`` into the empty ``target`` (all or nothing for the graph)."""
    figures = target.stats()
    if figures.entities or figures.deleted or figures.revisions or target.list_users():
        raise Conflict("the target store is not empty; migrate into an empty store")
    revisions = list(source.iter_revisions())
    count = target.bulk_import(
        source.iter_entities(include_deleted=True),
        author="migrate",
        summary="Migration",
        revisions=revisions,
        progress=progress,
    )
    users = source.list_users()
    for user in users:
        target.save_user(user)
    tokens = 0
    for user in users:
        for token in source.list_api_tokens(user.name):
            target.save_api_token(token)
            tokens += 1
    return MigrationResult(count, len(revisions), len(users), tokens)


def export_digest(store: Store) -> str:
    """SHA-256 of the store's full export (history included) plus its accounts and their API tokens:
    equal digests, equal stores."""
    digest = hashlib.sha256()

    class _Sink(io.TextIOBase):
        def write(self, text: str) -> int:
            digest.update(text.encode("utf-8"))
            return len(text)

    export_json(store, _Sink(), history=True)
    for user in store.list_users():
        digest.update(repr(sorted(user.to_dict().items())).encode("utf-8"))
        for token in store.list_api_tokens(user.name):
            digest.update(repr(sorted(token.to_dict().items())).encode("utf-8"))
    return digest.hexdigest()
