"""The council figures' snapshot: what the first requests of a fresh worker pay, and what the
worker keeps in memory. On a database seeded by ``bench/bench_council.py``.

Usage: python bench/bench_snapshot.py --database URL [--threads 4] [--root CHECKOUT]
In a fresh process: ``--threads`` first requests for the figures at once (as after a worker
starts), how many snapshot reads they caused, how long the slowest waited (wall and this
process's CPU), the snapshot's own size and the process's peak resident memory. Run it for two
checkouts one after the other (before/after) and repeat, so both meet the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if "--root" in sys.argv:
    ROOT = Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
sys.path.insert(0, str(ROOT))


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--root")
    args = parser.parse_args()

    import council.cube as cube
    from schatkaart import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "SECRET_KEY": "bench",
                      "COUNCIL_FIGURES_SECONDS": 60})  # fmt: skip
    reads = []
    real = cube.read_fresh

    def counted():
        reads.append(threading.current_thread().name)
        return real()

    cube.read_fresh = counted
    with app.app_context():  # the engine and its first connection, before the clock starts
        from platform_core.extensions import db

        db.session.execute(db.text("SELECT 1"))
        db.session.remove()
    before = rss_mib()
    waits: list[float] = []
    held = []

    def first_request() -> None:
        started = time.perf_counter()
        with app.app_context():
            held.append(app.extensions["council_figures"].get())
        waits.append(time.perf_counter() - started)

    cpu = time.process_time()
    wall = time.perf_counter()
    threads = [threading.Thread(target=first_request, name=f"request-{n}") for n in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = {
        "root": str(ROOT),
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "first_requests": args.threads,
        "snapshot_reads": len(reads),
        "slowest_wait_s": round(max(waits), 2),
        "all_answered_s": round(time.perf_counter() - wall, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
        "distinct_snapshots": len({id(s) for s in held}),
        "snapshot_mib": round(held[0].nbytes / 2**20, 1) if hasattr(held[0], "nbytes") else None,
        "resident_mib_before": round(before),
        "resident_mib_after": round(rss_mib()),
        "peak_resident_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
