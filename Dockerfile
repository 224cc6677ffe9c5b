# The graphkb web app: gunicorn on port 5000, on the store named by GRAPHKB_STORE
# (Neo4j in docker-compose.yml; without GRAPHKB_STORE, SQLite in /app/instance).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    FLASK_DEBUG=0

# Dependencies first, from pyproject.toml alone: a change to the code does not reinstall them.
WORKDIR /tmp/build
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb')); print(*p['project']['dependencies'], sep=chr(10))" \
        > requirements.txt \
    && pip install --no-cache-dir -r requirements.txt

# The packages (graphkb, webui with its templates, static files and translations).
COPY graphkb/ graphkb/
COPY webui/ webui/
RUN pip install --no-cache-dir . \
    && cd / && rm -rf /tmp/build

# The seed (ontology, seed graph, sources) is data beside the packages, not in them:
# graphkb/schema.py and graphkb/seed.py both read it from GRAPHKB_SEED_DIR.
WORKDIR /app
COPY seed/ /app/seed/
ENV GRAPHKB_SEED_DIR=/app/seed \
    GRAPHKB_INSTANCE=/app/instance

COPY docker/entrypoint.sh /usr/local/bin/graphkb-docker-start
RUN chmod 0755 /usr/local/bin/graphkb-docker-start \
    && groupadd --system --gid 10001 graphkb \
    && useradd --system --uid 10001 --gid graphkb --home-dir /home/graphkb --create-home --shell /usr/sbin/nologin graphkb \
    && mkdir -p /app/instance && chown graphkb:graphkb /app/instance

# Non-root (uid 10001 = graphkb); the code and the seed stay root-owned, read-only to the app.
# A writable home: gunicorn puts its control socket in ~/.gunicorn.
ENV HOME=/home/graphkb
USER 10001:10001

# Fail the build, not the first start: the runtime user finds the ontology and the seed,
# and the Neo4j driver is installed (it must be among pyproject.toml's dependencies).
RUN python -c "from graphkb.schema import default_ontology; from graphkb.seed import read_seed; default_ontology(); print(len(read_seed()), 'seed entities')" \
    && { python -c "import neo4j" || { echo "The Neo4j driver is missing: add neo4j to pyproject.toml's dependencies" >&2; exit 1; }; }

EXPOSE 5000

# No curl in the slim image: the standard library asks the JSON API (which also asks the store).
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/api/v1/stats', timeout=8).close()"]

# Wait for the store and `graphkb init`, `graphkb seed`, then exec `graphkb serve` (gunicorn, debug off).
CMD ["graphkb-docker-start"]
