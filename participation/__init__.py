"""Taking part: joining, needs, comments, pluimen, follows, notifications, moderation."""

from flask import Blueprint

bp = Blueprint("participation", __name__)

from . import views  # noqa: E402, F401
