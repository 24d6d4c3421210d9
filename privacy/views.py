"""Pages for residents' rights: the privacy statement and register, consent, own data, deleting
an account; erasing names of residents without an account; the public record's head."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, update

from ambassadors.models import Attendance, Meeting
from initiatives.models import Initiative
from platform_core import jobs, settings
from platform_core.accounts import twofactor
from platform_core.accounts.sessions import end_session
from platform_core.csvfile import csv_response
from platform_core.extensions import db, limiter
from platform_core.models import record_consent, utcnow
from platform_core.pagecache import for_visitors
from platform_core.policy import load, public, requires
from platform_core.urls import safe_next

from . import archive, bp
from .declarations import ACTIVITIES, BASIS, register_rows
from .erasure import erase_account, erase_assisted, erase_attendance_name
from .export import SECTIONS, site_slug
from .forms import ConsentForm, DeleteForm, DownloadForm, IdentityForm
from .models import ArchiveEntry, DataExport

# Pages someone who has not (yet) agreed to the current statement may still use.
_CONSENT_FREE = {
    "static",
    "privacy.statement",
    "privacy.consent",
    "privacy.register_csv",
    "privacy.register_json",
    "accounts.logout",
    "accounts.second_factor",
    "accounts.enrol",
    "security_txt",
}


@bp.before_app_request
def ask_consent_again():
    """The privacy statement changed since this person agreed: ask before anything else."""
    if request.endpoint in _CONSENT_FREE or request.endpoint is None or request.blueprint == "api":
        return None
    if not current_user.is_authenticated or current_user.consent_version == settings.privacy_version():
        return None
    return redirect(url_for("privacy.consent", next=request.full_path if request.method == "GET" else None))


@bp.route("/privacy")
@public
@for_visitors
def statement():
    return render_template("privacy/statement.html", activities=ACTIVITIES, basis=BASIS, cfg=current_app.config)


@bp.route("/privacy/verwerkingsregister.csv")
@public
def register_csv():
    rows = register_rows()
    header = list(rows[0])
    return csv_response("verwerkingsregister.csv", header, [[row[k] for k in header] for row in rows])


@bp.route("/privacy/verwerkingsregister.json")
@public
def register_json():
    return jsonify({"controller": settings.get("privacy_controller"), "activities": register_rows()})


@bp.route("/privacy/toestemming", methods=["GET", "POST"])
@requires("logged_in")
def consent():
    form = ConsentForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        record_consent(current_user._get_current_object())
        flash(_("Dank u. U kunt verder."), "success")
        return redirect(safe_next(form.next.data, url_for("maps.treasure_map")))
    status = 400 if request.method == "POST" else 200
    return render_template("privacy/consent.html", form=form, cfg=current_app.config), status


def _identity_ok(form: IdentityForm) -> bool:
    user = current_user._get_current_object()
    ok = True
    if not user.check_password(form.password.data or ""):
        form.password.errors = [_("Dit is niet uw wachtwoord.")]
        ok = False
    if user.has_second_factor and not twofactor.verify(user, form.code.data or ""):
        form.code.errors = [_("Deze code klopt niet. Gebruik de 6 cijfers uit uw app of een herstelcode.")]
        ok = False
    return ok


def _export_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN_ACCOUNT"]


@bp.route("/account/gegevens", methods=["GET", "POST"])
@requires("logged_in")
@limiter.limit(_export_limit, methods=["POST"], key_func=lambda: f"identity:{current_user.get_id()}")
def my_data():
    """Ask for one's own data: after the password (and code), two single-use links are made and a
    job gathers the data (``privacy.export.prepare``); this page then says it is being prepared,
    or offers what is ready. The links' tokens stay in the person's session only."""
    form = IdentityForm()
    if form.validate_on_submit() and _identity_ok(form):
        tokens, rows = {}, []
        for fmt in ("html", "json"):
            token = secrets.token_urlsafe(32)
            row = DataExport(user_id=current_user.id, token_hash=hashlib.sha256(token.encode()).hexdigest(), fmt=fmt)
            db.session.add(row)
            rows.append(row)
            tokens[fmt] = token
        db.session.flush()
        jobs.later("privacy.export", ids=[row.id for row in rows], user_id=current_user.id)
        session["data_export"] = tokens
        return redirect(url_for("privacy.my_data"))
    status = 400 if request.method == "POST" else 200
    links, waiting = _prepared()
    minutes = current_app.config["DATA_EXPORT_MINUTES"]
    return render_template(
        "privacy/my_data.html", form=form, links=links, waiting=waiting, minutes=minutes, download_form=DownloadForm()
    ), status


def _prepared() -> tuple[dict[str, str], bool]:
    """The links of this session's request that are ready and still usable, and whether some
    are still being prepared; a request whose links are all used or expired is forgotten."""
    tokens = session.get("data_export") or {}
    if not isinstance(tokens, dict) or not tokens:
        return {}, False
    fresh = utcnow() - timedelta(minutes=current_app.config["DATA_EXPORT_MINUTES"])
    rows = {
        row.token_hash: row
        for row in db.session.scalars(
            select(DataExport).where(
                DataExport.user_id == current_user.id,
                DataExport.token_hash.in_([hashlib.sha256(str(t).encode()).hexdigest() for t in tokens.values()]),
                DataExport.used_at.is_(None),
                DataExport.created_at > fresh,
            )
        )
    }
    links, waiting = {}, False
    for fmt, token in tokens.items():
        row = rows.get(hashlib.sha256(str(token).encode()).hexdigest())
        if row is None:
            continue
        if row.ready_at is None:
            waiting = True
        else:
            links[fmt] = token
    if not links and not waiting:
        session.pop("data_export", None)
    return links, waiting


@bp.post("/account/gegevens/ophalen")
@requires("logged_in")
def download():
    form = DownloadForm()
    token = form.token.data or ""
    minutes = current_app.config["DATA_EXPORT_MINUTES"]
    now = utcnow()
    digest = hashlib.sha256(token.encode()).hexdigest()
    fmt, body = db.session.execute(
        select(DataExport.fmt, DataExport.body).where(
            DataExport.token_hash == digest, DataExport.user_id == current_user.id
        )
    ).one_or_none() or (None, None)
    used = db.session.execute(
        update(DataExport)
        .where(
            DataExport.token_hash == digest,
            DataExport.user_id == current_user.id,
            DataExport.used_at.is_(None),
            DataExport.ready_at.is_not(None),
            DataExport.created_at > now - timedelta(minutes=minutes),
        )
        .values(used_at=now, body=None)  # used once: the gathered data goes with it
    ).rowcount
    if not form.validate_on_submit() or used != 1 or body is None:
        return render_template("privacy/link_used.html"), 410
    if fmt == "json":
        response = Response(body, mimetype="application/json")
        response.headers["Content-Disposition"] = f'attachment; filename="mijn-gegevens-{site_slug("export")}.json"'
    else:
        data = json.loads(body)
        made = datetime.fromisoformat(data.pop("gemaakt"))
        data.pop("platform", None)
        response = Response(render_template("privacy/my_data_page.html", data=data, sections=SECTIONS, now=made))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/verwijderen", methods=["GET", "POST"])
@requires("logged_in")
@limiter.limit(_export_limit, methods=["POST"], key_func=lambda: f"identity:{current_user.get_id()}")
def delete_account():
    form = DeleteForm()
    if form.validate_on_submit() and _identity_ok(form):
        user = current_user._get_current_object()
        erase_account(user, user, keep_contributions=form.keep.data == "keep")
        end_session()
        flash(_("Uw account is verwijderd. Bedankt voor wat u heeft bijgedragen."), "success")
        return redirect(url_for("maps.treasure_map"))
    status = 400 if request.method == "POST" else 200
    return render_template("privacy/delete.html", form=form), status


@bp.post("/initiatieven/<int:initiative_id>/naam-wissen")
@requires("steer_initiative", Initiative)
def erase_assisted_view(initiative_id: int):
    item = load(Initiative, initiative_id)
    erase_assisted(current_user, item)  # PermissionDenied → 403 from the app's handler
    flash(_("De naam van de bewoner is gewist, ook uit het archief."), "success")
    return redirect(url_for("initiatives.detail", initiative_id=item.id))


@bp.post("/bijeenkomsten/<int:meeting_id>/aanwezigheid/<int:attendance_id>/naam-wissen")
@requires("organise_in", Meeting)
def erase_attendance_view(meeting_id: int, attendance_id: int):
    item = load(Attendance, attendance_id)
    if item.meeting_id != meeting_id:
        abort(404)
    erase_attendance_name(current_user, item)
    flash(_("De naam is gewist."), "success")
    return redirect(url_for("ambassadors.meeting", meeting_id=item.meeting_id))


@bp.route("/archief")
@public
@for_visitors
def record():
    seq, head_hash = archive.head()
    latest = list(db.session.scalars(select(ArchiveEntry).order_by(ArchiveEntry.seq.desc()).limit(20)))
    return render_template(
        "privacy/record.html",
        seq=seq,
        head_hash=head_hash,
        latest=latest,
        kind_label=archive.kind_label,
        subject_label=archive.subject_label,
    )
