#!/usr/bin/env bash
# What a photo upload costs its request: the session's start (BASE, derivatives made in the
# request) and now (derivatives a job on Redis), before, after, before, after in one run.
# Usage: bench/upload.sh [BASE] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-5d27530}"; shift || true
before=$(mktemp -d)
git worktree add -q --detach "$before" "$base"
redis_dir=$(mktemp -d)
port=$(.venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$redis_dir" >/dev/null &
redis=$!
trap 'kill $redis; git worktree remove --force "$before"' EXIT
sleep 0.5
for round in 1 2; do
  echo "before ($base), round $round:"; .venv/bin/python bench/bench_upload.py --root "$before" --redis "redis://127.0.0.1:$port/0" "$@" 2>/dev/null | grep '^{'
  echo "after ($(git rev-parse --short HEAD)), round $round:"; .venv/bin/python bench/bench_upload.py --root "$PWD" --redis "redis://127.0.0.1:$port/0" "$@" 2>/dev/null | grep '^{'
done
