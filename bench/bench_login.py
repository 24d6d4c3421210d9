"""What a stranger learns from the login form's timing: wrong password for a known address vs an
unknown address, through the real form, with the production password hash (scrypt).

Usage: python bench/bench_login.py --root DIR [--rounds N]   (DIR: a checkout to measure)
Prints one JSON line: p50 and p95 in ms for each case, and their ratio.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from platform_core import transaction


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    sys.path.insert(0, args.root)
    from flask_migrate import upgrade

    from platform_core.accounts.services import register_user
    from schatkaart import create_app

    database = Path(tempfile.mkdtemp()) / "login.db"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"}
    )
    app.config["RATELIMIT_ENABLED"] = False
    with app.app_context():
        upgrade()
        register_user("bekend@example.nl", "een-lang-wachtwoord", "Bekend", consent=True)
        transaction.commit()
    client = app.test_client()
    html = client.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for i in range(args.rounds):
        for case, email in (("known", "bekend@example.nl"), ("unknown", f"onbekend{i}@example.nl")):
            start = time.perf_counter()
            resp = client.post("/inloggen", data={"csrf_token": token, "email": email, "password": "fout-wachtwoord"})
            times[case].append((time.perf_counter() - start) * 1000)
            assert resp.status_code == 400, resp.status_code

    def summary(values: list[float]) -> dict:
        values = sorted(values)
        return {"p50_ms": round(statistics.median(values), 1), "p95_ms": round(values[int(len(values) * 0.95) - 1], 1)}

    out = {case: summary(values) for case, values in times.items()}
    out["ratio_p50"] = round(out["known"]["p50_ms"] / out["unknown"]["p50_ms"], 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
