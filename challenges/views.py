"""The right to challenge: the explanation and list, filing, one challenge with everything that
happens to it, the map layer, and the administrator's terms."""

from __future__ import annotations

import orjson
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from maps.services import areas_by_level
from platform_core import settings
from platform_core.extensions import db, limiter
from platform_core.pagecache import for_visitors
from platform_core.policy import can, load, public, requires
from platform_core.validation import ValidationFailed, apply_errors

from . import bp, terms
from .forms import AgreementForm, ChallengeForm, DecisionForm, MessageForm, TermsForm
from .models import CHALLENGERS, DECISIONS, STATES, VERDICTS, Challenge
from .services import (
    ChallengeInput,
    acknowledge,
    assess,
    convert_to_zelfbeheer,
    decide,
    file_challenge,
    post_message,
    support,
    supports,
)

PAGE = 20
bp.add_app_template_global(terms.criterion_label, "criterion_label")


def _visible():
    stmt = select(Challenge)
    if can("decide_challenge"):
        return stmt
    mine = Challenge.owner_id == current_user.id if current_user.is_authenticated else False
    return stmt.where(or_(Challenge.public.is_(True), mine))


@bp.route("/uitdaagrecht")
@public
@for_visitors
def index():
    page = request.args.get("pagina", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    rows = db.session.scalars(
        _visible().order_by(Challenge.created_at.desc(), Challenge.id.desc()).offset((page - 1) * PAGE).limit(PAGE + 1)
    ).all()
    return render_template(
        "challenges/index.html",
        challenges=rows[:PAGE],
        page=page,
        more=len(rows) > PAGE,
        terms=terms.current(),
        challengers=CHALLENGERS,
        states=STATES,
        decisions=DECISIONS,
    )


@bp.route("/uitdaagrecht/nieuw", methods=["GET", "POST"])
@requires("file_challenge", newcomers="accounts.register")
@limiter.limit("10/hour", methods=["POST"])
def new():
    form = ChallengeForm()
    form.area_code.choices = [("", _("— kies een buurt —"))] + [
        (a.code, a.name) for a in areas_by_level("neighbourhood", names_only=True)
    ]
    current = terms.current()
    form.challenger.choices = [(code, label) for code, label in CHALLENGERS.items() if code in current.who]
    if form.validate_on_submit():
        linked = (form.linked_initiative_id.data or "").strip().lstrip("#")
        try:
            challenge = file_challenge(
                current_user,
                ChallengeInput(
                    title=form.title.data,
                    task=form.task.data,
                    motivation=form.motivation.data,
                    needs=form.needs.data,
                    support=form.support.data,
                    budget_needed=form.budget_needed.data,
                    challenger=form.challenger.data or "",
                    organisation=form.organisation.data,
                    area_code=form.area_code.data or None,
                    linked_initiative_id=int(linked) if linked.isdigit() and len(linked) < 10 else None,
                ),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(
                _(
                    "Uw uitdaging is ingediend. De gemeente bevestigt de ontvangst uiterlijk %(a)s en besluit "
                    "uiterlijk %(d)s.",
                    a=challenge.ack_due_at.strftime("%d-%m-%Y"),
                    d=challenge.decide_due_at.strftime("%d-%m-%Y"),
                ),
                "success",
            )
            return redirect(url_for(".detail", challenge_id=challenge.id))
    return render_template("challenges/new.html", form=form, terms=current), 400 if form.errors else 200


ACTIONS = {"steun", "ontvangst", "bericht", "beoordeling", "besluit", "zelfbeheer"}


@bp.route("/uitdaagrecht/<int:challenge_id>", methods=["GET", "POST"])
@requires("view_challenge", Challenge)
@limiter.limit("60/hour", methods=["POST"])  # backing, questions and answers: not for bots to hammer
def detail(challenge_id: int):
    challenge = load(Challenge, challenge_id)
    forms = {
        "bericht": MessageForm(prefix="msg"),
        "besluit": DecisionForm(prefix="bs"),
        "zelfbeheer": AgreementForm(prefix="zb"),
    }
    assessment_errors: dict[str, str] = {}
    action = request.form.get("action")
    if request.method == "POST":
        form = forms.get(action)
        # CSRFProtect has checked every POST's token already; a form with fields validates those.
        if action in ACTIONS and (form is None or form.validate_on_submit()):
            try:
                message = _act(action, challenge, form)
            except ValidationFailed as exc:
                if form is not None:
                    apply_errors(form, exc.errors)
                else:
                    assessment_errors = exc.errors
            else:
                flash(message, "success")
                return redirect(url_for(".detail", challenge_id=challenge.id))
    failed = any(f.errors for f in forms.values()) or bool(assessment_errors)
    return render_template(
        "challenges/detail.html",
        c=challenge,
        forms=forms,
        assessment_errors=assessment_errors,
        supported=supports(current_user, challenge),
        challengers=CHALLENGERS,
        states=STATES,
        decisions=DECISIONS,
        verdicts=VERDICTS,
        form_values=request.form,
    ), 400 if failed else 200


def _act(action: str, challenge: Challenge, form) -> str:
    if action == "steun":  # the service checks who may (the button is shown only to them)
        added = support(current_user, challenge)
        return _("Bedankt voor uw steun.") if added else _("U steunde deze uitdaging al.")
    if action == "ontvangst":
        acknowledge(current_user, challenge)
        return _("De ontvangst is bevestigd. De indiener krijgt bericht.")
    if action == "bericht":
        post_message(current_user, challenge, form.body.data)
        return _("Uw bericht staat bij de uitdaging.")
    if action == "beoordeling":
        verdicts = {
            criterion: (request.form.get(f"verdict-{i}", ""), request.form.get(f"note-{i}", ""))
            for i, criterion in enumerate(challenge.criteria_list)
        }
        assess(current_user, challenge, verdicts)
        return _("De beoordeling is opgeslagen.")
    if action == "besluit":
        decide(current_user, challenge, form.decision.data or "", form.reason.data)
        return _("Het besluit is vastgelegd en openbaar. De indiener en wie steunden krijgen bericht.")
    initiative = convert_to_zelfbeheer(current_user, challenge, form.agreement.data)
    return _("Het zelfbeheerinitiatief ‘%(t)s’ staat op de kaart (nummer %(n)s).", t=initiative.title, n=initiative.id)


@bp.route("/uitdaagrecht.geojson")
@public
@for_visitors
def geojson():
    """Public challenges on the treasure map: where, what, and how far along."""
    rows = db.session.execute(
        select(Challenge.id, Challenge.title, Challenge.state, Challenge.decision, Challenge.lon, Challenge.lat)
        .where(Challenge.public.is_(True), Challenge.lon.is_not(None))
        .order_by(Challenge.id.desc())
        .limit(2000)
    ).all()
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": {
                "id": cid,
                "title": title,
                "state": str(DECISIONS[decision]) if decision else str(STATES[state]),
                "url": url_for(".detail", challenge_id=cid),
            },
        }
        for cid, title, state, decision, lon, lat in rows
    ]
    body = orjson.dumps({"type": "FeatureCollection", "features": features})
    return Response(body, mimetype="application/geo+json")


@bp.route("/beheer/uitdaagrecht", methods=["GET", "POST"])
@requires("administer")
def admin_terms():
    names = [
        "challenge_who",
        "challenge_criteria",
        "challenge_criteria_en",
        "challenge_ack_days",
        "challenge_decision_days",
        "challenge_public",
    ]
    stored = {name: settings.get(name) for name in names}
    stored["challenge_who"] = [code for code in stored["challenge_who"].split(",") if code]
    form = TermsForm(data=stored if request.method == "GET" else None)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in names}
        values["challenge_who"] = ",".join(values["challenge_who"] or [])
        try:
            settings.save(current_user, values)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(_("De voorwaarden voor het uitdaagrecht zijn opgeslagen."), "success")
            return redirect(url_for(".admin_terms"))
    return render_template("challenges/terms.html", form=form), 400 if form.errors else 200
