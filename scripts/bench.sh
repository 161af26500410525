#!/usr/bin/env bash
# Benchmarks of the event stream in the production shape (`make bench`): dispatch -> crew
# latency, fan-out to 2,000 sockets, and a burst of 200 events to 500 sockets (plus the caller-
# image pipeline, `--only imaging`, and the travel time service, `--only travel`, which need
# neither cluster nor services, and the address search, `--only addresses`, on SQLite and on
# a PostgreSQL database of its own, no cluster; likewise `--only followup`, the tertial report
# and the station table over 400,000 cases). They start
# scripts/run-cluster.sh (two uvicorn processes, Celery worker and beat) on free ports against a
# fresh PostgreSQL database and print a table; JSON goes to bench/results/ (git-ignored).
#
# DATABASE_URL and REDIS_URL default to the local services; the bench creates (and drops) a
# database of its own next to DATABASE_URL's and uses Redis database 8.
# Arguments are passed on to bench/run.py, e.g.:
#   scripts/bench.sh --only dispatch --dispatches 2000
#   scripts/bench.sh --env UVICORN_OPTS="--ws websockets-sansio" --label sansio
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

# `--only imaging`, `--only travel`, `--only recommend` and `--only person` (a throwaway SQLite
# database) need no cluster, PostgreSQL or Redis: straight to bench/run.py.
only=""
prev=""
for arg in "$@"; do
    case "$arg" in --only=*) only="${arg#--only=}" ;; esac
    if [ "$prev" = "--only" ]; then only="$arg"; fi
    prev="$arg"
done
case ",$only," in
    ,imaging, | ,travel, | ,imaging,travel, | ,travel,imaging, | ,recommend, | ,travel,recommend, | ,person, | ,recommend,person,)
        echo "== bench: $only only, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
        exec "$PY" -m bench.run "$@" ;;
esac

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"

# 2,000 sockets per run on each side of the loopback, plus the servers' own descriptors.
want=16384
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
    ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 5000 ]; then
    echo "bench: open files limit is $(ulimit -n); the fan-out needs about 5,000." >&2
    exit 2
fi
if ! "$PY" -c "import psycopg; psycopg.connect('$DATABASE_URL').close()" 2>/dev/null; then
    echo "bench: PostgreSQL is not reachable at $DATABASE_URL" >&2
    exit 2
fi
if ! "$PY" -c "import redis; redis.Redis.from_url('$REDIS_URL').ping()" 2>/dev/null; then
    echo "bench: Redis is not reachable at $REDIS_URL" >&2
    exit 2
fi
echo "== bench: open files limit $(ulimit -n), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
# The panic alarm (bench/panic.py: the tablet's request to 20 console sockets) runs on its own
# servers (tests/live.py), after the others, or alone with `--only panic`.
if [ "$only" = panic ]; then
    exec "$PY" -m bench.panic
fi
# The regional alarm (bench/incident_alarm.py: TiB's confirmation to the CAP alert accepted by
# 7 loopback region endpoints and incident.confirmed on the consoles), likewise on its own
# servers, after the others or alone with `--only incident`.
if [ "$only" = incident ]; then
    exec "$PY" -m bench.incident_alarm
fi
"$PY" -m bench.run "$@"
if [ -z "$only" ]; then
    "$PY" -m bench.panic
    "$PY" -m bench.incident_alarm
fi
