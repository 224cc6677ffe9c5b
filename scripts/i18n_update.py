#!/usr/bin/env python3
"""Refresh the German catalogue: extract, update, take translations from ``pending-*.po``, compile.

    python scripts/i18n_update.py

Contributors who add UI strings can put their German msgid/msgstr pairs into
``webui/translations/de/LC_MESSAGES/pending-<name>.po`` (plain .po syntax); this script moves
them into ``messages.po`` (a pending translation wins over a fuzzy guess of pybabel's), deletes
the pending files, lists what is still untranslated or fuzzy, and compiles ``messages.mo``.
Exits 1 while something is left untranslated, so the catalogue test's failure has a remedy.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "webui" / "translations"
CATALOGUE = TRANSLATIONS / "de" / "LC_MESSAGES" / "messages.po"


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def main() -> int:
    pot = TRANSLATIONS / "messages.pot"
    pybabel("extract", "-F", "webui/babel.cfg", "-k", "_l", "--no-location", "-o", str(pot), "webui")
    pybabel("update", "-i", str(pot), "-d", str(TRANSLATIONS))
    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh)
    pending_files = sorted(CATALOGUE.parent.glob("pending-*.po"))
    for path in pending_files:
        with path.open("rb") as fh:
            for message in read_po(fh):
                if message.id and message.string and message.id in catalogue:
                    target = catalogue[message.id]
                    target.string = message.string
                    target.flags.discard("fuzzy")
    with CATALOGUE.open("wb") as fh:
        write_po(fh, catalogue, width=100)
    for path in pending_files:
        path.unlink()
    open_items = [m.id for m in catalogue if m.id and (not m.string or m.fuzzy)]
    pybabel("compile", "-d", str(TRANSLATIONS))
    for item in open_items:
        print(f"untranslated or fuzzy: {item!r}", file=sys.stderr)
    return 1 if open_items else 0


if __name__ == "__main__":
    raise SystemExit(main())
