"""The council's snapshot shared by every app server, read once by a job worker.

Without it each app process reads its own snapshot of the facts (``council.cube``); with several
servers that is one read per process per minute, and a process's first request may wait for one.
With ``JOBS_REDIS_URL`` (or ``COUNCIL_SNAPSHOT_REDIS_URL``) the periodic job ``council.snapshot``
reads the facts once, in a worker, and puts the columns in Redis as one NumPy ``.npz`` blob
(about 22 bytes per contribution, compressed; no pickle: ``allow_pickle=False`` on the way
back); every app process takes that blob instead of reading the database, as long as it is not
older than the age a process would allow its own. A process whose shared snapshot is too old
(no worker ran the job) reads its own, as before.
"""

from __future__ import annotations

import io
from datetime import datetime

import numpy as np
import orjson
from flask import current_app

from platform_core.extensions import redis_client

from . import cube

KEY = "schatkaart:council:snapshot"
_ARRAYS = ("person", "day", "kind", "month", "area", "trajectory", "type", "initiative", "first_day",
           "link_row", "link_theme", "link_initiative")  # fmt: skip


def _redis():
    url = current_app.config.get("COUNCIL_SNAPSHOT_REDIS_URL") or current_app.config.get("JOBS_REDIS_URL")
    return redis_client(url) if url else None


def pack(snapshot: cube.Snapshot) -> bytes:
    meta = {
        "read_at": snapshot.read_at.isoformat(),
        "cost": snapshot.cost,
        "theme_names": list(snapshot.theme_names.items()),
        "credits": snapshot.credits,
        "i": list(snapshot.i),
    }
    arrays = {name: getattr(snapshot, name) for name in _ARRAYS}
    arrays.update({f"i_{n}": column for n, column in enumerate(snapshot.i.values())})
    buffer = io.BytesIO()
    np.savez_compressed(buffer, meta=np.frombuffer(orjson.dumps(meta), dtype=np.uint8), **arrays)
    return buffer.getvalue()


def unpack(blob: bytes) -> cube.Snapshot:
    with np.load(io.BytesIO(blob), allow_pickle=False) as data:
        meta = orjson.loads(data["meta"].tobytes())
        read_at = datetime.fromisoformat(meta["read_at"])
        age = max(0.0, (cube.wall_clock() - read_at).total_seconds())
        return cube.Snapshot(
            read_at=read_at,
            taken=cube.clock() - age,  # its age counts from when it was read, by whichever process
            cost=float(meta["cost"]),
            i={name: data[f"i_{n}"] for n, name in enumerate(meta["i"])},
            theme_names={int(k): v for k, v in meta["theme_names"]},
            credits=[tuple(row) for row in meta["credits"]],
            **{name: data[name] for name in _ARRAYS},
        )


def publish() -> int:
    """The periodic job: read the facts once and share them; returns the blob's size in bytes."""
    redis = _redis()
    if redis is None:
        return 0
    blob = pack(cube.read_fresh())
    redis.set(KEY, blob)
    return len(blob)


def fetch(max_age: float) -> cube.Snapshot | None:
    """The shared snapshot when there is one no older than ``max_age`` seconds; else None."""
    redis = _redis()
    if redis is None:
        return None
    try:
        blob = redis.get(KEY)
    except Exception:  # Redis unreachable: the process reads its own
        current_app.logger.warning("council figures: the shared snapshot is out of reach")
        return None
    if not blob:
        return None
    snapshot = unpack(blob)
    return snapshot if cube.clock() - snapshot.taken <= max_age else None


def read() -> cube.Snapshot:
    """A snapshot for this process (``cube.Holder``): the one a job worker shared when it is
    recent enough, else one read here."""
    seconds = float(current_app.config["COUNCIL_FIGURES_SECONDS"])
    found = fetch(max_age=seconds) if seconds > 0 else None
    return found if found is not None else cube.read_fresh()
