"""The ontology: loaded from ``seed/ontology.yaml``, validated, and used to check every write.

It is the only source of entity type and relation type names that reach SQL or Cypher.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from .errors import ValidationError
from .model import Entity
from .text import LANGS, is_slug

__all__ = [
    "PropertySpec",
    "EntityType",
    "RelationType",
    "Ontology",
    "load_ontology",
    "default_ontology",
    "ONTOLOGY_PATH",
]

# GRAPHKB_SEED_DIR: where an installed graphkb (e.g. the Docker image) keeps the seed folder
_SEED_DIR = Path(os.environ.get("GRAPHKB_SEED_DIR") or Path(__file__).resolve().parent.parent / "seed")
ONTOLOGY_PATH = _SEED_DIR / "ontology.yaml"
PROPERTY_TYPES = {"string", "text", "integer", "number", "boolean", "date", "url", "enum", "list", "ref"}
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
DATE_PATTERN = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


@dataclass(frozen=True)
class PropertySpec:
    name: str
    type: str
    labels: dict[str, str]
    values: tuple[str, ...] = ()
    ref: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class EntityType:
    name: str
    labels: dict[str, str]
    description: dict[str, str]
    color: str
    properties: dict[str, PropertySpec]


@dataclass(frozen=True)
class RelationType:
    name: str
    labels: dict[str, str]
    inverse: dict[str, str]
    subjects: frozenset[str]
    targets: frozenset[str]
    qualifiers: dict[str, PropertySpec]

    def allows(self, subject_type: str, target_type: str) -> bool:
        return ("*" in self.subjects or subject_type in self.subjects) and (
            "*" in self.targets or target_type in self.targets
        )


def _texts(data: Any, where: str) -> dict[str, str]:
    if not isinstance(data, dict) or not all(isinstance(data.get(lang), str) and data[lang] for lang in LANGS):
        raise ValueError(f"{where}: needs non-empty labels in {', '.join(LANGS)}")
    return {lang: data[lang] for lang in LANGS}


def _property(name: str, data: dict[str, Any], where: str) -> PropertySpec:
    if not _NAME.match(name):
        raise ValueError(f"{where}: bad property name {name!r}")
    ptype = data.get("type")
    if ptype not in PROPERTY_TYPES:
        raise ValueError(f"{where}.{name}: unknown property type {ptype!r}")
    values = tuple(data.get("values") or ())
    if ptype == "enum" and not values:
        raise ValueError(f"{where}.{name}: an enum needs values")
    return PropertySpec(
        name=name,
        type=ptype,
        labels=_texts(data.get("labels"), f"{where}.{name}"),
        values=values,
        ref=tuple(data.get("ref") or ()),
        required=bool(data.get("required")),
    )


@dataclass
class Ontology:
    version: int
    entity_types: dict[str, EntityType]
    relation_types: dict[str, RelationType]
    limits: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Ontology:
        limits = {k: int(v) for k, v in (data.get("limits") or {}).items()}
        entity_types: dict[str, EntityType] = {}
        for name, spec in (data.get("entity_types") or {}).items():
            if not _NAME.match(name):
                raise ValueError(f"entity type name {name!r} is not an identifier")
            props = {p: _property(p, s, f"entity_types.{name}") for p, s in (spec.get("properties") or {}).items()}
            entity_types[name] = EntityType(
                name=name,
                labels=_texts(spec.get("labels"), f"entity_types.{name}.labels"),
                description=_texts(spec.get("description"), f"entity_types.{name}.description"),
                color=str(spec.get("color") or "#888888"),
                properties=props,
            )
        qualifiers = {q: _property(q, s, "qualifiers") for q, s in (data.get("qualifiers") or {}).items()}
        relation_types: dict[str, RelationType] = {}
        for name, spec in (data.get("relation_types") or {}).items():
            if not re.match(r"^[A-Z][A-Z0-9_]*$", name):
                raise ValueError(f"relation type name {name!r} must be UPPER_SNAKE")
            subjects = frozenset(spec.get("subjects") or ())
            targets = frozenset(spec.get("targets") or ())
            for t in subjects | targets:
                if t != "*" and t not in entity_types:
                    raise ValueError(f"relation_types.{name}: unknown entity type {t!r}")
            quals = {}
            for q in spec.get("qualifiers") or ():
                if q not in qualifiers:
                    raise ValueError(f"relation_types.{name}: unknown qualifier {q!r}")
                quals[q] = qualifiers[q]
            relation_types[name] = RelationType(
                name=name,
                labels=_texts(spec.get("labels"), f"relation_types.{name}.labels"),
                inverse=_texts(spec.get("inverse"), f"relation_types.{name}.inverse"),
                subjects=subjects,
                targets=targets,
                qualifiers=quals,
            )
        for spec in [*qualifiers.values(), *(p for et in entity_types.values() for p in et.properties.values())]:
            for t in spec.ref:
                if t not in entity_types:
                    raise ValueError(f"property {spec.name}: ref to unknown entity type {t!r}")
        return cls(int(data.get("version") or 1), entity_types, relation_types, limits)

    # -- names allowed into queries -------------------------------------------------------

    def entity_type(self, name: str) -> EntityType:
        try:
            return self.entity_types[name]
        except KeyError:
            raise ValidationError(f"unknown entity type {name!r}", "type") from None

    def relation_type(self, name: str) -> RelationType:
        try:
            return self.relation_types[name]
        except KeyError:
            raise ValidationError(f"unknown relation type {name!r}", "type") from None

    def check_entity_types(self, names: Any, field_name: str = "types") -> list[str]:
        names = list(names or [])
        for n in names:
            if n not in self.entity_types:
                raise ValidationError(f"unknown entity type {n!r}", field_name)
        return names

    def check_relation_types(self, names: Any, field_name: str = "relations") -> list[str]:
        names = list(names or [])
        for n in names:
            if n not in self.relation_types:
                raise ValidationError(f"unknown relation type {n!r}", field_name)
        return names

    def limit(self, name: str) -> int:
        return self.limits.get(name, 1000)

    # -- validation of writes ---------------------------------------------------------------

    def validate_entity(self, entity: Entity, type_of: Callable[[str], str | None]) -> None:
        """Raise ValidationError naming the first field of ``entity`` that breaks the ontology.

        ``type_of(id)`` returns the type of a live (not deleted) entity, or None when there is none;
        the store supplies it so targets, citation sources and refs are checked against its data.
        Also normalises values in place (numbers from strings, trimmed text), so what is stored
        is what was validated.
        """
        etype = self.entity_type(entity.type)
        if entity.id is not None and not is_slug(entity.id):
            raise ValidationError(
                f"{entity.id!r} is not a valid id (lower case letters, digits and inner hyphens)", "id"
            )
        for lang in LANGS:
            entity.labels[lang] = self._text(entity.labels.get(lang, ""), f"labels.{lang}", "label", one_line=True)
            entity.descriptions[lang] = self._text(
                entity.descriptions.get(lang, ""), f"descriptions.{lang}", "description"
            )
            aliases = [self._text(a, f"aliases.{lang}", "alias", one_line=True) for a in entity.aliases.get(lang, [])]
            if len(aliases) > self.limit("aliases"):
                raise ValidationError(f"at most {self.limit('aliases')} aliases", f"aliases.{lang}")
            entity.aliases[lang] = [a for a in dict.fromkeys(aliases) if a]
        if not entity.labels["de"]:
            raise ValidationError("a German label is required", "labels.de")
        if len(entity.body) > self.limit("body"):
            raise ValidationError(f"longer than {self.limit('body')} characters", "body")
        self._check_values(entity.properties, etype.properties, "properties", f"{entity.type} has no property", type_of)
        for spec in etype.properties.values():
            if spec.required and spec.name not in entity.properties:
                raise ValidationError("is required", f"properties.{spec.name}")
        if len(entity.statements) > self.limit("statements"):
            raise ValidationError(f"at most {self.limit('statements')} statements", "statements")
        for i, st in enumerate(entity.statements):
            where = f"statements[{i}]"
            rtype = self.relation_types.get(st.type)
            if rtype is None:
                raise ValidationError(f"unknown relation type {st.type!r}", f"{where}.type")
            target_type = type_of(st.target) if st.target else None
            if st.target == entity.id and entity.id is not None:
                target_type = entity.type
            if target_type is None:
                raise ValidationError(f"no entity {st.target!r}", f"{where}.target")
            if not rtype.allows(entity.type, target_type):
                raise ValidationError(f"{st.type} is not allowed from {entity.type} to {target_type}", f"{where}.type")
            self._check_values(
                st.qualifiers, rtype.qualifiers, f"{where}.qualifiers", f"{st.type} has no qualifier", type_of
            )
            if len(st.citations) > self.limit("citations"):
                raise ValidationError(f"at most {self.limit('citations')} citations", f"{where}.citations")
            for j, cit in enumerate(st.citations):
                cwhere = f"{where}.citations[{j}]"
                if type_of(cit.source) != "Source":
                    raise ValidationError(f"{cit.source!r} is not a Source entity", f"{cwhere}.source")
                if not cit.quote.strip():
                    raise ValidationError("a citation needs a quote", f"{cwhere}.quote")
                if len(cit.quote) > self.limit("quote"):
                    raise ValidationError(f"longer than {self.limit('quote')} characters", f"{cwhere}.quote")
                if len(cit.locator) > self.limit("locator"):
                    raise ValidationError(f"longer than {self.limit('locator')} characters", f"{cwhere}.locator")

    def _check_values(
        self,
        values: dict[str, Any],
        specs: dict[str, PropertySpec],
        where: str,
        unknown: str,
        type_of: Callable[[str], str | None],
    ) -> None:
        """Check and normalise properties or qualifiers in place; empty values are dropped."""
        if not values:
            return
        for name in list(values):
            spec = specs.get(name)
            if spec is None:
                raise ValidationError(f"{unknown} {name!r}", f"{where}.{name}")
            value = self._value(spec, values[name], f"{where}.{name}", type_of)
            if value is None:
                del values[name]
            else:
                values[name] = value

    def check_summary(self, summary: str) -> str:
        return self._text(summary or "", "summary", "summary", one_line=True)

    def _text(self, value: Any, field_name: str, limit: str, one_line: bool = False) -> str:
        if not isinstance(value, str):
            raise ValidationError("must be text", field_name)
        value = value.strip()
        maximum = self.limits.get(limit, 1000)
        if len(value) > maximum:
            raise ValidationError(f"longer than {maximum} characters", field_name)
        if one_line and ("\n" in value or "\r" in value):
            raise ValidationError("must be a single line", field_name)
        return value

    def _value(self, spec: PropertySpec, value: Any, where: str, type_of: Callable[[str], str | None]) -> Any:
        """Check and normalise one property or qualifier value; None or '' removes it."""
        if value is None or value == "" or value == []:
            return None
        t = spec.type
        if t in ("string", "text"):
            if not isinstance(value, str):
                raise ValidationError("must be text", where)
            return self._text(value, where, t, one_line=(t == "string"))
        if t == "integer":
            if isinstance(value, bool):
                raise ValidationError("must be a whole number", where)
            if isinstance(value, int):
                return value
            if isinstance(value, str) and re.fullmatch(r"-?\d{1,15}", value.strip()):
                return int(value)
            raise ValidationError("must be a whole number", where)
        if t == "number":
            if isinstance(value, bool):
                raise ValidationError("must be a number", where)
            if isinstance(value, int | float):
                return value
            try:
                return float(str(value).replace(",", "."))
            except ValueError:
                raise ValidationError("must be a number", where) from None
        if t == "boolean":
            if isinstance(value, bool):
                return value
            if str(value).lower() in ("true", "1", "yes", "ja"):
                return True
            if str(value).lower() in ("false", "0", "no", "nein"):
                return False
            raise ValidationError("must be true or false", where)
        if t == "date":
            text = str(value).strip()
            if not DATE_PATTERN.match(text):
                raise ValidationError("must be a date as YYYY, YYYY-MM or YYYY-MM-DD", where)
            return text
        if t == "url":
            text = self._text(str(value), where, "string", one_line=True)
            parsed = urlparse(text)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValidationError("must be an http(s) address", where)
            return text
        if t == "enum":
            if value not in spec.values:
                raise ValidationError(f"must be one of {', '.join(spec.values)}", where)
            return value
        if t == "list":
            if isinstance(value, str):
                value = [v for v in (x.strip() for x in value.split(",")) if v]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValidationError("must be a list of texts", where)
            if len(value) > self.limit("list_items"):
                raise ValidationError(f"at most {self.limit('list_items')} items", where)
            return [self._text(v, where, "string", one_line=True) for v in value]
        if t == "ref":
            ref_type = type_of(str(value))
            if ref_type is None or (spec.ref and ref_type not in spec.ref):
                allowed = "/".join(spec.ref) or "entity"
                raise ValidationError(f"no {allowed} {value!r}", where)
            return str(value)
        raise ValidationError(f"unsupported type {t}", where)  # pragma: no cover - ontology load rejects it


def load_ontology(path: str | Path = ONTOLOGY_PATH) -> Ontology:
    with open(path, encoding="utf-8") as fh:
        return Ontology.from_dict(yaml.safe_load(fh))


@functools.cache
def default_ontology() -> Ontology:
    return load_ontology(ONTOLOGY_PATH)
