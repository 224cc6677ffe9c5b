"""Console queries on the embedded store: grand-cypher over the networkx projection, in a forked child.

grand-cypher understands a subset of Cypher (``MATCH … WHERE … RETURN … ORDER BY … SKIP … LIMIT``,
aggregations, variable-length paths) over the projection, whose attributes mirror the Neo4j
store's properties, so the console's examples read the same on both stores. Whatever it does not
understand is refused with a message that names it and says the Neo4j store runs it.

Why a forked child: grand-cypher is pure Python and has no way to stop, and a thread cannot be
killed. A child made by ``os.fork`` inherits the projection copy-on-write (no copy, no pickling of
the graph), runs the query, sends JSON-able rows back through a pipe, and is killed with SIGKILL
at the time limit; a CPU rlimit is a second stop. This works the same in a gunicorn sync or gthread
worker and in the Flask development server: the child touches nothing but the graph and the pipe,
and leaves by ``os._exit`` (no atexit handlers, no flushing of the parent's buffers).
"""

from __future__ import annotations

import math
import os
import resource
import select
import signal
import time
import warnings
from typing import Any

import networkx as nx
import orjson
from grandcypher import GrandCypher  # imported here, in the parent: each forked child inherits it
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import ValidationError
from .query_common import QueryResult, QueryTimeout, Token, cypher_string, tokenize

__all__ = ["run_embedded", "to_grand_cypher", "UNSUPPORTED_CLAUSES"]

UNSUPPORTED_CLAUSES = ("WITH", "OPTIONAL", "UNWIND", "CALL", "UNION", "CASE", "FOREACH")
"""Clauses grand-cypher does not parse; named in the refusal rather than left to a parser error."""

CHILD_MEMORY = 1 << 30
"""How much memory a query's child process may add to what it inherited (bytes)."""

_AGGREGATES = frozenset({"COUNT", "SUM", "AVG", "MAX", "MIN", "COLLECT"})
_NOT_SUPPORTED = "not supported on the embedded store: {what}; the Neo4j store runs it"


def to_grand_cypher(cypher: str, params: dict[str, Any]) -> str:
    """The query in grand-cypher's dialect: parameters as literals, strings double-quoted, aggregates upper-case.

    >>> to_grand_cypher("MATCH (n) WHERE n.label_de = $name RETURN count(n) // Zählung", {"name": "Müller's"})
    'MATCH (n) WHERE n.label_de = "Müller\\'s" RETURN COUNT(n)  '
    """
    out: list[str] = []
    tokens = list(tokenize(cypher))
    significant = [i for i, t in enumerate(tokens) if t.kind not in ("space", "comment")]
    following = {a: b for a, b in zip(significant, significant[1:], strict=False)}
    for i, tok in enumerate(tokens):
        if tok.kind == "word" and tok.text.upper() in UNSUPPORTED_CLAUSES:
            raise ValidationError(_NOT_SUPPORTED.format(what=tok.text.upper()), "q")
        if tok.kind == "comment":
            out.append(" ")
        elif tok.kind == "string":
            out.append(cypher_string(tok.value))
        elif tok.kind == "param":
            if tok.value not in params:
                raise ValidationError(f"the query uses ${tok.value}, but no value was given for it", "q")
            out.append(_literal(params[tok.value], tok.value))
        elif tok.kind == "name":
            raise ValidationError(_NOT_SUPPORTED.format(what=f"backtick names ({tok.text})"), "q")
        elif tok.kind == "word" and tok.text.upper() in _AGGREGATES and _next_text(tokens, following, i) == "(":
            out.append(tok.text.upper())
        else:
            out.append(tok.text)
    return "".join(out)


def _next_text(tokens: list[Token], following: dict[int, int], i: int) -> str:
    j = following.get(i)
    return tokens[j].text if j is not None else ""


def _literal(value: Any, name: str) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, str):
        return cypher_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_literal(v, name) for v in value) + "]"
    raise ValidationError(f"parameter ${name}: only text, numbers, booleans, null and lists of them", "q")


def run_embedded(
    graph: nx.MultiDiGraph, cypher: str, params: dict[str, Any], *, timeout: float, row_limit: int
) -> QueryResult:
    """Run a checked query on the projection ``graph`` in a child process stopped at ``timeout`` seconds."""
    start = time.perf_counter()
    text = to_grand_cypher(cypher, params)
    _warm_up()
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about fork() in a threaded process (a lock held by another thread
        # stays locked in the child). The child takes no such lock: it reads the graph, writes
        # to its pipe and leaves by os._exit.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(graph, text, row_limit, write_end, timeout)
    os.close(write_end)
    try:
        data = _read_until(read_end, start + timeout)
    finally:
        os.close(read_end)
        _reap(pid, kill=True)
    if data is None:
        raise QueryTimeout("the query ran into the time limit and was stopped")
    if not data:  # the child died without a word: its CPU limit, or out of memory
        raise QueryTimeout("the query ran into the time limit and was stopped")
    payload = orjson.loads(data)
    if "error" in payload:
        raise ValidationError(payload["error"], "q")
    return QueryResult(
        columns=payload["columns"],
        rows=payload["rows"],
        truncated=payload["truncated"],
        elapsed_ms=(time.perf_counter() - start) * 1000,
        graph=payload["graph"],
        engine="embedded",
    )


_warm = False


def _warm_up() -> None:
    """Build grand-cypher's parser tables once in the parent (lark makes them on first use, ~0.1 s),
    so that every child inherits them instead of building them again."""
    global _warm
    if not _warm:
        GrandCypher(nx.MultiDiGraph()).run('MATCH (a:T)-[r:R]->(b) WHERE a.x = "y" RETURN a.id AS i, COUNT(b) AS n')
        _warm = True


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes, or None when the deadline passes first."""
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reap(pid: int, *, kill: bool) -> None:
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    os.waitpid(pid, 0)


def _child(graph: nx.MultiDiGraph, text: str, row_limit: int, fd: int, timeout: float) -> None:
    status = 0
    try:
        cpu = math.ceil(timeout) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        _limit_memory()
        try:
            payload = _execute(graph, text, row_limit)
        except ValidationError as exc:
            payload = {"error": exc.reason}
        except MemoryError:
            payload = {"error": f"the query needs more than {CHILD_MEMORY >> 20} MiB of memory; narrow it down"}
        except Exception as exc:  # grand-cypher's parser and interpreter errors
            payload = {"error": _describe(exc)}
        data = orjson.dumps(payload, option=orjson.OPT_NON_STR_KEYS, default=str)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _limit_memory() -> None:
    """Let the child grow by at most CHILD_MEMORY beyond what it inherited (a cartesian product fills memory fast)."""
    try:
        with open("/proc/self/statm") as statm:
            inherited = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return  # not Linux: the time limit alone
    limit = inherited + CHILD_MEMORY
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _describe(exc: Exception) -> str:
    """A refusal that names the construct grand-cypher stopped at."""
    if isinstance(exc, UnexpectedToken):
        what = f"{exc.token!s} at line {exc.line}, column {exc.column}"
    elif isinstance(exc, UnexpectedCharacters):
        what = f"{exc.char!r} at line {exc.line}, column {exc.column}"
    elif isinstance(exc, UnexpectedEOF):
        what = "the end of the query (something is missing)"
    elif isinstance(exc, UnexpectedInput):
        what = f"the text at line {getattr(exc, 'line', '?')}, column {getattr(exc, 'column', '?')}"
    else:
        what = f"this query ({type(exc).__name__}: {str(exc)[:200]})"
    return _NOT_SUPPORTED.format(what=what) + " (the embedded store runs MATCH … WHERE … RETURN … ORDER BY … LIMIT)"


def _execute(graph: nx.MultiDiGraph, text: str, row_limit: int) -> dict[str, Any]:
    raw = GrandCypher(graph).run(text)
    columns = [str(c) for c in raw]
    height = max((len(v) for v in raw.values()), default=0)
    converter = _Converter(graph)
    rows = [[converter.value(raw[c][i]) for c in raw] for i in range(min(height, row_limit))]
    return {"columns": columns, "rows": rows, "truncated": height > row_limit, "graph": converter.graph()}


class _Converter:
    """grand-cypher's values (attribute dicts, sets, paths) → the shapes the Neo4j engine returns."""

    def __init__(self, graph: nx.MultiDiGraph):
        self.g = graph
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[str, dict[str, Any]] = {}
        self._ends: dict[str, tuple[str, str]] | None = None

    def value(self, v: Any) -> Any:
        if isinstance(v, dict):
            if "__labels__" in v and "qualifiers" in v:
                return self.edge(v)
            if "__labels__" in v:
                return self.node(v)
            edges = [x for x in v.values() if isinstance(x, dict) and "qualifiers" in x]
            if v and len(edges) == len(v):  # a multigraph's {key: attributes}
                return self.edge(edges[0]) if len(edges) == 1 else [self.edge(e) for e in edges]
            return {str(k): self.value(x) for k, x in v.items()}
        if isinstance(v, list) and self._is_path(v):
            return self.path(v)
        if isinstance(v, list | tuple):
            return [self.value(x) for x in v]
        if isinstance(v, set | frozenset):
            return sorted((self.value(x) for x in v), key=str)
        if v is None or isinstance(v, bool | int | float | str):
            return v
        return str(v)

    def node(self, attrs: dict[str, Any]) -> dict[str, Any]:
        node_id = attrs["id"]
        if node_id not in self.nodes:
            self.nodes[node_id] = {
                "id": node_id,
                "type": attrs.get("type", ""),
                "labels": sorted(attrs["__labels__"]),
                "properties": {k: self.value(x) for k, x in attrs.items() if k != "__labels__"},
            }
        return self.nodes[node_id]

    def edge(self, attrs: dict[str, Any]) -> dict[str, Any]:
        edge_id = attrs["id"]
        if edge_id not in self.edges:
            if self._ends is None:
                self._ends = {d["id"]: (u, v) for u, v, d in self.g.edges(data=True)}
            start, end = self._ends[edge_id]
            for end_id in (start, end):
                self.node(self.g.nodes[end_id])
            hidden = ("id", "type", "__labels__", "qualifiers", "citations")
            self.edges[edge_id] = {
                "id": edge_id,
                "type": attrs["type"],
                "start": start,
                "end": end,
                "properties": {k: self.value(x) for k, x in attrs.items() if k not in hidden},
            }
        return self.edges[edge_id]

    def _is_path(self, v: list[Any]) -> bool:
        return (
            len(v) >= 3
            and len(v) % 2 == 1
            and all(isinstance(x, str) and x in self.g for x in v[::2])
            and all(
                isinstance(x, dict) and x and all(isinstance(e, dict) and "qualifiers" in e for e in x.values())
                for x in v[1::2]
            )
        )

    def path(self, v: list[Any]) -> dict[str, Any]:
        return {
            "nodes": [self.node(self.g.nodes[n]) for n in v[::2]],
            "relationships": [self.edge(next(iter(step.values()))) for step in v[1::2]],
        }

    def graph(self) -> dict[str, list[dict[str, Any]]]:
        nodes = [
            {
                "id": n["id"],
                "type": n["type"],
                "label_de": n["properties"].get("label_de", ""),
                "label_en": n["properties"].get("label_en", ""),
            }
            for n in self.nodes.values()
        ]
        edges = [
            {"id": e["id"], "type": e["type"], "source": e["start"], "target": e["end"]} for e in self.edges.values()
        ]
        return {"nodes": nodes, "edges": edges}
