"""Diffs between two revisions of one entity: fields, statements and a text diff of the body."""

from __future__ import annotations

import difflib
from typing import Any

from .model import Revision
from .text import LANGS

__all__ = ["diff_snapshots", "diff_revisions"]


def _flat_fields(snapshot: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for lang in LANGS:
        flat[f"labels.{lang}"] = snapshot.get("labels", {}).get(lang, "")
        flat[f"aliases.{lang}"] = list(snapshot.get("aliases", {}).get(lang, []))
        flat[f"descriptions.{lang}"] = snapshot.get("descriptions", {}).get(lang, "")
    for name, value in (snapshot.get("properties") or {}).items():
        flat[f"properties.{name}"] = value
    flat["deleted"] = bool(snapshot.get("deleted"))
    flat["deleted_reason"] = snapshot.get("deleted_reason", "")
    return flat


def diff_snapshots(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Compare two entity snapshots.

    Returns ``fields`` (changed scalar fields with old and new value), ``body`` (a unified
    diff, empty when unchanged) and ``statements`` (added, removed and changed, matched by id).

    >>> a = {"labels": {"de": "Graz"}, "body": "x", "statements": []}
    >>> b = {"labels": {"de": "Stadt Graz"}, "body": "x", "statements": []}
    >>> diff_snapshots(a, b)["fields"]
    [{'field': 'labels.de', 'old': 'Graz', 'new': 'Stadt Graz'}]
    """
    old_f, new_f = _flat_fields(old), _flat_fields(new)
    fields = [
        {"field": key, "old": old_f.get(key), "new": new_f.get(key)}
        for key in sorted(set(old_f) | set(new_f), key=lambda k: (k.split(".")[0] != "labels", k))
        if old_f.get(key) != new_f.get(key)
    ]
    old_body, new_body = old.get("body") or "", new.get("body") or ""
    body = list(difflib.unified_diff(old_body.splitlines(), new_body.splitlines(), "before", "after", lineterm=""))
    old_st = {s["id"]: s for s in old.get("statements") or []}
    new_st = {s["id"]: s for s in new.get("statements") or []}
    statements = {
        "added": [s for sid, s in new_st.items() if sid not in old_st],
        "removed": [s for sid, s in old_st.items() if sid not in new_st],
        "changed": [
            {"id": sid, "old": old_st[sid], "new": s} for sid, s in new_st.items() if sid in old_st and old_st[sid] != s
        ],
    }
    return {
        "fields": fields,
        "body": body,
        "statements": statements,
        "changed": bool(fields or body or any(statements.values())),
    }


def diff_revisions(a: Revision, b: Revision) -> dict[str, Any]:
    result = diff_snapshots(a.snapshot or {}, b.snapshot or {})
    return {"entity_id": a.entity_id, "from": a.to_dict(False), "to": b.to_dict(False), **result}
