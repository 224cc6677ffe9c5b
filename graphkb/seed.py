"""The Graz seed graph: read ``seed/*.yaml`` and bring a store up to it, idempotently.

A second run changes nothing and writes no revision. Entities a contributor has edited since
the seed wrote them are left alone (and reported), so re-seeding never overwrites wiki work.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import NotFound, ValidationError
from .model import Entity, Statement
from .store.base import Store

__all__ = ["SEED_DIR", "SEED_FILES", "SEED_AUTHOR", "SeedResult", "read_seed", "load_seed", "report_text"]

SEED_DIR = Path(os.environ.get("GRAPHKB_SEED_DIR") or Path(__file__).resolve().parent.parent / "seed")
SEED_FILES = ("graz.yaml", "background.yaml")
SEED_AUTHOR = "seed"
REPORT_FILE = "sources/000_89d5b04bed7495f8.txt"


@dataclass
class SeedResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited in the wiki since the seed wrote them, or deleted

    def to_dict(self) -> dict[str, Any]:
        return {k: len(v) for k, v in self.__dict__.items()}


def report_text(seed_dir: Path = SEED_DIR) -> str:
    """The Graz report, the primary source every report-layer quote must occur in."""
    return (seed_dir / REPORT_FILE).read_text(encoding="utf-8")


def _statement_id(subject: str, st: Statement, n: int) -> str:
    # deterministic, so two fresh seeds of the same data export identically
    key = "|".join([subject, str(n), repr(st.content_key())])
    return "s" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:15]


def read_seed(seed_dir: Path = SEED_DIR) -> list[Entity]:
    """All seed entities, with the background layer's ``extend`` blocks merged into their subjects."""
    entities: dict[str, Entity] = {}
    extensions: list[tuple[str, dict[str, Any]]] = []
    for name in SEED_FILES:
        path = seed_dir / name
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for raw in data.get("entities") or []:
            entity = Entity.from_dict(raw)
            if raw.get("body_file"):
                # a source's full text lives beside the seed once, and its page shows it
                entity.body = (seed_dir / raw["body_file"]).read_text(encoding="utf-8").strip()
            if not entity.id:
                raise ValidationError(f"{name}: every seed entity needs an id", "id")
            if entity.id in entities:
                raise ValidationError(f"{name}: {entity.id} is defined twice", "id")
            entities[entity.id] = entity
        extensions += [(name, raw) for raw in data.get("extend") or []]
    for name, raw in extensions:
        target = entities.get(raw.get("id"))
        if target is None:
            raise ValidationError(f"{name}: extend of unknown entity {raw.get('id')!r}", "extend")
        for key, value in (raw.get("properties") or {}).items():
            if key in target.properties and target.properties[key] != value:
                raise ValidationError(f"{name}: {target.id}.{key} set twice differently", "extend")
            target.properties[key] = value
        for lang, aliases in (raw.get("aliases") or {}).items():
            target.aliases.setdefault(lang, []).extend(aliases)
        target.statements += [Statement.from_dict(s) for s in raw.get("statements") or []]
    for entity in entities.values():
        for n, st in enumerate(entity.statements):
            st.id = st.id or _statement_id(entity.id or "", st, n)
    return list(entities.values())


def load_seed(
    store: Store,
    *,
    author: str = SEED_AUTHOR,
    seed_dir: Path = SEED_DIR,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Create what is missing, update what the seed wrote and the seed file changed since."""
    entities = read_seed(seed_dir)
    types = {e.id: e.type for e in entities}
    result = SeedResult()
    missing: list[Entity] = []
    changed: list[tuple[Entity, Entity]] = []
    for entity in entities:
        normalised = entity.copy()
        store.ontology.validate_entity(normalised, types.get)
        try:
            current = store.get(entity.id or "")
        except NotFound:
            missing.append(normalised)
            continue
        if current.deleted or current.updated_by != author:
            result.kept.append(current.id or "")
        elif current.content_dict() == normalised.content_dict():
            result.unchanged.append(current.id or "")
        else:
            changed.append((current, normalised))
        if progress:
            progress(1)
    # new entities first: changed ones may now point at them
    if missing:
        store.bulk_import(missing, author=author, summary="Seed", progress=progress)
        result.created = [e.id or "" for e in missing]
    for current, normalised in changed:
        # keep the ids of statements that did not change, so history diffs stay readable
        by_content = {st.content_key(): st.id for st in current.statements}
        for st in normalised.statements:
            st.id = by_content.get(st.content_key(), st.id)
        store.update(normalised, base_revision=current.revision, author=author, summary="Seed update")
        result.updated.append(current.id or "")
    return result
