"""What a logged-in resident costs against a visitor, per request, in this process: a static
file, the map's JSON, the map page, the list and an initiative page, each as a visitor and
logged in, with the page cache on (as in production). Every round requests every address once
as each reader, so load drift hits them alike. CPU time beside wall time; the load average first.

Usage: python bench/bench_reader.py [--database URL] [--count 2000] [--rounds 200] [--root CHECKOUT]
Prints one JSON line per address and reader: median wall and CPU microseconds, and the share of
a static file's rate (1 / time) it reaches.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if "--root" in sys.argv:  # another checkout's code (bench/reader.sh: the session's start and now)
    ROOT = Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
sys.path.insert(0, str(ROOT))

PASSWORD = "een-lang-wachtwoord"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--root")
    args = parser.parse_args()

    from initiatives.services import InitiativeInput, create_initiative
    from platform_core import transaction
    from platform_core.accounts.services import register_user
    from schatkaart import create_app

    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'reader.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1", "MAIL_BACKEND": "console",
                      "TILE_URL": "http://127.0.0.1:9/{z}/{x}/{y}.png"})  # fmt: skip
    rng = random.Random(1)
    with app.app_context():
        from fresh import prepare  # this checkout's bench/fresh.py

        prepare()
        owner = register_user("eigenaar@example.nl", PASSWORD, "Olga", consent=True, confirmed=True)
        register_user("lezer@example.nl", PASSWORD, "Lezer", consent=True, confirmed=True)
        first = None
        for n in range(args.count):
            item = create_initiative(owner, InitiativeInput(
                title=f"Buurtplan {n}", summary="Samen de straat groener maken.", type="initiative",
                lat=52.09 + rng.random() * 0.01, lon=5.1 + rng.random() * 0.02))  # fmt: skip
            first = first or item.id
        transaction.commit()
    visitor, reader = app.test_client(), app.test_client()
    page = reader.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    assert reader.post("/inloggen", data={"csrf_token": token, "email": "lezer@example.nl",
                                          "password": PASSWORD}).status_code == 302  # fmt: skip
    paths = {
        "static file": "/static/css/site.css",
        "map JSON": "/api/initiatives?bbox=5.09,52.08,5.13,52.11&zoom=13",
        "map page": "/",
        "list": "/initiatieven",
        "initiative page": f"/initiatieven/{first}",
    }
    readers = {"visitor": visitor, "logged in": reader}
    print(json.dumps({"load_average": os.getloadavg(), "initiatives": args.count}), flush=True)
    samples = {(name, who): ([], []) for name in paths for who in readers}
    for _ in range(args.rounds):
        for name, path in paths.items():
            for who, client in readers.items():
                wall, cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                response.get_data()
                response.close()
                walls, cpus = samples[(name, who)]
                walls.append((time.perf_counter() - wall) * 1e6)
                cpus.append((time.process_time() - cpu) * 1e6)
                assert response.status_code == 200, (path, who, response.status_code)
    static = {who: statistics.median(samples[("static file", who)][0]) for who in readers}
    for (name, who), (walls, cpus) in samples.items():
        wall = statistics.median(walls)
        cpu = statistics.median(cpus)
        row = {"address": name, "reader": who, "wall_us": round(wall), "cpu_us": round(cpu),
               "share_of_static": round(static["visitor"] / wall, 3)}  # fmt: skip
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
