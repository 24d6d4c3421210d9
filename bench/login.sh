#!/usr/bin/env bash
# Login timing, known vs unknown address, before and after a change, in one run.
# Usage: bench/login.sh [BASE_COMMIT]   (default: e113c8a, before accounts were hardened)
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-e113c8a}"
mkdir -p bench/results
before=$(mktemp -d)
git worktree add -f "$before" "$base" -q
trap 'git worktree remove --force "$before"' EXIT
for side in before after; do
  root=$PWD; [ "$side" = before ] && root=$before
  echo -n "$side: "
  (cd "$root" && "$OLDPWD/.venv/bin/python" "$OLDPWD/bench/bench_login.py" --root "$root") | tee "bench/results/login-$side.json"
done
