#!/usr/bin/env bash
# A comment at 0 and at 10,000 followers, before the job queue and after it (in-process jobs and
# an RQ queue on Redis), on both databases, in one run; then the time from a comment to its
# follower's mail with one worker. Usage: bench/followers.sh [BASE_COMMIT]  (default be6be22)
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-be6be22}"
mkdir -p bench/results
before=$(mktemp -d)
git worktree add -f "$before" "$base" -q
port=$(.venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >/dev/null &
redis_pid=$!
trap 'kill $redis_pid; git worktree remove --force "$before"' EXIT
sleep 0.5
pg=$(bash scripts/pg.sh | tail -n 1 | sed 's/schatkaart_test$/schatkaart_bench/')
for db in "sqlite:///$PWD/bench/results/followers.db" "$pg"; do
  name=${db%%:*}
  .venv/bin/python bench/bench_followers.py --database "$db" --root "$before" > "bench/results/followers-$name-before.json"
  .venv/bin/python bench/bench_followers.py --database "$db" > "bench/results/followers-$name-inprocess.json"
  .venv/bin/python bench/bench_followers.py --database "$db" --jobs-redis "redis://127.0.0.1:$port/0" \
    > "bench/results/followers-$name-queue.json"
done
for f in bench/results/followers-*.json; do echo "== $f"; .venv/bin/python -c "
import json,sys; d=json.load(open('$f')); print({k: d[k] for k in ('load_average','sizes')}, d.get('comment_to_mail_s', ''))"; done
