#!/usr/bin/env bash
# The whole test suite: lint, types, migrations check, pytest on SQLite, then on PostgreSQL.
# On CI (CI=true) PostgreSQL and the browser are required; on a user's machine without them the
# PostgreSQL leg and the browser tests are skipped with a clear message.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export NEWIND_VAR_DIR="${NEWIND_VAR_DIR:-$PWD/var/test}"
mkdir -p "$NEWIND_VAR_DIR"
# The tests start threads (the live server, an in-process worker) whose kept connections would be closed only
# by the garbage collector, which psycopg reports as a ResourceWarning; the servers keep them (settings.py).
export NEWIND_DB_CONN_MAX_AGE="${NEWIND_DB_CONN_MAX_AGE:-0}"

echo "== ruff"; .venv/bin/ruff check src tests bench
echo "== mypy"; .venv/bin/mypy
echo "== migrations are up to date"
NEWIND_DATABASE_URL="sqlite:///$NEWIND_VAR_DIR/check.sqlite3" $PY -m newind.cli makemigrations --check --dry-run

if [ "${CI:-}" = "true" ]; then export NEWIND_REQUIRE_BROWSER=1; fi

echo "== pytest on SQLite"
NEWIND_DATABASE_URL="sqlite:///$NEWIND_VAR_DIR/unused.sqlite3" $PY -m pytest -n 2 -p no:cacheprovider "$@"

export NEWIND_TEST_DATABASE_URL="${NEWIND_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}"
if $PY scripts/pg_available.py; then
  echo "== pytest on PostgreSQL ($NEWIND_TEST_DATABASE_URL)"
  NEWIND_DATABASE_URL="$NEWIND_TEST_DATABASE_URL" $PY -m pytest -n 2 -p no:cacheprovider "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is required on CI but is not reachable at $NEWIND_TEST_DATABASE_URL" >&2
  exit 1
else
  echo "== 跳过 PostgreSQL：本机 $NEWIND_TEST_DATABASE_URL 不可用（CI 上会运行并要求通过）。"
fi
