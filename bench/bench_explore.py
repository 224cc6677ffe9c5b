#!/usr/bin/env python3
"""Exploring benchmark: the networkx projection, its incremental updates and the evidence map.

Generates (or reuses, from ``--workdir``) the synthetic graph (graphkb.synth, seed 1) in an SQLite
store, as bench/bench_web.py does, or takes ``--store URL``; then, in one process:

* **projection cold**: ``graphkb.projection.build_graph`` from the store (wall and CPU seconds);
* **update per edit**: ``--edits`` times, edit a random Practice's description through the store
  (not timed), then time ``projection_of(store)``, which applies the change to the cached
  projection; median and p95 ms, against the cold build of the same run (the ratio says how many
  edits cost one rebuild). The projection is then checked against a fresh build;
* **evidence map**: ``graphkb.evidence.evidence_map`` on the projection, cold (ms), and through
  ``graphkb.analytics.cached`` once computed (median ms of repeated calls), with the map's size.

Each figure is a function returning a dict; ``FIGURES`` lists them in order, so further figures
(the explorer's views) add a function and a table row. Prints a table on stdout (progress on
stderr); asserts nothing. The edits are real revisions: ``--edits 0`` on a store you care about.

    python bench/bench_explore.py [--size 100000] [--workdir DIR] [--store URL] [--edits 50] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "bench"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from bench_web import prepare_store, working_folder  # noqa: E402
from tqdm import tqdm  # noqa: E402

from graphkb import projection  # noqa: E402
from graphkb.analytics import cached  # noqa: E402
from graphkb.evidence import evidence_map  # noqa: E402
from graphkb.projection import build_graph, projection_of  # noqa: E402
from graphkb.store import open_store  # noqa: E402

SEED = 1
GOALS = {"update_ms": 10.0}


@contextmanager
def timed() -> Iterator[dict[str, float]]:
    """Wall and CPU seconds of the block (CPU: the machine may be shared)."""
    out: dict[str, float] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    yield out
    out["wall_s"] = time.perf_counter() - wall
    out["cpu_s"] = time.process_time() - cpu


def projection_cold(ctx: dict[str, Any]) -> dict[str, Any]:
    """A full build, then the cache primed with it (projection_of builds once more, not timed)."""
    with timed() as t:
        graph = build_graph(ctx["store"])
    ctx["graph"] = projection_of(ctx["store"])
    return {**t, "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}


def update_per_edit(ctx: dict[str, Any]) -> dict[str, Any]:
    store, edits = ctx["store"], ctx["args"].edits
    if not edits:
        return {}
    rng = random.Random(SEED)
    practices = sorted(n for n, t in ctx["graph"].nodes(data="type") if t == "Practice")
    times_ms: list[float] = []
    builds = projection.counts["build"]
    for i in tqdm(range(edits), desc="edits", disable=ctx["args"].no_progress):
        entity = store.get(rng.choice(practices))
        entity.descriptions["de"] = f"Bench-Änderung {i} {time.time_ns()}"
        store.update(entity, base_revision=entity.revision, author="bench", summary="bench_explore")
        started = time.perf_counter()
        graph = projection_of(store)
        times_ms.append((time.perf_counter() - started) * 1000)
        assert graph.nodes[entity.id]["description_de"] == entity.descriptions["de"]
    fresh = build_graph(store)
    same = (
        dict(graph.nodes(data=True)) == dict(fresh.nodes(data=True))
        and graph.number_of_edges() == fresh.number_of_edges()
    )
    times_ms.sort()
    median = statistics.median(times_ms)
    return {
        "edits": edits,
        "median_ms": median,
        "p95_ms": times_ms[min(len(times_ms) - 1, int(0.95 * len(times_ms)))],
        "rebuilds": projection.counts["build"] - builds,
        "rebuild_over_update": ctx["results"]["projection_cold"]["wall_s"] * 1000 / median,
        "equals_fresh_build": same,
    }


def evidence(ctx: dict[str, Any]) -> dict[str, Any]:
    graph, ontology = projection_of(ctx["store"]), ctx["store"].ontology
    with timed() as t:
        m = cached(graph, "evidence_map", evidence_map, graph, ontology)
    repeats = []
    for _ in range(20):
        started = time.perf_counter()
        cached(graph, "evidence_map", evidence_map, graph, ontology)
        repeats.append((time.perf_counter() - started) * 1000)
    return {
        "cold_ms": t["wall_s"] * 1000,
        "cold_cpu_ms": t["cpu_s"] * 1000,
        "cached_ms": statistics.median(repeats),
        "cells": len(m.cells),
        "paths": sum(len(c.direct) + len(c.indirect) for c in m.cells.values()),
        "practices": len(m.practices),
        "outcomes": len(m.outcomes),
    }


def console(ctx: dict[str, Any]) -> dict[str, Any]:
    """The query console's examples through ``graphkb.query.run_query``, as the console runs them.

    The first run of each pays for what is cold (the driver's connection on Neo4j; the projection
    and the forked child's imports on the embedded store); the median of ``--query-repeats`` runs is
    the figure. A generous time limit, so a slow query is measured, not cut.
    """
    from graphkb.query import EXAMPLES, QueryTimeout, run_query

    store, repeats = ctx["store"], ctx["args"].query_repeats
    figures: dict[str, Any] = {}
    for example in EXAMPLES:
        times, rows, error = [], 0, ""
        for _ in range(1 + repeats):
            try:
                result = run_query(store, example["cypher"], timeout=120, row_limit=1000)
            except QueryTimeout:
                error = "timeout (120 s)"
                break
            times.append(result.elapsed_ms)
            rows = len(result.rows)
        figures[example["id"]] = {
            "first_ms": times[0] if times else None,
            "median_ms": statistics.median(times[1:]) if len(times) > 1 else None,
            "rows": rows,
            "error": error,
        }
    return figures


def explorer(ctx: dict[str, Any]) -> dict[str, Any]:
    """The explorer's 500-node views: server time and a stable drawing in Chromium (bench/bench_explorer.py)."""
    import bench_explorer

    return bench_explorer.explorer(ctx)


FIGURES: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = [
    ("projection_cold", projection_cold),
    ("update_per_edit", update_per_edit),
    ("evidence", evidence),
    ("explorer", explorer),
    ("console", console),
]


def table(results: dict[str, Any], header: str) -> str:
    lines = [header, "", f"{'figure':<36} {'value':>14}  note", "-" * 90]

    def row(title: str, value: str, note: str = "") -> None:
        lines.append(f"{title:<36} {value:>14}  {note}")

    cold = results.get("projection_cold", {})
    if cold:
        row("projection cold build", f"{cold['wall_s']:.1f} s", f"CPU {cold['cpu_s']:.1f} s; "
            f"{cold['nodes']:,} nodes, {cold['edges']:,} edges")  # fmt: skip
    upd = results.get("update_per_edit", {})
    if upd:
        ok = "meets" if upd["median_ms"] <= GOALS["update_ms"] else "misses"
        row("update per edit, median", f"{upd['median_ms']:.2f} ms", f"p95 {upd['p95_ms']:.2f} ms over "
            f"{upd['edits']} edits; {ok} goal ≤ {GOALS['update_ms']:.0f} ms")  # fmt: skip
        row("  rebuild / update", f"{upd['rebuild_over_update']:,.0f}×", f"full rebuilds during edits: "
            f"{upd['rebuilds']}; equals a fresh build: {upd['equals_fresh_build']}")  # fmt: skip
    ev = results.get("evidence", {})
    if ev:
        row("evidence map cold", f"{ev['cold_ms']:,.0f} ms", f"CPU {ev['cold_cpu_ms']:,.0f} ms; {ev['cells']:,} cells, "
            f"{ev['paths']:,} paths, {ev['practices']:,} × {ev['outcomes']:,}")  # fmt: skip
        row("evidence map cached", f"{ev['cached_ms']:.3f} ms", "median of 20 calls")
    con = results.get("console", {})
    for example_id, f in con.items():
        if f["error"]:
            row(f"console: {example_id}", f["error"])
        else:
            median = f"{f['median_ms']:,.1f} ms" if f["median_ms"] is not None else "–"
            row(f"console: {example_id}", median, f"first run {f['first_ms']:,.1f} ms; {f['rows']} rows")
    ex = results.get("explorer", {})
    if ex:
        import bench_explorer

        lines += ["", "explorer (goals: data ≤ 100 ms, stable drawing ≤ 1.5 s)", bench_explorer.report(ex)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="entities in the synthetic graph (default 100000)")
    parser.add_argument("--workdir", help="cache folder for the generated graph (kept; default: a temp dir)")
    parser.add_argument("--store", metavar="URL", help="bench this existing store instead")
    parser.add_argument("--edits", type=int, default=50, help="edits for the update figure (default 50; 0: none)")
    parser.add_argument("--query-repeats", type=int, default=5, help="console: runs per example after the first")
    parser.add_argument(
        "--figures",
        default=",".join(name for name, _ in FIGURES),
        help="which figures, comma-separated (default: all; e.g. console for a Neo4j store)",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON to FILE")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with working_folder(args.workdir) as workdir:
        url, _ = prepare_store(args, workdir)  # bench_web's: the same graph file, reused by both
        store = open_store(url)
        try:
            ctx: dict[str, Any] = {"args": args, "store": store, "results": {}}
            chosen = {f.strip() for f in args.figures.split(",")}
            unknown = chosen - {name for name, _ in FIGURES}
            if unknown:
                parser.error(f"unknown figures: {', '.join(sorted(unknown))}")
            for name, figure in FIGURES:
                if name not in chosen:
                    continue
                print(f"[{time.perf_counter() - started:6.0f} s] {name}", file=sys.stderr)
                ctx["results"][name] = figure(ctx)
        finally:
            store.close()
    load = os.getloadavg()
    header = (
        f"bench_explore: {url.split('://')[0]} store, N = {args.size:,} (seed {SEED}); Python "
        f"{platform.python_version()}; {os.cpu_count()} CPUs, load average {load[0]:.1f} at the end"
    )
    print(table(ctx["results"], header))
    if args.json:
        Path(args.json).write_text(json.dumps({"url": url, "load": load, **ctx["results"]}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
