"""The public record's cost: appending stays flat as the archive grows; verify and export are
linear and fast; a comment costs little more with the record than without.

Usage: python bench/bench_archive.py [--database URL] [--sizes 0,10000,100000] [--rounds 200]
Prints one JSON line per measurement.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def p50(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database")
    parser.add_argument("--sizes", default="0,10000,100000")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import text

    from initiatives.models import Initiative
    from participation.services import post_comment
    from platform_core.accounts.services import register_user
    from platform_core.extensions import db
    from platform_core.transaction import commit
    from privacy import archive, receivers
    from schatkaart import create_app
    from tests.conftest import initiative_input

    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'archive.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
            "MAIL_BACKEND": "console",
        }
    )
    with app.app_context():
        upgrade()
        from maps.boundaries import import_boundaries
        from maps.sample_geography import all_levels

        if not db.session.execute(text("SELECT count(*) FROM area")).scalar():
            for level, data in all_levels().items():
                import_boundaries(data, level)
        user = register_user(f"bench{time.time_ns()}@example.nl", "een-lang-wachtwoord", "Bench", consent=True)
        from initiatives.services import create_initiative
        from tests.conftest import INSIDE

        item = create_initiative(user, initiative_input(lat=INSIDE[0], lon=INSIDE[1]))
        commit()
        item_id, user_id = item.id, user.id
        filled = archive.head()[0]
        for size in [int(s) for s in args.sizes.split(",")]:
            while filled < size:  # fill in bulk through the real append path, 1,000 per commit
                batch = min(1000, size - filled)
                for i in range(batch):
                    archive.record(
                        "bench.filler", "bench", filled + i, {"n": filled + i}, {"author_name": ("Iemand", None)}
                    )
                commit()
                filled += batch
            times = []
            for i in range(args.rounds):
                start = time.perf_counter()
                archive.record("bench.append", "bench", i, {"n": i}, {"author_name": ("Iemand", None)})
                commit()
                times.append((time.perf_counter() - start) * 1000)
            print(json.dumps({"measure": "append one entry + commit", "entries": filled, "p50_ms": p50(times)}))
            filled += args.rounds
        start = time.perf_counter()
        count, problems = archive.verify()
        seconds = time.perf_counter() - start
        assert problems == [], problems[:3]
        print(json.dumps({"measure": "archive verify", "entries": count, "seconds": round(seconds, 2),
                          "entries_per_s": round(count / seconds)}))  # fmt: skip
        out = Path(tempfile.mkdtemp()) / "package"
        start = time.perf_counter()
        archive.export(out)
        print(json.dumps({"measure": "archive export", "entries": count,
                          "seconds": round(time.perf_counter() - start, 2)}))  # fmt: skip
        # A comment with and without its archive entry, alternating, in the same run.
        with_record, without = [], []
        for i in range(args.rounds):
            for case in ("with", "without"):
                if case == "without":
                    from participation import signals

                    signals.contributed.disconnect(receivers._contributed)
                start = time.perf_counter()
                post_comment(
                    db.session.get(Initiative, item_id), f"Reactie {case} {i}", db.session.get(type(user), user_id)
                )
                commit()
                (with_record if case == "with" else without).append((time.perf_counter() - start) * 1000)
                if case == "without":
                    signals.contributed.connect(receivers._contributed)
        print(json.dumps({"measure": "post a comment", "with_record_p50_ms": p50(with_record),
                          "without_record_p50_ms": p50(without)}))  # fmt: skip


if __name__ == "__main__":
    main()
