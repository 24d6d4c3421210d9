#!/usr/bin/env bash
# Several app servers (issue 30): 200 users for 90 s against two gunicorn instances (2 workers x 4
# threads each, ports 5077 and 5078) on one PostgreSQL and one Redis, with two job workers and a
# scheduler; each simulated person uses one server. Reports per endpoint, every 5xx, the job
# backlog at the end, and the verify commands.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pip install -q -r requirements-bench.txt 2> >(grep -v "^WARNING: Location" >&2)
mkdir -p bench/results
pg=$(bash scripts/pg.sh | tail -n 1 | sed 's/schatkaart_test$/schatkaart_council/')
port=$(.venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
pids=($!)
trap 'kill "${pids[@]:1}" 2>/dev/null || true; sleep 3; kill "${pids[0]}" 2>/dev/null || true' EXIT  # Redis last
export SECRET_KEY=load-test RATELIMIT_ENABLED=0 MAIL_BACKEND=null PASSWORD_HASH_METHOD=pbkdf2:sha256:1 \
  DATABASE_URL="$pg" JOBS_REDIS_URL="redis://127.0.0.1:$port/0" FLASK_APP=schatkaart
.venv/bin/python -c "
import sqlalchemy as sa; e = sa.create_engine('$pg')
with e.begin() as c: c.execute(sa.text('DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE EXTENSION postgis'))"
.venv/bin/flask db upgrade >/dev/null 2>&1
JOBS_REDIS_URL= .venv/bin/flask demo seed --count 200 >/dev/null
.venv/bin/python - <<'PY'
from schatkaart import create_app
from platform_core.accounts.services import register_user
from platform_core.models import utcnow
from platform_core.transaction import unit_of_work
app = create_app({"JOBS_REDIS_URL": ""})
with app.app_context(), unit_of_work():
    for i in range(50):
        person = register_user(f"load{i}@bench.example", "bench-wachtwoord", f"Buur {i}", consent=True)
        person.email_confirmed_at = utcnow()  # as the link in the confirmation mail does
PY
rm -f bench/results/load-two*
for p in 5077 5078; do
  # keep-alive longer than a person's pause between clicks, as behind a load balancer (its idle
  # timeout shorter than ours): with gunicorn's 2 s a POST on a connection the server just
  # closed is lost on the wire ("Remote end closed connection without response")
  HOME=$(mktemp -d) .venv/bin/gunicorn --workers 2 --threads 4 --keep-alive 30 --bind 127.0.0.1:$p --access-logfile bench/results/load-two.access \
    --error-logfile "bench/results/load-two-$p.log" wsgi:app &
  pids+=($!)
done
for w in 1 2; do .venv/bin/flask jobs worker 2>>bench/results/load-two-worker.log & pids+=($!); done
.venv/bin/flask jobs scheduler --interval 10 >>bench/results/load-two-scheduler.log 2>&1 & pids+=($!)
for p in 5077 5078; do for _ in $(seq 1 50); do curl -sf -o /dev/null http://127.0.0.1:$p/healthz && break; sleep 0.3; done; done
LOCUST_HOSTS=http://127.0.0.1:5077,http://127.0.0.1:5078 .venv/bin/locust -f bench/locustfile.py --headless \
  -u 200 -r 20 -t 90s --host http://127.0.0.1:5077 --csv bench/results/load-two --only-summary \
  > bench/results/load-two.txt 2>&1 || true
sleep 5
echo "readyz after the run: $(curl -s http://127.0.0.1:5077/readyz)"
.venv/bin/python bench/load_report.py bench/results/load-two | tee bench/results/load-two.json
grep -c Traceback bench/results/load-two-*.log || true
.venv/bin/flask credits verify || echo "credits verify FAILED"
.venv/bin/flask council verify | tail -n 1 || echo "council verify FAILED"
