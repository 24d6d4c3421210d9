"""Trajectory pages, the civil servants' panel and queue, ambassadors and meetings."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from initiatives.models import Initiative
from initiatives.search import Filters, apply_filters
from maps.builders import add_outlines, base_map, bounds_of, render_parts
from maps.models import Area
from maps.services import current_municipality
from participation.models import Comment
from platform_core.accounts.services import find_user
from platform_core.extensions import db
from platform_core.policy import can, find, load, public, requires
from platform_core.validation import PermissionDenied, ValidationFailed, apply_errors

from . import bp
from .ambassadors import (
    ambassador_area_ids,
    assisted_entry,
    attendance_total,
    create_meeting,
    make_ambassador,
    register_attendance,
)
from .forms import (
    AmbassadorForm,
    AssistedForm,
    AttendanceForm,
    BlockerForm,
    FacilitationForm,
    FeedbackForm,
    FramingForm,
    MeetingForm,
    OutcomeForm,
    RoleForm,
    SummaryForm,
    TrajectoryForm,
)
from .framing import add_framing, framing_for
from .models import FRAMING_KINDS, OUTCOMES, ROLE_SCALE, ROLES, Blocker, Meeting, Stage, Trajectory
from .municipality import (
    log_blocker,
    offer_facilitation,
    post_feedback,
    response_queue,
    set_municipal_role,
    solve_blocker,
)
from .outcomes import add_stakeholder, report_outcome
from .services import advance_stage, close_trajectory, create_trajectory, move_initiative_stage


def _get(model, id_: int):  # noqa: ANN001
    return load(model, id_)


def _areas() -> list[Area]:
    return list(
        db.session.scalars(select(Area).where(Area.level.in_(("wijk", "buurt"))).order_by(Area.level, Area.name))
    )


def _first_error(exc: ValidationFailed) -> None:
    for message in exc.errors.values():
        flash(message, "error")


# --- trajectories ------------------------------------------------------------------------------


@bp.route("/trajecten")
@public
def index():
    items = db.session.scalars(
        select(Trajectory).order_by(Trajectory.closed_at.is_not(None), Trajectory.starts_on.desc())
    ).all()
    return render_template("trajectories/list.html", items=items)


@bp.route("/trajecten/nieuw", methods=["GET", "POST"])
@requires("administer")
def create():
    form = TrajectoryForm()
    form.area_ids.choices = [(a.id, f"{a.name} ({a.level})") for a in _areas()]
    if form.validate_on_submit():
        try:
            t = create_trajectory(
                current_user,
                form.title.data,
                form.question.data,
                form.department.data,
                form.starts_on.data,
                form.ends_on.data,
                form.area_ids.data,
                (form.stages.data or "").splitlines(),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(_("Het traject is aangemaakt."), "success")
            return redirect(url_for(".detail", trajectory_id=t.id))
    return render_template("trajectories/edit.html", form=form), 400 if form.errors or form.form_errors else 200


@bp.route("/trajecten/<int:trajectory_id>")
@public
def detail(trajectory_id: int):
    t = _get(Trajectory, trajectory_id)
    items = db.session.scalars(
        apply_filters(select(Initiative), Filters()).where(Initiative.trajectory_id == t.id).order_by(Initiative.title)
    ).all()
    from .models import Outcome

    outcomes = {
        o.initiative_id: o
        for o in db.session.scalars(select(Outcome).where(Outcome.initiative_id.in_([i.id for i in items])))
    }
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.trajectory_id == t.id).order_by(Meeting.starts_at)
    ).all()
    municipality = current_municipality()
    boxes = [bounds_of(a.display_geojson) for a in t.areas] or [bounds_of(municipality.area.display_geojson)]
    bounds = [
        [min(b[0][0] for b in boxes), min(b[0][1] for b in boxes)],
        [max(b[1][0] for b in boxes), max(b[1][1] for b in boxes)],
    ]
    m = base_map(((bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2), 12, bounds)
    add_outlines(m, t.areas or [a for a in _areas() if a.level == "buurt"], name="Gebied")
    import folium
    from markupsafe import escape

    for item in items:
        folium.Marker((item.lat, item.lon), tooltip=escape(item.title)).add_to(m)
    _framing_layer(m, t)
    framing = framing_for("trajectory", t.id)
    if t.current_stage_id:
        framing += framing_for("stage", t.current_stage_id)
    return render_template(
        "trajectories/detail.html",
        t=t,
        items=items,
        outcomes=outcomes,
        meetings=meetings,
        parts=render_parts(m),
        framing=framing,
        framing_labels=FRAMING_KINDS,
        outcome_labels=OUTCOMES,
        attendance_total=attendance_total,
        summary_form=SummaryForm(),
        is_admin=can("administer"),
        framing_form=_framing_form(t),
    )


def _framing_layer(m, t: Trajectory) -> None:  # noqa: ANN001
    """Framing attached to areas, drawn on the map with its text (escaped) as tooltip."""
    import json

    import folium
    from markupsafe import escape

    from .models import Framing

    area_ids = [a.id for a in t.areas] or [a.id for a in _areas()]
    rows = db.session.scalars(
        select(Framing).where(
            Framing.target_type == "area", Framing.target_id.in_(area_ids), Framing.is_current.is_(True)
        )
    ).all()
    features = []
    for f in rows:
        area = db.session.get(Area, f.target_id)
        text = f"{FRAMING_KINDS[f.kind]}: {f.body}"
        features.append(
            {
                "type": "Feature",
                "properties": {"kader": str(escape(text))},
                "geometry": json.loads(area.display_geojson),
            }
        )
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name="Kaders",
            style_function=lambda _f: {"color": "#b34700", "weight": 3, "dashArray": "6 4", "fillOpacity": 0.08},
            tooltip=folium.GeoJsonTooltip(fields=["kader"], labels=False),
        ).add_to(m)


@bp.post("/trajecten/<int:trajectory_id>/kaders")
@requires("speak_for_municipality")
def add_trajectory_framing(trajectory_id: int):
    """Civil servants frame the trajectory, its current stage or one of its areas."""
    t = _get(Trajectory, trajectory_id)
    form = FramingForm()
    form.target.choices = _framing_targets(t)
    if form.validate_on_submit():
        target_type, target_id = form.target.data.split(":")
        try:
            add_framing(current_user, target_type, int(target_id), form.kind.data, form.body.data, form.amount.data)
        except ValidationFailed as exc:
            _first_error(exc)
        else:
            flash(_("Het kader staat bij het traject."), "success")
    else:
        flash(_("Vul het kader volledig in."), "error")
    return redirect(url_for(".detail", trajectory_id=t.id))


def _framing_form(t: Trajectory) -> FramingForm | None:
    if not can("speak_for_municipality"):
        return None
    form = FramingForm()
    form.target.choices = _framing_targets(t)
    return form


def _framing_targets(t: Trajectory) -> list[tuple[str, str]]:
    targets = [(f"trajectory:{t.id}", _("Het hele traject"))]
    if t.current_stage:
        targets.append((f"stage:{t.current_stage.id}", _("De fase ‘%(s)s’", s=t.current_stage.name)))
    targets += [(f"area:{a.id}", a.name) for a in t.areas]
    return targets


@bp.post("/trajecten/<int:trajectory_id>/volgende-fase")
@requires("administer")
def next_stage(trajectory_id: int):
    t = _get(Trajectory, trajectory_id)
    if SummaryForm().validate_on_submit():
        try:
            stage = advance_stage(current_user, t)
        except ValidationFailed as exc:
            _first_error(exc)
        else:
            flash(_("Het traject is nu in de fase ‘%(s)s’.", s=stage.name), "success")
    return redirect(url_for(".detail", trajectory_id=t.id))


@bp.post("/trajecten/<int:trajectory_id>/afsluiten")
@requires("administer")
def close(trajectory_id: int):
    t = _get(Trajectory, trajectory_id)
    form = SummaryForm()
    if form.validate_on_submit():
        try:
            close_trajectory(current_user, t, form.summary.data)
        except ValidationFailed as exc:
            _first_error(exc)
        else:
            flash(_("Het traject is afgesloten. Iedereen die meedeed krijgt bericht."), "success")
    return redirect(url_for(".detail", trajectory_id=t.id))


# --- the municipality on an initiative ---------------------------------------------------------------


@bp.route("/initiatieven/<int:initiative_id>/gemeente", methods=["GET", "POST"])
@requires("speak_for_municipality", Initiative)
def panel(initiative_id: int):
    """Civil servants answer, set the municipality's role, offer facilitation and log blockers."""
    item = _get(Initiative, initiative_id)
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
    item = _get(Initiative, initiative_id)
    if SummaryForm().validate_on_submit():
        try:
            stage = move_initiative_stage(current_user, item)
        except ValidationFailed as exc:
            _first_error(exc)
        else:
            flash(_("Het initiatief is nu in de fase ‘%(s)s’.", s=stage.name), "success")
    return redirect(url_for("initiatives.detail", initiative_id=item.id))


@bp.post("/knelpunten/<int:blocker_id>/opgelost")
@requires("speak_for_municipality")
def solve(blocker_id: int):
    blocker = _get(Blocker, blocker_id)
    if SummaryForm().validate_on_submit():
        try:
            solve_blocker(current_user, blocker, request.form.get("solution", ""))
        except ValidationFailed as exc:
            _first_error(exc)
        else:
            flash(_("Het knelpunt staat op opgelost."), "success")
    return redirect(url_for(".panel", initiative_id=blocker.initiative_id))


@bp.route("/gemeente/wachtrij")
@requires("speak_for_municipality")
def queue():
    from flask import current_app

    return render_template(
        "trajectories/queue.html", queue=response_queue(), norm=current_app.config["RESPONSE_NORM_DAYS"]
    )


@bp.post("/initiatieven/<int:initiative_id>/krachtenveld")
@requires("map_stakeholders", Initiative)
def add_stakeholder_view(initiative_id: int):
    item = _get(Initiative, initiative_id)
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
            _first_error(exc)
        else:
            flash(_("Toegevoegd aan het krachtenveld."), "success")
    return redirect(url_for("initiatives.detail", initiative_id=item.id) + "#krachtenveld")


@bp.route("/initiatieven/<int:initiative_id>/uitkomst", methods=["GET", "POST"])
@requires("close_initiative", Initiative)
def outcome(initiative_id: int):
    item = _get(Initiative, initiative_id)
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


# --- ambassadors and meetings --------------------------------------------------------------------


@bp.route("/ambassadeur/namens", methods=["GET", "POST"])
@requires("act_as_ambassador")
def assisted():
    from initiatives.views import _editor

    form = AssistedForm()

    def save(data):  # noqa: ANN001, ANN202
        try:
            return assisted_entry(current_user, form.resident_name.data, form.consent_note.data, data)
        except PermissionDenied as exc:
            raise ValidationFailed({"location": _("Deze plek ligt buiten uw buurten als ambassadeur.")}) from exc

    return _editor(form, None, save=save, template="trajectories/assisted.html")


@bp.route("/bijeenkomsten/nieuw", methods=["GET", "POST"])
@requires("organise")
def new_meeting():
    form = MeetingForm()
    allowed = ambassador_area_ids(current_user)
    areas = [a for a in _areas() if a.level == "buurt" and (current_user.has_role("civil_servant") or a.id in allowed)]
    form.area_id.choices = [(str(a.id), a.name) for a in areas]
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
    return render_template("trajectories/meeting_new.html", form=form), 400 if form.errors else 200


@bp.route("/bijeenkomsten/<int:meeting_id>", methods=["GET", "POST"])
@requires("organise_in", Meeting)
def meeting(meeting_id: int):
    item = _get(Meeting, meeting_id)
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
        "trajectories/meeting.html",
        item=item,
        form=form,
        total=attendance_total(item),
    ), 400 if form.errors else 200


@bp.route("/beheer/ambassadeurs", methods=["GET", "POST"])
@requires("administer")
def ambassadors_admin():
    form = AmbassadorForm()
    form.area_ids.choices = [(a.id, f"{a.name} ({a.level})") for a in _areas()]
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
    from platform_core.models import User

    from .models import AmbassadorArea

    rows = db.session.execute(
        select(User.display_name, Area.name)
        .join(AmbassadorArea, AmbassadorArea.user_id == User.id)
        .join(Area, Area.id == AmbassadorArea.area_id)
        .order_by(User.display_name, Area.name)
    ).all()
    return render_template("trajectories/ambassadors_admin.html", form=form, rows=rows), 400 if form.errors else 200
