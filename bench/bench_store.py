#!/usr/bin/env python3
"""Benchmark of the embedded SQLite store against plain SQL on the same synthetic graph.

For each size: generate the graph (graphkb.synth, seed 1), import it with
``SQLiteStore.bulk_import`` and, as the baseline, insert the same rows with plain
``executemany`` into plain tables; then time ``get``, 2-hop ``neighbours`` and ``search``
against the equivalent raw SQL on the store's own file, alternating store and raw call by
call so both see the same cache. Prints a table on stdout (progress on stderr); asserts
nothing. See bench/README.md.

    python bench/bench_store.py [--sizes 1000,10000,100000] [--repeat K] [--json FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tqdm import tqdm  # noqa: E402

from graphkb.model import Entity  # noqa: E402
from graphkb.schema import default_ontology  # noqa: E402
from graphkb.store.sqlite import SQLiteStore  # noqa: E402
from graphkb.synth import COMPOUND_HEADS, generate, transliterate  # noqa: E402
from graphkb.text import fold  # noqa: E402

SEED = 1
GOALS = {"import": 0.3, "get": 3.0, "search": 2.0, "growth": 1.5}

# -- the raw baseline: plain tables of the store's shape, no revisions, no FTS, no refs ----------

RAW_SCHEMA = """
CREATE TABLE entities (
    id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, label_de TEXT NOT NULL, label_en TEXT NOT NULL,
    sort_de TEXT NOT NULL, sort_en TEXT NOT NULL, data TEXT NOT NULL, revision INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0, deleted_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL
);
CREATE TABLE statements (
    id TEXT PRIMARY KEY, subject_id TEXT NOT NULL, position INTEGER NOT NULL, type TEXT NOT NULL,
    target_id TEXT NOT NULL, qualifiers TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX statements_subject ON statements (subject_id, position);
CREATE INDEX statements_target ON statements (target_id, type);
CREATE TABLE citations (
    statement_id TEXT NOT NULL, position INTEGER NOT NULL, source_id TEXT NOT NULL,
    quote TEXT NOT NULL, locator TEXT NOT NULL, PRIMARY KEY (statement_id, position)
) WITHOUT ROWID;
"""

RAW_GET = (
    "SELECT id, type, label_de, label_en, data, revision, deleted, deleted_reason, created_at, updated_at, "
    "updated_by FROM entities WHERE id = ?",
    "SELECT id, type, target_id, qualifiers FROM statements WHERE subject_id = ? ORDER BY position",
    "SELECT c.statement_id, c.source_id, c.quote, c.locator FROM statements s "
    "JOIN citations c ON c.statement_id = s.id WHERE s.subject_id = ? ORDER BY c.statement_id, c.position",
)
# one hop from a set of nodes, both directions, live, new, ordered like the store orders a level;
# CROSS JOIN keeps SQLite from walking the whole sort index instead of the few ids found
RAW_HOP = (
    "SELECT e.id FROM (SELECT target_id AS id FROM statements WHERE subject_id IN (SELECT value FROM json_each(?1)) "
    "UNION SELECT subject_id FROM statements WHERE target_id IN (SELECT value FROM json_each(?1))) n "
    "CROSS JOIN entities e ON e.id = n.id "
    "WHERE e.deleted = 0 AND e.id NOT IN (SELECT value FROM json_each(?2)) ORDER BY e.sort_de, e.id LIMIT ?3"
)
RAW_NODES = (
    "SELECT e.id, e.type, e.label_de, e.label_en, e.data, e.deleted FROM json_each(?) j "
    "CROSS JOIN entities e ON e.id = j.value"
)
RAW_EDGES = (
    "SELECT id, subject_id, type, target_id FROM statements WHERE subject_id IN (SELECT value FROM json_each(?1)) "
    "AND target_id IN (SELECT value FROM json_each(?1)) ORDER BY subject_id, position"
)
# CROSS JOIN: without it SQLite 3.40 walks every live entity and probes the FTS index for each
RAW_SEARCH = (
    "SELECT e.id, e.type, e.label_de, e.label_en, e.data, e.deleted FROM search "
    "CROSS JOIN entities e ON e.rowid = search.rowid WHERE search MATCH ? AND e.deleted = 0 LIMIT 20"
)
RAW_SEARCH_RANKED = (
    "SELECT e.id, e.type, e.label_de, e.label_en, e.data, e.deleted FROM search "
    "CROSS JOIN entities e ON e.rowid = search.rowid WHERE search MATCH ? AND e.deleted = 0 "
    "ORDER BY bm25(search, 10.0, 8.0, 4.0, 1.0) LIMIT 20"
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def raw_import(path: Path, entities: list[Entity], now: str = "2024-01-01T00:00:00.000Z") -> int:
    """Insert the entities' rows with plain executemany in one transaction; returns the row count."""
    conn = _connect(path)
    conn.executescript(RAW_SCHEMA)
    entity_rows, statement_rows, citation_rows = [], [], []
    for e in entities:
        data = _dumps(
            {"aliases": e.aliases, "descriptions": e.descriptions, "body": e.body, "properties": e.properties}
        )
        entity_rows.append(
            (e.id, e.type, e.labels["de"], e.labels["en"], fold(e.labels["de"]), fold(e.labels["en"]), data,
             1, 0, "", now, now, "bench")
        )  # fmt: skip
        for i, st in enumerate(e.statements):
            statement_rows.append((st.id, e.id, i, st.type, st.target, _dumps(st.qualifiers)))
            citation_rows.extend((st.id, j, c.source, c.quote, c.locator) for j, c in enumerate(st.citations))
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entity_rows)
    conn.executemany("INSERT INTO statements VALUES (?, ?, ?, ?, ?, ?)", statement_rows)
    conn.executemany("INSERT INTO citations VALUES (?, ?, ?, ?, ?)", citation_rows)
    conn.execute("COMMIT")
    conn.close()
    return len(entity_rows) + len(statement_rows) + len(citation_rows)


def raw_get(conn: sqlite3.Connection, entity_id: str) -> tuple:
    return tuple(conn.execute(sql, (entity_id,)).fetchall() for sql in RAW_GET)


def raw_neighbours(conn: sqlite3.Connection, start: str, limit: int = 200) -> tuple:
    """Two hops the way the store walks them (level by level, each level ordered, at most ``limit``)."""
    nodes, frontier = [start], [start]
    for _ in range(2):
        if not frontier or len(nodes) >= limit:
            break
        frontier = [r[0] for r in conn.execute(RAW_HOP, (_dumps(frontier), _dumps(nodes), limit - len(nodes)))]
        nodes += frontier
    ids = _dumps(nodes)
    return conn.execute(RAW_NODES, (ids,)).fetchall(), conn.execute(RAW_EDGES, (ids,)).fetchall()


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH the store builds for ``query`` (folded terms of 3+ characters, AND-ed)."""
    terms = [t for t in fold(query).split() if len(t) >= 3]
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms) or None


# -- workload -------------------------------------------------------------------------------------


def search_queries(entities: list[Entity], k: int, rng: random.Random) -> list[tuple[str, str]]:
    """``k`` (kind, query) pairs, a quarter of each kind, drawn from the graph's own labels.

    word: a whole word as typed ("Trägerverbund", sometimes two words); prefix: lower case,
    umlauts dropped, cut short ("trager"); ascii: ae/oe/ue spelling ("Traegerverbund");
    inner: the inner part of compounds ("verbund").
    """

    def words(e: Entity) -> list[str]:
        return [w for w in e.labels["de"].split() if w.isalpha() and len(w) >= 4]

    def pick_word(need_umlaut: bool = False) -> str:
        while True:
            candidates = words(rng.choice(entities))
            if need_umlaut:
                candidates = [w for w in candidates if transliterate(w) != w]
            if candidates:
                return rng.choice(candidates)

    queries: list[tuple[str, str]] = []
    heads = [h for h, _ in COMPOUND_HEADS]
    for i in range(k):
        kind = ("word", "prefix", "ascii", "inner")[i % 4]
        if kind == "word":
            q = pick_word()
            if rng.random() < 0.2:
                q = f"{q} {pick_word()}"
        elif kind == "prefix":
            w = fold(pick_word())
            q = w[: rng.randint(4, max(4, min(8, len(w))))]
        elif kind == "ascii":
            q = transliterate(pick_word(need_umlaut=True))
        else:
            q = rng.choice(heads)
        queries.append((kind, q))
    return queries


# -- measuring ------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(ns: list[int]) -> dict[str, float]:
    us = [v / 1000 for v in ns]
    return {"p50_us": statistics.median(us), "p95_us": percentile(us, 0.95), "n": len(us)}


class Profiler:
    """Optional cProfile of the store calls of one step, printed on stderr."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.profile = cProfile.Profile() if enabled else None

    def __enter__(self) -> Profiler:
        if self.profile:
            self.profile.enable()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.profile:
            self.profile.disable()

    def report(self, title: str, top: int = 25) -> None:
        if not self.profile:
            return
        out = io.StringIO()
        pstats.Stats(self.profile, stream=out).sort_stats("tottime").print_stats(top)
        print(f"\n===== cProfile: {title} (sorted by own time) =====\n{out.getvalue()}", file=sys.stderr)
        self.profile = cProfile.Profile()


def paired(
    items: Iterable[Any],
    store_call: Callable[[Any], Any],
    raw_calls: dict[str, Callable[[Any], Any]],
    desc: str,
    progress: bool,
    profiler: Profiler,
) -> tuple[list[int], dict[str, list[int]]]:
    """Time store_call and each raw call on every item, one after the other (same cache state)."""
    clock = time.perf_counter_ns
    store_ns: list[int] = []
    raw_ns: dict[str, list[int]] = {name: [] for name in raw_calls}
    for item in tqdm(list(items), desc=desc, unit="call", leave=False, disable=not progress, mininterval=1):
        with profiler:
            t0 = clock()
            store_call(item)
            t1 = clock()
        store_ns.append(t1 - t0)
        for name, call in raw_calls.items():
            t0 = clock()
            call(item)
            raw_ns[name].append(clock() - t0)
    return store_ns, raw_ns


def bench_size(n: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    progress = not args.no_progress
    rng = random.Random(SEED)
    result: dict[str, Any] = {"n": n}

    t0 = time.perf_counter_ns()
    entities = list(tqdm(generate(n, seed=SEED), total=n, desc=f"generate {n:,}", unit="entity", leave=False,
                         disable=not progress, mininterval=1))  # fmt: skip
    result["generate_s"] = (time.perf_counter_ns() - t0) / 1e9
    n_statements = sum(len(e.statements) for e in entities)
    n_citations = sum(len(st.citations) for e in entities for st in e.statements)
    rows = n + n_statements + n_citations
    result.update(statements=n_statements, citations=n_citations, rows=rows)

    # -- import: best of --repeat, each on a fresh file
    ontology = default_ontology()
    store_times, raw_times = [], []
    store_path = None
    profiler = Profiler(args.profile)
    for k in range(args.repeat):
        path = workdir / f"store-{n}-{k}.sqlite3"
        store = SQLiteStore(path, ontology=ontology)
        with tqdm(total=n, desc=f"store import {n:,}", unit="entity", leave=False, disable=not progress,
                  mininterval=1) as bar:  # fmt: skip
            gc.collect()
            with profiler:
                t0 = time.perf_counter_ns()
                store.bulk_import(entities, author="bench", progress=bar.update)
                store_times.append(time.perf_counter_ns() - t0)
        store.close()
        if store_path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(str(store_path) + suffix).unlink(missing_ok=True)
        store_path = path

        raw_path = workdir / f"raw-{n}-{k}.sqlite3"
        gc.collect()
        t0 = time.perf_counter_ns()
        raw_import(raw_path, entities)
        raw_times.append(time.perf_counter_ns() - t0)
        for suffix in ("", "-wal", "-shm"):
            Path(str(raw_path) + suffix).unlink(missing_ok=True)
    profiler.report(f"bulk_import of {n:,} entities")
    store_s, raw_s = min(store_times) / 1e9, min(raw_times) / 1e9
    result["import"] = {
        "store_s": store_s,
        "store_entities_per_s": n / store_s,
        "store_rows_per_s": rows / store_s,
        "raw_s": raw_s,
        "raw_rows_per_s": rows / raw_s,
        "raw_entities_per_s": n / raw_s,
        "ratio": raw_s / store_s,  # throughput store / raw
    }

    ids = [e.id for e in entities]
    queries = search_queries(entities, args.searches, rng)
    del entities
    gc.collect()

    store = SQLiteStore(store_path, ontology=ontology)
    raw = sqlite3.connect(store_path)
    try:
        # warm both connections and the page cache a little, as a running server would be
        for i in rng.sample(ids, min(len(ids), 200)):
            store.get(i)
            raw_get(raw, i)

        # -- get
        sample = [rng.choice(ids) for _ in range(args.gets)] * args.repeat
        s_ns, r_ns = paired(sample, store.get, {"raw": lambda i: raw_get(raw, i)}, f"get {n:,}", progress, profiler)
        profiler.report(f"get at {n:,}")
        result["get"] = {"store": summary(s_ns), "raw": summary(r_ns["raw"])}

        # -- neighbours, depth 2
        sample = [rng.choice(ids) for _ in range(args.hops)] * args.repeat
        s_ns, r_ns = paired(
            sample,
            lambda i: store.neighbours(i, depth=2, limit=200),
            {"raw": lambda i: raw_neighbours(raw, i, 200)},
            f"neighbours {n:,}",
            progress,
            profiler,
        )
        profiler.report(f"neighbours(depth=2) at {n:,}")
        result["neighbours"] = {"store": summary(s_ns), "raw": summary(r_ns["raw"])}
        # how big the answers are: at 1k a 2-hop neighbourhood is small, at 100k it hits the limit
        result["neighbours"]["nodes_p50"] = statistics.median(
            len(store.neighbours(i, depth=2, limit=200).nodes) for i in sample[: args.hops]
        )

        # -- search
        sample = queries * args.repeat
        s_ns, r_ns = paired(
            sample,
            lambda kq: store.search(kq[1], limit=20),
            {
                "raw": lambda kq: raw.execute(RAW_SEARCH, (match_expression(kq[1]),)).fetchall(),
                "raw_ranked": lambda kq: raw.execute(RAW_SEARCH_RANKED, (match_expression(kq[1]),)).fetchall(),
            },
            f"search {n:,}",
            progress,
            profiler,
        )
        profiler.report(f"search at {n:,}")
        result["search"] = {
            "store": summary(s_ns),
            "raw": summary(r_ns["raw"]),
            "raw_ranked": summary(r_ns["raw_ranked"]),
        }
        kinds = [kq[0] for kq in sample]
        result["search"]["by_kind_p50_us"] = {
            kind: {
                "store": statistics.median(v / 1000 for v, k in zip(s_ns, kinds, strict=True) if k == kind),
                "raw": statistics.median(v / 1000 for v, k in zip(r_ns["raw"], kinds, strict=True) if k == kind),
            }
            for kind in ("word", "prefix", "ascii", "inner")
            if kind in kinds
        }
        result["search"]["matches_p50"] = statistics.median(
            raw.execute("SELECT count(*) FROM search WHERE search MATCH ?", (match_expression(q),)).fetchone()[0]
            for _, q in queries
        )
        result["max_in_degree"] = raw.execute(
            "SELECT count(*) AS c FROM statements GROUP BY target_id ORDER BY c DESC LIMIT 1"
        ).fetchone()[0]
    finally:
        raw.close()
        store.close()
    for op in ("get", "neighbours", "search"):
        result[op]["ratio"] = result[op]["store"]["p50_us"] / result[op]["raw"]["p50_us"]
    result["db_mb"] = (
        sum(os.path.getsize(str(store_path) + s) for s in ("", "-wal") if os.path.exists(str(store_path) + s)) / 2**20
    )
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for suffix in ("", "-wal", "-shm"):
        Path(str(store_path) + suffix).unlink(missing_ok=True)
    gc.collect()
    return result


# -- report ---------------------------------------------------------------------------------------


def code_version() -> str:
    """The commit benchmarked, with ``+dirty`` when graphkb/ has uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()  # fmt: skip
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "graphkb"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.strip()  # fmt: skip
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _fmt(value: float, digits: int = 0) -> str:
    if value != value:  # nan
        return "–"
    return f"{value:,.{digits}f}"


def table(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    def ok(value: float, goal: float, higher: bool) -> str:
        return "ok" if (value >= goal if higher else value <= goal) else "MISSED"

    rows: list[tuple[str, list[str], str]] = []

    def row(title: str, values: list[str], goal: str = "") -> None:
        rows.append((title, values, goal))

    def each(fn: Callable[[dict[str, Any]], float], digits: int = 0) -> list[str]:
        return [_fmt(fn(r), digits) for r in results]

    def worst(op: str, goal: float, higher: bool) -> str:
        # the issue sets its goals at the largest size (100k on this machine)
        value = results[-1][op]["ratio"]
        return f"{'≥' if higher else '≤'} {goal:g} at N={results[-1]['n']:,}  {ok(value, goal, higher)}"

    row("generate (s)", each(lambda r: r["generate_s"], 1))
    row("statements / citations", [f"{r['statements']:,} / {r['citations']:,}" for r in results])
    row("max in-degree (mean ≈ 3)", each(lambda r: r["max_in_degree"]))
    row("IMPORT store (entities/s)", each(lambda r: r["import"]["store_entities_per_s"]))
    row("  store (rows/s)", each(lambda r: r["import"]["store_rows_per_s"]))
    row("  raw executemany (rows/s)", each(lambda r: r["import"]["raw_rows_per_s"]))
    row("  ratio store/raw (throughput)", each(lambda r: r["import"]["ratio"], 2), worst_import(results))
    for op, title in (("get", "GET entity+statements"), ("neighbours", "NEIGHBOURS depth 2, limit 200")):
        row(f"{title} p50 store (µs)", each(lambda r, op=op: r[op]["store"]["p50_us"]))
        row("  p95 store (µs)", each(lambda r, op=op: r[op]["store"]["p95_us"]))
        row("  p50 raw SQL (µs)", each(lambda r, op=op: r[op]["raw"]["p50_us"]))
        row("  p95 raw SQL (µs)", each(lambda r, op=op: r[op]["raw"]["p95_us"]))
        goal = worst(op, GOALS["get"], False) if op == "get" else ""
        row("  ratio p50 store/raw", each(lambda r, op=op: r[op]["ratio"], 2), goal)
        if op == "neighbours":
            row("  nodes returned p50", each(lambda r: r["neighbours"]["nodes_p50"]))
    row("SEARCH limit 20 p50 store (µs)", each(lambda r: r["search"]["store"]["p50_us"]))
    row("  p95 store (µs)", each(lambda r: r["search"]["store"]["p95_us"]))
    row("  p50 raw MATCH+LIMIT (µs)", each(lambda r: r["search"]["raw"]["p50_us"]))
    row("  p95 raw MATCH+LIMIT (µs)", each(lambda r: r["search"]["raw"]["p95_us"]))
    row("  ratio p50 store/raw", each(lambda r: r["search"]["ratio"], 2), worst("search", GOALS["search"], False))
    row("  p50 raw ranked by bm25 (µs)", each(lambda r: r["search"]["raw_ranked"]["p50_us"]))
    for kind in ("word", "prefix", "ascii", "inner"):
        row(f"  p50 store/raw, {kind} (µs)", [
            f"{_fmt(r['search']['by_kind_p50_us'][kind]['store'])} / {_fmt(r['search']['by_kind_p50_us'][kind]['raw'])}"
            if kind in r["search"]["by_kind_p50_us"] else "–"
            for r in results
        ])  # fmt: skip
    row("  matches per query, p50", each(lambda r: r["search"]["matches_p50"]))
    row("database file (MB)", each(lambda r: r["db_mb"], 1))
    row("peak RSS so far (MB)", each(lambda r: r["peak_rss_mb"], 0))

    header = ["", *[f"N = {r['n']:,}" for r in results], "goal"]
    width0 = max(len(t) for t, _, _ in rows)
    widths = [max(len(header[i + 1]), *(len(v[i]) for _, v, _ in rows)) for i in range(len(results))]
    lines = [
        f"graphkb {code_version()} SQLiteStore vs raw SQL — SQLite {sqlite3.sqlite_version}, "
        f"Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, seed {SEED}, repeat {args.repeat}; samples: get {args.gets}, "
        f"neighbours {args.hops}, search {args.searches}",
        "",
        "  ".join([header[0].ljust(width0), *(h.rjust(w) for h, w in zip(header[1:], widths, strict=False)), "goal"]),
    ]
    lines.append("-" * len(lines[-1]))
    for title, values, goal in rows:
        lines.append("  ".join([title.ljust(width0), *(v.rjust(w) for v, w in zip(values, widths, strict=True)), goal]))
    if len(results) >= 2:
        small, large = results[0], results[-1]
        lines.append("")
        lines.append(f"latency growth p50(N={large['n']:,}) / p50(N={small['n']:,}), goal ≤ {GOALS['growth']:g}:")
        for op in ("get", "neighbours", "search"):
            growth = large[op]["store"]["p50_us"] / small[op]["store"]["p50_us"]
            raw_growth = large[op]["raw"]["p50_us"] / small[op]["raw"]["p50_us"]
            lines.append(
                f"  {op:<11} store {growth:7.2f}  {ok(growth, GOALS['growth'], False):<6}   (raw SQL {raw_growth:.2f})"
            )
        per_node = (large["neighbours"]["store"]["p50_us"] / large["neighbours"]["nodes_p50"]) / (
            small["neighbours"]["store"]["p50_us"] / small["neighbours"]["nodes_p50"]
        )
        lines.append(
            f"  neighbours per node returned (p50 µs / nodes p50) {per_node:.2f}"
            f"  {ok(per_node, GOALS['growth'], False)}"
        )
    return "\n".join(lines)


def worst_import(results: list[dict[str, Any]]) -> str:
    value = results[-1]["import"]["ratio"]
    return f"≥ {GOALS['import']:g} at N={results[-1]['n']:,}  {'ok' if value >= GOALS['import'] else 'MISSED'}"


def growth(results: list[dict[str, Any]]) -> dict[str, float]:
    if len(results) < 2:
        return {}
    return {
        op: results[-1][op]["store"]["p50_us"] / results[0][op]["store"]["p50_us"]
        for op in ("get", "neighbours", "search")
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated graph sizes (entities)")
    parser.add_argument("--repeat", type=int, default=1, help="imports: best of K; latencies: K passes pooled")
    parser.add_argument("--gets", type=int, default=2000, help="random ids for get (default 2000)")
    parser.add_argument("--hops", type=int, default=300, help="random ids for neighbours (default 300)")
    parser.add_argument("--searches", type=int, default=500, help="search queries (default 500)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON to FILE ('-': stdout, "
                        "the table then goes to stderr)")  # fmt: skip
    parser.add_argument("--tmp", metavar="DIR", help="directory for the temporary database files")
    parser.add_argument("--profile", action="store_true", help="cProfile the store calls of each step (stderr)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    args = parser.parse_args(argv)
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    if args.repeat < 1 or not sizes or min(sizes) < 1:
        parser.error("sizes and --repeat must be positive")

    results = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="graphkb-bench-", dir=args.tmp) as tmp:
        for n in sizes:
            results.append(bench_size(n, args, Path(tmp)))
            print(f"[{time.perf_counter() - started:6.0f} s] N = {n:,} done", file=sys.stderr)
    text = table(results, args)
    figures = {
        "graphkb": code_version(),
        "sqlite": sqlite3.sqlite_version,
        "python": platform.python_version(),
        "seed": SEED,
        "repeat": args.repeat,
        "goals": GOALS,
        "sizes": results,
        "growth": growth(results),
        "elapsed_s": time.perf_counter() - started,
    }
    if args.json == "-":
        print(text, file=sys.stderr)
        json.dump(figures, sys.stdout, indent=2)
        print()
    else:
        print(text)
        if args.json:
            Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
