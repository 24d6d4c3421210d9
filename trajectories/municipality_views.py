"""The municipality on an initiative: the civil servants' panel, the response queue, blockers,
stages, the stakeholder field and outcomes."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from initiatives.models import Initiative
from participation.models import Comment
from platform_core.extensions import db
from platform_core.policy import find, load, requires
from platform_core.validation import ValidationFailed, apply_errors

from . import bp
from .forms import (
    BlockerForm,
    FacilitationForm,
    FeedbackForm,
    FramingForm,
    OutcomeForm,
    RoleForm,
    SummaryForm,
)
from .framing import add_framing
from .models import ROLE_SCALE, ROLES, Blocker, Stage
from .municipality import (
    log_blocker,
    offer_facilitation,
    post_feedback,
    response_queue,
    set_municipal_role,
    solve_blocker,
)
from .outcomes import add_stakeholder, report_outcome
from .services import move_initiative_stage
from .view_helpers import first_error

# --- the municipality on an initiative ---------------------------------------------------------------


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
        "trajectories/panel.html",
        item=item,
        forms=forms,
        question=question,
        blockers=blockers,
        roles=ROLES,
        scale=ROLE_SCALE,
    ), 400 if any(f.errors for f in forms.values()) else 200


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
    return render_template(
        "trajectories/queue.html", queue=response_queue(), norm=current_app.config["RESPONSE_NORM_DAYS"]
    )


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
