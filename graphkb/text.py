"""Text rules every store shares: readable ids (slugs) and the folding that makes search umlaut-tolerant."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["slugify", "is_slug", "fold", "LANGS"]

LANGS = ("de", "en")

_NON_WORD = re.compile(r"[^\w]+|_+")
_SLUG = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def slugify(label: str, max_length: int = 80) -> str:
    """Readable id from a German label: lower case, words joined by ``-``, umlauts and ß kept.

    Umlauts stay as they are (NFC) so ids read like the label (``trägerverbund-graz``);
    URLs percent-encode them and every store compares them byte-exactly.

    >>> slugify("Trägerverbund AG SR 2 (Graz)")
    'trägerverbund-ag-sr-2-graz'
    >>> slugify("Straße – „Fälle“")
    'straße-fälle'
    """
    text = unicodedata.normalize("NFC", label).lower()
    slug = _NON_WORD.sub("-", text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug


def is_slug(value: str) -> bool:
    """True when ``value`` is a valid id: NFC, lower case, word characters and inner hyphens."""
    return (
        bool(value)
        and len(value) <= 100
        and value == unicodedata.normalize("NFC", value)
        and value == value.lower()
        and "--" not in value
        and _SLUG.match(value) is not None
    )


def fold(text: str) -> str:
    """Fold text for search so German words match however they are typed.

    Diacritics are dropped, ß becomes ss, case is folded, and the ASCII spellings
    ae/oe/ue collapse to a/o/u. The same folding runs on the index and on the query,
    so ``Trägerverbund``, ``traegerverbund`` and ``TRAGERVERBUND`` all fold alike.

    >>> fold("Trägerverbund") == fold("traegerverbund") == fold("TRAGERVERBUND")
    True
    """
    folded = text.casefold()
    if not folded.isascii():
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    for digraph, single in _DIGRAPHS:
        folded = folded.replace(digraph, single)
    return folded
