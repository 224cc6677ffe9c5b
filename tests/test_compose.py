"""The Docker deployment: docker-compose.yml, the Dockerfile and its start script give the app what it needs.

No Docker engine is needed: the files are parsed, the start script runs against a stand-in ``graphkb``,
and ``docker compose config`` (which needs no engine) runs when the Compose plugin is installed.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
README_SECTION = "## Deployment with Docker Compose (Neo4j)"
# ${VAR}, ${VAR:-default}, ${VAR:?error}; "$${" is an escaped dollar (the container's own variable)
VARIABLE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")
TEST_ENV = {"NEO4J_PASSWORD": "test-password-123", "GRAPHKB_SECRET_KEY": "test-secret-key"}


# -- helpers -----------------------------------------------------------------------------------


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def service(name: str) -> dict:
    services = compose()["services"]
    assert name in services, f"no service {name!r} in docker-compose.yml"
    return services[name]


def environment(svc: dict) -> dict[str, str]:
    """A service's environment as a mapping, whether written as a mapping or as a list of NAME=value."""
    env = svc.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's interpolation, enough for this file: ${VAR}, ${VAR:-default}, ${VAR:?error}, $$."""

    def one(match: re.Match) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3)
        if name in env and env[name] != "":
            return env[name]
        if op == ":?":
            raise KeyError(f"{name}: {arg}")
        return arg or ""

    text = re.sub(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)([^}]*))?\}", one, text)
    return text.replace("$$", "$")


def published(svc: dict) -> list[tuple[str, str, str]]:
    """(host ip, host port, container port) of every published port, short or long syntax."""
    result = []
    for port in svc.get("ports") or []:
        if isinstance(port, dict):
            result.append((str(port.get("host_ip", "")), str(port.get("published", "")), str(port["target"])))
            continue
        parts = str(port).split("/")[0].split(":")
        if len(parts) == 3:
            result.append((parts[0], parts[1], parts[2]))
        elif len(parts) == 2:
            result.append(("", parts[0], parts[1]))
        else:
            result.append(("", "", parts[0]))
    return result


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, args = line.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    assert not pending, "the Dockerfile ends in a continuation line"
    return instructions


def arguments(args: str) -> list[str]:
    """The words of a CMD/ENTRYPOINT/COPY: exec form (JSON array) or shell form."""
    if args.startswith("["):
        return yaml.safe_load(args)
    return shlex.split(args)


def copies() -> list[tuple[list[str], str]]:
    """(sources, destination) of every COPY/ADD from the build context (not --from another stage)."""
    result = []
    for keyword, args in dockerfile_instructions():
        if keyword not in ("COPY", "ADD"):
            continue
        words = arguments(args)
        if any(w.startswith("--from") for w in words):
            continue
        words = [w for w in words if not w.startswith("--")]
        result.append((words[:-1], words[-1]))
    return result


def start_command_scripts() -> tuple[list[str], list[str]]:
    """The Dockerfile's CMD + ENTRYPOINT words, and the text of repo scripts they run (via COPY)."""
    words: list[str] = []
    for keyword, args in dockerfile_instructions():
        if keyword in ("CMD", "ENTRYPOINT"):
            words += arguments(args)
    texts = []
    for sources, dest in copies():
        for word in words:
            if dest == word or Path(dest).name == word:
                texts += [(ROOT / src).read_text(encoding="utf-8") for src in sources if (ROOT / src).is_file()]
    return words, texts


def readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert README_SECTION in text, f"README.md has no section {README_SECTION!r}"
    section = text.split(README_SECTION, 1)[1]
    return re.split(r"^## ", section, maxsplit=1, flags=re.MULTILINE)[0]


# -- docker-compose.yml: Neo4j -----------------------------------------------------------------


def test_neo4j_image_is_the_5_26_community_line():
    assert service("neo4j")["image"] == "neo4j:5.26-community"


def test_neo4j_keeps_its_data_in_a_named_volume():
    mounts = {}
    for volume in service("neo4j").get("volumes") or []:
        if isinstance(volume, dict):
            mounts[volume["target"]] = volume.get("source", "")
        else:
            source, target = str(volume).split(":")[:2]
            mounts[target] = source
    assert "/data" in mounts, "Neo4j's /data is not a volume: the graph would die with the container"
    assert mounts["/data"] in (compose().get("volumes") or {}), "/data should be a named volume of the project"


def test_neo4j_has_a_healthcheck_that_queries_with_the_password_from_its_environment():
    check = service("neo4j").get("healthcheck")
    assert check and not check.get("disable"), "neo4j needs a healthcheck (the app waits for service_healthy)"
    test = check["test"]
    assert isinstance(test, list) and test[0] in ("CMD", "CMD-SHELL"), test
    command = " ".join(test[1:])
    assert "cypher-shell" in command or "7474" in command, command
    if "cypher-shell" in command:
        # "$$" reaches the container as "$": the password comes from the container's NEO4J_AUTH
        assert "$${NEO4J_AUTH" in command, "cypher-shell must read the password from the container's NEO4J_AUTH"
        assert interpolate(command, TEST_ENV).count("${NEO4J_AUTH#neo4j/}") == 1


def test_neo4j_auth_comes_from_the_environment_and_no_password_is_written_down():
    env = environment(service("neo4j"))
    assert re.fullmatch(r"neo4j/\$\{NEO4J_PASSWORD:\?[^}]+\}", env["NEO4J_AUTH"]), env["NEO4J_AUTH"]
    app_password = environment(service("app"))["NEO4J_PASSWORD"]
    assert re.fullmatch(r"\$\{NEO4J_PASSWORD(:\?[^}]+)?\}", app_password), app_password
    # The image turns every NEO4J_* variable into a neo4j.conf setting: no stray NEO4J_PASSWORD there.
    assert "NEO4J_PASSWORD" not in env
    for name, svc in compose()["services"].items():
        for key, value in environment(svc).items():
            if re.search("PASSWORD|AUTH|SECRET", key):
                assert "${" in value, f"{name}: {key} is written down in docker-compose.yml, not taken from .env"


def test_neo4j_sends_no_usage_reports():
    assert environment(service("neo4j"))["NEO4J_dbms_usage__report_enabled"].lower() == "false"


def test_neo4j_memory_is_bounded():
    env = environment(service("neo4j"))
    for key in ("NEO4J_server_memory_heap_max__size", "NEO4J_server_memory_pagecache_size"):
        value = interpolate(env[key], {})
        assert re.fullmatch(r"\d+[KMG]", value, re.IGNORECASE), f"{key}={value}"


def test_neo4j_ports_listen_on_loopback_only():
    ports = published(service("neo4j"))
    assert ("127.0.0.1", "7687", "7687") in ports
    assert all(host_ip == "127.0.0.1" for host_ip, _, _ in ports), ports


# -- docker-compose.yml: the app ---------------------------------------------------------------


def test_app_builds_from_the_dockerfile_in_the_repository():
    build = service("app")["build"]
    if isinstance(build, str):
        context, dockerfile = build, "Dockerfile"
    else:
        context, dockerfile = build.get("context", "."), build.get("dockerfile", "Dockerfile")
    assert (ROOT / context / dockerfile).resolve() == DOCKERFILE.resolve()
    assert DOCKERFILE.is_file()


def test_app_waits_for_a_healthy_neo4j():
    depends = service("app")["depends_on"]
    assert isinstance(depends, dict), "depends_on needs the long form to carry a condition"
    assert depends["neo4j"]["condition"] == "service_healthy"


def test_app_store_url_names_the_neo4j_service_on_the_bolt_port():
    env = environment(service("app"))
    match = re.fullmatch(r"neo4j://(?:[^@/]*@)?([^:/]+):(\d+)/?", env["GRAPHKB_STORE"])
    assert match, env["GRAPHKB_STORE"]
    assert match.group(1) in compose()["services"] and match.group(1) == "neo4j"
    assert match.group(2) == "7687"
    assert env.get("NEO4J_USER", "neo4j") == "neo4j"


def test_app_publishes_port_5000_on_loopback_only():
    assert published(service("app")) == [("127.0.0.1", "5000", "5000")]


def test_app_secret_key_is_required_from_the_environment():
    assert re.fullmatch(r"\$\{GRAPHKB_SECRET_KEY:\?[^}]+\}", environment(service("app"))["GRAPHKB_SECRET_KEY"])


def test_services_restart_unless_stopped():
    assert service("app")["restart"] == "unless-stopped"
    assert service("neo4j")["restart"] == "unless-stopped"


def test_every_compose_variable_is_documented_in_the_readme_section():
    used = set(VARIABLE.findall(COMPOSE.read_text(encoding="utf-8")))
    assert {"NEO4J_PASSWORD", "GRAPHKB_SECRET_KEY"} <= used
    section = readme_section()
    undocumented = sorted(name for name in used if f"`{name}`" not in section)
    assert not undocumented, f"variables of docker-compose.yml missing from the README section: {undocumented}"


def test_env_example_has_placeholders_for_every_required_variable_and_env_is_ignored():
    required = set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*):\?", COMPOSE.read_text(encoding="utf-8")))
    example = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )
    assert required <= set(example), f"missing from .env.example: {sorted(required - set(example))}"
    for name in required:
        assert example[name].startswith("change-me"), f"{name} in .env.example should be a change-me placeholder"
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in ignored or "/.env" in ignored, ".env (the secrets) must be in .gitignore"


def test_compose_file_is_valid_for_docker_compose():
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker CLI on this machine")
    version = subprocess.run([docker, "compose", "version"], capture_output=True, text=True, timeout=60)
    if version.returncode != 0:
        pytest.skip(f"the docker CLI has no Compose plugin ('docker compose version': {version.stderr.strip()})")
    env = {**os.environ, **TEST_ENV}
    result = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE), "config", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    missing = {key: value for key, value in env.items() if key != "NEO4J_PASSWORD"}
    result = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE), "--env-file", os.devnull, "config", "-q"],
        cwd=ROOT,
        env=missing,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "NEO4J_PASSWORD" in result.stderr, "a missing password must stop compose"


# -- Dockerfile ----------------------------------------------------------------------------------


def test_dockerfile_builds_on_python_3_11_slim_and_installs_the_package():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    runs = [args for keyword, args in instructions if keyword == "RUN"]
    assert any(re.search(r"pip install --no-cache-dir \.(\s|$)", run) for run in runs), runs
    copied = {src.rstrip("/") for sources, _ in copies() for src in sources}
    assert {"pyproject.toml", "graphkb", "webui"} <= copied


def test_dockerfile_runs_as_a_non_root_user():
    instructions = dockerfile_instructions()
    users = [(i, args) for i, (keyword, args) in enumerate(instructions) if keyword == "USER"]
    assert users, "no USER: the app would run as root"
    index, user = users[-1]
    assert user.split(":")[0] not in ("root", "0"), user
    starts = [i for i, (keyword, _) in enumerate(instructions) if keyword in ("CMD", "ENTRYPOINT")]
    assert starts and min(starts) > index, "USER must come before the start command"


def test_dockerfile_copies_the_seed_where_the_code_reads_it():
    seed_copies = [dest for sources, dest in copies() if any(src.rstrip("/") == "seed" for src in sources)]
    assert seed_copies, "the image lacks seed/ (ontology and seed graph)"
    envs = " ".join(args for keyword, args in dockerfile_instructions() if keyword == "ENV")
    match = re.search(r"GRAPHKB_SEED_DIR=(\S+)", envs)
    assert match and match.group(1).rstrip("/") == seed_copies[0].rstrip("/"), "GRAPHKB_SEED_DIR must name the copy"
    runs = " ".join(args for keyword, args in dockerfile_instructions() if keyword == "RUN")
    # the build proves the runtime user finds the ontology and the seed graph there
    assert "default_ontology()" in runs and "read_seed()" in runs


def test_dockerfile_serves_with_gunicorn_not_the_flask_dev_server():
    words, scripts = start_command_scripts()
    assert words, "no CMD or ENTRYPOINT"
    assert scripts, f"the start command {words} runs no script copied from the repository"
    text = " ".join(words) + "\n" + "\n".join(scripts)
    assert "flask run" not in text and "flask run" not in DOCKERFILE.read_text(encoding="utf-8")
    serve = [line for line in text.splitlines() if re.match(r"\s*exec graphkb serve\b", line)]
    assert serve, "the start script does not exec `graphkb serve`"
    assert "--host 0.0.0.0" in serve[0] and "--port 5000" in serve[0]


def test_dockerfile_exposes_5000_with_a_stdlib_healthcheck_on_the_stats_api():
    instructions = dockerfile_instructions()
    assert ("EXPOSE", "5000") in instructions
    checks = [args for keyword, args in instructions if keyword == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "urllib.request" in checks[0] and "http://127.0.0.1:5000/api/v1/stats" in checks[0]
    assert "curl" not in checks[0] and "wget" not in checks[0]


def test_healthcheck_url_is_a_route_of_the_app():
    from webui import create_app

    app = create_app({"GRAPHKB_STORE": "sqlite:///unused.sqlite3"})  # nothing connects until a request
    assert "/api/v1/stats" in {rule.rule for rule in app.url_map.iter_rules()}


def test_dockerfile_sources_exist_and_the_context_keeps_them_but_not_secrets():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def excluded(path: str) -> bool:
        # docker's rule: the last pattern matching the path or one of its parents decides
        prefixes = ["/".join(path.split("/")[: i + 1]) for i in range(path.count("/") + 1)]
        result = False
        for pattern in patterns:
            negate = pattern.startswith("!")
            pattern = pattern.lstrip("!").strip("/")
            if any(fnmatch.fnmatchcase(p, pattern) for p in prefixes):
                result = not negate
        return result

    for sources, _ in copies():
        for src in sources:
            assert (ROOT / src).exists(), f"COPY {src}: no such file in the repository"
            assert not excluded(src.rstrip("/")), f"COPY {src}: excluded by .dockerignore"
    for secret in (".env", ".venv", "instance", ".git"):
        assert excluded(secret), f"{secret} must not be sent to the Docker daemon"


# -- the start script ----------------------------------------------------------------------------


def run_start_script(tmp_path: Path, fail_inits: int, **env: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run docker/entrypoint.sh with a stand-in `graphkb` that logs its arguments and fails `init` N times."""
    sh = shutil.which("sh")
    if sh is None:
        pytest.skip("no POSIX sh")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    fake = bin_dir / "graphkb"
    fake.write_text(
        "#!/bin/sh\n"
        'echo "$*" >> "$FAKE_LOG"\n'
        'if [ "$1" = init ]; then\n'
        '  n=$(grep -c "^init" "$FAKE_LOG")\n'
        '  [ "$n" -gt "$FAKE_FAIL_INITS" ] || exit 1\n'
        "fi\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    base = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "FAKE_LOG": str(log),
        "FAKE_FAIL_INITS": str(fail_inits),
        "GRAPHKB_INIT_DELAY": "0",
        "NEO4J_PASSWORD": "a-real-password",
        "GRAPHKB_SECRET_KEY": "a-real-secret",
    }
    result = subprocess.run(
        [sh, str(ROOT / "docker" / "entrypoint.sh")],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return result, calls


def test_start_script_retries_init_then_seeds_then_serves(tmp_path):
    result, calls = run_start_script(tmp_path, fail_inits=2, GRAPHKB_WORKERS="3")
    assert result.returncode == 0, result.stderr
    assert calls == ["init", "init", "init", "seed", "serve --host 0.0.0.0 --port 5000 --workers 3"]
    assert "attempt 2 of 30" in result.stderr


def test_start_script_serves_with_two_workers_by_default(tmp_path):
    result, calls = run_start_script(tmp_path, fail_inits=0)
    assert result.returncode == 0, result.stderr
    assert calls == ["init", "seed", "serve --host 0.0.0.0 --port 5000 --workers 2"]


def test_start_script_gives_up_when_the_store_never_answers(tmp_path):
    result, calls = run_start_script(tmp_path, fail_inits=99, GRAPHKB_INIT_TRIES="3")
    assert result.returncode != 0
    assert calls == ["init", "init", "init"], "neither seed nor serve without a store"
    assert "giving up" in result.stderr


@pytest.mark.parametrize("name", ["NEO4J_PASSWORD", "GRAPHKB_SECRET_KEY"])
def test_start_script_refuses_the_placeholders_of_env_example(tmp_path, name):
    result, calls = run_start_script(tmp_path, fail_inits=0, **{name: "change-me-please"})
    assert result.returncode != 0
    assert calls == []
    assert name in result.stderr
