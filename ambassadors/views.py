"""Ambassadors and meetings: assisted entry, meetings and attendance, appointing ambassadors."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from initiatives.pages import initiative_editor
from maps.models import LEVEL_LABELS, Area
from platform_core.accounts.services import find_user
from platform_core.extensions import db
from platform_core.models import User
from platform_core.policy import can, find, load, requires
from platform_core.validation import PermissionDenied, ValidationFailed, apply_errors
from trajectories.models import Trajectory
from trajectories.view_helpers import areas

from . import bp
from .forms import (
    AmbassadorForm,
    AssistedForm,
    AttendanceForm,
    MeetingForm,
)
from .models import AmbassadorArea, Meeting
from .services import (
    ambassador_area_ids,
    assisted_entry,
    attendance_total,
    create_meeting,
    make_ambassador,
    register_attendance,
)

# --- ambassadors and meetings --------------------------------------------------------------------


@bp.route("/ambassadeur/namens", methods=["GET", "POST"])
@requires("act_as_ambassador")
def assisted():
    form = AssistedForm()

    def save(data):
        try:
            return assisted_entry(current_user, form.resident_name.data, form.consent_note.data, data)
        except PermissionDenied as exc:
            raise ValidationFailed({"location": _("Deze plek ligt buiten uw buurten als ambassadeur.")}) from exc

    return initiative_editor(form, None, save=save, template="ambassadors/assisted.html")


@bp.route("/bijeenkomsten/nieuw", methods=["GET", "POST"])
@requires("organise")
def new_meeting():
    form = MeetingForm()
    allowed = ambassador_area_ids(current_user)
    everywhere = can("speak_for_municipality")
    buurten = [a for a in areas() if a.level == "neighbourhood" and (everywhere or a.id in allowed)]
    form.area_id.choices = [(str(a.id), a.name) for a in buurten]
    open_trajectories = db.session.scalars(select(Trajectory).where(Trajectory.closed_at.is_(None))).all()
    form.trajectory_id.choices = [("", "—"), *[(str(t.id), t.title) for t in open_trajectories]]
    if form.validate_on_submit():
        try:
            meeting = create_meeting(
                current_user,
                form.title.data,
                form.starts_at.data,
                form.place.data,
                int(form.area_id.data) if form.area_id.data else None,
                find(Trajectory, form.trajectory_id.data),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(_("De bijeenkomst is aangemaakt. Registreer hier wie er waren."), "success")
            return redirect(url_for(".meeting", meeting_id=meeting.id))
    return render_template("ambassadors/meeting_new.html", form=form), 400 if form.errors else 200


@bp.route("/bijeenkomsten/<int:meeting_id>", methods=["GET", "POST"])
@requires("organise_in", Meeting)
def meeting(meeting_id: int):
    item = load(Meeting, meeting_id)
    form = AttendanceForm()
    if form.validate_on_submit():
        person = find_user(form.email.data) if form.email.data else None
        try:
            if form.email.data and person is None:
                raise ValidationFailed(
                    {"email": _("Er is geen account met dit e-mailadres. Vul dan alleen de naam in.")}
                )
            register_attendance(current_user, item, user=person, name=form.name.data, count=form.count.data or 1)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(_("Aanwezigheid geregistreerd."), "success")
            return redirect(url_for(".meeting", meeting_id=item.id))
    return render_template(
        "ambassadors/meeting.html",
        item=item,
        form=form,
        total=attendance_total(item),
    ), 400 if form.errors else 200


@bp.route("/beheer/ambassadeurs", methods=["GET", "POST"])
@requires("administer")
def ambassadors_admin():
    form = AmbassadorForm()
    form.area_ids.choices = [(a.id, f"{a.name} ({LEVEL_LABELS[a.level]})") for a in areas()]
    if form.validate_on_submit():
        user = find_user(form.email.data or "")
        if user is None:
            form.email.errors = [_("Er is geen account met dit e-mailadres.")]
        else:
            try:
                make_ambassador(current_user, user, form.area_ids.data)
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            else:
                flash(_("%(n)s is nu ambassadeur.", n=user.display_name), "success")
                return redirect(url_for(".ambassadors_admin"))

    rows = db.session.execute(
        select(User.display_name, Area.name)
        .join(AmbassadorArea, AmbassadorArea.user_id == User.id)
        .join(Area, Area.id == AmbassadorArea.area_id)
        .order_by(User.display_name, Area.name)
    ).all()
    return render_template("ambassadors/ambassadors_admin.html", form=form, rows=rows), 400 if form.errors else 200
