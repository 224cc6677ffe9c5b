"""What both query engines share: the result, the timeout error, a Cypher tokenizer and the read-only guard.

The guard is the first of several layers (see :mod:`graphkb.query`): it reads the query's tokens
(comments dropped, strings and backtick names understood), so it refuses ``CREATE`` but not a
property called ``created_at`` or the word "create" inside a string, and its message names the
clause. On Neo4j the database itself then refuses whatever the guard might miss.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import orjson

from .errors import ValidationError

__all__ = [
    "QueryResult",
    "QueryTimeout",
    "Token",
    "tokenize",
    "check_read_only",
    "cypher_string",
    "READ_PROCEDURES",
    "MAX_QUERY_LENGTH",
]

MAX_QUERY_LENGTH = 10_000
"""Longer queries are refused: the console is for hand-written queries, and the text travels in the URL."""

READ_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
        "db.index.fulltext.queryNodes",
    }
)
"""The only procedures a console query may call (Neo4j): they read the graph's shape or its search index."""

# Clauses and commands that write, administer or reach outside the graph. A keyword counts only
# where it is a keyword: not after "." (a property), not in backticks, not in a string.
_REFUSED = {
    "CREATE": "CREATE",
    "MERGE": "MERGE",
    "SET": "SET",
    "DELETE": "DELETE",
    "DETACH": "DETACH DELETE",
    "REMOVE": "REMOVE",
    "DROP": "DROP",
    "FOREACH": "FOREACH",
    "LOAD": "LOAD CSV",
    "GRANT": "GRANT",
    "REVOKE": "REVOKE",
    "DENY": "DENY",
    "ALTER": "ALTER",
    "RENAME": "RENAME",
    "SHOW": "SHOW (administration command)",
    "TERMINATE": "TERMINATE",
    "START": "START DATABASE",
    "STOP": "STOP DATABASE",
    "USE": "USE (another database)",
    "ENABLE": "ENABLE SERVER",
    "DEALLOCATE": "DEALLOCATE",
    "REALLOCATE": "REALLOCATE",
    "TRANSACTIONS": "IN TRANSACTIONS",
}
# Names that exist only on the accounts, API token and bookkeeping nodes, which on Neo4j share the
# database with the knowledge graph (an ApiToken's other properties, id and created_at, say nothing).
# Cypher's names are case-sensitive, so Role/role-free entity names pass.
_PRIVATE_NAMES = frozenset(
    {
        "User",
        "GraphMeta",
        "password_hash",
        "email",
        "ApiToken",
        "secret_hash",
        "password_fingerprint",
        "token_user",
        "token_label",
    }
)
# Ways to reach a property without writing its name: refused so the private names stay unreadable.
_DYNAMIC_ACCESS = frozenset({"properties", "keys"})

_KEYWORDS_BEFORE_LIST = frozenset(
    "RETURN WITH WHERE IN AND OR XOR NOT UNWIND CASE WHEN THEN ELSE AS BY DISTINCT CONTAINS ANY ALL NONE SINGLE".split()
)


class QueryTimeout(ValidationError):
    """The query ran into the time limit and was stopped.

    A ValidationError (a limit the query broke: HTTP 400 at the web edge, like any other bad query),
    not a 5xx: running it again gives the same answer, so clients and proxies must not retry it.
    """

    code = "query_timeout"

    def __init__(self, message: str = "the query ran into the time limit and was stopped"):
        super().__init__(message, "q")


@dataclass
class QueryResult:
    """Rows of a read-only query, and the nodes and relationships found in them (for a graph view)."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False
    elapsed_ms: float = 0.0
    graph: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"nodes": [], "edges": []})
    engine: str = "neo4j"
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": self.columns,
            "rows": self.rows,
            "truncated": self.truncated,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "graph": self.graph,
            "engine": self.engine,
            "notes": self.notes,
        }

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict(), option=orjson.OPT_NON_STR_KEYS)

    def to_networkx(self) -> nx.MultiDiGraph:
        """The result's graph (entities found in it and the statements between them) as networkx.

        >>> g = QueryResult(["p"], [], graph={"nodes": [{"id": "a", "type": "City", "label_de": "A", "label_en": ""},
        ...     {"id": "b", "type": "City", "label_de": "B", "label_en": ""}],
        ...     "edges": [{"id": "s1", "type": "COOPERATES_WITH", "source": "a", "target": "b"}]}).to_networkx()
        >>> list(g.edges(keys=True, data="type"))
        [('a', 'b', 's1', 'COOPERATES_WITH')]
        """
        graph = nx.MultiDiGraph()
        for node in self.graph.get("nodes", []):
            graph.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"})
        for edge in self.graph.get("edges", []):
            if edge["source"] in graph and edge["target"] in graph:
                graph.add_edge(edge["source"], edge["target"], key=edge["id"], id=edge["id"], type=edge["type"])
        return graph

    def to_csv(self) -> str:
        """The table as CSV: scalars as they are, nodes by id, other structures as JSON.

        >>> QueryResult(["a", "b"], [[1, {"x": "ä"}]]).to_csv().splitlines()
        ['a,b', '1,"{""x"":""ä""}"']
        """
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([_csv_cell(v) for v in row])
        return out.getvalue()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode("utf-8")
    return value


@dataclass(frozen=True)
class Token:
    kind: str  # word, name (backticks), string, param, number, punct, space, comment
    text: str
    value: Any = None


_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>`(?:[^`]|``)*`)
  | (?P<param>\$(?:[A-Za-z_][A-Za-z0-9_]*|`(?:[^`]|``)*`|\d+))
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<word>[^\W\d]\w*)
  | (?P<punct>\.\.|<>|<=|>=|=~|->|<-|[^\s\w])
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", "'": "'", '"': '"', "\\": "\\"}


def _unescape(body: str) -> str:
    def one(m: re.Match[str]) -> str:
        esc = m.group(1)
        if esc[0] in "uU":
            return chr(int(esc[1:], 16))
        if esc in _ESCAPES:
            return _ESCAPES[esc]
        raise ValidationError(f"unknown escape \\{esc} in a string", "q")

    return re.sub(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", one, body, flags=re.DOTALL)


def tokenize(cypher: str) -> Iterator[Token]:
    """Cypher's tokens, with the values of strings, backtick names and parameters.

    >>> [(t.kind, t.value) for t in tokenize("MATCH (n) WHERE n.x = 'a\\\\'b' RETURN $p") if t.kind != "space"][-4:]
    [('punct', None), ('string', "a'b"), ('word', None), ('param', 'p')]
    """
    pos = 0
    while pos < len(cypher):
        m = _TOKEN_RE.match(cypher, pos)
        if m is None:  # an unterminated string, comment or backtick name
            raise ValidationError(f"unterminated string, name or comment at character {pos + 1}", "q")
        kind, text = m.lastgroup or "punct", m.group()
        value: Any = None
        if kind == "string":
            value = _unescape(text[1:-1])
        elif kind == "name":
            value = text[1:-1].replace("``", "`")
        elif kind == "param":
            value = text[1:].strip("`").replace("``", "`")
        yield Token(kind, text, value)
        pos = m.end()


def _significant(tokens: Iterable[Token]) -> list[Token]:
    return [t for t in tokens if t.kind not in ("space", "comment")]


def check_read_only(cypher: str) -> list[Token]:
    """Refuse a query that writes, administers, calls a procedure outside :data:`READ_PROCEDURES` or reads accounts.

    Returns the significant tokens (no spaces or comments) for the caller's own checks.

    >>> check_read_only("MATCH (n:Entity) WHERE n.created_at > '2020' RETURN n.label_de AS `set`")[0].text
    'MATCH'
    >>> check_read_only("MATCH (n) DETACH DELETE n")
    Traceback (most recent call last):
    ...
    graphkb.errors.ValidationError: q: the console is read-only: DETACH DELETE is refused
    """
    if not cypher or not cypher.strip():
        raise ValidationError("enter a query", "q")
    if len(cypher) > MAX_QUERY_LENGTH:
        raise ValidationError(f"the query is longer than {MAX_QUERY_LENGTH} characters", "q")
    tokens = _significant(tokenize(cypher))
    for i, tok in enumerate(tokens):
        before = tokens[i - 1] if i else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        is_property = before is not None and before.text == "."
        name = tok.value if tok.kind in ("name", "string") else tok.text
        if tok.kind in ("word", "name", "string") and name in _PRIVATE_NAMES:
            raise ValidationError(f"the console reads the knowledge graph only; {name!r} is not part of it", "q")
        if tok.kind != "word" or is_property:
            continue
        upper = tok.text.upper()
        if upper in _REFUSED and not (upper == "TRANSACTIONS" and (before is None or before.text.upper() != "IN")):
            raise ValidationError(f"the console is read-only: {_REFUSED[upper]} is refused", "q")
        if upper == "CALL" and after is not None and after.kind == "word":
            procedure = _dotted_name(tokens, i + 1)
            if procedure not in READ_PROCEDURES:
                raise ValidationError(
                    f"the console is read-only: procedure {procedure} is refused "
                    f"(allowed: {', '.join(sorted(READ_PROCEDURES))})",
                    "q",
                )
        if tok.text.lower() in _DYNAMIC_ACCESS and after is not None and after.text == "(":
            raise ValidationError(f"{tok.text}() is not available in the console; name the properties you need", "q")
        if after is not None and after.text == "[" and tok.text.upper() not in _KEYWORDS_BEFORE_LIST:
            _check_subscript(tokens, i + 1)
    for i, tok in enumerate(tokens):
        if tok.text in (")", "]") and i + 1 < len(tokens) and tokens[i + 1].text == "[":
            _check_subscript(tokens, i + 1)
        if tok.text == "{" and i + 2 < len(tokens) and tokens[i + 1].text == "." and tokens[i + 2].text == "*":
            raise ValidationError("map projections with .* are not available in the console; name the properties", "q")
        if tok.text == "," and i + 2 < len(tokens) and tokens[i + 1].text == "." and tokens[i + 2].text == "*":
            raise ValidationError("map projections with .* are not available in the console; name the properties", "q")
    return tokens


def _dotted_name(tokens: list[Token], start: int) -> str:
    parts = [tokens[start].text]
    j = start + 1
    while j + 1 < len(tokens) and tokens[j].text == "." and tokens[j + 1].kind in ("word", "name"):
        parts.append(tokens[j + 1].value if tokens[j + 1].kind == "name" else tokens[j + 1].text)
        j += 2
    return ".".join(parts)


def _check_subscript(tokens: list[Token], start: int) -> None:
    """``x[0]`` and ``x[1..3]`` pass; ``n[expr]`` (a property by a computed name) is refused."""
    j = start + 1
    while j < len(tokens) and tokens[j].text != "]":
        if tokens[j].kind not in ("number",) and tokens[j].text not in ("..", "-", "+"):
            raise ValidationError(
                "only numbers may index a list in the console (x[0], x[1..3]); "
                "a property by a computed name (n[...]) is not available",
                "q",
            )
        j += 1


def cypher_string(value: str) -> str:
    """A double-quoted Cypher string literal that reads back as ``value`` (JSON's escapes are Cypher's).

    >>> cypher_string('Zuständig "für" \\\\')
    '"Zuständig \\\\"für\\\\" \\\\\\\\"'
    """
    return orjson.dumps(value).decode("utf-8")
