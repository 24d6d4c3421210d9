"""Credits per co-creation trajectory: an append-only ledger people can trust."""

from flask import Blueprint

bp = Blueprint("credits", __name__, cli_group="credits")

from . import cli, views  # noqa: F401
