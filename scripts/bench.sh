#!/usr/bin/env bash
# Runs every benchmark on SpatiaLite and PostGIS (map at 10k and 100k initiatives, taking part,
# credits, council review).
# Figures go to bench/results/*.json; copy them into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
pg=$(bash scripts/pg.sh | tail -n 1 | sed 's/schatkaart_test$/schatkaart_bench/')
for n in 10000 100000; do
  naive=""; [ "$n" = 10000 ] && naive="--naive"
  rm -f "bench/results/bench-$n.db"*
  .venv/bin/python bench/bench_map.py --database "sqlite:///$PWD/bench/results/bench-$n.db" --count "$n" $naive \
    | tee "bench/results/map-sqlite-$n.json"
  .venv/bin/python bench/bench_map.py --database "$pg" --count "$n" $naive | tee "bench/results/map-postgresql-$n.json"
done
rm -f bench/results/participation.db*
.venv/bin/python bench/bench_participation.py --database "sqlite:///$PWD/bench/results/participation.db" \
  | tee bench/results/participation-sqlite.json
.venv/bin/python bench/bench_participation.py --database "$pg" | tee bench/results/participation-postgresql.json
rm -f bench/results/credits.db*
.venv/bin/python bench/bench_credits.py --database "sqlite:///$PWD/bench/results/credits.db" | tee bench/results/credits-sqlite.json
.venv/bin/python bench/bench_credits.py --database "$pg" | tee bench/results/credits-postgresql.json
council_pg=$(echo "$pg" | sed 's/schatkaart_bench$/schatkaart_council/')
rm -f bench/results/council.db*
.venv/bin/python bench/bench_council.py --database "sqlite:///$PWD/bench/results/council.db" | tee bench/results/council-sqlite.json
.venv/bin/python bench/bench_council.py --database "$council_pg" | tee bench/results/council-postgresql.json
