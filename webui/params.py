"""Reading query parameters: every odd value becomes a ValidationError naming its field, never a crash."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from graphkb.errors import ValidationError
from graphkb.schema import Ontology
from graphkb.store.base import SORT_KEYS
from graphkb.text import is_slug

__all__ = ["int_arg", "text_arg", "type_arg", "types_arg", "sort_arg", "clean_text", "canonical_id"]

MAX_QUERY = 200
MAX_INT = 10_000_000  # far above any real offset, far below SQLite's 64-bit limit
_DIGITS = re.compile(r"[0-9]{1,9}")
_WHITESPACE = re.compile(r"\s+")


def clean_text(value: str) -> str:
    """NFC, control characters (NUL included) and odd whitespace removed, trimmed."""
    value = unicodedata.normalize("NFC", value)
    value = "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn"))
    return _WHITESPACE.sub(" ", value).strip()


def int_arg(args: Mapping[str, str], name: str, default: int, *, minimum: int = 0, maximum: int = MAX_INT) -> int:
    raw = args.get(name)
    if raw is None or raw.strip() == "":
        return default
    raw = raw.strip()
    # int() would take '1_000', '١٢' and 40-digit numbers; only plain ASCII digits are accepted.
    if not _DIGITS.fullmatch(raw):
        raise ValidationError("must be a whole number", name)
    value = int(raw)
    if not minimum <= value <= maximum:
        raise ValidationError(f"must be between {minimum} and {maximum}", name)
    return value


def text_arg(args: Mapping[str, str], name: str = "q", *, max_length: int = MAX_QUERY) -> str:
    value = clean_text(args.get(name) or "")
    if len(value) > max_length:
        raise ValidationError(f"longer than {max_length} characters", name)
    return value


def type_arg(args: Mapping[str, str], ontology: Ontology, name: str = "type") -> str | None:
    raw = args.get(name) or ""
    if not raw:
        return None
    if raw not in ontology.entity_types:
        raise ValidationError(f"unknown entity type {raw[:100]!r}", name)
    return raw


def types_arg(args, ontology: Ontology, name: str = "type") -> list[str]:
    """Repeatable (``?type=City&type=Person``) or comma-separated."""
    names = [n for raw in args.getlist(name) for n in raw.split(",") if n]
    for n in names:
        if n not in ontology.entity_types:
            raise ValidationError(f"unknown entity type {n[:100]!r}", name)
    return list(dict.fromkeys(names))


def sort_arg(args: Mapping[str, str], default: str = "label", name: str = "sort") -> str:
    raw = args.get(name) or default
    if raw not in SORT_KEYS:
        raise ValidationError(f"must be one of {', '.join(SORT_KEYS)}", name)
    return raw


def canonical_id(raw: str) -> str | None:
    """The id a path segment means (NFC, lower case), or None when it cannot be an id."""
    if len(raw) > 400:
        return None
    candidate = unicodedata.normalize("NFC", raw).lower()
    return candidate if is_slug(candidate) else None
