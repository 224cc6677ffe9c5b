"""The graphkb command line, through click's runner on real store files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkb.cli import cli
from graphkb.model import Entity
from graphkb.store import open_store

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


def run(*args, url=None, ok=True):
    result = CliRunner().invoke(cli, [*(["--store", url] if url else []), *args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_documents_itself_and_is_in_the_readme(name):
    command = cli.commands[name]
    assert command.help and len(command.help) > 20
    assert run(name, "--help").output.startswith(f"Usage: cli {name}") or "Usage:" in run(name, "--help").output
    assert f"graphkb {name}" in README.read_text(encoding="utf-8")


def test_init_creates_the_store_file(url, tmp_path):
    assert "Store ready" in run("init", url=url).output
    assert (tmp_path / "cli.sqlite3").exists()


def test_seed_twice_reports_nothing_changed_the_second_time(url):
    first = run("seed", url=url).stdout
    assert "0 updated" in first and " created" in first and not first.startswith("Seed: 0 created")
    second = run("seed", url=url).stdout
    assert second.startswith("Seed: 0 created, 0 updated")


def test_stats_prints_counts_and_json(url):
    run("seed", url=url)
    figures = json.loads(run("stats", "--json", url=url).stdout)
    store = open_store(url)
    assert figures == store.stats().to_dict()
    store.close()
    assert "entities" in run("stats", url=url).output


def test_export_import_export_gives_the_identical_file(url, tmp_path):
    run("seed", url=url)
    store = open_store(url)
    # some history beyond the seed: an edit, a revert, a delete
    graz = store.get("graz")
    graz.body = "Überarbeitet – mit „Anführungszeichen“"
    store.update(graz, base_revision=graz.revision, author="redakteurin", summary="Text")
    store.revert("graz", graz.revision, base_revision=graz.revision + 1, author="admin", summary="zurück")
    lonely = store.create(Entity(type="Lesson", labels={"de": "Einzelstück"}), author="redakteurin").entity_id
    store.delete(lonely, base_revision=1, author="admin", reason="Test")
    store.close()
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    run("export", "-o", str(first), url=url)
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert "Imported" in run("import", str(first), url=other).output
    run("export", "-o", str(second), url=other)
    assert first.read_bytes() == second.read_bytes()
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["format"] == "graphkb-json" and data["version"] == 1
    assert any(e["deleted"] for e in data["entities"])
    assert {r["action"] for r in data["revisions"]} >= {"import", "edit", "revert", "delete"}


def test_importing_a_broken_file_fails_clearly_and_changes_nothing(url, tmp_path):
    run("init", url=url)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "graphkb-json", "version": 1, "entities": [{"type": "City", "labels": {"de": ""}}]}')
    result = run("import", str(bad), url=url, ok=False)
    assert result.exit_code != 0 and "labels.de" in result.output
    garbage = tmp_path / "garbage.json"
    garbage.write_text("not json")
    assert "not valid JSON" in run("import", str(garbage), url=url, ok=False).output
    store = open_store(url)
    assert store.stats().entities == 0
    store.close()


def test_gen_adds_a_deterministic_synthetic_graph(url, tmp_path):
    assert "Generated 300 entities" in run("gen", "300", "--seed", "7", url=url).output
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    run("gen", "300", "--seed", "7", url=other)
    a, b = open_store(url), open_store(other)
    assert a.stats().by_relation == b.stats().by_relation
    assert a.stats().entities == 300 and a.stats().statements > 300
    a.close()
    b.close()
