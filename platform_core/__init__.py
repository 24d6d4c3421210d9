"""Schatkaart's core: the application factory.

The package is ``platform_core`` rather than ``platform``: a top-level
``platform`` package would shadow Python's standard ``platform`` module, which
SQLAlchemy and uuid import, whenever the project root is on ``sys.path``.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request

from .config import load_config
from .extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def select_locale() -> str:
    from flask import current_app, has_request_context, session

    if not has_request_context():
        return "nl"
    lang = request.args.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return session.get("lang") or "nl"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(load_config(Path(app.instance_path)))
    app.json.sort_keys = False  # GeoJSON for the map: key order is irrelevant, sorting costs time
    app.json.compact = True
    if test_config:
        app.config.update(test_config)

    from .spatial import engine_options, install_sqlite_hooks

    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    db.init_app(app)
    with app.app_context():
        install_sqlite_hooks(db.engine, app.config["SPATIALITE_LIBRARY"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Log in om verder te gaan."

    import council
    import credits
    import initiatives
    import maps
    import participation
    import trajectories
    from council import facts as _council_facts
    from credits import models as _credit_models  # noqa: F401
    from trajectories import models as _trajectory_models  # noqa: F401

    _council_facts.install()

    from . import models  # noqa: F401  (register tables)
    from .accounts import bp as accounts_bp
    from .cli import register_cli
    from .errors import register_error_handlers
    from .security import register_security

    register_security(app)
    register_error_handlers(app)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(maps.bp)
    app.register_blueprint(maps.api_bp)
    app.register_blueprint(initiatives.bp)
    app.register_blueprint(participation.bp)
    app.register_blueprint(trajectories.bp)
    app.register_blueprint(credits.bp)
    app.register_blueprint(council.bp)
    csrf.exempt(maps.api_bp)  # read-only JSON API: GET only
    register_cli(app)

    @login_manager.user_loader
    def load_user(user_id: str):
        from .models import User

        return db.session.get(User, int(user_id))

    from participation.text import render_plain

    app.jinja_env.filters["plain"] = render_plain

    @app.context_processor
    def inject_globals() -> dict:
        from .models import ROLES

        return {"ROLES": ROLES}

    return app
