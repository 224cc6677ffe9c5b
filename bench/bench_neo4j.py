#!/usr/bin/env python3
"""Both stores side by side, and the Neo4j store against hand-written Cypher on the same server.

For each size: generate the synthetic graph (graphkb.synth, seed 1); import it into the SQLite
store and into the Neo4j store (``bulk_import``: validation, revisions, one transaction), and,
as the baseline, the same entities and statements with a hand-written batched ``UNWIND`` import
(static labels and types, a transaction per batch, no validation, no revisions) into the same server.
Then time ``get``, 2-hop ``neighbours`` and ``search`` on both stores, and on Neo4j next to a
raw Cypher query for one entity and its relationships (``get``), alternating store and raw call
by call. Prints a table on stdout (progress on stderr); asserts nothing. See bench/README.md.

    python bench/bench_neo4j.py [--sizes 1000,10000,100000] [--url bolt://127.0.0.1:7687] [--json FILE]

Without ``--url`` it starts its own Neo4j (scripts/neo4j/neo4j_server.py) and stops it after.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "bench"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import neo4j  # noqa: E402
from bench_store import Profiler, code_version, paired, search_queries, summary  # noqa: E402
from tqdm import tqdm  # noqa: E402

from graphkb.model import Entity  # noqa: E402
from graphkb.schema import default_ontology  # noqa: E402
from graphkb.store.neo4j import Neo4jStore  # noqa: E402
from graphkb.store.sqlite import SQLiteStore  # noqa: E402
from graphkb.synth import generate  # noqa: E402
from graphkb.text import fold  # noqa: E402

SEED = 1
GOALS = {"import": 0.8, "get": 1.5}
BATCH = 2000

RAW_GET = (
    "MATCH (n:Entity {id: $id}) OPTIONAL MATCH (n)-[r]->(t:Entity) "
    "RETURN properties(n) AS n, collect({type: type(r), target: t.id, props: properties(r)}) AS rels"
)


def rust_extension() -> bool:
    """Whether neo4j-rust-ext replaced the driver's pure-Python PackStream codec."""
    return importlib.util.find_spec("neo4j._rust") is not None


# -- the raw baseline: what a careful hand-written import does ----------------------------------


def raw_node_rows(entities: list[Entity]) -> dict[str, list[dict[str, Any]]]:
    by_type: dict[str, list[dict[str, Any]]] = {}
    for e in entities:
        sort_de, sort_en = fold(e.label("de")), fold(e.label("en"))
        aliases = " | ".join(a for lang in ("de", "en") for a in e.aliases.get(lang, []))
        row = dict(e.properties)
        row.update(
            id=e.id, type=e.type, label_de=e.labels["de"], label_en=e.labels["en"], sort_de=sort_de, sort_en=sort_en,
            description_de=e.descriptions["de"], description_en=e.descriptions["en"],
            aliases_de=e.aliases.get("de", []), aliases_en=e.aliases.get("en", []), body=e.body, revision=1,
            deleted=False, deleted_reason="", created_at="2024-01-01T00:00:00.000Z",
            updated_at="2024-01-01T00:00:00.000Z", updated_by="bench",
            search_labels=f"{sort_de} | {sort_en} | {fold(aliases)}",
            search_text=fold(" | ".join(d for d in e.descriptions.values() if d)), refs=[],
        )  # fmt: skip
        by_type.setdefault(e.type, []).append(row)
    return by_type


def raw_rel_rows(entities: list[Entity]) -> dict[str, list[dict[str, Any]]]:
    by_type: dict[str, list[dict[str, Any]]] = {}
    for e in entities:
        for i, st in enumerate(e.statements):
            props = dict(st.qualifiers)
            props.update(
                id=st.id, position=i, citation_sources=[c.source for c in st.citations],
                citation_quotes=[c.quote for c in st.citations], citation_locators=[c.locator for c in st.citations],
            )  # fmt: skip
            by_type.setdefault(st.type, []).append({"s": e.id, "t": st.target, "props": props})
    return by_type


def raw_import(driver: neo4j.Driver, entities: list[Entity]) -> None:
    """Nodes per type, then relationships per type: ``UNWIND $rows`` batches, a transaction each."""
    nodes, rels = raw_node_rows(entities), raw_rel_rows(entities)
    with driver.session() as session:
        for label, rows in nodes.items():
            for i in range(0, len(rows), BATCH):
                cypher = f"UNWIND $rows AS row CREATE (n:Entity:`{label}`) SET n = row"
                session.execute_write(lambda tx, c=cypher, b=rows[i : i + BATCH]: tx.run(c, rows=b).consume())
        for rel, rows in rels.items():
            for i in range(0, len(rows), BATCH):
                cypher = (
                    "UNWIND $rows AS row MATCH (a:Entity {id: row.s}) MATCH (b:Entity {id: row.t}) "
                    f"CREATE (a)-[r:`{rel}`]->(b) SET r = row.props"
                )
                session.execute_write(lambda tx, c=cypher, b=rows[i : i + BATCH]: tx.run(c, rows=b).consume())


def raw_get(driver: neo4j.Driver, entity_id: str) -> Any:
    return driver.execute_query(RAW_GET, id=entity_id, routing_=neo4j.RoutingControl.READ).records


def wipe(driver: neo4j.Driver) -> None:
    with driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    driver.execute_query("MERGE (m:GraphMeta {key: 'graph'}) SET m.version = 0, m.revision_seq = 0")


# -- one size -----------------------------------------------------------------------------------


def timed_import(store: Any, entities: list[Entity], desc: str, progress: bool) -> float:
    with tqdm(total=len(entities), desc=desc, unit="entity", leave=False, disable=not progress, mininterval=1) as bar:
        gc.collect()
        t0 = time.perf_counter()
        store.bulk_import(entities, author="bench", progress=bar.update)
        return time.perf_counter() - t0


def bench_size(n: int, args: argparse.Namespace, url: str, workdir: Path) -> dict[str, Any]:
    progress = not args.no_progress
    rng = random.Random(SEED)
    ontology = default_ontology()
    entities = list(generate(n, seed=SEED))
    n_statements = sum(len(e.statements) for e in entities)
    rows = n + n_statements + sum(len(st.citations) for e in entities for st in e.statements)
    result: dict[str, Any] = {"n": n, "statements": n_statements, "rows": rows}
    ids = [e.id for e in entities]
    queries = search_queries(entities, args.searches, rng)

    sqlite = SQLiteStore(workdir / f"bench-{n}.sqlite3", ontology=ontology)
    sqlite_s = timed_import(sqlite, [e.copy() for e in entities], f"sqlite import {n:,}", progress)

    driver = neo4j.GraphDatabase.driver(url.replace("neo4j://", "bolt://"), auth=None)
    store = Neo4jStore(url, ontology=ontology)
    raw_times, store_times = [], []

    def raw_run(entities: list[Entity]) -> None:
        wipe(driver)
        t0 = time.perf_counter()
        raw_import(driver, entities)
        raw_times.append(time.perf_counter() - t0)

    def store_run(entities: list[Entity]) -> None:
        wipe(driver)
        store_times.append(timed_import(store, [e.copy() for e in entities], f"neo4j import {n:,}", progress))

    for k in range(args.repeat):
        # alternate which goes first (the server warms up for whoever runs second); the store's
        # import runs last, so the reads below see the store's graph, revisions included
        last = k == args.repeat - 1
        for run in (raw_run, store_run) if (args.repeat - 1 - k) % 2 == 0 else (store_run, raw_run):
            run(entities)
        assert not last or run is store_run
    del entities
    gc.collect()
    raw_s, neo_s = min(raw_times), min(store_times)
    result["import"] = {
        "sqlite_rows_per_s": rows / sqlite_s,
        "neo4j_rows_per_s": rows / neo_s,
        "raw_rows_per_s": rows / raw_s,
        "neo4j_s": neo_s,
        "raw_s": raw_s,
        "ratio": raw_s / neo_s,
    }

    profiler = Profiler(False)
    for i in rng.sample(ids, min(len(ids), 200)):  # warm caches and connection pools
        store.get(i)
        sqlite.get(i)
        raw_get(driver, i)
    sample = [rng.choice(ids) for _ in range(args.gets)]
    s_ns, r_ns = paired(
        sample,
        store.get,
        {"raw": lambda i: raw_get(driver, i), "sqlite": sqlite.get},
        f"get {n:,}",
        progress,
        profiler,
    )
    result["get"] = {"neo4j": summary(s_ns), "raw": summary(r_ns["raw"]), "sqlite": summary(r_ns["sqlite"])}
    sample = [rng.choice(ids) for _ in range(args.hops)]
    s_ns, r_ns = paired(
        sample,
        lambda i: store.neighbours(i, depth=2, limit=200),
        {"sqlite": lambda i: sqlite.neighbours(i, depth=2, limit=200)},
        f"neighbours {n:,}",
        progress,
        profiler,
    )
    result["neighbours"] = {"neo4j": summary(s_ns), "sqlite": summary(r_ns["sqlite"])}
    s_ns, r_ns = paired(
        queries,
        lambda kq: store.search(kq[1], limit=20),
        {"sqlite": lambda kq: sqlite.search(kq[1], limit=20)},
        f"search {n:,}",
        progress,
        profiler,
    )
    result["search"] = {"neo4j": summary(s_ns), "sqlite": summary(r_ns["sqlite"])}
    result["get"]["ratio"] = result["get"]["neo4j"]["p50_us"] / result["get"]["raw"]["p50_us"]
    store.close()
    sqlite.close()
    driver.close()
    return result


def warm_up(url: str, progress: bool) -> None:
    """A freshly started JVM compiles as it goes: both imports and reads run once, unmeasured."""
    entities = list(generate(3000, seed=SEED + 1))
    driver = neo4j.GraphDatabase.driver(url.replace("neo4j://", "bolt://"), auth=None)
    store = Neo4jStore(url, ontology=default_ontology())
    try:
        for _ in range(2):
            wipe(driver)
            raw_import(driver, entities)
            wipe(driver)
            timed_import(store, [e.copy() for e in entities], "warm-up", progress)
        for e in entities[:300]:
            store.get(e.id)
            raw_get(driver, e.id)
            store.neighbours(e.id, depth=2)
            store.search(e.labels["de"][:6])
    finally:
        store.close()
        driver.close()


# -- report -------------------------------------------------------------------------------------


def table(results: list[dict[str, Any]]) -> str:
    lines = []

    def row(title: str, values: list[str], goal: str = "") -> None:
        lines.append(f"{title:<34}" + "".join(f"{v:>14}" for v in values) + (f"   {goal}" if goal else ""))

    def ok(value: float, goal: float, higher: bool) -> str:
        return "ok" if (value >= goal if higher else value <= goal) else "MISSED"

    row("entities", [f"{r['n']:,}" for r in results])
    row("statements", [f"{r['statements']:,}" for r in results])
    lines.append("import (rows/s)")
    row("  sqlite store", [f"{r['import']['sqlite_rows_per_s']:,.0f}" for r in results])
    row("  neo4j store", [f"{r['import']['neo4j_rows_per_s']:,.0f}" for r in results])
    row("  neo4j raw UNWIND", [f"{r['import']['raw_rows_per_s']:,.0f}" for r in results])
    # goals are judged at the largest size run, as in bench_store.py
    last = results[-1]
    row(
        "  ratio neo4j store / raw",
        [f"{r['import']['ratio']:.2f}" for r in results],
        f"goal >= {GOALS['import']} at {last['n']:,} ({ok(last['import']['ratio'], GOALS['import'], True)})",
    )
    lines.append("get entity, p50 µs (p95)")
    for key, title in (("sqlite", "sqlite store"), ("neo4j", "neo4j store"), ("raw", "neo4j raw Cypher")):
        row(f"  {title}", [f"{r['get'][key]['p50_us']:,.0f} ({r['get'][key]['p95_us']:,.0f})" for r in results])
    row(
        "  ratio neo4j store / raw",
        [f"{r['get']['ratio']:.2f}" for r in results],
        f"goal <= {GOALS['get']} at {last['n']:,} ({ok(last['get']['ratio'], GOALS['get'], False)})",
    )
    for op, title in (("neighbours", "2-hop neighbours (limit 200)"), ("search", "search (limit 20)")):
        lines.append(f"{title}, p50 µs (p95)")
        for key in ("sqlite", "neo4j"):
            row(f"  {key} store", [f"{r[op][key]['p50_us']:,.0f} ({r[op][key]['p95_us']:,.0f})" for r in results])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--url", help="an existing Neo4j without auth (it is wiped!); default: start one")
    parser.add_argument("--repeat", type=int, default=1, help="imports per size (best counts)")
    parser.add_argument("--gets", type=int, default=300)
    parser.add_argument("--hops", type=int, default=100)
    parser.add_argument("--searches", type=int, default=100)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    server = None
    url = args.url
    if not url:
        spec = importlib.util.spec_from_file_location("neo4j_server", ROOT / "scripts" / "neo4j" / "neo4j_server.py")
        launcher = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(launcher)
        home = Path(tempfile.mkdtemp(prefix="graphkb-bench-neo4j-"))
        server = launcher.Neo4jServer(home, fresh=True, heap_max="4g", pagecache="2g")
        print("starting Neo4j …", file=sys.stderr)
        server.start()
        url = server.uri.replace("bolt://", "neo4j://")
    results = []
    try:
        warm_up(url, progress=not args.no_progress)
        with tempfile.TemporaryDirectory(prefix="graphkb-bench-") as tmp:
            for n in sizes:
                print(f"size {n:,} …", file=sys.stderr)
                results.append(bench_size(n, args, url, Path(tmp)))
    finally:
        if server is not None:
            server.stop()
    print(
        f"graphkb {code_version()} · Python {platform.python_version()} · neo4j driver {neo4j.__version__}"
        f" (rust extension: {'yes' if rust_extension() else 'no'}) · Neo4j 5.26 Community · {platform.machine()}"
    )
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
