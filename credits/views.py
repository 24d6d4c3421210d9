"""My credits, a trajectory's collective progress and opt-in standings, levels, rules."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.policy import load, public, requires
from platform_core.validation import ValidationFailed
from trajectories.models import Trajectory

from . import bp
from .models import KINDS, LEVELS, CreditEvent, StandingOptIn
from .services import balance, collective_progress, current_rules, events_for, set_rules, set_standing_opt_in, standings

STATE_LABELS = {
    "pending": "in afwachting",
    "granted": "toegekend",
    "reversed": "teruggedraaid",
    "reversal": "correctie",
}


@bp.route("/mijn/credits")
@requires("logged_in")
def mine():
    trajectory_ids = set(
        db.session.scalars(select(CreditEvent.trajectory_id).where(CreditEvent.user_id == current_user.id).distinct())
    )
    trajectories = db.session.scalars(select(Trajectory).where(Trajectory.id.in_(trajectory_ids))).all()
    opted = set(db.session.scalars(select(StandingOptIn.trajectory_id).where(StandingOptIn.user_id == current_user.id)))
    rows = [(t, balance(current_user.id, t.id), events_for(current_user.id, t.id)) for t in trajectories]
    return render_template(
        "credits/mine.html",
        rows=rows,
        opted=opted,
        states=STATE_LABELS,
        form=FlaskForm(),
        levels=LEVELS,
        reason_of=reason_of,
    )


def reason_of(event) -> str:
    """Why an event is in the ledger, in the reader's language: the kind's words (the ledger keeps
    the words of the moment it was written, in the language of whoever caused it), and for a
    reversal what was undone, with the reason given for it."""
    label = KINDS[event.kind][0] if event.kind in KINDS else event.reason
    if event.entry != "reversal":
        return str(label)
    undone = _("Teruggedraaid: %(what)s", what=str(label).rstrip("."))
    why = _reversal_reason(event.reason)
    return f"{undone} ({why})" if why else undone


#: why an award was undone, by the code the action gave (older rows keep the words they were written with)
REVERSAL_REASONS = {
    "left": _l("U deed niet meer mee"),
    "comment_deleted": _l("U verwijderde uw reactie"),
    "pluim_withdrawn": _l("De pluim werd ingetrokken"),
    "held": _l("Teruggezet ter beoordeling door de redactie"),
}


def _reversal_reason(reason: str) -> str:
    if reason in REVERSAL_REASONS:
        return str(REVERSAL_REASONS[reason])
    if reason.startswith("hidden:"):  # the moderator's words stay as they were written
        return _("Verborgen door de redactie: %(r)s", r=reason.removeprefix("hidden:"))
    return reason


@bp.post("/mijn/credits/<int:trajectory_id>/zichtbaar")
@requires("logged_in")
def opt_in(trajectory_id: int):
    trajectory = load(Trajectory, trajectory_id)
    if FlaskForm().validate_on_submit():
        visible = request.form.get("visible") == "1"
        set_standing_opt_in(current_user, trajectory.id, visible)
        flash(
            _("U staat nu in het overzicht van dit traject.") if visible else _("U staat niet meer in het overzicht."),
            "success",
        )
    return redirect(url_for(".mine"))


@bp.route("/trajecten/<int:trajectory_id>/credits")
@public
def trajectory(trajectory_id: int):
    t = load(Trajectory, trajectory_id)
    return render_template(
        "credits/trajectory.html",
        t=t,
        progress=collective_progress(t.id),
        standings=standings(t.id),
        rules=current_rules(t.id),
        kinds=KINDS,
    )


@bp.route("/credits/niveaus")
@public
def levels():
    return render_template("credits/levels.html", levels=LEVELS, kinds=KINDS)


@bp.route("/trajecten/<int:trajectory_id>/credits/regels", methods=["GET", "POST"])
@requires("administer")
def rules(trajectory_id: int):
    t = load(Trajectory, trajectory_id)
    form = FlaskForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():

        def number(name: str) -> int:
            try:
                return int(request.form.get(name, ""))
            except ValueError:
                return -1

        try:
            set_rules(
                current_user,
                t.id,
                {k: number(f"weight_{k}") for k in KINDS},
                {k: number(f"cap_{k}") for k in KINDS},
                number("pending_hours"),
            )
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            flash(_("De nieuwe regels gelden vanaf nu. Eerder verdiende credits houden hun oude regels."), "success")
            return redirect(url_for(".trajectory", trajectory_id=t.id))
    return render_template(
        "credits/rules.html",
        t=t,
        rules=current_rules(t.id),
        kinds=KINDS,
        form=form,
        errors=errors,
        values=request.form if errors else None,
    ), 400 if errors else 200
