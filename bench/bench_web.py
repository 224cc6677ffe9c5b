#!/usr/bin/env python3
"""Web benchmark: the entity page and its JSON twin over real HTTP, next to a trivial route.

Generates (or reuses, from ``--workdir``) the synthetic graph (graphkb.synth, seed 1) in an
SQLite store, serves ``webui.create_app()`` plus a trivial route (bench/web_wsgi.py) with
gunicorn as ``graphkb serve`` does (2 sync workers, access log on stdout, debug off), and
measures, on the same server in the same run:

* latency: one client, sequential requests, keep-alive as far as the server allows; the
  trivial route, ``/entity/<id>`` and ``/api/v1/entities/<id>`` interleaved request by request
  for random ids (fixed seed); p50 and p95;
* throughput: several client processes for a few seconds per URL kind, the kinds alternating
  in rotated order over several rounds; median requests/s and the ratios page/trivial and
  json/trivial (median of the per-round ratios).

Every response is checked (status 200 and the entity's label in the body), so error pages are
never timed. Then the same requests run in-process through Flask's test client (no HTTP), and
cProfile shows where an entity page's time goes. Prints a table on stdout (progress on stderr);
asserts nothing. See bench/README.md.

    python bench/bench_web.py [--size 100000] [--workdir DIR] [--store URL] [--configs serve,gthread] [--json FILE]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import cProfile
import html
import io
import json
import multiprocessing
import os
import platform
import pstats
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for extra in (ROOT, BENCH):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import gunicorn  # noqa: E402
from flask import Flask  # noqa: E402
from tqdm import tqdm  # noqa: E402
from web_wsgi import TRIVIAL_PATH, bench_app  # noqa: E402

from graphkb.model import EntitySummary  # noqa: E402
from graphkb.store import open_store  # noqa: E402
from graphkb.synth import generate  # noqa: E402

SEED = 1
GOALS = {"page_p50_ms": 5.0, "page_throughput_ratio": 0.4}
KINDS = ("trivial", "page", "json")
KIND_TITLES = {"trivial": "trivial route", "page": "entity page (HTML)", "json": "JSON twin"}
HOST = "127.0.0.1"


@dataclass(frozen=True)
class ServerConfig:
    name: str
    description: str
    args: tuple[str, ...] = ()
    access_log: bool = True
    env: tuple[tuple[str, str], ...] = ()


# "serve" repeats graphkb/cli.py's settings (bind, workers, access log on stdout, gunicorn's
# defaults otherwise: sync workers, no keep-alive); the others are candidates to compare with it.
CONFIGS = {
    c.name: c
    for c in (
        ServerConfig("serve", "as `graphkb serve`: sync workers, access log on stdout"),
        ServerConfig(
            "gthread",
            "gthread workers, 4 threads each, keep-alive 2 s",
            ("--worker-class", "gthread", "--threads", "4"),
        ),
        ServerConfig("nolog", "as serve, without the access log", access_log=False),
        ServerConfig(
            "nocache",
            "as serve, page cache off (GRAPHKB_PAGE_CACHE=0): every page rendered",
            env=(("GRAPHKB_PAGE_CACHE", "0"),),
        ),
    )
}


@dataclass(frozen=True)
class Target:
    """One URL to request, a byte string its answer must contain, and the entity type it shows."""

    path: str
    needle: bytes
    type: str = ""


# -- the graph ------------------------------------------------------------------------------------


def prepare_store(args: argparse.Namespace, workdir: Path) -> tuple[str, float | None]:
    """The store URL to serve; generates the synthetic graph into ``workdir`` unless it is there."""
    if args.store:
        return args.store, None
    path = workdir / f"graph-{args.size}-seed{SEED}.sqlite3"
    url = f"sqlite:///{path}"
    if path.exists():
        print(f"reusing {path}", file=sys.stderr)
        return url, None
    # built under another name and renamed when complete, so an interrupted run is not reused
    partial = workdir / f"graph-{args.size}-seed{SEED}.partial.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    store = open_store(f"sqlite:///{partial}")
    started = time.perf_counter()
    try:
        with tqdm(total=args.size, desc=f"gen {args.size:,}", unit="entity", disable=args.no_progress,
                  mininterval=1) as bar:  # fmt: skip
            store.bulk_import(
                generate(args.size, seed=SEED), author="gen", summary=f"Synthetic graph n={args.size} seed={SEED}",
                progress=bar.update,
            )  # fmt: skip
    finally:
        store.close()
    elapsed = time.perf_counter() - started
    for suffix in ("-wal", "-shm"):
        if Path(f"{partial}{suffix}").exists():
            Path(f"{partial}{suffix}").rename(f"{path}{suffix}")
    partial.rename(path)
    return url, elapsed


def graph_sample(url: str, k: int, rng: random.Random) -> tuple[list[EntitySummary], dict[str, int]]:
    """``k`` live entities drawn at random (with replacement) from the whole graph, and its figures."""
    store = open_store(url)
    try:
        stats = store.stats()
        everyone: list[EntitySummary] = []
        while True:
            # by label: the order with an index on both stores (sort="id" sorts the whole table per page)
            page = store.list(offset=len(everyone), limit=1000, sort="label")
            everyone += page.items
            if not page.items or len(everyone) >= page.total:
                break
    finally:
        store.close()
    figures = {"entities": stats.entities, "statements": stats.statements, "citations": stats.citations}
    return rng.choices(everyone, k=k), figures


def targets(sample: list[EntitySummary]) -> dict[str, list[Target]]:
    """The URLs of each kind; HTML must show the German label (no Accept-Language: German), JSON hold it."""

    def in_json(text: str) -> bytes:
        return json.dumps(text, ensure_ascii=False)[1:-1].encode()

    return {
        "trivial": [Target(TRIVIAL_PATH, b"ok")],
        "page": [
            Target(f"/entity/{quote(e.id, safe='')}", html.escape(e.label("de")).encode(), e.type) for e in sample
        ],
        "json": [Target(f"/api/v1/entities/{quote(e.id, safe='')}", in_json(e.label("de")), e.type) for e in sample],
    }


# -- the server -----------------------------------------------------------------------------------


class Server:
    """gunicorn serving bench_app() on a free port of 127.0.0.1, as a child process."""

    def __init__(self, config: ServerConfig, workers: int, store_url: str, logdir: Path):
        self.config, self.workers, self.store_url = config, workers, store_url
        self.access_log = logdir / f"access-{config.name}.log"
        self.error_log = logdir / f"server-{config.name}.log"
        self.process: subprocess.Popen | None = None
        self.port = 0

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:0", "--workers", str(self.workers)]
        if self.config.access_log:
            cmd += ["--access-logfile", "-"]
        return [*cmd, *self.config.args, "--pythonpath", str(BENCH), "web_wsgi:bench_app()"]

    def start(self, timeout: float = 60) -> None:
        env = dict(os.environ, GRAPHKB_STORE=self.store_url, **dict(self.config.env))
        env.setdefault("GRAPHKB_SECRET_KEY", secrets.token_hex(32))
        env.pop("FLASK_DEBUG", None)
        with self.access_log.open("wb") as out, self.error_log.open("wb") as err:
            self.process = subprocess.Popen(self.command(), cwd=ROOT, env=env, stdout=out, stderr=err)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.error_log.read_text()}")
            log = self.error_log.read_text(errors="replace")
            found = re.search(r"Listening at: http://[\d.]+:(\d+)", log)
            if found and log.count("Booting worker") >= self.workers and self._answers(int(found.group(1))):
                self.port = int(found.group(1))
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not come up in {timeout} s:\n{self.error_log.read_text()}")

    @staticmethod
    def _answers(port: int) -> bool:
        conn = HTTPConnection(HOST, port, timeout=5)
        try:
            return fetch(conn, TRIVIAL_PATH)[0] == 200
        except (OSError, HTTPException):
            return False
        finally:
            conn.close()

    def cpu(self) -> dict[int, float]:
        """CPU seconds (user + system) of each worker process, from /proc (Linux); empty elsewhere."""
        if self.process is None:
            return {}
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            return {int(pid): _cpu_seconds(int(pid)) for pid in children}
        except OSError:
            return {}

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # gunicorn: graceful shutdown of the workers on SIGTERM
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _cpu_seconds(pid: int) -> float:
    # fields after "(comm)": state is field 3, utime and stime are fields 14 and 15
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the clients ----------------------------------------------------------------------------------


def fetch(conn: HTTPConnection, path: str) -> tuple[int, bytes, bool]:
    """GET ``path``: status, body, and whether an open connection was reused.

    http.client keeps the connection unless the server says ``Connection: close`` and opens a
    new one on the next request then: keep-alive exactly as far as the server allows.
    """
    reused = conn.sock is not None
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read(), reused


def attempt(conn: HTTPConnection, target: Target) -> tuple[bool, int, bool]:
    """One checked request: (answer ok, body size, connection reused)."""
    try:
        status, body, reused = fetch(conn, target.path)
    except (OSError, HTTPException):
        conn.close()
        return False, 0, False
    return status == 200 and target.needle in body, len(body), reused


def latency(port: int, work: dict[str, list[Target]], n: int, progress: bool, desc: str) -> dict[str, Any]:
    """Sequential requests from one client, the kinds interleaved request by request."""
    conn = HTTPConnection(HOST, port, timeout=30)
    clock = time.perf_counter_ns
    times: dict[str, list[int]] = {k: [] for k in KINDS}
    sizes: dict[str, list[int]] = {k: [] for k in KINDS}
    sources: list[bool] = []  # whether each timed page shows a Source
    errors = dict.fromkeys(KINDS, 0)
    reused = 0
    for i in tqdm(range(n), desc=desc, unit="round", leave=False, disable=not progress, mininterval=1):
        for kind in KINDS[i % 3 :] + KINDS[: i % 3]:
            target = work[kind][i % len(work[kind])]
            t0 = clock()
            ok, size, again = attempt(conn, target)
            elapsed = clock() - t0
            reused += again
            if ok:
                times[kind].append(elapsed)
                sizes[kind].append(size)
                if kind == "page":
                    sources.append(target.type == "Source")
            else:
                errors[kind] += 1
    conn.close()
    result: dict[str, Any] = {
        kind: {**summary_ms(times[kind]), "errors": errors[kind], "bytes_p50": median(sizes[kind])} for kind in KINDS
    }
    # a Source page also lists the statements citing it: a cost of its own, shown apart
    result["page_source"] = summary_ms([t for t, src in zip(times["page"], sources, strict=True) if src])
    result["page_other"] = summary_ms([t for t, src in zip(times["page"], sources, strict=True) if not src])
    result["reused_share"] = reused / (n * len(KINDS))
    return result


_WORK: dict[str, list[Target]] = {}


def _client_init(work: dict[str, list[Target]]) -> None:
    _WORK.update(work)


def _client_run(port: int, kind: str, start_at: float, end_at: float, offset: int) -> tuple[int, int, bool, float, int]:
    """One load client (in its own process): requests back to back between two monotonic instants.

    Returns answers ok, errors, whether it began late (then the figure is too low), its CPU
    seconds and how many requests it sent.
    """
    items = _WORK[kind]
    conn = HTTPConnection(HOST, port, timeout=30)
    late = time.monotonic() > start_at
    while time.monotonic() < start_at:
        time.sleep(0.001)
    ok = errors = 0
    i = offset
    cpu = time.process_time()
    while True:
        good = attempt(conn, items[i % len(items)])[0]
        i += 1
        if time.monotonic() > end_at:  # a request still running at the end does not count
            break
        ok += good
        errors += not good
    conn.close()
    return ok, errors, late, time.process_time() - cpu, i - offset


class LoadClients:
    """A pool of client processes that load the server together, one URL kind at a time."""

    def __init__(self, clients: int, work: dict[str, list[Target]]):
        self.clients = clients
        self.sizes = {kind: len(items) for kind, items in work.items()}
        # each phase goes on where the last one of its kind stopped, so all sampled ids get their turn
        self.cursor = dict.fromkeys(work, 0)
        # spawn: the clients start clean, without the parent's threads or its sampled graph
        self.pool = concurrent.futures.ProcessPoolExecutor(
            clients, mp_context=multiprocessing.get_context("spawn"), initializer=_client_init, initargs=(work,)
        )

    def phase(self, server: Server, kind: str, seconds: float) -> dict[str, Any]:
        start_at = time.monotonic() + 0.3
        step = max(1, self.sizes[kind] // self.clients)
        before = server.cpu()
        futures = [
            self.pool.submit(_client_run, server.port, kind, start_at, start_at + seconds, self.cursor[kind] + k * step)
            for k in range(self.clients)
        ]
        answers = [f.result() for f in futures]
        after = server.cpu()
        self.cursor[kind] += max(a[4] for a in answers)
        ok, errors = sum(a[0] for a in answers), sum(a[1] for a in answers)
        # every answer the workers gave in the phase, also those that came after the window closed
        done = max(1, sum(a[4] for a in answers))
        # the workers' CPU time per answer hardly depends on what else runs on the machine
        server_cpu = sum(after.values()) - sum(before.values()) if before.keys() == after.keys() else float("nan")
        return {
            "rps": ok / seconds,
            "errors": errors,
            "late": any(a[2] for a in answers),
            "server_cpu_ms": server_cpu / done * 1000,
            "client_cpu_ms": sum(a[3] for a in answers) / done * 1000,
        }

    def close(self) -> None:
        self.pool.shutdown()


def throughput(
    load: LoadClients, server: Server, args: argparse.Namespace, progress: bool, desc: str
) -> dict[str, Any]:
    """Rounds of one phase per kind, in rotated order, so every kind runs early and late alike."""
    for kind in KINDS:  # warm-up: starts the client processes, warms the workers and the page cache
        load.phase(server, kind, args.warmup)
    rounds: list[dict[str, dict[str, Any]]] = []
    with tqdm(total=args.rounds * len(KINDS), desc=desc, unit="phase", leave=False, disable=not progress) as bar:
        for r in range(args.rounds):
            found = {}
            for kind in KINDS[r % 3 :] + KINDS[: r % 3]:
                found[kind] = load.phase(server, kind, args.seconds)
                bar.update()
            rounds.append(found)
    result: dict[str, Any] = {
        kind: {
            "rps": statistics.median(r[kind]["rps"] for r in rounds),
            "rps_rounds": [r[kind]["rps"] for r in rounds],
            "errors": sum(r[kind]["errors"] for r in rounds),
            "late": any(r[kind]["late"] for r in rounds),
            "server_cpu_ms": median([r[kind]["server_cpu_ms"] for r in rounds]),
            "client_cpu_ms": median([r[kind]["client_cpu_ms"] for r in rounds]),
        }
        for kind in KINDS
    }
    for kind in ("page", "json"):
        result[f"ratio_{kind}"] = statistics.median(r[kind]["rps"] / r["trivial"]["rps"] for r in rounds)
    return result


def bench_server(
    config: ServerConfig, args: argparse.Namespace, url: str, work: dict[str, list[Target]], logdir: Path
) -> dict[str, Any]:
    progress = not args.no_progress
    print(f"server {config.name}: {config.description}", file=sys.stderr)
    load = LoadClients(args.clients, work)
    try:
        with Server(config, args.workers, url, logdir) as server:
            # throughput first: its warm-up also warms the workers for the latency run
            result = {"throughput": throughput(load, server, args, progress, f"{config.name} throughput")}
            result["latency"] = latency(server.port, work, args.requests, progress, f"{config.name} latency")
            result["command"] = " ".join(server.command()[1:])
    finally:
        load.close()
    result["description"] = config.description
    return result


# -- in-process: the app without HTTP, and where its time goes -----------------------------------


def in_process(app: Flask, work: dict[str, list[Target]], n: int, profile_n: int) -> dict[str, Any]:
    """The same requests through Flask's test client: what the app costs without server and HTTP."""
    client = app.test_client()
    clock = time.perf_counter_ns
    for kind in KINDS:
        for target in work[kind][:100]:
            client.get(target.path)
    times: dict[str, list[int]] = {k: [] for k in KINDS}
    errors = dict.fromkeys(KINDS, 0)
    for i in range(n):
        for kind in KINDS[i % 3 :] + KINDS[: i % 3]:
            target = work[kind][i % len(work[kind])]
            t0 = clock()
            response = client.get(target.path)
            times[kind].append(clock() - t0)
            errors[kind] += response.status_code != 200 or target.needle not in response.data
    result: dict[str, Any] = {kind: {**summary_ms(times[kind]), "errors": errors[kind]} for kind in KINDS}

    profiler = cProfile.Profile()
    pages = work["page"]
    profiler.enable()
    for i in range(profile_n):
        client.get(pages[i % len(pages)].path)
    profiler.disable()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(15)
        result[f"profile_{order}"] = out.getvalue()
    result["profile_requests"] = profile_n
    return result


# -- figures and report ---------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary_ms(ns: list[int]) -> dict[str, float]:
    ms = [v / 1e6 for v in ns]
    return {"p50_ms": median(ms), "p95_ms": percentile(ms, 0.95), "n": len(ms)}


def code_version() -> str:
    """The commit benchmarked, with ``+dirty`` when graphkb/ or webui/ has uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()  # fmt: skip
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "graphkb", "webui"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def cpu_ratio(server: dict[str, Any], kind: str) -> float:
    """What the throughput ratio would be with the server alone on its cores: trivial CPU / kind CPU."""
    t = server["throughput"]
    return t["trivial"]["server_cpu_ms"] / t[kind]["server_cpu_ms"]


def table(figures: dict[str, Any]) -> str:
    servers: dict[str, dict[str, Any]] = figures["servers"]
    names = list(servers)
    rows: list[tuple[str, list[str] | None]] = []  # None: a section title

    def row(title: str, value: Callable[[dict[str, Any]], str]) -> None:
        rows.append((title, [value(servers[n]) for n in names]))

    def errors(part: str) -> Callable[[dict[str, Any]], str]:
        return lambda s: "/".join(str(s[part][k]["errors"]) for k in KINDS)

    rows.append((f"LATENCY, 1 client, {figures['requests']:,} requests per kind: p50 ms (p95)", None))
    for kind in KINDS:
        row(
            f"  {KIND_TITLES[kind]}",
            lambda s, k=kind: f"{s['latency'][k]['p50_ms']:.2f} ({s['latency'][k]['p95_ms']:.2f})",
        )
    for part, title in (("page_source", "    Source pages only"), ("page_other", "    all other pages")):
        row(title, lambda s, p=part: f"{s['latency'][p]['p50_ms']:.2f} ({s['latency'][p]['p95_ms']:.2f})")
    row(
        f"  goal: page p50 ≤ {GOALS['page_p50_ms']:g} ms",
        lambda s: verdict(s["latency"]["page"]["p50_ms"] <= GOALS["page_p50_ms"]),
    )
    row("  connections reused", lambda s: f"{s['latency']['reused_share']:.0%}")
    row("  errors (trivial/page/json)", errors("latency"))
    rows.append(
        (
            f"THROUGHPUT, {figures['clients']} client processes: req/s, median of {figures['rounds']} rounds "
            f"× {figures['seconds']:g} s",
            None,
        )
    )
    for kind in KINDS:
        row(f"  {KIND_TITLES[kind]}", lambda s, k=kind: f"{s['throughput'][k]['rps']:,.0f}")
    row("  ratio page / trivial", lambda s: f"{s['throughput']['ratio_page']:.2f}")
    row(
        f"  goal: page ≥ {GOALS['page_throughput_ratio']:g} × trivial",
        lambda s: verdict(s["throughput"]["ratio_page"] >= GOALS["page_throughput_ratio"]),
    )
    row("  ratio json / trivial", lambda s: f"{s['throughput']['ratio_json']:.2f}")
    row("  errors (trivial/page/json)", errors("throughput"))
    rows.append(("SERVER CPU ms per answer (the workers' user + system time: hardly depends on other load)", None))
    for kind in KINDS:
        row(f"  {KIND_TITLES[kind]}", lambda s, k=kind: f"{s['throughput'][k]['server_cpu_ms']:.2f}")
    row("  ratio trivial / page (= page/trivial req/s on own cores)", lambda s: f"{cpu_ratio(s, 'page'):.2f}")
    row("  ratio trivial / json", lambda s: f"{cpu_ratio(s, 'json'):.2f}")
    row("  load client CPU ms per page answer", lambda s: f"{s['throughput']['page']['client_cpu_ms']:.2f}")

    width0 = max(len(title) for title, values in rows if values)
    widths = [max(len(n), *(len(values[i]) for _, values in rows if values)) for i, n in enumerate(names)]
    meta, graph = figures["meta"], figures["graph"]
    lines = [
        f"graphkb {meta['graphkb']} web benchmark — gunicorn {meta['gunicorn']}, Python {meta['python']}; "
        f"{meta['cpus']} CPUs shared by the server ({figures['workers']} workers), the load clients "
        f"({figures['clients']} processes) and whatever else runs on the machine",
        f"store {figures['store']}: {graph['entities']:,} entities, {graph['statements']:,} statements, "
        f"{graph['citations']:,} citations; ids drawn at random (seed {SEED})"
        + (f"; generated in {figures['generate_s']:.0f} s" if figures.get("generate_s") else ""),
        f"load average (1 min) at start {meta['load_start']:.2f}, at end {meta['load_end']:.2f}",
        "",
        *(f"  {n}: {servers[n]['description']}" for n in names),
        "",
        "  ".join([" " * width0, *(n.rjust(w) for n, w in zip(names, widths, strict=True))]),
    ]
    lines.append("-" * len(lines[-1]))
    for title, values in rows:
        if values is None:
            lines.append(title)
        else:
            lines.append("  ".join([title.ljust(width0), *(v.rjust(w) for v, w in zip(values, widths, strict=True))]))
    late = [n for n in names if any(servers[n]["throughput"][k]["late"] for k in KINDS)]
    if late:
        lines.append(f"WARNING: a load client began late in {', '.join(late)}: its req/s are too low")
    first = servers[names[0]]["latency"]
    lines.append(
        f"response size p50: page {first['page']['bytes_p50']:,.0f} bytes, JSON {first['json']['bytes_p50']:,.0f} bytes"
    )
    inproc = figures["in_process"]
    lines += ["", "IN-PROCESS (Flask test client, no server, no HTTP, page cache off): p50 ms (p95)"]
    for kind in KINDS:
        f = inproc[kind]
        lines.append(
            f"  {KIND_TITLES[kind]:<20} {f['p50_ms']:.2f} ({f['p95_ms']:.2f})"
            + (f"  errors {f['errors']}" if f["errors"] else "")
        )
    lines += [
        "",
        f"cProfile of {inproc['profile_requests']} entity page requests in-process, top 15 by cumulative time:",
        inproc["profile_cumulative"].strip("\n"),
        "",
        "… and top 15 by own time:",
        inproc["profile_tottime"].strip("\n"),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="entities in the synthetic graph (default 100000)")
    parser.add_argument("--workdir", help="cache folder for the generated graph (kept; default: a temp dir)")
    parser.add_argument("--store", metavar="URL", help="bench this existing store instead (e.g. neo4j://host:7687)")
    parser.add_argument(
        "--configs",
        default="serve,nocache,gthread",
        help=f"server configurations, comma-separated, first = goals (of: {', '.join(CONFIGS)})",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--requests", type=int, default=1000, help="latency: requests per URL kind (default 1000)")
    parser.add_argument("--clients", type=int, default=4, help="throughput: client processes (default 4)")
    parser.add_argument("--rounds", type=int, default=5, help="throughput: rounds of one phase per kind (default 5)")
    parser.add_argument("--seconds", type=float, default=5.0, help="throughput: seconds per phase (default 5)")
    parser.add_argument("--warmup", type=float, default=2.0, help="throughput: warm-up seconds per kind (default 2)")
    parser.add_argument("--profile-requests", type=int, default=300, help="entity pages under cProfile (default 300)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON to FILE")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    args = parser.parse_args(argv)
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown or not configs:
        parser.error(f"unknown server configuration(s) {unknown}; choose from {', '.join(CONFIGS)}")
    if min(args.size, args.workers, args.requests, args.clients, args.rounds) < 1 or args.seconds <= 0:
        parser.error("sizes, counts and durations must be positive")

    # on SIGTERM too, the context managers stop gunicorn and the load clients
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    with working_folder(args.workdir) as workdir:
        url, generate_s = prepare_store(args, workdir)
        sample, graph = graph_sample(url, args.requests, random.Random(SEED))
        work = targets(sample)
        # built now, so the views are imported from the same code the server's workers load next
        # in-process figures and the profile are of rendering: without the page cache
        app = bench_app({"GRAPHKB_STORE": url, "GRAPHKB_PAGE_CACHE": 0})
        logdir = Path(tempfile.mkdtemp(prefix="logs-", dir=workdir))
        servers = {name: bench_server(CONFIGS[name], args, url, work, logdir) for name in configs}
        print("in-process requests and profile …", file=sys.stderr)
        inproc = in_process(app, work, min(args.requests, 1000), args.profile_requests)
        shutil.rmtree(logdir, ignore_errors=True)
    figures = {
        "meta": {
            "graphkb": code_version(),
            "gunicorn": gunicorn.__version__,
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_start": load_start,
            "load_end": os.getloadavg()[0],
        },
        "store": "synthetic SQLite" if not args.store else args.store,
        "size": args.size if not args.store else None,
        "graph": graph,
        "generate_s": generate_s,
        "seed": SEED,
        "workers": args.workers,
        "requests": args.requests,
        "clients": args.clients,
        "rounds": args.rounds,
        "seconds": args.seconds,
        "goals": GOALS,
        "servers": servers,
        "in_process": inproc,
        "elapsed_s": time.perf_counter() - started,
    }
    print(table(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


@contextmanager
def working_folder(workdir: str | None) -> Iterator[Path]:
    """``--workdir`` (created if needed, kept) or a temporary folder deleted afterwards."""
    if workdir:
        path = Path(workdir)
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="graphkb-bench-web-") as tmp:
        yield Path(tmp)


if __name__ == "__main__":
    sys.exit(main())
