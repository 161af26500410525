#!/usr/bin/env bash
# The production shape on one machine: two ASGI (uvicorn) processes, a Celery worker and
# Celery beat, against PostgreSQL and Redis. `make run-cluster`.
#
# A developer's convenience, not a supervisor: when one process exits (a Redis blip can end the
# worker) it stops all the others, the crews' tablets included. A centre runs the units of
# deploy/systemd, which restart each process on its own, behind deploy/nginx (README "Running a
# centre").
#
# Needs in the environment:
#   DATABASE_URL   e.g. postgres://postgres@127.0.0.1:5432/larmkedjan
#   REDIS_URL      e.g. redis://127.0.0.1:6379/0
#   SECRET_KEY     a long random string
# Optional:
#   ASGI_PORTS="8001 8002"   one uvicorn process per port (any number of ports)
#   HOST=127.0.0.1           address the ASGI processes listen on
#   UVICORN_OPTS=""          extra uvicorn flags, appended (so they win), e.g.
#                            "--ws-per-message-deflate true"
#   UVICORN_LOG_LEVEL=warning
#   CELERY_CONCURRENCY=2     Celery worker processes
#   CLUSTER_LOG_DIR=var/cluster   one log file per process (also echoed, prefixed, here)
#   SEED_DEMO=1              load the demo data (idempotent); 0 to skip
#   MIGRATE=1                run migrations first; 0 to skip
#
# Ctrl-C (or SIGTERM to this script) stops every process it started. If one of them exits on
# its own, the others are stopped too and the script exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for name in DATABASE_URL REDIS_URL SECRET_KEY; do
    [ -n "${!name:-}" ] || missing+=("$name")
done
if [ "${#missing[@]}" -gt 0 ]; then
    cat >&2 <<EOF
run-cluster: missing ${missing[*]}.
The production shape needs PostgreSQL, Redis and a secret key, for example:
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/larmkedjan
  export REDIS_URL=redis://127.0.0.1:6379/0
  export SECRET_KEY=\$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
  make run-cluster
(For the embedded shape without them, use \`make run\`.)
EOF
    exit 2
fi

PY="${PYTHON_BIN:-.venv/bin/python}"
BIN="$(dirname "$PY")"
if [ ! -x "$PY" ]; then
    echo "run-cluster: $PY not found; run \`make setup\` first." >&2
    exit 2
fi
HOST="${HOST:-127.0.0.1}"
read -r -a PORTS <<<"${ASGI_PORTS:-8001 8002}"
LOG_DIR="${CLUSTER_LOG_DIR:-var/cluster}"
mkdir -p "$LOG_DIR"
export DJANGO_SETTINGS_MODULE=config.settings PYTHONUNBUFFERED=1

for port in "${PORTS[@]}"; do
    if (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null; then
        echo "run-cluster: port $port on $HOST is already in use." >&2
        exit 2
    fi
done

if [ "${MIGRATE:-1}" != 0 ]; then
    echo "== migrate"
    "$PY" manage.py migrate --noinput
fi
if [ "${SEED_DEMO:-1}" != 0 ]; then
    echo "== seed demo data"
    "$PY" manage.py seed_demo
    "$PY" manage.py seed_places_demo
fi

pids=()
names=()
stopping=0

start() {  # start NAME CMD...: run CMD in the background, log to a file and to stdout
    local name="$1"
    shift
    : >"$LOG_DIR/$name.log"
    "$@" > >(tee -a "$LOG_DIR/$name.log" | sed -u "s/^/[$name] /") 2>&1 &
    pids+=("$!")
    names+=("$name")
}

stop_all() {
    [ "$stopping" = 1 ] && return
    stopping=1
    echo "== stopping ${names[*]}"
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 1 150); do  # up to 15 s for a clean shutdown
        local alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    echo "== stopped"
}

trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

# No permessage-deflate: events are small JSON frames, and a fan-out would compress the same
# frame once per socket (16% of the ASGI processes' CPU per fan-out event, bench/README.md).
i=0
for port in "${PORTS[@]}"; do
    i=$((i + 1))
    # shellcheck disable=SC2086  # UVICORN_OPTS is a list of flags
    start "asgi-$i" "$BIN/uvicorn" config.asgi:application --host "$HOST" --port "$port" \
        --lifespan on --ws websockets --log-level "${UVICORN_LOG_LEVEL:-warning}" \
        --no-access-log --ws-per-message-deflate false ${UVICORN_OPTS:-}
done
start celery-worker "$BIN/celery" -A config worker --loglevel warning \
    --concurrency "${CELERY_CONCURRENCY:-2}" --hostname "larmkedjan-worker@%h"
start celery-beat "$BIN/celery" -A config beat --loglevel warning \
    --schedule "$LOG_DIR/celerybeat-schedule"

redacted_db="$(sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$DATABASE_URL")"
echo "== Larmkedjan cluster (production shape)"
i=0
for port in "${PORTS[@]}"; do
    printf '  %-14s pid %-7s http://%s:%s/  (ws://%s:%s/ws/stream/)\n' \
        "${names[$i]}" "${pids[$i]}" "$HOST" "$port" "$HOST" "$port"
    i=$((i + 1))
done
printf '  %-14s pid %-7s %s processes\n' "${names[$i]}" "${pids[$i]}" \
    "${CELERY_CONCURRENCY:-2}"
printf '  %-14s pid %-7s timers tick every %ss\n' "${names[$((i + 1))]}" \
    "${pids[$((i + 1))]}" "${TIMER_TICK_SECONDS:-1.0}"
echo "  database        $redacted_db"
echo "  redis           $(sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#' <<<"$REDIS_URL")"
echo "  logs            $LOG_DIR/<name>.log"
echo "  Ctrl-C stops everything."

while true; do
    for idx in "${!pids[@]}"; do
        if ! kill -0 "${pids[$idx]}" 2>/dev/null; then
            rc=0
            wait "${pids[$idx]}" || rc=$?
            echo "run-cluster: ${names[$idx]} exited (status $rc); stopping the others." >&2
            stop_all
            exit 1
        fi
    done
    sleep 1 &
    wait $! || true
done
