#!/usr/bin/env bash
# The suite. Runs in whichever shape the environment selects: embedded by default, the
# production shape when DATABASE_URL and REDIS_URL are set. Installs what the suite needs
# first (the Python venv is make's; here: the locked npm packages, Chromium and nginx), then runs
# pytest (arguments are passed on) and the JavaScript unit tests (node --test tests/js/).
# `scripts/test.sh --deps-only` (make test-deps) installs and stops there: CI installs once
# before it runs two suites side by side.
set -uo pipefail
cd "$(dirname "$0")/.."
deps_only=0
if [ "${1:-}" = "--deps-only" ]; then deps_only=1; shift; fi
PY=.venv/bin/python
CHROMIUM=/usr/bin/chromium

# The locked front-end packages: the browser tests inject axe-core and run Lighthouse from
# node_modules, and the JavaScript tests import the sources. Installed again when
# package-lock.json is newer than what npm last installed.
if [ -f package-lock.json ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "make test needs Node.js and npm (Debian: apt-get install nodejs npm)" >&2
        exit 1
    fi
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        echo "== npm ci (package-lock.json is newer than node_modules)"
        npm ci --ignore-scripts --no-audit --no-fund --loglevel=error || exit 1
    fi
fi

# Debian's Chromium drives the browser tests (Playwright's own browser download does not
# work on these machines). Installed from the system's packages when we may.
if [ ! -x "$CHROMIUM" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== apt-get install chromium (for the browser tests)"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends chromium; } >/tmp/larmkedjan-apt-chromium.log 2>&1 \
            || { tail -20 /tmp/larmkedjan-apt-chromium.log; }
    fi
    if [ ! -x "$CHROMIUM" ]; then
        echo "make test needs Chromium for the browser tests: sudo apt-get install chromium (Debian's package, $CHROMIUM)" >&2
        exit 1
    fi
fi

# Debian's nginx for tests/deploy (nginx -t on deploy/nginx/larmkedjan.conf, and nginx in front
# of the units under test), installed like Chromium; without it those tests are skipped and say
# why. Installing must leave no server on port 80: if the package's scripts started one (no
# policy-rc.d), it is stopped again.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== apt-get install nginx (for tests/deploy)"
        nginx_was_running=0
        [ -e /run/nginx.pid ] && nginx_was_running=1
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends nginx; } >/tmp/larmkedjan-apt-nginx.log 2>&1 \
            || { tail -20 /tmp/larmkedjan-apt-nginx.log; }
        if [ "$nginx_was_running" = 0 ] && [ -e /run/nginx.pid ]; then
            /usr/sbin/nginx -s quit 2>/dev/null || true
        fi
    else
        echo "(tests/deploy: nginx is not installed, its tests are skipped: apt-get install nginx)" >&2
    fi
fi

# The user's session bus of Debian's dbus-user-session for tests/deploy/test_supervised.py
# (systemd-run, and so larmkedjan-manage, reaches the manager under test only over a bus),
# installed like nginx where systemd is; without it those tests are skipped and say why.
if [ -x /lib/systemd/systemd ] && [ ! -f /usr/lib/systemd/user/dbus.socket ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== apt-get install dbus-user-session (for tests/deploy)"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends dbus-user-session; } >/tmp/larmkedjan-apt-dbus.log 2>&1 \
            || { tail -20 /tmp/larmkedjan-apt-dbus.log; }
    else
        echo "(tests/deploy: dbus-user-session is not installed, the units' tests are skipped: apt-get install dbus-user-session)" >&2
    fi
fi

[ "$deps_only" = 1 ] && { echo "== what the suite needs is installed"; exit 0; }

if [ -n "${DATABASE_URL:-}" ]; then shape="production (PostgreSQL + Redis)"; else shape="embedded (SQLite, in-process)"; fi
echo "== Larmkedjan test suite, shape: $shape"
$PY -m pytest "$@"
status=$?

# The JavaScript unit tests of the pure front-end modules (node's own test runner), once per
# run: not again for the production shape, whose difference is the server's.
# LARMKEDJAN_JS_TESTS=0 leaves them out (CI's second embedded part).
if [ -z "${DATABASE_URL:-}" ] && [ "${LARMKEDJAN_JS_TESTS:-1}" != 0 ] \
        && compgen -G "tests/js/*.test.mjs" >/dev/null; then
    echo "== JavaScript unit tests (node --test)"
    node --test tests/js/*.test.mjs || status=1
fi
exit $status
