"""What a photo upload costs the request that sends it: through the real view, as the owner.

Usage: python bench/bench_upload.py --root CHECKOUT [--runs 7] [--redis URL]
(bench/upload.sh runs the session's start and now, twice each, one after the other.) Two photos
as phones make them (noise, so JPEG has real work; EXIF and GPS), 1200 × 900 and 4000 × 3000,
alternating in every round. With ``--redis`` the checkout's jobs go to that queue (nobody takes
them here), as in production; the request pays only for what it does itself. Prints the load
average, then one JSON line per size: p50 and p95 wall ms, p50 CPU ms.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image


def photo(width: int, height: int) -> bytes:
    rng = np.random.default_rng(width)
    ramp = np.linspace(40, 200, width, dtype=np.float32)[None, :, None]
    pixels = np.clip(ramp + rng.normal(0, 30, (height, width, 3)), 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    exif = image.getexif()
    exif[0x010F] = "Telefoonmerk"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (52.0, 5.0, 30.0), "E", (5.0, 7.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, exif=exif.tobytes())
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--redis")
    args = parser.parse_args()
    sys.path.insert(0, args.root)
    from initiatives.services import create_initiative
    from platform_core import transaction
    from platform_core.accounts.services import register_user
    from platform_core.extensions import db
    from schatkaart import create_app
    from tests.conftest import initiative_input

    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'upload.db'}",
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
            "IMAGE_FOLDER": str(folder / "images"),
            "IMAGES_PER_INITIATIVE": 10_000,
            "PAGE_CACHE_SECONDS": 0,
            **({"JOBS_REDIS_URL": args.redis} if args.redis else {}),
        }
    )
    with app.app_context():
        from fresh import prepare  # this checkout's bench/fresh.py

        prepare(themes=False)
        owner = register_user("owner@example.nl", "een-lang-wachtwoord", "Olga", consent=True, confirmed=True)
        item = create_initiative(owner, initiative_input(title="Foto's van de buurt"))
        transaction.commit()
        item_id = item.id
    client = app.test_client()
    page = client.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    login = {"csrf_token": token, "email": "owner@example.nl", "password": "een-lang-wachtwoord"}
    assert client.post("/inloggen", data=login).status_code == 302
    url = f"/initiatieven/{item_id}/fotos"
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', client.get(url).get_data(as_text=True))
    photos = {"1200x900": photo(1200, 900), "4000x3000": photo(4000, 3000)}
    print(json.dumps({"load_average": os.getloadavg(), "bytes": {k: len(v) for k, v in photos.items()}}), flush=True)
    samples: dict[str, tuple[list, list]] = {size: ([], []) for size in photos}
    for round_ in range(args.runs + 1):  # the first round warms up and is not counted
        for size, data in photos.items():
            form = {"csrf_token": token.group(1), "alt": "De straat in de zon", "image": (io.BytesIO(data), "f.jpg")}
            wall, cpu = time.perf_counter(), time.process_time()
            answer = client.post(url, data=form, content_type="multipart/form-data")
            walls, cpus = samples[size]
            if round_:
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
            assert answer.status_code == 302, answer.status_code
    with app.app_context():
        db.session.remove()
    for size, (walls, cpus) in samples.items():
        walls.sort()
        p95 = walls[max(0, int(len(walls) * 0.95) - 1)]
        print(json.dumps({"photo": size, "p50_ms": round(statistics.median(walls), 1), "p95_ms": round(p95, 1),
                          "cpu_p50_ms": round(statistics.median(cpus), 1)}), flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
