#!/usr/bin/env bash
# The whole suite on SpatiaLite (browser tests included), then the HTTP and service tests on
# PostGIS (a private cluster started here when TEST_POSTGRES_URL is not given), with the browser
# tests marked both_databases (the hostile corpus). Every page x role x width goes through axe
# once per run, on SQLite: what a page shows does not depend on the database behind it.
# Each pass runs in parallel over the machine's cores (pytest-xdist; TEST_WORKERS to choose):
# every worker has its own app, SQLite file or PostgreSQL database, live server and Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
workers="${TEST_WORKERS:-auto}"
if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  TEST_POSTGRES_URL=$(bash scripts/pg.sh | tail -n 1)
fi
echo "==> pytest on SQLite + SpatiaLite (with the browser tests)"
TEST_DATABASE=sqlite .venv/bin/python -m pytest -q -p no:cacheprovider -n "$workers" "$@"
echo "==> pytest on PostgreSQL + PostGIS (the browser tests marked both_databases)"
TEST_DATABASE=postgresql TEST_POSTGRES_URL="$TEST_POSTGRES_URL" \
  .venv/bin/python -m pytest -q -p no:cacheprovider -n "$workers" -m "not browser or both_databases" "$@"
echo "==> the suite took $(( $(date +%s) - start )) s"
