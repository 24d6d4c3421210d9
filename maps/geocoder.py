"""Address search through PDOK Locatieserver, with timeout, cache and a local fallback.

PDOK's ``free`` endpoint answers Solr-style JSON: ``response.docs`` with
``weergavenaam``, ``type`` and ``centroide_ll`` ("POINT(lon lat)"). When PDOK is
slow or down we search the neighbourhood names and street names we hold.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict

import requests
from flask import current_app
from sqlalchemy import case, func, select

from platform_core.extensions import db

from . import addresses
from .models import Area

_POINT = re.compile(r"POINT\(\s*([-\d.]+)\s+([-\d.]+)\s*\)")
_cache: OrderedDict[str, tuple[float, list[dict]]] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 2000


def _normalise(query: str) -> str:
    return " ".join(query.lower().split())[:100]


def _cached(key: str) -> list[dict] | None:
    with _cache_lock:
        hit = _cache.get(key)
        if hit and hit[0] > time.monotonic():
            _cache.move_to_end(key)
            return hit[1]
    return None


def _store(key: str, results: list[dict]) -> None:
    ttl = current_app.config["GEOCODER_CACHE_SECONDS"]
    with _cache_lock:
        _cache[key] = (time.monotonic() + ttl, results)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def parse_pdok(payload: dict) -> list[dict]:
    results = []
    for doc in payload.get("response", {}).get("docs", []):
        match = _POINT.search(doc.get("centroide_ll") or "")
        if not match:
            continue
        results.append(
            {
                "label": doc.get("weergavenaam", ""),
                "type": doc.get("type", ""),
                "lon": float(match.group(1)),
                "lat": float(match.group(2)),
                "source": "pdok",
            }
        )
    return results


def _pdok(query: str, municipality_name: str | None, limit: int) -> list[dict]:
    params = {
        "q": query,
        "rows": limit,
        "fl": "id weergavenaam type centroide_ll score",
        "fq": "type:(adres OR postcode OR weg OR woonplaats)",
    }
    if municipality_name:
        params["fq"] = [params["fq"], f'gemeentenaam:"{municipality_name}"']
    url = current_app.config["PDOK_LOCATIESERVER_URL"].rstrip("/") + "/free"
    resp = requests.get(url, params=params, timeout=current_app.config["GEOCODER_TIMEOUT"])  # (a timeout from config)  # nosec B113
    resp.raise_for_status()
    return parse_pdok(resp.json())


# More local names (street names of placed initiatives): registered by the packages that hold them.
local_sources: list = []


def local_search(query: str, limit: int) -> list[dict]:
    """Neighbourhood/district names, and the names the registered local sources know."""

    wanted = query.strip().lower()
    like = f"%{wanted}%"
    results: list[dict] = []
    exact = case((func.lower(Area.name) == wanted, 0), else_=1)
    finest = case((Area.level == "neighbourhood", 0), else_=1)  # a buurt before the wijk of the same name
    areas = db.session.execute(
        select(Area.name, Area.level, func.ST_X(func.ST_Centroid(Area.geom)), func.ST_Y(func.ST_Centroid(Area.geom)))
        .where(func.lower(Area.name).like(like), Area.level != "municipality")
        .order_by(exact, finest, Area.name)
        .limit(limit)
    ).all()
    results += [{"label": n, "type": lvl, "lon": x, "lat": y, "source": "local"} for n, lvl, x, y in areas]
    for source in local_sources:
        results += source(like, limit)
    return results[:limit]


def geocode(query: str, municipality_name: str | None = None, limit: int = 5) -> tuple[list[dict], str]:
    """Return (results, source): 'bag' (the addresses held locally), 'bag-suggestions' (held
    addresses on streets spelled nearly so), 'pdok', 'cache' or 'local' (buurt and street names)."""
    key = _normalise(query)
    if len(key) < 2:
        return [], "local"
    held, exact = addresses.search(query, limit)
    if held:
        return held, "bag" if exact else "bag-suggestions"
    cached = _cached(f"{municipality_name}|{key}")
    if cached is not None:
        return cached, "cache"
    try:
        results = _pdok(key, municipality_name, limit)
    except (requests.RequestException, ValueError):
        current_app.logger.warning("PDOK Locatieserver unavailable; using local names")
        return local_search(key, limit), "local"
    if not results:
        # PDOK knows addresses, not our neighbourhood names: try those too.
        return local_search(key, limit), "local"
    _store(f"{municipality_name}|{key}", results)
    return results, "pdok"
