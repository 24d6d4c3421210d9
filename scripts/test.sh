#!/usr/bin/env bash
# The whole suite on SpatiaLite, then on PostGIS (a private cluster started here when
# TEST_POSTGRES_URL is not given). Browser tests run in both passes.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "==> pytest on SQLite + SpatiaLite"
TEST_DATABASE=sqlite .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  TEST_POSTGRES_URL=$(bash scripts/pg.sh | tail -n 1)
fi
echo "==> pytest on PostgreSQL + PostGIS"
TEST_DATABASE=postgresql TEST_POSTGRES_URL="$TEST_POSTGRES_URL" .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
