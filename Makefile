# The two set-up commands of the README:
#   make run   - virtual environment, install, seed the embedded store, serve on http://127.0.0.1:5000
#   make test  - virtual environment, install with test dependencies, run the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-test seed lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

# The browser tests drive Debian's chromium (never a browser Playwright downloads). Installed only
# when missing; where it cannot be (no root, no sudo, no apt) they skip, or fail when CI=true.
install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@command -v "$${GRAPHKB_CHROMIUM:-chromium}" >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
	  && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null \
	  || echo "could not install chromium: the browser tests will skip (and fail with CI=true)" >&2; }

seed: install
	$(BIN)/graphkb init
	$(BIN)/graphkb seed

run: seed
	$(BIN)/graphkb serve --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/ruff check graphkb webui tests bench
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check graphkb webui tests bench

bench: install
	$(BIN)/python bench/bench_store.py

clean:
	rm -rf $(VENV) instance .pytest_cache test-artifacts
