"""Where an initiative goes and how it ends: its next stage, the stakeholder field and its outcome."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from initiatives.models import Initiative
from platform_core.policy import find, load, requires
from platform_core.validation import ValidationFailed, apply_errors

from . import bp
from .forms import OutcomeForm, SummaryForm
from .models import Trajectory, TrajectoryRequest
from .outcomes import add_stakeholder, report_outcome
from .placement import ask_to_join, decide_request, put_in_trajectory, take_out_of_trajectory
from .services import move_initiative_stage
from .view_helpers import first_error


@bp.post("/initiatieven/<int:initiative_id>/volgende-fase")
@requires("close_initiative", Initiative)
def next_initiative_stage(initiative_id: int):
    item = load(Initiative, initiative_id)
    if SummaryForm().validate_on_submit():
        try:
            stage = move_initiative_stage(current_user, item)
        except ValidationFailed as exc:
            first_error(exc)
        else:
            flash(_("Het initiatief is nu in de fase ‘%(s)s’.", s=stage.name), "success")
    return redirect(url_for("initiatives.detail", initiative_id=item.id))


@bp.post("/initiatieven/<int:initiative_id>/krachtenveld")
@requires("map_stakeholders", Initiative)
def add_stakeholder_view(initiative_id: int):
    item = load(Initiative, initiative_id)
    if SummaryForm().validate_on_submit():
        try:
            add_stakeholder(
                current_user,
                item,
                request.form.get("name", ""),
                request.form.get("kind", ""),
                request.form.get("involved") != "0",
                request.form.get("note", ""),
            )
        except ValidationFailed as exc:
            first_error(exc)
        else:
            flash(_("Toegevoegd aan het krachtenveld."), "success")
    return redirect(url_for("initiatives.detail", initiative_id=item.id) + "#krachtenveld")


@bp.route("/initiatieven/<int:initiative_id>/uitkomst", methods=["GET", "POST"])
@requires("close_initiative", Initiative)
def outcome(initiative_id: int):
    item = load(Initiative, initiative_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            report_outcome(current_user, item, form.kind.data, form.reason.data, form.decided_on.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(_("De uitkomst staat bij het initiatief. Iedereen die meedeed krijgt bericht."), "success")
            return redirect(url_for("initiatives.detail", initiative_id=item.id))
    return render_template("trajectories/outcome.html", item=item, form=form), 400 if form.errors else 200


@bp.post("/initiatieven/<int:initiative_id>/traject")
@requires("place_in_trajectory", Initiative)
def place_view(initiative_id: int):
    item = load(Initiative, initiative_id)
    if SummaryForm().validate_on_submit():
        try:
            if request.form.get("action") == "uit":
                take_out_of_trajectory(current_user, item)
                flash(
                    _("Het initiatief doet niet meer mee met het traject. De initiatiefnemer krijgt bericht."),
                    "success",
                )
            else:
                put_in_trajectory(current_user, item, find(Trajectory, request.form.get("trajectory_id")))
                flash(_("Het initiatief doet nu mee met het traject. De initiatiefnemer krijgt bericht."), "success")
        except ValidationFailed as exc:
            first_error(exc)
    return redirect(url_for("initiatives.detail", initiative_id=item.id) + "#traject")


@bp.post("/initiatieven/<int:initiative_id>/traject/aanvragen")
@requires("ask_for_trajectory", Initiative)
def ask_view(initiative_id: int):
    item = load(Initiative, initiative_id)
    if SummaryForm().validate_on_submit():
        try:
            ask_to_join(
                current_user, item, find(Trajectory, request.form.get("trajectory_id")), request.form.get("message", "")
            )
        except ValidationFailed as exc:
            first_error(exc)
        else:
            flash(_("Uw vraag is verstuurd. De gemeente beslist en u krijgt bericht."), "success")
    return redirect(url_for("initiatives.detail", initiative_id=item.id) + "#traject")


@bp.post("/trajectaanvragen/<int:request_id>")
@requires("speak_for_municipality")
def decide_view(request_id: int):
    asked = load(TrajectoryRequest, request_id)
    if SummaryForm().validate_on_submit():
        try:
            decide_request(current_user, asked, request.form.get("action") == "ja", request.form.get("reason", ""))
        except ValidationFailed as exc:
            first_error(exc)
        else:
            flash(_("Besloten. De initiatiefnemer krijgt bericht."), "success")
    return redirect(url_for(".detail", trajectory_id=asked.trajectory_id) + "#aanvragen")
