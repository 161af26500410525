#!/usr/bin/env bash
# The suite. Runs in whichever shape the environment selects: embedded by default, the
# production shape when DATABASE_URL and REDIS_URL are set.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
if [ -n "${DATABASE_URL:-}" ]; then shape="production (PostgreSQL + Redis)"; else shape="embedded (SQLite, in-process)"; fi
echo "== Larmkedjan test suite, shape: $shape"
$PY -m pytest "$@"
