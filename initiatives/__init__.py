"""Initiatives: the treasure map and its API, gallery, detail page, placing and editing."""

from flask import Blueprint

bp = Blueprint("initiatives", __name__, url_prefix="/initiatieven")
map_bp = Blueprint("maps", __name__)
api_bp = Blueprint("api", __name__, url_prefix="/api")

from . import api, image_views, map_views, search, views  # noqa: F401
