"""The dependency direction: webui -> graphkb, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "graphkb"


def test_nothing_under_graphkb_imports_flask_or_the_web_layer():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("flask", "webui", "flask_babel")]
    # the CLI's serve command loads the app lazily, inside the command
    assert [o for o in offenders if not o.startswith("cli.py: webui")] == []
