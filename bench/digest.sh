#!/usr/bin/env bash
# The daily digest for 10,000 residents before and after a change, in one run, on both databases.
# Usage: bench/digest.sh [BASE_COMMIT] [RESIDENTS] [AFTER_COMMIT]   (defaults: 4dbf3b2, 10000, HEAD)
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-4dbf3b2}"
residents="${2:-10000}"
after_commit=$(git rev-parse "${3:-HEAD}")
mkdir -p bench/results
before=$(mktemp -d -p "$(dirname "$PWD")")
after=$(mktemp -d -p "$(dirname "$PWD")")
git worktree add -f "$before" "$base" -q
git worktree add -f "$after" "$after_commit" -q
trap 'git worktree remove --force "$before"; git worktree remove --force "$after"' EXIT
pg=$(bash scripts/pg.sh | tail -n 1 | sed 's/schatkaart_test$/schatkaart_bench/')
: > bench/results/digest.jsonl
for side in before after; do
  root=$after; [ "$side" = before ] && root=$before
  rm -f bench/results/digest.db*
  .venv/bin/python bench/bench_digest.py --database "sqlite:///$PWD/bench/results/digest.db" --residents "$residents" \
    --root "$root" 2>/dev/null | sed "s/^{/{\"side\": \"$side\", /" | tee -a bench/results/digest.jsonl
  .venv/bin/python bench/bench_digest.py --database "$pg" --residents "$residents" --root "$root" 2>/dev/null \
    | sed "s/^{/{\"side\": \"$side\", /" | tee -a bench/results/digest.jsonl
done
