"""Real places for the tests, not only the small fictional municipality (issue 27).

``utrecht()``: the real boundaries in ../shared/data/utrecht (1 gemeente, 10 wijken, 111 buurten),
as the CBS extract names its files and properties. When that directory is absent, a stand-in of
the same size over Utrecht's coordinates is generated, so the suite still runs at that scale.

``generated(seed)``: a second municipality that the tests make themselves, with another
location (Groningen's clay, 53.2° N 6.6° E), another shape (a concave, rotated outline with a
bay cut out of it) and another size (a different number of wijken and buurten, irregular cells).
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

from shapely.affinity import rotate
from shapely.geometry import Polygon, box, mapping
from shapely.ops import unary_union

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "utrecht"
FILES = {"municipality": "gemeente.geojson", "district": "wijk.geojson", "neighbourhood": "buurt.geojson"}


def _fc(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def utrecht() -> tuple[str, dict[str, dict]]:
    """(name, {level: FeatureCollection}) of the real Utrecht boundaries, or a stand-in of their size."""
    if all((SHARED / name).exists() for name in FILES.values()):
        return "Utrecht", {level: json.loads((SHARED / name).read_text()) for level, name in FILES.items()}
    return "Utrecht", generated(seed=111, centre=(5.10, 52.09), wijken=10, buurten=111, name="Utrecht")[1]


def _outline(rng: random.Random, centre: tuple[float, float], radius: float) -> Polygon:
    """A lobed, rotated outline with a bay: concave, nothing like an ellipse or a box."""
    cx, cy = centre
    points = []
    for i in range(40):
        angle = 2 * math.pi * i / 40
        r = radius * (1 + 0.25 * math.sin(3 * angle) + rng.uniform(-0.06, 0.06))
        points.append((cx + r * math.cos(angle) * 1.6, cy + r * math.sin(angle)))
    shape = Polygon(points)
    bay = box(cx + radius * 0.5, cy - radius * 0.15, cx + radius * 2.5, cy + radius * 0.15)
    return rotate(shape.difference(bay), 23, origin=(cx, cy)).buffer(0)


def generated(
    seed: int = 7,
    centre: tuple[float, float] = (6.60, 53.22),
    wijken: int = 6,
    buurten: int = 47,
    name: str = "Noorderwold",
) -> tuple[str, dict[str, dict]]:
    """(name, {level: FeatureCollection}) of a municipality of our own making, in the CBS extract's
    property names (KODE, NAAM, WIJKKODE), so it goes through the same import as Utrecht."""
    rng = random.Random(seed)
    outline = _outline(rng, centre, 0.055)
    minx, miny, maxx, maxy = outline.bounds
    # irregular cells: a grid whose column and row edges wander, clipped to the outline
    columns = max(2, round(math.sqrt(buurten * 1.6)))
    rows = columns
    xs = sorted([minx, maxx, *[rng.uniform(minx, maxx) for _ in range(columns - 1)]])
    ys = sorted([miny, maxy, *[rng.uniform(miny, maxy) for _ in range(rows - 1)]])
    cells = []
    for i in range(len(xs) - 1):
        for j in range(len(ys) - 1):
            cell = box(xs[i], ys[j], xs[i + 1], ys[j + 1]) & outline
            if cell.area > outline.area * 0.002:
                cells.append(cell.buffer(0))
    cells.sort(key=lambda c: -c.area)
    cells = cells[:buurten]
    # any cell left out is merged into its largest neighbour, so the buurten cover the outline
    covered = unary_union(cells)
    rest = outline.difference(covered)
    if not rest.is_empty:
        cells[0] = unary_union([cells[0], rest.buffer(1e-9)]).buffer(0)
    cells.sort(key=lambda c: (round(c.centroid.x, 3), c.centroid.y))
    per_wijk = math.ceil(len(cells) / wijken)
    wijk_features, buurt_features = [], []
    for w in range(wijken):
        group = cells[w * per_wijk : (w + 1) * per_wijk]
        if not group:
            continue
        code = f"{w + 1:02d}"
        wijk_features.append(
            {
                "type": "Feature",
                "properties": {"KODE": code, "NAAM": f"Wijk {_NAMES[w % len(_NAMES)]}"},
                "geometry": mapping(unary_union(group).buffer(0)),
            }
        )
        for b, cell in enumerate(group):
            label = f"{_NAMES[(w * 7 + b) % len(_NAMES)]}-{_PARTS[(w + b) % len(_PARTS)]} {b + 1}"
            buurt_features.append(
                {
                    "type": "Feature",
                    "properties": {"KODE": f"{code}{b + 1:02d}", "NAAM": label, "WIJKKODE": code},
                    "geometry": mapping(cell),
                }
            )
    gemeente = _fc([{"type": "Feature", "properties": {"KODE": "0014", "NAAM": name}, "geometry": mapping(outline)}])
    return name, {"municipality": gemeente, "district": _fc(wijk_features), "neighbourhood": _fc(buurt_features)}


_NAMES = ["Wierde", "Hoogeland", "Dijkstra", "Maarland", "Terp", "Zuiderhage", "Kolk", "Esch", "Marke", "Ommeland"]
_PARTS = ["noord", "zuid", "oost", "west", "midden", "dorp"]
