#!/usr/bin/env bash
# The Python test suites of `make test-python`, in the order that keeps the suite short on a
# small machine: the SQLite and the PostgreSQL runs of the non-browser tests side by side (two
# processes, two databases, two Redis database numbers), then the browser tests alone (they
# drive a real server and Chromium, and time-sensitive waits want a quiet machine).
#
# Ends with one line saying what ran and what was skipped, and why. Outside CI a missing
# PostgreSQL database or Debian chromium skips that part; in CI either is a failure.
set -uo pipefail
VENV=${VENV:-.venv}
PY=$VENV/bin/python
PG_TEST_URL=${PG_TEST_URL:-postgres://postgres@127.0.0.1:5432/test}

if [ -x /usr/bin/chromium ]; then browser="ran"
elif [ -n "${CI:-}" ]; then echo "Debian chromium (/usr/bin/chromium) is required in CI"; exit 1
else browser="skipped (no /usr/bin/chromium: apt-get install chromium)"; fi

pg_log=$(mktemp)
pg_pid=""
if why=$($PY -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$PG_TEST_URL" 2>&1); then
  (
    DATABASE_URL=$PG_TEST_URL ZONGZHI_SECRET_KEY=test ZONGZHI_TEST_REDIS_URL=redis://127.0.0.1:6379/15 \
      "$VENV/bin/pytest" -m "not browser" -q && PG_TEST_URL=$PG_TEST_URL $PY .ci/pg_roles_check.py
  ) >"$pg_log" 2>&1 &
  pg_pid=$!
  pg="passed"
else
  why=$(printf '%s\n' "$why" | grep -m1 'failed: ' | sed -e 's/.*failed: //' -e 's/^FATAL: *//')
  if [ -n "${CI:-}" ]; then echo "PostgreSQL at $PG_TEST_URL is required in CI: $why"; exit 1; fi
  pg="skipped ($PG_TEST_URL: $why; set PG_TEST_URL=...)"
fi

echo "== SQLite =="
"$VENV/bin/pytest" -m "not browser"
sqlite_rc=$?

pg_rc=0
if [ -n "$pg_pid" ]; then
  wait "$pg_pid"
  pg_rc=$?
  echo "== PostgreSQL (ran beside the SQLite run) =="
  cat "$pg_log"
fi
rm -f "$pg_log"
if [ "$sqlite_rc" -ne 0 ] || [ "$pg_rc" -ne 0 ]; then
  echo "== Tests failed: SQLite exit $sqlite_rc, PostgreSQL exit $pg_rc"
  exit 1
fi

if [ "$browser" = "ran" ]; then
  echo "== Browser tests (SQLite) =="
  "$VENV/bin/pytest" -m browser || exit 1
fi
echo "== Tests: SQLite passed; browser tests $browser; PostgreSQL $pg"
