"""The composition root: ``create_app`` wires the packages together.

The packages form layers (platform_core < maps < initiatives < participation < trajectories <
credits < council, checked by import-linter); only this package sees them all. It registers
their blueprints (each brings its own CLI group), connects the receivers of the upper packages
to the signals of the lower ones in one declared order (``wiring.py``; importing a package
connects nothing), and lets each package declare its permission rules into the one policy.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

import ambassadors
import challenges
import council
import council.shared
import credits
import initiatives
import maps
import participation
import privacy
import reports
import response
import trajectories
from initiatives.search import highlight
from participation.text import render_plain
from platform_core import policy, settings
from platform_core.accounts import bp as accounts_bp
from platform_core.accounts.sessions import register_sessions
from platform_core.caching import register_caching
from platform_core.config import load_config
from platform_core.errors import register_error_handlers
from platform_core.extensions import babel, csrf, db, limiter, login_manager, migrate
from platform_core.glossary import explain
from platform_core.i18n import register_i18n, select_locale
from platform_core.jobs_cli import register_jobs_cli
from platform_core.metrics import register_metrics
from platform_core.models import ROLES
from platform_core.pagecache import kept, register_page_cache
from platform_core.security import CleanRequest, register_security
from platform_core.spatial import engine_options, install_sqlite_hooks, register_write_transactions

from . import admin, people, tasks, wiring  # noqa: F401 (people, tasks: their pages on the admin blueprint)

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        "schatkaart",
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(load_config(Path(app.instance_path)))
    app.request_class = CleanRequest
    app.json.sort_keys = False  # GeoJSON for the map: key order is irrelevant, sorting costs time
    app.json.compact = True
    if test_config:
        app.config.update(test_config)

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "translations"))
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

    wiring.wire()  # every permission rule, receiver, page contributor and before-commit hook

    register_metrics(app)  # first: the request id and the clock start before anything else
    register_security(app)
    register_caching(app)
    register_i18n(app)
    register_sessions(app)
    register_write_transactions(app)
    register_error_handlers(app)
    for blueprint in (
        accounts_bp,
        maps.bp,
        initiatives.map_bp,
        initiatives.api_bp,
        initiatives.bp,
        participation.bp,
        trajectories.bp,
        response.bp,
        ambassadors.bp,
        reports.bp,
        challenges.bp,
        credits.bp,
        council.bp,
        privacy.bp,
        privacy.archive_cli,
        admin.bp,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(initiatives.api_bp)  # read-only JSON API: GET only
    policy.check_declared(app.view_functions)
    app.cli.add_command(demo_group)
    register_jobs_cli(app)
    register_page_cache(app)  # public pages for visitors without an account, from memory
    council.cube.init_app(app, read=council.shared.read)  # the council's figures from a snapshot in memory

    app.jinja_env.filters["plain"] = render_plain
    app.jinja_env.filters["highlight"] = highlight
    app.jinja_env.globals["can"] = policy.can
    app.jinja_env.globals["page_sections"] = lambda hook, place: wiring.PAGE_HOOKS[hook].sections(place)
    app.jinja_env.globals["explain"] = explain
    app.jinja_env.globals["site_setting"] = settings.get
    app.jinja_env.globals["design_tokens"] = settings.tokens
    app.jinja_env.globals["kept"] = kept

    @app.context_processor
    def inject_globals() -> dict:
        return {"ROLES": ROLES}

    return app


@click.group("demo", help="Demo data.")
def demo_group() -> None:
    pass


@demo_group.command("seed")
@click.option("--count", default=300, show_default=True)
@with_appcontext
def demo_seed(count: int) -> None:
    """Load the demo municipality, themes, one account per role and initiatives."""
    from .demo import NotADemo, seed

    try:
        for line in seed(count):
            click.echo(line)
    except NotADemo as exc:
        raise click.ClickException(str(exc)) from exc
