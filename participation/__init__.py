"""Taking part: joining, needs, comments, pluimen, follows, notifications, moderation."""

from flask import Blueprint

bp = Blueprint("participation", __name__, cli_group="notifications")

from . import accessibility, cli, views  # noqa: F401
