"""The administrator's pages: the municipality's name, logo, colours and contacts, the words for
the initiative types, themes and sub-themes, boundary import. Each uses the owning package's
service; only the composition root sees them all."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import click
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import func, select
from wtforms import SelectField, StringField

from initiatives.images import inspect
from initiatives.models import TYPE_EXPLANATIONS, TYPES, Theme
from initiatives.services import create_theme, move_theme, retire_theme, theme_slug, update_theme
from maps import boundaries as boundary_files
from maps.models import LEVEL_LABELS, BoundaryImport
from platform_core import settings
from platform_core.extensions import db
from platform_core.policy import ADMIN_ROLE, load, public, require, requires
from platform_core.storage import NAME, storage
from platform_core.validation import ValidationFailed, apply_errors

bp = Blueprint("admin", __name__, url_prefix="/beheer", cli_group="settings")


class SettingsForm(FlaskForm):
    site_name = StringField(
        _l("Naam van de site"), description=_l("Bijvoorbeeld ‘Schatkaart’ met de naam van de gemeente erachter.")
    )
    colour_primary = StringField(
        _l("Hoofdkleur (kopbalk)"), description=_l("Als #RRGGBB. Witte tekst erop moet goed leesbaar blijven.")
    )
    colour_link = StringField(
        _l("Kleur van links"), description=_l("Als #RRGGBB. Moet goed leesbaar zijn op de lichte achtergrond.")
    )
    logo = FileField(_l("Logo"), description=_l("PNG of JPG. Laat leeg om het huidige logo te houden."))
    privacy_controller = StringField(_l("Verwerkingsverantwoordelijke (naam van de gemeente)"))
    privacy_controller_address = StringField(_l("Postadres"))
    privacy_contact = StringField(_l("E-mailadres voor vragen over privacy en toegankelijkheid"))
    dpo_name = StringField(_l("Functionaris gegevensbescherming"))
    dpo_contact = StringField(_l("E-mailadres van de functionaris gegevensbescherming"))
    mail_sender = StringField(
        _l("Afzender van e-mail"), description=_l("Bijvoorbeeld ‘Schatkaart <noreply@gemeente.nl>’.")
    )
    response_norm_days = StringField(
        _l("Reactietermijn van de gemeente, in werkdagen"),
        description=_l(
            "Binnen zoveel werkdagen reageert de gemeente op een initiatief; de wachtrij en de raad meten ermee."
        ),
    )
    security_contact = StringField(
        _l("Contact voor beveiligingsmeldingen"),
        description=_l("Als mailto:security@gemeente.nl of een https-link; staat in /.well-known/security.txt."),
    )
    privacy_statement_version = StringField(
        _l("Versie van de privacyverklaring"),
        description=_l(
            "Verhoog de versie als de verklaring inhoudelijk verandert: iedereen wordt dan opnieuw om akkoord gevraagd."
        ),
    )


class ThemeForm(FlaskForm):
    name = StringField(_l("Naam van het thema"))
    parent_id = SelectField(_l("Hoort bij"), coerce=str, choices=[])


class BoundaryForm(FlaskForm):
    file = FileField(_l("GeoJSON-bestand"), description=_l("Een FeatureCollection met per vlak een code en een naam."))
    level = SelectField(_l("Niveau"), choices=[])


SETTING_FIELDS = [name for name in SettingsForm.__dict__ if name in settings.KEYS and name != "logo"]


@bp.route("/")
@requires("administer")
def index():
    return render_template("admin/index.html")


@bp.route("/instellingen", methods=["GET", "POST"])
@requires("administer")
def site_settings():
    form = SettingsForm(data={name: settings.get(name) for name in SETTING_FIELDS} if request.method == "GET" else None)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in SETTING_FIELDS}
        try:
            upload = form.logo.data
            if upload:
                cleaned = inspect(upload.read())
                name = f"{secrets.token_hex(16)}-logo.{cleaned.ext}"
                storage().put(name, cleaned.full)
                values["logo"] = name
            settings.save(current_user, values)
        except ValidationFailed as exc:
            apply_errors(form, {("logo" if k == "image" else k): v for k, v in exc.errors.items()})
        else:
            flash(_("De instellingen zijn opgeslagen."), "success")
            return redirect(url_for(".site_settings"))
    return render_template("admin/settings.html", form=form), 400 if form.errors else 200


@bp.route("/soorten", methods=["GET", "POST"])
@requires("administer")
def type_labels():
    keys = [f"{kind}.{code}.{lang}" for code in TYPES for kind in ("type", "type_explanation") for lang in ("nl", "en")]
    errors = {}
    if request.method == "POST":
        try:
            settings.save(current_user, {key: request.form.get(key, "") for key in keys})
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            flash(_("De soorten zijn opgeslagen."), "success")
            return redirect(url_for(".type_labels"))
    rows = [
        {
            "code": code,
            "default_label": TYPES.defaults[code],
            "default_explanation": TYPE_EXPLANATIONS.defaults[code],
            "values": {key: request.form.get(key, settings.label(key) or "") for key in keys if f".{code}." in key},
        }
        for code in TYPES
    ]
    return render_template("admin/types.html", rows=rows, errors=errors), 400 if errors else 200


@bp.route("/themas", methods=["GET", "POST"])
@requires("administer")
def themes():
    form = ThemeForm()
    top = list(db.session.scalars(select(Theme).where(Theme.parent_id.is_(None)).order_by(Theme.position, Theme.name)))
    form.parent_id.choices = [("", _("— een hoofdthema —")), *[(str(t.id), t.name) for t in top]]
    if form.validate_on_submit():
        name = (form.name.data or "").strip()
        if not 2 <= len(name) <= 80:
            form.name.errors = [_("Geef het thema een naam van 2 tot 80 tekens.")]
        elif db.session.scalar(select(Theme.id).where(func.lower(Theme.name) == name.lower())):
            form.name.errors = [_("Er is al een thema met deze naam.")]
        else:
            require(current_user, "administer")
            parent = db.session.get(Theme, int(form.parent_id.data)) if form.parent_id.data.isdigit() else None
            create_theme(name, theme_slug(name), parent, position=len(parent.children) if parent else len(top))
            flash(_("Het thema ‘%(n)s’ is toegevoegd.", n=name), "success")
            return redirect(url_for(".themes"))
    return render_template("admin/themes.html", form=form, top=top), 400 if form.errors else 200


@bp.post("/themas/<int:theme_id>")
@requires("administer")
def theme_change(theme_id: int):
    """Rename (and name in English), move up or down, retire or bring back one theme."""
    theme = load(Theme, theme_id)
    action = request.form.get("action")
    if FlaskForm().validate_on_submit():
        try:
            if action == "naam":
                update_theme(current_user, theme, request.form.get("name", ""), request.form.get("name_en", ""))
                flash(_("Het thema heet nu ‘%(n)s’.", n=theme.name), "success")
            elif action in ("omhoog", "omlaag"):
                move_theme(current_user, theme, -1 if action == "omhoog" else 1)
            elif action in ("buiten-gebruik", "weer-aan"):
                retire_theme(current_user, theme, action == "buiten-gebruik")
                done = (
                    _("‘%(n)s’ wordt niet meer aangeboden; initiatieven houden het.")
                    if action == "buiten-gebruik"
                    else _("‘%(n)s’ wordt weer aangeboden.")
                )
                flash(done % {"n": theme.name}, "success")
        except ValidationFailed as exc:
            flash(" ".join(exc.errors.values()), "error")
    return redirect(url_for(".themes") + f"#thema-{theme.id}")


@bp.route("/grenzen", methods=["GET", "POST"])
@requires("administer")
def boundaries():
    """Upload a boundary file: it is read and shown first (nothing changes), then applied."""
    form = BoundaryForm()
    form.level.choices = list(LEVEL_LABELS.items())
    if form.validate_on_submit():
        upload = form.file.data
        try:
            data = json.loads((upload.read() if upload else b"").decode("utf-8") or "null")
            if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
                raise ValidationFailed({"file": _("Dit is geen GeoJSON FeatureCollection.")})
            record = boundary_files.preview(data, form.level.data, getattr(upload, "filename", "") or "")
        except (ValueError, UnicodeDecodeError, RecursionError):
            form.file.errors = [_("Dit bestand kunnen we niet lezen als GeoJSON.")]
        except ValidationFailed as exc:
            form.file.errors = [str(v) for v in exc.errors.values()]
        else:
            return redirect(url_for(".boundary_preview", import_id=record.id))
    imports = boundary_files.recent()
    latest = next((item for item in imports if item.status == "applied"), None)
    return render_template(
        "admin/boundaries.html",
        form=form,
        imports=imports,
        latest=latest,
        undo_problem=boundary_files.undo_problem(latest) if latest else None,
        level_label=boundary_files.level_label,
    ), 400 if form.errors else 200


@bp.get("/grenzen/<int:import_id>")
@requires("administer")
def boundary_preview(import_id: int):
    record = load(BoundaryImport, import_id)
    if record.status != "preview":
        return redirect(url_for(".boundaries"))
    return render_template(
        "admin/boundary_preview.html", record=record, report=record.report, level_label=boundary_files.level_label
    )


@bp.post("/grenzen/<int:import_id>")
@requires("administer")
def boundary_decide(import_id: int):
    """Apply a previewed file, cancel it, or undo the latest applied import."""
    record = load(BoundaryImport, import_id)
    action = request.form.get("action")
    if not FlaskForm().validate_on_submit() or action not in ("toepassen", "annuleren", "ongedaan-maken"):
        abort(400)
    try:
        if action == "toepassen":
            report = boundary_files.apply(record)
            flash(_("De grenzen zijn ingelezen: %(c)s nieuw, %(u)s bijgewerkt.", c=report.created, u=report.updated),
                  "success")  # fmt: skip
        elif action == "annuleren":
            boundary_files.cancel(record)
            flash(_("Het bestand is niet ingelezen; er is niets veranderd."), "success")
        else:
            boundary_files.undo(record)
            flash(
                _("De import van %(file)s is ongedaan gemaakt.", file=record.file_name or _("het bestand")), "success"
            )
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "error")
    return redirect(url_for(".boundaries"))


@bp.route("/logo/<logo_name>")
@public
def logo(logo_name: str):
    name = logo_name
    if not NAME.match(name) or name != settings.get("logo"):
        abort(404)
    data = storage().get(name)
    if data is None:
        abort(404)
    response = make_response(data)
    response.headers["Content-Type"] = "image/png" if name.endswith(".png") else "image/jpeg"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.cli.command("load")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def load_settings(path: Path) -> None:
    """Load what Beheer sets from a file written by ``flask settings dump`` (or the settings alone:
    {"site_name": …}); the whole file is checked first, and applied all or nothing."""
    from platform_core.models import User
    from platform_core.transaction import unit_of_work

    from .settings_file import SettingsFileError, load

    admin = db.session.scalar(select(User).where(User.roles.any(role=ADMIN_ROLE)))
    if admin is None:
        raise click.ClickException("Er is nog geen beheerder: maak die eerst met flask users first-admin.")
    try:
        with unit_of_work():
            done = load(admin, path)
    except SettingsFileError as exc:
        raise click.ClickException("Niets ingelezen:\n  " + "\n  ".join(exc.problems)) from exc
    click.echo(f"{done['settings']} instellingen en {done['themes']} thema's ingelezen uit {path}.")


@bp.cli.command("dump")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def dump_settings(path: Path) -> None:
    """Write everything Beheer has set (settings, logo beside the file, themes) to a file that
    ``flask settings load`` reads back."""
    from .settings_file import dump

    document = dump(path)
    click.echo(f"{len(document['settings'])} instellingen en de thema's geschreven naar {path}.")
