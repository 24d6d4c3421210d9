"""Cheap to serve: fingerprinted static files cached for a year, validators on data responses.

* Every ``url_for('static', ...)`` carries ``?v=`` and the first 12 hex digits of the file's
  SHA-256, so a browser (or a proxy) keeps the file for a year and a new release is fetched
  because its address changed.
* JSON, GeoJSON and CSV answers to GET get a strong ETag over their body and are answered
  ``304 Not Modified`` when the client already holds them (``If-None-Match``); a cache must
  revalidate first (``no-cache``). HTML pages are left alone: each carries the visitor's own
  CSRF token for the language switch, so a validator over their body would never match.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request

YEAR = 365 * 24 * 3600
_VALIDATED = ("application/json", "application/geo+json", "text/csv")


def register_caching(app: Flask) -> None:
    digests: dict[str, str | None] = {}
    folder = Path(app.static_folder or "static").resolve()

    def digest(filename: str) -> str | None:
        if filename not in digests or app.debug:
            path = (folder / filename).resolve()
            ok = path.is_relative_to(folder) and path.is_file()
            digests[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12] if ok else None
        return digests[filename]

    @app.url_defaults
    def fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = digest(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_headers(response):
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if request.endpoint == "static":
            version = request.args.get("v")
            if version and version == digest(request.view_args.get("filename", "")):
                response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            return response
        if response.mimetype in _VALIDATED and not response.direct_passthrough:
            if "no-store" in response.headers.get("Cache-Control", ""):
                return response
            response.add_etag()
            response.headers.setdefault("Cache-Control", "no-cache")
            response.make_conditional(request)
        return response
