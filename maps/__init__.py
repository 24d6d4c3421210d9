"""The treasure map: areas, geocoding, map views and the GeoJSON API."""

from flask import Blueprint

bp = Blueprint("maps", __name__)
api_bp = Blueprint("api", __name__, url_prefix="/api")

from . import api, views  # noqa: E402, F401
