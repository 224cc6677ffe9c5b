"""Stored values as people read them, in one line each: labels for ids, enum values and relation types.

For what a write form shows besides its fields: the other version after an edit conflict, the
statement about to be removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphkb.model import EntitySummary
from graphkb.schema import PropertySpec
from graphkb.store import Store

from .present import present_value, relation_label

__all__ = ["Describer"]


class Describer:
    """Describes the values of some snapshots; the entities they name are loaded at once."""

    def __init__(self, store: Store, snapshots: Iterable[dict[str, Any]], lang: str):
        self.ontology, self.lang = store.ontology, lang
        ids: set[str] = set()
        for snap in snapshots:
            for st in snap.get("statements") or []:
                ids.add(st.get("target", ""))
                ids.update(c.get("source", "") for c in st.get("citations") or [])
                ids.update(str(v) for v in (st.get("qualifiers") or {}).values() if isinstance(v, str))
            ids.update(str(v) for v in (snap.get("properties") or {}).values() if isinstance(v, str))
        self.summaries: dict[str, EntitySummary] = store.get_many(sorted(i for i in ids if i))

    def entity(self, entity_id: str) -> str:
        summary = self.summaries.get(entity_id)
        return summary.label(self.lang) if summary else entity_id

    def relation(self, name: str) -> str:
        return relation_label(self.ontology, name, self.lang)

    def value(self, spec: PropertySpec | None, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        return present_value(spec, value, self.summaries, self.lang).text

    def citations(self, citations: list[dict[str, Any]]) -> str:
        parts = [
            f"{self.entity(c.get('source', ''))}: „{c.get('quote', '')}“"
            + (f" ({c['locator']})" if c.get("locator") else "")
            for c in citations
        ]
        return "; ".join(parts) or "—"

    def statement(self, st: dict[str, Any]) -> str:
        return f"{self.relation(st.get('type', ''))} → {self.entity(st.get('target', ''))}"

    def field(self, key: str, value: Any, specs: dict[str, PropertySpec]) -> str:
        """A form value (``props.kind``, ``q.place``, ``target``, ``citations`` …) as text."""
        if key == "relation":
            return self.relation(value)
        if key == "target":
            return self.entity(value)
        if key == "citations":
            return self.citations(value)
        return self.value(specs.get(key.partition(".")[2]), value)
