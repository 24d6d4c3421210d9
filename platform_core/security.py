"""Security headers (a nonce-based Content-Security-Policy, HSTS over HTTPS), the client's
address behind trusted proxies, and RFC 9116 ``/.well-known/security.txt``."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from flask import Flask, Request, Response, current_app, g
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.utils import cached_property

from .policy import public


def _without_nul(data: ImmutableMultiDict) -> ImmutableMultiDict:
    if not any("\x00" in value for value in data.values()):
        return data
    return ImmutableMultiDict([(key, value.replace("\x00", "")) for key, value in data.items(multi=True)])


class CleanRequest(Request):
    """NUL characters never reach the application: nobody types them, PostgreSQL refuses them
    in text (a 500 waiting to happen on every field) and they hide text from people and filters."""

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _without_nul(super().args)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_nul(self.__dict__["form"])

    @cached_property
    def wtforms_translations(self):
        """Where Flask-WTF looks for WTForms' own messages: read once per process and language,
        not from disk for every request that shows a form (issue 28)."""
        from .i18n import wtforms_translations

        return wtforms_translations()


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def register_security(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def set_headers(response):
        tiles = app.config["TILE_URL"].split("/{", 1)[0]
        origin = "/".join(tiles.split("/")[:3])
        if "Content-Security-Policy" not in response.headers:  # uploaded files bring a stricter one
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
        if app.config["PUBLIC_URL"].startswith("https://"):
            response.headers["Strict-Transport-Security"] = f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains"
        return response

    trusted = app.config["TRUSTED_PROXIES"]
    if trusted > 0:  # only then is X-Forwarded-For believed, and only that many hops of it
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted)

    app.add_url_rule("/.well-known/security.txt", "security_txt", security_txt)


@public
def security_txt() -> Response:
    cfg = current_app.config
    expires = cfg["SECURITY_TXT_EXPIRES"] or (datetime.now(UTC) + timedelta(days=180)).strftime("%Y-%m-%dT00:00:00Z")
    lines = [
        f"Contact: {_contact()}",
        f"Expires: {expires}",
        "Preferred-Languages: nl, en",
        f"Canonical: {cfg['PUBLIC_URL'].rstrip('/')}/.well-known/security.txt",
    ]
    if cfg["SECURITY_POLICY_URL"]:
        lines.append(f"Policy: {cfg['SECURITY_POLICY_URL']}")
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


def _contact() -> str:
    """Set in Beheer (or SECURITY_CONTACT); else the privacy contact; else security@ the site's host."""
    from urllib.parse import urlsplit

    from . import settings

    privacy = settings.get("privacy_contact")
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"
    return settings.get("security_contact") or (f"mailto:{privacy}" if privacy else f"mailto:security@{host}")
