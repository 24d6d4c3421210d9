"""Residents' rights and the public record: own data, erasure, retention, consent, the privacy
statement and register, and the hash-chained archive."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, cli_group="privacy")
archive_cli = Blueprint("archive", __name__, cli_group="archive")

from . import archive_views, cli, views  # noqa: F401
