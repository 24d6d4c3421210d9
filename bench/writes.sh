#!/usr/bin/env bash
# Write cost per comment and per pluim, before and after a change, in one run on both databases.
# Usage: bench/writes.sh [BASE_COMMIT]   (default: the commit before the O(1) facts, 5a0459a)
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-5a0459a}"
mkdir -p bench/results
before=$(mktemp -d)
git worktree add -f "$before" "$base" -q
trap 'git worktree remove --force "$before"' EXIT
pg=$(bash scripts/pg.sh | tail -n 1 | sed 's/schatkaart_test$/schatkaart_bench/')
for side in before after; do
  root=$PWD; [ "$side" = before ] && root=$before
  .venv/bin/python bench/bench_writes.py --database "sqlite:///$PWD/bench/results/writes.db" --root "$root" \
    > "bench/results/writes-sqlite-$side.json"
  .venv/bin/python bench/bench_writes.py --database "$pg" --root "$root" > "bench/results/writes-postgresql-$side.json"
done
cat bench/results/writes-*.json
