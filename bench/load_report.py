"""Summarise a locust run: requests, p50/p95 per endpoint, and every 5xx the server answered
(read from gunicorn's access log, so nothing the client might miss is left out)."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

prefix = Path(sys.argv[1])
rows = list(csv.DictReader(prefix.with_name(prefix.name + "_stats.csv").open()))
access = prefix.with_name(prefix.name + ".access").read_text().splitlines()
status = re.compile(r'" (\d{3}) ')
codes = [int(m.group(1)) for line in access if (m := status.search(line))]
print(
    json.dumps(
        {
            "requests": len(codes),
            "5xx": sum(1 for c in codes if c >= 500),
            "4xx": sum(1 for c in codes if 400 <= c < 500),
            "endpoints": {
                r["Name"]: {"count": int(r["Request Count"]), "p50_ms": r["50%"], "p95_ms": r["95%"]} for r in rows
            },
        },
        indent=1,
    )
)
