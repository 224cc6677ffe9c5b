"""Small graphs for the exchange tests: nasty strings everywhere a user can type one."""

from __future__ import annotations

from graphkb.model import Citation, Entity, Statement
from graphkb.store.base import Store

# quotes of every kind, a backslash, separators, a line break, a tab, markup, umlauts, an emoji
NASTY = "Zitat: „Anführung“ 'single' \"double\" \\ Backslash; Komma, Pipe | Ende\nneue Zeile\tTab <&> üß 🙂"
NASTY_LINE = "„Köln“ 'x' \"y\" \\ z; a, b | c <&> 🙂"  # a label: one line


def nasty_graph(store: Store) -> None:
    """Three entities and two statements, every text field nasty; ids with umlauts."""
    source = Entity(
        type="Source",
        id="quelle-über",
        labels={"de": "Quelle " + NASTY_LINE, "en": "Source"},
        properties={"layer": "report", "author": "O'Brien \\ Müller"},
    )
    space = Entity(
        type="SocialSpace",
        id="sozialraum-ä",
        labels={"de": "Sozialraum Ä"},
        properties={"districts": ["Nord, Ost", "Süd | West", "=1+1"], "number": 4},
    )
    city = Entity(
        type="City",
        id="straße-köln",
        labels={"de": "=Straße " + NASTY_LINE, "en": "-Street"},
        descriptions={"de": NASTY, "en": "'quoted'"},
        aliases={"de": ["Köln | Kölle", "a;b", '"c"'], "en": []},
        body="# Überschrift\n\n" + NASTY,
        properties={"districts": 9, "country": "Deutschland", "website": "https://example.org/ä?x=1&y='2'"},
        statements=[
            Statement(
                "HAS_SOCIAL_SPACE",
                "sozialraum-ä",
                {"note": NASTY, "since": "2004"},
                [Citation("quelle-über", NASTY, "S. 3 „oben“"), Citation("quelle-über", "zweites Zitat", "")],
            ),
            Statement("DESCRIBED_IN", "quelle-über", {"note": "@mention"}),
        ],
    )
    store.bulk_import([source, space, city], author="test", summary="nasty")
