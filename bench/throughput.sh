#!/usr/bin/env bash
# Throughput near the server's limit: each page as a share of a static file from the same server.
# gunicorn (2 workers x 4 threads) on loopback, wrk (2 threads, 16 connections, 8 s per URL), on
# SpatiaLite, for the code before a change and after it, in one run, each from its own worktree.
# Each address as a visitor and as a logged-in resident (a session cookie from the login form).
# Usage: bench/throughput.sh [BASE_COMMIT] [AFTER_COMMIT]   (defaults: 4dbf3b2, HEAD)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
base="${1:-4dbf3b2}"
after_commit=$(git rev-parse "${2:-HEAD}")
mkdir -p bench/results
here=$PWD
before=$(mktemp -d -p "$(dirname "$PWD")")
after=$(mktemp -d -p "$(dirname "$PWD")")
git worktree add -f "$before" "$base" -q
git worktree add -f "$after" "$after_commit" -q
trap 'git worktree remove --force "$before"; git worktree remove --force "$after"' EXIT
export SECRET_KEY=throughput RATELIMIT_ENABLED=0 MAIL_BACKEND=file MAIL_FILE=/dev/null
HOOD="5.110,52.086,5.125,52.095"
CITY="4.97,52.02,5.20,52.15"
out="bench/results/throughput.jsonl"
: > "$out"

rate() {  # URL [COOKIE] -> requests per second (and any non-2xx/3xx count)
  if [ -n "${2:-}" ]; then wrk -t2 -c16 -d8s --latency -H "Cookie: $2" "$1" > /tmp/wrk.out 2>&1 || true
  else wrk -t2 -c16 -d8s --latency "$1" > /tmp/wrk.out 2>&1 || true; fi
  rps=$(awk '/Requests\/sec/ {print $2}' /tmp/wrk.out)
  bad=$(awk '/Non-2xx/ {print $5}' /tmp/wrk.out)
  p99=$(awk '/ 99%/ {print $2}' /tmp/wrk.out)
  echo "${rps:-0} ${bad:-0} ${p99:-?}"
}

serve_and_measure() {  # side root database size
  local side=$1 root=$2 url=$3 size=$4
  (cd "$root" && DATABASE_URL="$url" "$here/.venv/bin/gunicorn" --workers 2 --threads 4 \
     --bind 127.0.0.1:5078 --error-logfile "$here/bench/results/throughput-$side-$size.log" wsgi:app) &
  server=$!
  for _ in $(seq 1 60); do curl -sf -o /dev/null http://127.0.0.1:5078/huisregels && break; sleep 0.5; done
  item=$(cd "$root" && DATABASE_URL="$url" "$here/.venv/bin/python" -c "
from schatkaart import create_app
from sqlalchemy import text
from platform_core.extensions import db
with create_app().app_context():
    print(db.session.execute(text('SELECT id FROM initiative ORDER BY comments_count DESC, id LIMIT 1')).scalar())")
  # A logged-in resident: an account made for the bench, logged in through the form once; its
  # session cookie then goes with every request of the "logged in" rows.
  (cd "$root" && DATABASE_URL="$url" "$here/.venv/bin/python" -c "
from schatkaart import create_app
from platform_core import transaction
from platform_core.accounts.services import find_user, register_user
with create_app().app_context():
    if find_user('lezer@example.nl') is None:
        register_user('lezer@example.nl', 'een-lang-wachtwoord', 'Lezer', consent=True, confirmed=True)
        transaction.commit()")
  jar=$(mktemp)
  token=$(curl -s -c "$jar" -b "$jar" http://127.0.0.1:5078/inloggen | grep -o 'name="csrf_token" [^>]*value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=lezer@example.nl" --data-urlencode "password=een-lang-wachtwoord" http://127.0.0.1:5078/inloggen
  cookie=$(awk '$6 == "session" {print "session=" $7}' "$jar"); rm -f "$jar"
  declare -A urls=(
    [static]="/static/js/treasure-map.js"
    [map_page]="/"
    [list]="/initiatieven"
    [initiative]="/initiatieven/$item"
    [api_neighbourhood]="/api/initiatives?bbox=$HOOD&zoom=16"
    [api_city]="/api/initiatives?bbox=$CITY&zoom=12"
  )
  for name in static map_page list initiative api_neighbourhood api_city; do
    for reader in visitor logged_in; do
      c=""; [ "$reader" = logged_in ] && c=$cookie
      read -r rps bad p99 < <(rate "http://127.0.0.1:5078${urls[$name]}" "$c")
      bytes=$(curl -s -H "Cookie: $c" "http://127.0.0.1:5078${urls[$name]}" | wc -c)
      echo "{\"side\": \"$side\", \"size\": \"$size\", \"page\": \"$name\", \"reader\": \"$reader\", \"rps\": $rps, \"non_2xx\": $bad, \"p99\": \"$p99\", \"bytes\": $bytes}" | tee -a "$out"
    done
  done
  kill "$server"; wait "$server" 2>/dev/null || true
}

for side in before after; do
  root=$after; [ "$side" = before ] && root=$before
  demo="sqlite:///$here/bench/results/throughput-$side-demo.db"
  rm -f "bench/results/throughput-$side-demo.db"*
  (cd "$root" && DATABASE_URL="$demo" "$here/.venv/bin/flask" --app schatkaart db upgrade >/dev/null 2>&1 \
     && DATABASE_URL="$demo" "$here/.venv/bin/flask" --app schatkaart demo seed --count 200 >/dev/null)
  big="sqlite:///$here/bench/results/throughput-$side-100k.db"
  .venv/bin/python bench/bench_map.py --database "$big" --count 100000 --runs 1 --root "$root" >/dev/null 2>&1
  serve_and_measure "$side" "$root" "$demo" demo
  serve_and_measure "$side" "$root" "$big" 100k
done
.venv/bin/python - "$out" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
# Every share is of a visitor's static file from the same server, side and size.
static = {(r["side"], r["size"]): r["rps"] for r in rows if r["page"] == "static" and r["reader"] == "visitor"}
print("| size | page | reader | before req/s (share of static) | after req/s (share of static) | bytes before / after |")
print("|---|---|---|---:|---:|---:|")
for size in ("demo", "100k"):
  for page in ("static", "map_page", "list", "initiative", "api_neighbourhood", "api_city"):
    for reader in ("visitor", "logged_in"):
        cells = {}
        for side in ("before", "after"):
            r = next(r for r in rows if r["side"] == side and r["size"] == size and r["page"] == page
                     and r["reader"] == reader)
            share = r["rps"] / static[(side, size)] * 100 if static[(side, size)] else 0
            cells[side] = (f"{r['rps']:.0f} ({share:.1f} %)" + (f", {r['non_2xx']} non-2xx" if r["non_2xx"] else ""), r["bytes"])
        print(f"| {size} | {page} | {reader} | {cells['before'][0]} | {cells['after'][0]} | {cells['before'][1]:,} / {cells['after'][1]:,} |")
PY
