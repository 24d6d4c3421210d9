"""What an address lookup costs as the held BAG grows: a postcode, a street and number, and a
misspelled street (the suggestions), with 10,000 and 200,000 addresses held, measured
alternately in one run. The geocoder's cache is not involved: this calls the BAG search
itself, which runs before the cache and PDOK.

Usage: python bench/bench_addresses.py [--database URL] [--sizes 10000,200000] [--rounds 300]
Prints one JSON line per measurement: wall and CPU time per lookup (median and p95, ms).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SYLLABLES = ["berg", "dijk", "hof", "laan", "weg", "kade", "singel", "gracht", "straat", "plein", "steeg", "pad"]
NAMES = [
    "Eiken",
    "Beuken",
    "Linden",
    "Molen",
    "Kerk",
    "School",
    "Haven",
    "Vogel",
    "Bloem",
    "Zon",
    "Maan",
    "Ster",
    "Wilgen",
    "Populier",
    "Kastanje",
    "Iep",
    "Berken",
    "Hazel",
    "Dahlia",
    "Tulp",
    "Roos",
    "Lelie",
    "Iris",
]


def _streets(count: int, rng: random.Random) -> list[str]:
    names = set()
    while len(names) < count:
        names.add(rng.choice(NAMES) + rng.choice(SYLLABLES) + (f" {rng.randint(2, 9)}e" if rng.random() < 0.05 else ""))
    return sorted(names)


def fill(size: int, rng: random.Random) -> list[tuple[str, str, int]]:
    """``size`` addresses on about size/60 streets (a Dutch street holds some dozens), postcodes
    per street section; returns a sample of (street, postcode, number) to look up."""
    from sqlalchemy import delete, insert

    from maps.addresses import fold
    from maps.models import Address
    from platform_core.extensions import db
    from platform_core.transaction import commit

    db.session.execute(delete(Address))
    streets = _streets(max(50, size // 60), rng)
    rows, sample = [], []
    for i in range(size):
        street = streets[i % len(streets)]
        number = i // len(streets) + 1
        postcode = f"{1000 + (i // 20) % 9000}{chr(65 + (i // 7) % 26)}{chr(65 + i % 26)}"
        rows.append({"postcode": postcode, "number": number, "letter": "", "addition": "", "street": street,
                     "street_key": fold(street), "place": "Proefstad", "lon": 5.1 + (i % 1000) * 1e-5,
                     "lat": 52.09 + (i // 1000) * 1e-5})  # fmt: skip
        if len(rows) == 5000:
            db.session.execute(insert(Address), rows)
            rows = []
        if rng.random() < 0.01:
            sample.append((street, postcode, number))
    if rows:
        db.session.execute(insert(Address), rows)
    commit()
    return sample


def measure(kind: str, queries: list[str], rounds: int) -> dict:
    from maps.addresses import search

    walls, cpus = [], []
    for i in range(rounds):
        q = queries[i % len(queries)]
        w, c = time.perf_counter(), time.process_time()
        search(q)
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    walls.sort()
    cpus.sort()
    return {
        "lookup": kind,
        "wall_p50_ms": round(statistics.median(walls), 3),
        "wall_p95_ms": round(walls[int(len(walls) * 0.95)], 3),
        "cpu_p50_ms": round(statistics.median(cpus), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database")
    parser.add_argument("--sizes", default="10000,200000")
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from platform_core.extensions import db
    from schatkaart import create_app

    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'addresses.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "MAIL_BACKEND": "console"})
    sizes = [int(s) for s in args.sizes.split(",")]
    with app.app_context():
        upgrade()
        for repeat in range(2):  # alternate the sizes, twice: a noisy machine shows as a spread
            for size in sizes:
                rng = random.Random(size)
                sample = fill(size, rng)
                by_postcode = [f"{p[:4]} {p[4:]} {n}" for _s, p, n in sample]
                by_street = [f"{s} {n}" for s, _p, n in sample]
                misspelled = [f"{s[:3]}{s[4:]} {n}" for s, _p, n in sample if len(s) > 6]
                for kind, queries in (("postcode", by_postcode), ("street", by_street), ("misspelled", misspelled)):
                    row = {"size": size, "repeat": repeat, **measure(kind, queries, args.rounds)}
                    print(json.dumps(row), flush=True)
        db.session.remove()


if __name__ == "__main__":
    main()
