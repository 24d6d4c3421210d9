"""Configuration read from the environment; nothing secret lives in the repository."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(instance_path: Path) -> dict:
    instance_path.mkdir(parents=True, exist_ok=True)
    env = os.environ.get
    public_url = env("PUBLIC_URL", "http://127.0.0.1:5000")
    https = public_url.startswith("https://")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": env("DATABASE_URL", f"sqlite:///{instance_path / 'schatkaart.db'}"),
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "SPATIALITE_LIBRARY": env("SPATIALITE_LIBRARY", "mod_spatialite"),
        "MUNICIPALITY_CODE": env("MUNICIPALITY_CODE"),
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LANGUAGES": ["nl", "en"],
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "memory://"),
        # Jobs (platform_core.jobs): on an RQ queue on this Redis; empty: run in the process after commit.
        "JOBS_REDIS_URL": env("JOBS_REDIS_URL", ""),
        "JOBS_LEASE_SECONDS": int(env("JOBS_LEASE_SECONDS", "600")),
        # Several app servers: their page caches forget what another one's write changed (platform_core.pagecache).
        "PAGE_CACHE_REDIS_URL": env("PAGE_CACHE_REDIS_URL", ""),
        # ... and take the council's snapshot a job worker read (council.shared) instead of each reading one.
        "COUNCIL_SNAPSHOT_REDIS_URL": env("COUNCIL_SNAPSHOT_REDIS_URL", ""),
        # /metrics from elsewhere than loopback needs this bearer token; LOG_FORMAT=json: one JSON line per log.
        "METRICS_TOKEN": env("METRICS_TOKEN", ""),
        "LOG_FORMAT": env("LOG_FORMAT", "text"),
        "RATELIMIT_ENABLED": env("RATELIMIT_ENABLED", "1") == "1",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_COMMENT_IP": env("RATELIMIT_COMMENT_IP", "20/hour"),
        "RATELIMIT_COMMENT_ACCOUNT": env("RATELIMIT_COMMENT_ACCOUNT", "5/minute;30/hour"),
        "RATELIMIT_JOIN": env("RATELIMIT_JOIN", "30/hour"),
        "RATELIMIT_PLUIM": env("RATELIMIT_PLUIM", "60/hour"),
        "RATELIMIT_FLAG": env("RATELIMIT_FLAG", "10/hour"),
        # Login: failures per address; every attempt per account from one address and per account overall.
        "RATELIMIT_LOGIN_ADDRESS": env("RATELIMIT_LOGIN_ADDRESS", "50/hour"),
        "RATELIMIT_LOGIN_ACCOUNT": env("RATELIMIT_LOGIN_ACCOUNT", "10/15 minutes"),
        "RATELIMIT_LOGIN_ACCOUNT_ALL": env("RATELIMIT_LOGIN_ACCOUNT_ALL", "100/hour"),
        "RATELIMIT_TWO_FACTOR": env("RATELIMIT_TWO_FACTOR", "10/15 minutes"),
        "RATELIMIT_REGISTER": env("RATELIMIT_REGISTER", "20/hour"),
        "RATELIMIT_RESET_ADDRESS": env("RATELIMIT_RESET_ADDRESS", "10/hour"),
        "RATELIMIT_RESET_ACCOUNT": env("RATELIMIT_RESET_ACCOUNT", "3/hour"),
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none,
        # the socket address is the client). Too high lets anyone choose their address.
        "TRUSTED_PROXIES": int(env("TRUSTED_PROXIES", "0")),
        "PDOK_LOCATIESERVER_URL": env("PDOK_LOCATIESERVER_URL", "https://api.pdok.nl/bzk/locatieserver/search/v3_1"),
        "GEOCODER_TIMEOUT": float(env("GEOCODER_TIMEOUT", "2.5")),
        # The longest the list or the map may search and filter for one request (platform_core.timelimit).
        "SEARCH_SECONDS": float(env("SEARCH_SECONDS", "3")),
        "GEOCODER_CACHE_SECONDS": int(env("GEOCODER_CACHE_SECONDS", "86400")),
        "TILE_URL": env(
            "TILE_URL",
            "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png",
        ),
        "TILE_ATTRIBUTION": env(
            "TILE_ATTRIBUTION", 'Kaart: <a href="https://www.pdok.nl">PDOK</a> (BRT-Achtergrondkaart)'
        ),
        "MAIL_BACKEND": env("MAIL_BACKEND", "console"),  # smtp | console | file
        "MAIL_SERVER": env("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(env("MAIL_PORT", "25")),
        "MAIL_USERNAME": env("MAIL_USERNAME"),
        "MAIL_PASSWORD": env("MAIL_PASSWORD"),
        "MAIL_USE_TLS": env("MAIL_USE_TLS", "0") == "1",
        "MAIL_SENDER": env("MAIL_SENDER", "Schatkaart <noreply@schatkaart.local>"),
        "MAIL_FILE": env("MAIL_FILE", str(instance_path / "mail.log")),
        # werkzeug's default (scrypt); tests and load tests choose a cheap one.
        "PASSWORD_HASH_METHOD": env("PASSWORD_HASH_METHOD", "scrypt"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env("SESSION_COOKIE_SECURE", "1" if https else "0") == "1",
        "SESSION_IDLE_MINUTES": int(env("SESSION_IDLE_MINUTES", "60")),
        "SESSION_MAX_HOURS": int(env("SESSION_MAX_HOURS", "12")),
        "CONFIRM_TOKEN_HOURS": int(env("CONFIRM_TOKEN_HOURS", "72")),
        "RESET_TOKEN_MINUTES": int(env("RESET_TOKEN_MINUTES", "60")),
        "UNSUBSCRIBE_TOKEN_DAYS": int(env("UNSUBSCRIBE_TOKEN_DAYS", "90")),
        "TWO_FACTOR_ROLES": tuple(
            env("TWO_FACTOR_ROLES", "civil_servant,moderator,council,admin").replace(" ", "").split(",")
        ),
        # RFC 9116 security.txt: where to report a vulnerability, and until when that holds.
        "SECURITY_CONTACT": env("SECURITY_CONTACT", ""),  # a default: Beheer sets it (settings)
        "SECURITY_TXT_EXPIRES": env("SECURITY_TXT_EXPIRES"),
        "SECURITY_POLICY_URL": env("SECURITY_POLICY_URL"),
        "HSTS_SECONDS": int(env("HSTS_SECONDS", "31536000")),
        "WTF_CSRF_TIME_LIMIT": None,
        "PAGE_SIZE": 24,
        # Pages for visitors without an account come from memory for this long (0: never).
        "PAGE_CACHE_SECONDS": float(env("PAGE_CACHE_SECONDS", "5")),
        "PAGE_CACHE_MEGABYTES": float(env("PAGE_CACHE_MEGABYTES", "32")),
        # The council's figures come from a snapshot of the facts read at most this long ago (0: every time).
        "COUNCIL_FIGURES_SECONDS": float(env("COUNCIL_FIGURES_SECONDS", "60")),
        # The municipality answers within this many working days (co-creation norm).
        "RESPONSE_NORM_DAYS": env("RESPONSE_NORM_DAYS", "5"),  # a default: Beheer sets it (settings)
        # The right to challenge: defaults for the settings an administrator can change.
        "CHALLENGE_WHO": env("CHALLENGE_WHO", "individual,group,organisation"),
        # One per line; empty: the built-in criteria (challenges.terms.DEFAULT_CRITERIA), translated.
        "CHALLENGE_CRITERIA": env("CHALLENGE_CRITERIA", ""),
        "CHALLENGE_ACK_DAYS": env("CHALLENGE_ACK_DAYS", "10"),
        "CHALLENGE_DECISION_DAYS": env("CHALLENGE_DECISION_DAYS", "40"),
        "CHALLENGE_PUBLIC": env("CHALLENGE_PUBLIC", "1"),
        "FACILITATION_BUDGET_MAX": int(env("FACILITATION_BUDGET_MAX", "2500")),
        # Privacy (AVG): who is responsible, who to ask, which statement residents agreed to.
        # empty: "Gemeente <name of the imported municipality>" (schatkaart/wiring.py); never a fixed one
        "PRIVACY_CONTROLLER": env("PRIVACY_CONTROLLER", ""),
        "PRIVACY_CONTROLLER_ADDRESS": env("PRIVACY_CONTROLLER_ADDRESS", ""),
        "PRIVACY_CONTACT": env("PRIVACY_CONTACT", "privacy@schatkaart.local"),
        "PRIVACY_DPO_NAME": env("PRIVACY_DPO_NAME", "Functionaris gegevensbescherming"),
        "PRIVACY_DPO_CONTACT": env("PRIVACY_DPO_CONTACT", "fg@schatkaart.local"),
        "PRIVACY_STATEMENT_VERSION": env("PRIVACY_STATEMENT_VERSION", "2026-11"),
        "PRIVACY_HOSTING": env("PRIVACY_HOSTING", "de hostingpartij van de gemeente (verwerker)"),
        # Retention in days, enforced by ``flask privacy purge`` (run it daily from cron).
        "RETENTION_CONTACT_DAYS": int(env("RETENTION_CONTACT_DAYS", "180")),
        "RETENTION_ANONYMOUS_EMAIL_DAYS": int(env("RETENTION_ANONYMOUS_EMAIL_DAYS", "90")),
        "RETENTION_NOTIFICATION_DAYS": int(env("RETENTION_NOTIFICATION_DAYS", "365")),
        "RETENTION_INACTIVE_DAYS": int(env("RETENTION_INACTIVE_DAYS", "1095")),
        "RETENTION_INACTIVE_WARNING_DAYS": int(env("RETENTION_INACTIVE_WARNING_DAYS", "30")),
        "RETENTION_UNCONFIRMED_DAYS": int(env("RETENTION_UNCONFIRMED_DAYS", "14")),
        "RETENTION_LOG_DAYS": int(env("RETENTION_LOG_DAYS", "180")),
        "LOG_DIR": env("LOG_DIR"),
        "DATA_EXPORT_MINUTES": int(env("DATA_EXPORT_MINUTES", "30")),
        # a participatieverslag's prepared files are handed out this long (reports/files.py)
        "REPORT_FILE_HOURS": float(env("REPORT_FILE_HOURS", "24")),
        # Pictures: where they are kept (a folder; shared storage for several app servers).
        "IMAGE_STORAGE": env("IMAGE_STORAGE", "folder"),
        "IMAGE_FOLDER": env("IMAGE_FOLDER", str(instance_path / "images")),
        "IMAGE_MAX_BYTES": int(env("IMAGE_MAX_BYTES", str(8 * 1024 * 1024))),
        # No request body is read beyond this (a boundary file, a photo): larger ones get a 413.
        "MAX_CONTENT_LENGTH": int(env("MAX_CONTENT_LENGTH", str(32 * 1024 * 1024))),
        "IMAGE_MAX_PIXELS": int(env("IMAGE_MAX_PIXELS", str(40_000_000))),
        "IMAGE_MAX_SIDE": int(env("IMAGE_MAX_SIDE", "10000")),
        "IMAGES_PER_INITIATIVE": int(env("IMAGES_PER_INITIATIVE", "5")),
        # Where this site lives, for links in mail sent outside a request (digests).
        "PUBLIC_URL": public_url,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
    }
