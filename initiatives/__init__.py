"""Initiatives: gallery, detail page, placing and editing."""

from flask import Blueprint

bp = Blueprint("initiatives", __name__, url_prefix="/initiatieven")

from . import views  # noqa: E402, F401
