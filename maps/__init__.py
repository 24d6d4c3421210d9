"""Geography: the municipality, wijken and buurten, geometry, the PDOK geocoder, map builders."""

from flask import Blueprint

bp = Blueprint("geo", __name__, cli_group="geo")  # commands only: the map pages belong to initiatives

from . import cli  # noqa: F401
