"""Security headers: a nonce-based Content-Security-Policy on every response."""

from __future__ import annotations

import re
import secrets

from flask import Flask, g
from markupsafe import Markup


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


_SCRIPT_TAG = re.compile(r"<script\b(?![^>]*\bnonce=)")


def with_nonce(html: str) -> Markup:
    """Add our nonce to every <script> in trusted, generated HTML (folium's parts)."""
    return Markup(_SCRIPT_TAG.sub(f'<script nonce="{csp_nonce()}"', html))  # noqa: S704


def register_security(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def set_headers(response):  # noqa: ANN001
        tiles = app.config["TILE_URL"].split("/{", 1)[0]
        origin = "/".join(tiles.split("/")[:3])
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{csp_nonce()}'; "
            "style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: {origin}; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        return response
