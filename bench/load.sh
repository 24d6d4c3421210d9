#!/usr/bin/env bash
# A bounded load test on loopback (50 users, 90 s, reads and writes) against gunicorn
# (4 workers x 4 threads) on SpatiaLite and on PostGIS (or the ones named: bench/load.sh sqlite).
# Reports per endpoint and every 5xx.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pip install -q -r requirements-bench.txt 2> >(grep -v "^WARNING: Location" >&2)
mkdir -p bench/results
pg=$(bash scripts/pg.sh | tail -n 1 | sed 's/schatkaart_test$/schatkaart_council/')
export SECRET_KEY=load-test RATELIMIT_ENABLED=0 MAIL_BACKEND=file MAIL_FILE=/dev/null PASSWORD_HASH_METHOD=pbkdf2:sha256:1
for db in ${@:-sqlite postgresql}; do
  if [ "$db" = sqlite ]; then
    rm -f bench/results/load.db*; export DATABASE_URL="sqlite:///$PWD/bench/results/load.db"
  else
    export DATABASE_URL="$pg"
    .venv/bin/python -c "
import sqlalchemy as sa; e = sa.create_engine('$pg')
with e.begin() as c: c.execute(sa.text('DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE EXTENSION postgis'))"
  fi
  .venv/bin/flask --app schatkaart db upgrade >/dev/null 2>&1
  .venv/bin/flask --app schatkaart demo seed --count 200 >/dev/null
  .venv/bin/python - <<'PY'
from schatkaart import create_app
from platform_core.accounts.services import register_user
from platform_core.models import utcnow
from platform_core.transaction import unit_of_work
app = create_app()
with app.app_context(), unit_of_work():
    for i in range(50):
        person = register_user(f"load{i}@bench.example", "bench-wachtwoord", f"Buur {i}", consent=True)
        person.email_confirmed_at = utcnow()  # as the link in the confirmation mail does
PY
  rm -f "bench/results/load-$db.access" "bench/results/load-$db.log"
  .venv/bin/gunicorn --workers 4 --threads 4 --bind 127.0.0.1:5077 --access-logfile "bench/results/load-$db.access" --error-logfile "bench/results/load-$db.log" wsgi:app &
  server=$!
  for _ in $(seq 1 50); do curl -sf -o /dev/null http://127.0.0.1:5077/huisregels && break; sleep 0.3; done
  .venv/bin/locust -f bench/locustfile.py --headless -u 50 -r 10 -t 90s --host http://127.0.0.1:5077 \
    --csv "bench/results/load-$db" --only-summary > "bench/results/load-$db.txt" 2>&1 || true
  kill "$server"; wait "$server" || true
  .venv/bin/python bench/load_report.py "bench/results/load-$db" | tee "bench/results/load-$db.json"
  .venv/bin/flask --app schatkaart credits verify || echo "credits verify FAILED on $db"
  .venv/bin/flask --app schatkaart council verify | tail -n 1 || echo "council verify FAILED on $db"
done
