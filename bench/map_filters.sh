#!/usr/bin/env bash
# The map's filters at city zoom, before and after a change, on the same data, sides alternating.
# One seed per database by the BASE code (a million initiatives by default), copied for "after"
# (SQLite: the file; PostgreSQL: CREATE DATABASE ... TEMPLATE), whose code upgrades its copy. A
# seed of the same size left by an earlier run is used again (bench_map.seed keeps a full one).
# Usage: bench/map_filters.sh [BASE_COMMIT] [COUNT]   (defaults: 6af0929, 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-6af0929}"
count="${2:-1000000}"
out=bench/results/map-filters; mkdir -p "$out"
before=$(mktemp -d -p "$(dirname "$PWD")")  # beside ../shared, like this checkout
git worktree add -f "$before" "$base" -q
trap 'git worktree remove --force "$before"' EXIT
pg=$(bash scripts/pg.sh | tail -n 1)
admin="${pg%/*}/postgres"
run() {  # side database-url repeat
  local root=$PWD; [ "$1" = before ] && root=$before
  .venv/bin/python bench/bench_map.py --database "$2" --count "$count" --runs 20 --root "$root" \
    > "$out/$3-$1.json" 2>>"$out/log"
}
db="$out/map-$count"
run before "sqlite:///$PWD/$db-before.db" sqlite-1
cp "$db-before.db" "$db-after.db"
run after "sqlite:///$PWD/$db-after.db" sqlite-1
run before "sqlite:///$PWD/$db-before.db" sqlite-2
run after "sqlite:///$PWD/$db-after.db" sqlite-2
# a seed of this size from an earlier run is used again (seeding a million rows takes a while);
# the BASE code upgrades it to its own schema before it is copied
psql "$admin" -qc "DROP DATABASE IF EXISTS schatkaart_map_filters_after"
if ! psql "$admin" -Atc "SELECT 1 FROM pg_database WHERE datname = 'schatkaart_map_filters_before'" | grep -q 1; then
  psql "$admin" -qc "CREATE DATABASE schatkaart_map_filters_before"
  psql "${pg%/*}/schatkaart_map_filters_before" -qc "CREATE EXTENSION IF NOT EXISTS postgis"
fi
run before "${pg%/*}/schatkaart_map_filters_before" pg-1
psql "$admin" -qc "CREATE DATABASE schatkaart_map_filters_after TEMPLATE schatkaart_map_filters_before"
run after "${pg%/*}/schatkaart_map_filters_after" pg-1
run before "${pg%/*}/schatkaart_map_filters_before" pg-2
run after "${pg%/*}/schatkaart_map_filters_after" pg-2
for f in "$out"/*.json; do echo "$f"; cat "$f"; done
