#!/bin/sh
# Container start-up (the image's CMD): wait for the store and bring its schema up to date,
# load the seed, then serve. It is the CMD and not the ENTRYPOINT, so a one-off command such as
# `docker compose run --rm app graphkb export` runs that command alone.
set -eu

# As PID 1, sh ignores SIGTERM unless it traps it: let `docker compose stop` end the start-up.
trap 'exit 143' INT TERM

# Refuse the placeholders of .env.example: every deployment sets secrets of its own.
case "${NEO4J_PASSWORD:-}" in change-me*)
    echo "graphkb: NEO4J_PASSWORD still has the placeholder value of .env.example; set your own in .env" >&2
    exit 64 ;;
esac
case "${GRAPHKB_SECRET_KEY:-}" in
    change-me*)
        echo "graphkb: GRAPHKB_SECRET_KEY still has the placeholder value of .env.example; set your own in .env" >&2
        exit 64 ;;
    "")
        echo "graphkb: warning: GRAPHKB_SECRET_KEY is not set; sessions will not survive a restart" >&2 ;;
esac

# The store may still be starting (Neo4j takes a while): retry `graphkb init`, then give up
# and let the restart policy try again.
tries=${GRAPHKB_INIT_TRIES:-30}
delay=${GRAPHKB_INIT_DELAY:-2}
attempt=1
until graphkb init; do
    if [ "$attempt" -ge "$tries" ]; then
        echo "graphkb: the store was not ready after $tries attempts; giving up" >&2
        exit 1
    fi
    echo "graphkb: store not ready (attempt $attempt of $tries), retrying in ${delay}s" >&2
    attempt=$((attempt + 1))
    sleep "$delay"
done

# Idempotent: writes only what the seed files changed; entities edited in the wiki are kept.
graphkb seed

# exec: gunicorn becomes PID 1 and gets the stop signal itself (graceful worker shutdown).
exec graphkb serve --host 0.0.0.0 --port 5000 --workers "${GRAPHKB_WORKERS:-2}"
