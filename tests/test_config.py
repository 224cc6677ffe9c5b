"""Settings from the environment: the secret key every worker shares."""

from __future__ import annotations

import stat

from graphkb.config import secret_key


def test_the_secret_key_is_made_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("GRAPHKB_SECRET_KEY", raising=False)
    monkeypatch.setenv("GRAPHKB_INSTANCE", str(tmp_path / "instance"))
    first = secret_key()
    assert len(first) == 64 and secret_key() == first  # a restart (or another worker) reads the same key
    mode = (tmp_path / "instance" / "secret_key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHKB_INSTANCE", str(tmp_path))
    monkeypatch.setenv("GRAPHKB_SECRET_KEY", "from-the-environment")
    assert secret_key() == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_behind_a_proxy_the_client_address_comes_from_its_header():
    from flask import request

    from webui import create_app

    seen = []
    for proxies in (0, 1):
        app = create_app({"TESTING": True, "GRAPHKB_STORE": "sqlite:///:memory:", "GRAPHKB_PROXIES": proxies})

        @app.get("/_who")
        def who():
            return request.remote_addr or ""

        seen.append(app.test_client().get("/_who", headers={"X-Forwarded-For": "203.0.113.9"}).text)
    # without a configured proxy the header is ignored: a client cannot pick its rate-limit key
    assert seen == ["127.0.0.1", "203.0.113.9"]
