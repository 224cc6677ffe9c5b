#!/usr/bin/env python3
"""Explorer benchmark: a 500-node graph view over the 100k synthetic graph, on the server and in Chromium.

Opens the synthetic graph (graphkb.synth, seed 1) that bench_web.py leaves in ``.bench/`` (or
``--store URL``), builds the app once and measures:

* **server**: ``/explore/data`` for four 500-node views (a hub's neighbourhood at depth 2, a
  smaller entity's at depth 3, the best-connected 500 of the whole graph, the same for two
  types), through Flask's test client (no HTTP): the first request of a view (node selection,
  server layout, pyvis rendering, JSON) and the median of the repeated ones (cached per graph
  version); plus a click's ``/explore/expand/<id>``. The projection is built once before (its
  time is printed: it is paid once per process and graph, then updated incrementally);
* **browser**: the same app over HTTP (werkzeug, threaded) and Debian's Chromium headless via
  Playwright: time from navigation start to the first complete drawing of the hub view
  (``data-stable-at``, set by js/explore.js on vis-network's first ``afterDrawing``; physics is
  off, positions come from the server), median of ``--rounds`` fresh pages.

Goals (issue 5): explorer data ≤ 100 ms; a stable drawing ≤ 1.5 s. Prints a table; asserts nothing.
:func:`explorer` is also a figure of bench/bench_explore.py (its ``FIGURES``), on that run's store.

    python bench/bench_explorer.py [--store sqlite:///.bench/graph-100000-seed1.sqlite3] [--rounds 5] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from graphkb.projection import projection_of  # noqa: E402
from graphkb.store import open_store  # noqa: E402
from webui import create_app  # noqa: E402

DEFAULT_STORE = f"sqlite:///{ROOT / '.bench' / 'graph-100000-seed1.sqlite3'}"


class Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def pick_views(G) -> dict[str, str]:
    """Query strings of four views that each reach the 500-node cap."""
    by_degree = sorted(G.nodes, key=lambda n: (-(len(G.succ[n]) + len(G.pred[n])), n))
    hub = by_degree[0]
    middle = next(n for n in by_degree if len(G.succ[n]) + len(G.pred[n]) <= 12)
    return {
        "hub, depth 2": urlencode({"center": hub, "depth": 2, "limit": 500}),
        "entity, depth 3": urlencode({"center": middle, "depth": 3, "limit": 500}),
        "whole graph, top 500": urlencode({"limit": 500}),
        "Practice+Outcome, top 500": urlencode([("type", "Practice"), ("type", "Outcome"), ("limit", 500)]),
    }


def server_times(client, views: dict[str, str], repeats: int) -> list[dict]:
    rows = []
    for name, query in views.items():
        started = time.perf_counter()
        response = client.get(f"/explore/data?{query}")
        first = time.perf_counter() - started
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        payload = response.get_json()
        again = []
        for _ in range(repeats):
            started = time.perf_counter()
            client.get(f"/explore/data?{query}").close()
            again.append(time.perf_counter() - started)
        rows.append(
            {
                "view": name,
                "nodes": len(payload["nodes"]),
                "edges": len(payload["edges"]),
                "kb": round(len(response.data) / 1024),
                "first_ms": ms(first),
                "cached_p50_ms": ms(statistics.median(again)),
            }
        )
    return rows


def expand_time(client, query: str, G) -> dict:
    payload = client.get(f"/explore/data?{query}").get_json()
    node = max(payload["nodes"], key=lambda n: n.get("more", 0))
    started = time.perf_counter()
    response = client.get(f"/explore/expand/{node['id']}?{payload['state']}")
    took = time.perf_counter() - started
    delta = response.get_json()
    return {"node": node["id"], "hidden": node["more"], "added": len(delta["nodes"]) - 1, "ms": ms(took)}


def browser_times(url: str, query: str, rounds: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("GRAPHKB_CHROMIUM") or shutil.which("chromium")
    args = ["--disable-dev-shm-usage"] + (["--no-sandbox"] if os.geteuid() == 0 else [])
    found = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=args)
        for _ in range(rounds):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"{url}/explore?{query}")
            page.wait_for_selector(".graph-box[data-graph-stable]", timeout=60_000)
            found.append(float(page.locator(".graph-box").get_attribute("data-stable-at")))
            context.close()
        browser.close()
    return found


def serve_app(app):
    """The app over HTTP on a free port (werkzeug, threaded): ``(url, stop)``."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join()

    return f"http://127.0.0.1:{server.server_port}", stop


def app_on(store):
    """An app serving ``store`` itself (and so its cached projection), not a second copy of it."""
    app = create_app({"GRAPHKB_STORE": "sqlite:///unused"})
    app.extensions["graphkb_store"]._store = store  # a benchmark's shortcut: StoreHolder opens lazily
    return app


def explorer(ctx: dict) -> dict:
    """The explorer figures for ``ctx["store"]`` (a figure of bench/bench_explore.py's FIGURES)."""
    store = ctx["store"]
    rounds = getattr(ctx.get("args"), "rounds", 5)
    repeats = getattr(ctx.get("args"), "repeats", 20)
    G = projection_of(store)
    app = app_on(store)
    views = pick_views(G)
    client = app.test_client()
    client.get("/explore/data?limit=1")  # imports (pyvis) and first-request setup, not timed
    rows = server_times(client, views, repeats)
    expanded = expand_time(client, views["hub, depth 2"], G)
    url, stop = serve_app(app)
    try:
        drawn = browser_times(url, views["hub, depth 2"], rounds)
    finally:
        stop()
    return {"views": rows, "expand": expanded, "browser_ms": drawn, "browser_median_ms": statistics.median(drawn)}


def report(figures: dict) -> str:
    lines = ["| view | nodes | edges | JSON KB | first request ms | cached p50 ms |", "|---|---:|---:|---:|---:|---:|"]
    for row in figures["views"]:
        cells = [row[k] for k in ("view", "nodes", "edges", "kb", "first_ms", "cached_p50_ms")]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    ex = figures["expand"]
    lines.append(f"\nexpand {ex['node']} ({ex['hidden']} hidden): {ex['added']} nodes added in {ex['ms']} ms")
    drawn = figures["browser_ms"]
    lines.append(
        f"Chromium, hub view ({figures['views'][0]['nodes']} nodes): navigation start → stable drawing, "
        f"median {figures['browser_median_ms']:.0f} ms, all {[round(d) for d in drawn]}"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", default=DEFAULT_STORE, help="store URL (default: the 100k graph in .bench/)")
    parser.add_argument("--rounds", type=int, default=5, help="fresh Chromium pages to time (default 5)")
    parser.add_argument("--repeats", type=int, default=20, help="cached requests per view (default 20)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    store = open_store(args.store)
    try:
        print("building the projection …", file=sys.stderr)
        started = time.perf_counter()
        G = projection_of(store)
        projection_s = time.perf_counter() - started
        figures = explorer({"store": store, "args": args})
    finally:
        store.close()
    size = f"{G.number_of_nodes():,} entities, {G.number_of_edges():,} statements"
    print(f"graph: {size}; projection built in {projection_s:.1f} s (once per process and graph)\n")
    print(report(figures))
    if args.json:
        Path(args.json).write_text(json.dumps({"projection_s": projection_s, **figures}, indent=2))


if __name__ == "__main__":
    main()
