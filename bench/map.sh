#!/usr/bin/env bash
# The treasure map before and after a change, in one run, on both databases, at 100k and 1M.
# Usage: bench/map.sh [BASE_COMMIT] [COUNTS] [AFTER_COMMIT]
#   (defaults: the commit before the grid, 4dbf3b2; 100k and 1M; HEAD). Both sides run from
#   their own worktree, so editing this checkout meanwhile changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-4dbf3b2}"
counts="${2:-100000 1000000}"
mkdir -p bench/results
after_commit=$(git rev-parse "${3:-HEAD}")
before=$(mktemp -d -p "$(dirname "$PWD")")  # beside ../shared, like this checkout
after=$(mktemp -d -p "$(dirname "$PWD")")
git worktree add -f "$before" "$base" -q
git worktree add -f "$after" "$after_commit" -q
trap 'git worktree remove --force "$before"; git worktree remove --force "$after"' EXIT
pg=$(bash scripts/pg.sh | tail -n 1)
for side in before after; do
  psql "${pg}" -qc "CREATE DATABASE schatkaart_map_$side" 2>/dev/null || true
  psql "${pg%/*}/schatkaart_map_$side" -qc "CREATE EXTENSION IF NOT EXISTS postgis" 2>/dev/null || true
done
for count in $counts; do
  for side in before after; do
    root=$after; [ "$side" = before ] && root=$before
    .venv/bin/python bench/bench_map.py --database "sqlite:///$PWD/bench/results/map-$side.db" --count "$count" \
      --runs 30 --root "$root" > "bench/results/map-sqlite-$count-$side.json"
    .venv/bin/python bench/bench_map.py --database "${pg%/*}/schatkaart_map_$side" --count "$count" \
      --runs 30 --root "$root" > "bench/results/map-postgresql-$count-$side.json"
  done
done
cat bench/results/map-*.json
