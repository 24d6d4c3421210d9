"""Friendly Dutch error pages (and JSON for the API) instead of stack traces, and the request's
one commit: a successful response commits, anything else rolls back."""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, PendingRollbackError, SQLAlchemyError

from .extensions import db, login_manager
from .transaction import commit, rollback
from .validation import PermissionDenied, ValidationFailed

log = logging.getLogger(__name__)

MESSAGES = {
    400: _l("Het verzoek klopt niet. Probeer het opnieuw."),
    403: _l("U mag dit niet doen."),
    404: _l("Deze pagina bestaat niet (meer)."),
    405: _l("Dit kan zo niet."),
    409: _l("Iemand anders veranderde dit net. Laad de pagina opnieuw en probeer het nog eens."),
    413: _l("Dit bestand is te groot om te versturen. Kies een kleiner bestand of neem contact op met de beheerder."),
    429: _l("U doet dit te vaak achter elkaar. Wacht even en probeer het dan opnieuw."),
    500: _l("Er ging iets mis bij ons. Probeer het later opnieuw."),
    503: _l("De website is even niet bereikbaar. Er is niets opgeslagen; probeer het over een paar minuten opnieuw."),
}


def _respond(code: int, message: str | None = None):
    text = message or str(MESSAGES.get(code, MESSAGES[500]))
    if request.path.startswith("/api/"):
        return make_response(jsonify({"error": text, "status": code}), code)
    return make_response(render_template("error.html", code=code, message=text), code)


def _database_unavailable(error: Exception):
    """The database is gone or busy: say so in Dutch, keep nothing half-written, and let the
    next request try again on a fresh connection (the pool drops broken ones)."""
    log.warning("database unavailable: %s", error)
    # A connection the server dropped mid-transaction cannot even roll back cleanly (the session
    # then says PendingRollbackError): whatever the rollback raises, the session is thrown away.
    with contextlib.suppress(SQLAlchemyError):
        rollback()
    with contextlib.suppress(SQLAlchemyError):
        db.session.remove()
    g._login_user = login_manager.anonymous_user()  # the page must not ask the database who is here
    response = _respond(503)
    response.headers["Retry-After"] = "30"
    return response


def register_error_handlers(app: Flask) -> None:
    for code in MESSAGES:
        if code not in (405, 429):
            app.register_error_handler(code, lambda e, code=code: _respond(code))

    @app.errorhandler(405)
    def not_allowed(error):
        response = _respond(405)
        allowed = getattr(error, "valid_methods", None)
        if allowed:  # RFC 9110 15.5.6: a 405 names the methods the address does take
            response.headers["Allow"] = ", ".join(sorted(allowed))
        return response

    @app.errorhandler(429)
    def too_many(error):
        """Every refusal by a limit is logged: operators see who hammers what."""
        log.warning(
            "rate limit %s exceeded: %s %s from %s",
            error.description,
            request.method,
            request.path,
            request.remote_addr,
        )
        rollback()
        return _respond(429)

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return _respond(400, _("Het formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens."))

    @app.errorhandler(PermissionDenied)
    def denied(error: PermissionDenied):
        rollback()
        return _respond(error.status)

    @app.errorhandler(ValidationFailed)
    def invalid(error: ValidationFailed):
        rollback()
        return _respond(400, " ".join(str(m) for m in error.errors.values()))

    @app.errorhandler(IntegrityError)
    def conflict(error: IntegrityError):
        log.warning("conflict: %s", error)
        rollback()
        return _respond(409)

    @app.errorhandler(OperationalError)
    def unavailable(error: OperationalError):
        return _database_unavailable(error)

    @app.errorhandler(PendingRollbackError)
    def broken_transaction(error: PendingRollbackError):
        return _database_unavailable(error)

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        if error.connection_invalidated:
            return _database_unavailable(error)
        log.exception("database error")
        rollback()
        return _respond(500)

    @app.after_request
    def commit_once(response):
        """The request's one commit; mail and other after-commit effects follow it."""
        if not db.session.registry.has():
            return response
        if response.status_code >= 400 or g.get("refused"):
            try:
                rollback()  # a refused change leaves nothing behind, even when the view redirects
            except SQLAlchemyError as error:  # the connection went away under the request
                return _database_unavailable(error)
            return response
        try:
            commit()
        except IntegrityError as error:
            return conflict(error)
        except DBAPIError as error:
            return _database_unavailable(error)
        return response
