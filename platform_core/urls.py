"""Absolute links for mail, also outside a request (the digest job runs from the CLI)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def public_url(endpoint: str, **values) -> str:
    return url_builder()(endpoint, **values)


def url_builder() -> Callable[..., str]:
    """Absolute links; outside a request the URL map is bound once (a job writing thousands)."""
    if has_request_context():
        return lambda endpoint, **values: url_for(endpoint, _external=True, **values)
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return lambda endpoint, **values: adapter.build(endpoint, values, force_external=True)


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths: an open redirect would help phishers."""
    same_site = target and target.startswith("/") and not target.startswith("//") and "\\" not in target
    if same_site and not urlsplit(target).netloc:
        return target
    return fallback
