#!/usr/bin/env bash
# Starts a private PostgreSQL 15 + PostGIS cluster for the test suite (as root, via
# Debian's cluster tools) and prints its DATABASE_URL. Idempotent.
set -euo pipefail
port="${PGTEST_PORT:-5433}"
name=schatkaart_test
if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$name"; then
  pg_createcluster 15 "$name" --port "$port" >/dev/null
fi
pg_ctlcluster 15 "$name" start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
as_pg() { (cd / && su postgres -c "psql -q -v ON_ERROR_STOP=1 -p $port $*"); }
as_pg "-tAc \"SELECT 1 FROM pg_roles WHERE rolname='schatkaart'\"" | grep -q 1 || \
  as_pg "-c \"CREATE ROLE schatkaart LOGIN SUPERUSER PASSWORD 'schatkaart'\""
for db in schatkaart_test schatkaart_bench schatkaart_council; do
  as_pg "-tAc \"SELECT 1 FROM pg_database WHERE datname='$db'\"" | grep -q 1 || \
    as_pg "-c \"CREATE DATABASE $db OWNER schatkaart\""
  as_pg "-d $db -c \"CREATE EXTENSION IF NOT EXISTS postgis\""
done
echo "postgresql://schatkaart:schatkaart@127.0.0.1:$port/schatkaart_test"
