"""A Cypher script that rebuilds the graph in an empty Neo4j: parameter-free, values as literals.

The nodes and relationships are those of the Neo4j store (see :mod:`graphkb.store.neo4j`):
``(:Entity:<Type> {id, type, label_de, …})`` with the ontology properties under their own names,
and one relationship per statement with its qualifiers, ``position`` and the three citation lists.
The properties come from the store's own mapping, so a researcher's query reads the same on the
rebuilt database as on graphkb's, and graphkb's Neo4j store opens it (without history: each
entity is its node; deleted entities are not exported). With ``schema`` (the default) the script
starts with the store's constraints and indexes and its ``GraphMeta`` node.

Rows go in batches, ``UNWIND [<literal maps>] AS row CREATE …``, one statement per entity type
or relation type and batch. Strings are single-quoted with ``\\\\``, ``\\'``, ``\\n``, ``\\r``,
``\\t`` and ``\\uXXXX`` for other control characters; everything else (umlauts too) is UTF-8 as
it is. Every statement ends with ``;`` at the end of a line, and no line break ever occurs inside
a literal, so ``cypher-shell -f graph.cypher`` runs it, and :func:`split_cypher_script` splits it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO, Any

from ..schema import Ontology
from ..store.base import BaseStore, Store
from .selection import Selection, View

__all__ = ["export_cypher", "cypher_literal", "cypher_name", "split_cypher_script"]

_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_SPECIAL = re.compile("[\\\\'\x00-\x1f\x7f\u2028\u2029\ud800-\udfff]")
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04x}"


def cypher_literal(value: Any) -> str:
    """A Python value as a Cypher literal.

    >>> cypher_literal("It's a \\\\ path\\nnext line – Straße")
    "'It\\\\'s a \\\\\\\\ path\\\\nnext line – Straße'"
    >>> cypher_literal({"count": 3, "ok": True, "tags": ["a", None], "x-y": 1.5})
    "{count: 3, ok: true, tags: ['a', null], `x-y`: 1.5}"
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"Cypher has no literal for {value!r}")
        return repr(value)
    if isinstance(value, str):
        return "'" + _SPECIAL.sub(_escape, value) + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{cypher_name(str(k))}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")


def cypher_name(name: str) -> str:
    """A label, type or key, backquoted when it is not a plain identifier.

    >>> cypher_name("LEADS_TO"), cypher_name("x-y"), cypher_name("a`b")
    ('LEADS_TO', '`x-y`', '`a``b`')
    """
    return name if _PLAIN_NAME.match(name) else "`" + name.replace("`", "``") + "`"


def split_cypher_script(text: str) -> list[str]:
    r"""The statements of a script written by :func:`export_cypher`, without its comment lines.

    >>> split_cypher_script("// header\nCREATE (:A {x: 'a;'});\nMATCH (n)\nRETURN n;\n")
    ["CREATE (:A {x: 'a;'})", 'MATCH (n)\nRETURN n']
    """
    statements = []
    for chunk in text.split(";\n"):
        code = [line for line in chunk.strip().splitlines() if line.strip() and not line.lstrip().startswith("//")]
        if code:
            statements.append("\n".join(code).rstrip(";"))
    return statements


class _Model(BaseStore):
    """The Neo4j store's mapping from entities to properties and its schema, without a connection."""

    def __init__(self, ontology: Ontology):
        from ..store.neo4j import SCHEMA_VERSION, Neo4jStore  # the driver loads only when a script is made

        self.ontology = ontology
        self.schema_version = SCHEMA_VERSION
        self._node_props = Neo4jStore._node_props.__get__(self)
        self._schema_statements = Neo4jStore._schema_statements.__get__(self)


class _Batches:
    """Rows collected per label or relationship type, written as one UNWIND statement per batch.

    A batch is written when it has ``size`` rows, or, the largest one, when all that waits passes
    ``budget`` characters: memory stays bounded however large the graph or its texts.
    """

    def __init__(self, out: IO[str], size: int, statement: Callable[[str], str], budget: int = 4_000_000):
        self.out, self.size, self.statement, self.budget = out, size, statement, budget
        self.rows: dict[str, list[str]] = {}
        self.chars: dict[str, int] = {}

    def add(self, name: str, row: dict[str, Any]) -> None:
        literal = cypher_literal(row)
        rows = self.rows.setdefault(name, [])
        rows.append(literal)
        self.chars[name] = self.chars.get(name, 0) + len(literal)
        if len(rows) >= self.size:
            self.flush(name)
        elif sum(self.chars.values()) > self.budget:
            self.flush(max(self.chars, key=self.chars.__getitem__))

    def flush(self, name: str | None = None) -> None:
        for key in [name] if name else sorted(self.rows):
            rows = self.rows.pop(key, [])
            self.chars.pop(key, None)
            if rows:
                self.out.write("UNWIND [\n" + ",\n".join(rows) + "\n] AS row\n" + self.statement(key) + ";\n")


def export_cypher(
    store: Store,
    out: IO[str],
    *,
    selection: Selection | None = None,
    schema: bool = True,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write a Cypher script that rebuilds the selection in an empty Neo4j; returns the number of nodes."""
    view = View(store, selection)
    model = _Model(store.ontology)
    out.write(
        f"// graphkb Cypher export: {view.selection.describe()}, written {datetime.now(UTC).date().isoformat()}\n"
        "// Run it on an EMPTY Neo4j 5 database, e.g. cypher-shell -f FILE (every statement ends with a\n"
        "// semicolon at the end of a line). Nodes (:Entity:<Type>) first, then the statements.\n"
    )
    if schema:
        for _, statement in model._schema_statements():
            out.write(statement + ";\n")
        out.write(
            "MERGE (m:GraphMeta {key: 'graph'}) ON CREATE SET m.version = 0, m.revision_seq = 0, "
            f"m.schema_version = {model.schema_version};\n"
        )
    # type names come from the ontology (validated at load), quoted all the same
    nodes = _Batches(out, batch_size, lambda t: f"CREATE (n:Entity:{cypher_name(t)}) SET n = row")
    count = 0
    for entity in view.nodes(progress):
        nodes.add(entity.type, model._node_props(entity))
        count += 1
    nodes.flush()
    rels = _Batches(
        out,
        batch_size,
        lambda t: (
            "MATCH (s:Entity {id: row.s}) MATCH (t:Entity {id: row.t}) "
            f"CREATE (s)-[r:{cypher_name(t)}]->(t) SET r = row.props"
        ),
    )
    for subject, position, st in view.edges():
        props = dict(st.qualifiers)
        props.update(
            id=st.id,
            position=position,
            citation_sources=[c.source for c in st.citations],
            citation_quotes=[c.quote for c in st.citations],
            citation_locators=[c.locator for c in st.citations],
        )
        rels.add(st.type, {"s": subject.id, "t": st.target, "props": props})
    rels.flush()
    return count
