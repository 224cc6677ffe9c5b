"""Edit conflicts: what the user typed merged with what others saved meanwhile, and what the form shows of it.

Values are the write forms' flat dicts (:mod:`webui.forms`: ``label_de``, ``props.districts``,
``q.since``, ``citations``). The merge is pure, so its rules can be read and tested apart from
Flask; the display model needs only the store and a language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graphkb.errors import EditConflict
from graphkb.model import Revision
from graphkb.revisions import diff_snapshots
from graphkb.schema import EntityType, PropertySpec
from graphkb.store import Store

from .describe import Describer
from .forms import field_label, value_key

__all__ = ["merge", "take_theirs", "Versions", "versions", "ConflictView", "conflict_view"]

HISTORY_MAX = 100  # revisions listed as "saved in the meantime"


def merge(base: dict[str, Any], theirs: dict[str, Any], mine: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Three-way merge of flat values, key by key; returns the merged values and the conflicting keys.

    Only I changed a key: mine.

    >>> merge({"a": 1}, {"a": 1}, {"a": 2})
    ({'a': 2}, [])

    Only they changed it: theirs.

    >>> merge({"a": 1}, {"a": 3}, {"a": 1})
    ({'a': 3}, [])

    Both changed it, differently: a conflict that holds mine (theirs is offered beside it).

    >>> merge({"a": 1}, {"a": 3}, {"a": 2})
    ({'a': 2}, ['a'])

    Both changed it the same way: no conflict.

    >>> merge({"a": 1}, {"a": 2}, {"a": 2})
    ({'a': 2}, [])

    Each key on its own:

    >>> merge({"a": 1, "b": 1, "c": 1}, {"a": 2, "b": 1, "c": 3}, {"a": 1, "b": 2, "c": 4})
    ({'a': 2, 'b': 2, 'c': 4}, ['c'])
    """
    merged: dict[str, Any] = {}
    conflicts: list[str] = []
    for key in [*mine, *(k for k in theirs if k not in mine)]:
        ours, other, before = mine.get(key), theirs.get(key), base.get(key)
        if ours == other or other == before:
            merged[key] = ours
        elif ours == before:
            merged[key] = other
        else:
            merged[key] = ours
            conflicts.append(key)
    return merged, conflicts


def take_theirs(chosen: Iterable[str], mine: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """Mine, with the keys the user chose ("Use their version") from theirs; keys either side lacks are ignored.

    >>> take_theirs(["a", "x"], {"a": 1, "b": 1}, {"a": 2, "b": 2, "x": 2})
    {'a': 2, 'b': 1}
    """
    return {**mine, **{key: theirs[key] for key in chosen if key in theirs and key in mine}}


@dataclass(frozen=True)
class Versions:
    """The sides of an edit conflict: the revision a form was loaded at and the one stored since."""

    entity_id: str
    base: int
    base_snapshot: dict[str, Any]
    current: Revision  # with its snapshot

    @property
    def theirs(self) -> dict[str, Any]:
        return self.current.snapshot or {}


def versions(store: Store, exc: EditConflict, base: int, base_snapshot: dict[str, Any]) -> Versions:
    """The versions behind a conflict the store raised (loading the current snapshot where it left it out)."""
    current: Revision = exc.current
    if current.snapshot is None:
        current = store.revision(exc.entity_id, current.number)
    return Versions(exc.entity_id, base, base_snapshot, current)


@dataclass
class ConflictView:
    """What the conflict part of a form shows."""

    base: int
    current: Revision
    revisions: list[Revision]
    fields: list[dict[str, Any]]
    body: list[str]
    statements: list[dict[str, Any]]
    theirs: dict[str, str] = field(default_factory=dict)  # conflicting key -> their value, shown
    removed: bool = False  # the statement being edited was removed by the other side


def conflict_view(
    store: Store,
    etype: EntityType,
    sides: Versions,
    lang: str,
    *,
    theirs: dict[str, Any] | None = None,
    conflicts: Iterable[str] = (),
    specs: dict[str, PropertySpec] | None = None,
) -> ConflictView:
    """Who saved in the meantime and what changed, plus their version of each conflicting key.

    ``theirs`` are their values of the form (keyed like ``mine``), ``specs`` the properties or
    qualifiers that say how to show them.
    """
    describe = Describer(store, [sides.base_snapshot, sides.theirs], lang)
    diff = diff_snapshots(sides.base_snapshot, sides.theirs)
    fields = []
    for change in diff["fields"]:
        key = value_key(change["field"])
        spec = etype.properties.get(key[6:]) if key.startswith("props.") else None
        fields.append(
            {
                "label": field_label(etype, key, lang),
                "old": describe.value(spec, change["old"]),
                "new": describe.value(spec, change["new"]),
            }
        )
    statements = [
        *({"kind": "added", "text": describe.statement(s)} for s in diff["statements"]["added"]),
        *({"kind": "removed", "text": describe.statement(s)} for s in diff["statements"]["removed"]),
        *({"kind": "changed", "text": describe.statement(c["new"])} for c in diff["statements"]["changed"]),
    ]
    revisions = [r for r in store.history(sides.entity_id, limit=HISTORY_MAX) if r.number > sides.base]
    shown = {key: describe.field(key, (theirs or {})[key], specs or {}) for key in conflicts}
    return ConflictView(sides.base, sides.current, revisions, fields, diff["body"], statements, shown)
