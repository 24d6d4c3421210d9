"""The civil servants' panel on an initiative (answer, role, facilitation, framing, blockers),
solving a blocker, and the response queue."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from initiatives.models import Initiative
from participation.models import Comment
from platform_core import settings
from platform_core.extensions import db
from platform_core.policy import find, load, requires
from platform_core.validation import ValidationFailed, apply_errors
from trajectories.forms import FramingForm, SummaryForm
from trajectories.framing import add_framing
from trajectories.models import Stage
from trajectories.view_helpers import first_error

from . import bp
from .forms import BlockerForm, FacilitationForm, FeedbackForm, RoleForm
from .models import ROLE_SCALE, ROLES, Blocker
from .services import log_blocker, offer_facilitation, post_feedback, response_queue, set_municipal_role, solve_blocker


@bp.route("/initiatieven/<int:initiative_id>/gemeente", methods=["GET", "POST"])
@requires("answer_initiative", Initiative)
def panel(initiative_id: int):
    """Civil servants answer, set the municipality's role, offer facilitation and log blockers."""
    item = load(Initiative, initiative_id)
    stages = (
        db.session.scalars(select(Stage).where(Stage.trajectory_id == item.trajectory_id)).all()
        if item.trajectory_id
        else []
    )
    forms = {
        "feedback": FeedbackForm(prefix="fb"),
        "role": RoleForm(prefix="rol"),
        "facilitation": FacilitationForm(prefix="fac"),
        "blocker": BlockerForm(prefix="kn"),
        "framing": FramingForm(prefix="kader"),
    }
    forms["role"].stage_id.choices = [("", _("Het hele initiatief")), *[(str(s.id), s.name) for s in stages]]
    targets = [(f"initiative:{item.id}", _("Dit initiatief"))]
    if item.area_id:
        targets.append((f"area:{item.area_id}", _("De buurt %(n)s", n=item.area.name)))
    forms["framing"].target.choices = targets
    answers_id = request.values.get("vraag") or request.form.get("fb-answers")
    question = find(Comment, answers_id)
    action = request.form.get("action")
    if request.method == "POST" and action in forms and forms[action].validate_on_submit():
        form = forms[action]
        try:
            if action == "feedback":
                post_feedback(current_user, item, form.body.data, form.department.data, answers=question)
                flash(_("Uw reactie staat bij het initiatief. De initiatiefnemer krijgt bericht."), "success")
                return redirect(url_for("initiatives.detail", initiative_id=item.id) + "#gemeente")
            if action == "role":
                stage = find(Stage, form.stage_id.data)
                set_municipal_role(current_user, item, form.role.data, form.scale.data, stage)
            elif action == "facilitation":
                offer_facilitation(current_user, item, form.kind.data, form.description.data, form.amount.data)
            elif action == "blocker":
                log_blocker(current_user, item, form.description.data, form.department.data)
            elif action == "framing":
                target_type, target_id = form.target.data.split(":")
                add_framing(current_user, target_type, int(target_id), form.kind.data, form.body.data, form.amount.data)
            flash(_("Opgeslagen."), "success")
            return redirect(url_for(".panel", initiative_id=item.id))
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
    blockers = db.session.scalars(select(Blocker).filter_by(initiative_id=item.id).order_by(Blocker.id)).all()
    return render_template(
        "response/panel.html",
        item=item,
        forms=forms,
        question=question,
        blockers=blockers,
        roles=ROLES,
        scale=ROLE_SCALE,
    ), 400 if any(f.errors for f in forms.values()) else 200


@bp.post("/knelpunten/<int:blocker_id>/opgelost")
@requires("speak_for_municipality")
def solve(blocker_id: int):
    blocker = load(Blocker, blocker_id)
    if SummaryForm().validate_on_submit():
        try:
            solve_blocker(current_user, blocker, request.form.get("solution", ""))
        except ValidationFailed as exc:
            first_error(exc)
        else:
            flash(_("Het knelpunt staat op opgelost."), "success")
    return redirect(url_for(".panel", initiative_id=blocker.initiative_id))


@bp.route("/gemeente/wachtrij")
@requires("speak_for_municipality")
def queue():
    return render_template("response/queue.html", queue=response_queue(), norm=settings.response_norm_days())
