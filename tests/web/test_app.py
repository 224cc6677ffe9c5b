"""The app factory and the store's lifetime: nothing at import, one store per app, closed with it."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from webui import create_app, get_store

ROOT = Path(__file__).resolve().parents[2]


def test_importing_webui_and_creating_the_app_open_no_store(tmp_path):
    path = tmp_path / "never.sqlite3"
    env = {**os.environ, "GRAPHKB_STORE": f"sqlite:///{path}", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", "import webui, webui.views.wiki, webui.views.api"], env=env, check=True)
    assert not path.exists()
    app = create_app({"GRAPHKB_STORE": f"sqlite:///{path}"})
    assert app.extensions["graphkb_store"].is_open is False
    assert not path.exists()


def test_the_store_is_opened_once_on_first_use_and_shared_by_requests(app, client):
    holder = app.extensions["graphkb_store"]
    assert not holder.is_open
    assert client.get("/").status_code == 200
    with app.app_context():
        first = get_store()
    assert client.get("/entity/graz").status_code == 200
    with app.app_context():
        assert get_store() is first


def test_requests_in_several_threads_share_the_store(app):
    def fetch(url):
        return app.test_client().get(url).status_code

    urls = ["/", "/entity/graz", "/types/Organization", "/api/v1/stats", "/search?q=graz"] * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert set(pool.map(fetch, urls)) == {200}


def test_closing_the_app_closes_the_store_and_later_requests_get_503(app, client):
    assert client.get("/").status_code == 200
    app.extensions["graphkb_store"].close()
    assert client.get("/").status_code == 503
    assert client.get("/api/v1/stats").get_json()["error"] == "store_unavailable"


def test_the_store_is_closed_when_the_app_goes_away(graph_url):
    app = create_app({"GRAPHKB_STORE": graph_url})
    assert app.test_client().get("/").status_code == 200
    holder = app.extensions["graphkb_store"]
    del app
    gc.collect()
    assert holder.closed and not holder.is_open


def test_a_store_that_cannot_be_opened_is_a_503_page_not_a_crash(tmp_path):
    for url in ("postgres://nowhere/db", f"sqlite:///{tmp_path}/a-file/and/below.sqlite3"):
        (tmp_path / "a-file").write_text("not a folder")
        app = create_app({"GRAPHKB_STORE": url})
        client = app.test_client()
        page = client.get("/")
        assert page.status_code == 503 and page.mimetype == "text/html"
        assert "nicht erreichbar" in page.get_data(as_text=True)
        api = client.get("/api/v1/types")
        assert api.status_code == 503 and api.get_json()["error"] == "store_unavailable"


def test_the_store_url_and_secret_key_default_to_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GRAPHKB_STORE", f"sqlite:///{tmp_path}/env.sqlite3")
    monkeypatch.setenv("GRAPHKB_SECRET_KEY", "from-the-environment")
    app = create_app()
    assert app.config["GRAPHKB_STORE"] == f"sqlite:///{tmp_path}/env.sqlite3"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    monkeypatch.delenv("GRAPHKB_SECRET_KEY")
    generated = create_app().config["SECRET_KEY"]
    assert len(generated) >= 32 and generated == create_app().config["SECRET_KEY"]  # one per process


def test_cached_links_are_the_links_routing_builds(app):
    from flask import url_for

    from webui.links import entity_url, fixed_url, type_url

    for script_root in ("", "/wiki"):
        with app.test_request_context("/", base_url=f"http://localhost{script_root}/"):
            for entity_id in ("graz", "trägerverbünde-in-graz", "straße-2", "ß-ä-ö-ü-1"):
                assert entity_url(entity_id) == url_for("wiki.entity", entity_id=entity_id)
            assert fixed_url("wiki.home") == url_for("wiki.home") == f"{script_root}/"
            assert type_url("ProviderAlliance") == url_for("wiki.type_index", type_name="ProviderAlliance")
            assert fixed_url("static", "style.css") == url_for("static", filename="style.css")
