"""A small fictional municipality of our own, used when ../shared/data is absent.

"Voorbeeldstad" lies over central Utrecht's coordinates so that recorded PDOK
answers for Utrecht addresses fall inside it; its districts and neighbourhoods
are simple, deterministic shapes.
"""

from __future__ import annotations

import math

from shapely.geometry import Polygon, box, mapping

CENTER = (5.115, 52.09)
RADIUS = (0.06, 0.035)  # degrees lon, lat: roughly 8 x 8 km
WIJKEN = [("01", "Noordwest"), ("02", "Noordoost"), ("03", "Zuidoost"), ("04", "Zuidwest")]
BUURT_NAMES = {
    "01": ["Molenkwartier", "Havenbuurt", "Spoorzicht"],
    "02": ["Bloemenbuurt", "Parkwijk", "Vogelkwartier"],
    "03": ["Kanaalzone", "Schildersbuurt", "Oude Dorp"],
    "04": ["Singelbuurt", "Tuindorp", "Lage Weide"],
}


def _outline() -> Polygon:
    cx, cy = CENTER
    rx, ry = RADIUS
    pts = [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in (i * math.pi / 12 for i in range(24))]
    return Polygon(pts)


def _fc(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def gemeente() -> dict:
    return _fc(
        [{"type": "Feature", "properties": {"code": "9999", "name": "Voorbeeldstad"}, "geometry": mapping(_outline())}]
    )


def _quadrants() -> list[Polygon]:
    cx, cy = CENTER
    big = 1.0
    return [
        box(cx - big, cy, cx, cy + big),
        box(cx, cy, cx + big, cy + big),
        box(cx, cy - big, cx + big, cy),
        box(cx - big, cy - big, cx, cy),
    ]


def wijken() -> dict:
    outline = _outline()
    return _fc(
        [
            {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": mapping(outline & quad)}
            for (code, name), quad in zip(WIJKEN, _quadrants(), strict=True)
        ]
    )


def buurten() -> dict:
    outline = _outline()
    feats = []
    for (code, _name), quad in zip(WIJKEN, _quadrants(), strict=True):
        part = outline & quad
        minx, miny, maxx, maxy = part.bounds
        step = (maxx - minx) / 3
        for i, name in enumerate(BUURT_NAMES[code]):
            strip = box(minx + i * step, miny, minx + (i + 1) * step, maxy) & part
            feats.append(
                {
                    "type": "Feature",
                    "properties": {"code": f"{code}{i + 1:02d}", "name": name, "WIJKKODE": code},
                    "geometry": mapping(strip),
                }
            )
    return _fc(feats)


def all_levels() -> dict[str, dict]:
    return {"municipality": gemeente(), "district": wijken(), "neighbourhood": buurten()}
