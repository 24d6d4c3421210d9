"""Friendly Dutch error pages (and JSON for the API) instead of stack traces."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: "Het verzoek klopt niet. Probeer het opnieuw.",
    403: "U mag dit niet doen.",
    404: "Deze pagina bestaat niet (meer).",
    405: "Dit kan zo niet.",
    429: "U doet dit te vaak achter elkaar. Wacht even en probeer het dan opnieuw.",
    500: "Er ging iets mis bij ons. Probeer het later opnieuw.",
}


def _respond(code: int, message: str | None = None):
    text = message or _(MESSAGES.get(code, MESSAGES[500]))
    if request.path.startswith("/api/"):
        return jsonify({"error": text, "status": code}), code
    return render_template("error.html", code=code, message=text), code


def register_error_handlers(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, lambda e, code=code: _respond(code))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):  # noqa: ANN001
        return _respond(400, _("Het formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens."))
