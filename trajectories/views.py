"""Trajectory pages: the list, one trajectory with its framing and map, creating, advancing, closing."""

from __future__ import annotations

import json

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from initiatives.models import Initiative
from initiatives.search import Filters, apply_filters
from maps.builders import MapSpec, base_map, bounds_of, centre_of, render_parts
from maps.models import LEVEL_LABELS, Area
from maps.services import current_municipality
from platform_core.extensions import db
from platform_core.pagecache import for_visitors
from platform_core.policy import can, load, public, requires
from platform_core.validation import ValidationFailed, apply_errors

from . import bp
from .forms import (
    FramingForm,
    SummaryForm,
    TrajectoryForm,
)
from .framing import add_framing, framing_for
from .models import FRAMING_KINDS, OUTCOMES, Framing, Outcome, Trajectory
from .placement import requests_waiting
from .services import advance_stage, close_trajectory, create_trajectory
from .signals import trajectory_page
from .view_helpers import areas, first_error

# --- trajectories ------------------------------------------------------------------------------


@bp.route("/trajecten")
@public
@for_visitors
def index():
    items = db.session.scalars(
        select(Trajectory).order_by(Trajectory.closed_at.is_not(None), Trajectory.starts_on.desc())
    ).all()
    return render_template("trajectories/list.html", items=items)


@bp.route("/trajecten/nieuw", methods=["GET", "POST"])
@requires("administer")
def create():
    form = TrajectoryForm()
    form.area_ids.choices = [(a.id, f"{a.name} ({LEVEL_LABELS[a.level]})") for a in areas()]
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
@for_visitors
def detail(trajectory_id: int):
    t = load(Trajectory, trajectory_id)
    items = db.session.scalars(
        apply_filters(select(Initiative), Filters()).where(Initiative.trajectory_id == t.id).order_by(Initiative.title)
    ).all()

    outcomes = {
        o.initiative_id: o
        for o in db.session.scalars(select(Outcome).where(Outcome.initiative_id.in_([i.id for i in items])))
    }
    municipality = current_municipality()
    boxes = [bounds_of(a.display_geojson) for a in t.areas] or [bounds_of(municipality.area.display_geojson)]
    bounds = [
        [min(b[0][0] for b in boxes), min(b[0][1] for b in boxes)],
        [max(b[1][0] for b in boxes), max(b[1][1] for b in boxes)],
    ]
    m = base_map("kaart-traject", centre_of(bounds), 12, bounds)
    m.outlines(t.areas or [a for a in areas() if a.level == "neighbourhood"], name="Gebied")
    for item in items:
        m.marker(item.lat, item.lon, item.title)
    area_framing = _framing_layer(m, t)
    framing = framing_for("trajectory", t.id)
    if t.current_stage_id:
        framing += framing_for("stage", t.current_stage_id)
    return render_template(
        "trajectories/detail.html",
        requests=requests_waiting(t.id) if can("speak_for_municipality") else [],
        t=t,
        items=items,
        outcomes=outcomes,
        parts=render_parts(m),
        framing=framing,
        area_framing=area_framing,
        framing_labels=FRAMING_KINDS,
        outcome_labels=OUTCOMES,
        **trajectory_page.context(t),
        summary_form=SummaryForm(),
        is_admin=can("administer"),
        framing_form=_framing_form(t),
    )


def _framing_layer(m: MapSpec, t: Trajectory) -> list[tuple[Area, Framing]]:
    """Framing attached to areas, drawn on the map with its text as tooltip (set as text); returned per
    area too, for the text list beside the map (a tooltip alone reaches no screen reader or keyboard)."""

    area_ids = [a.id for a in t.areas] or [a.id for a in areas()]
    rows = db.session.scalars(
        select(Framing).where(
            Framing.target_type == "area", Framing.target_id.in_(area_ids), Framing.is_current.is_(True)
        )
    ).all()
    features, listed = [], []
    for f in rows:
        area = db.session.get(Area, f.target_id)
        listed.append((area, f))
        text = f"{FRAMING_KINDS[f.kind]}: {f.body}"
        features.append(
            {
                "type": "Feature",
                "properties": {"kader": text},
                "geometry": json.loads(area.display_geojson),
            }
        )
    if features:
        style = {"color": "#b34700", "weight": 3, "dashArray": "6 4", "fillOpacity": 0.08}
        m.geojson(features, name="Kaders", style=style, label="kader")
    return sorted(listed, key=lambda pair: (pair[0].name, pair[1].kind))


@bp.post("/trajecten/<int:trajectory_id>/kaders")
@requires("speak_for_municipality")
def add_trajectory_framing(trajectory_id: int):
    """Civil servants frame the trajectory, its current stage or one of its areas."""
    t = load(Trajectory, trajectory_id)
    form = FramingForm()
    form.target.choices = _framing_targets(t)
    if form.validate_on_submit():
        target_type, target_id = form.target.data.split(":")
        try:
            add_framing(current_user, target_type, int(target_id), form.kind.data, form.body.data, form.amount.data)
        except ValidationFailed as exc:
            first_error(exc)
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
    t = load(Trajectory, trajectory_id)
    if SummaryForm().validate_on_submit():
        try:
            stage = advance_stage(current_user, t)
        except ValidationFailed as exc:
            first_error(exc)
        else:
            flash(_("Het traject is nu in de fase ‘%(s)s’.", s=stage.name), "success")
    return redirect(url_for(".detail", trajectory_id=t.id))


@bp.post("/trajecten/<int:trajectory_id>/afsluiten")
@requires("administer")
def close(trajectory_id: int):
    t = load(Trajectory, trajectory_id)
    form = SummaryForm()
    if form.validate_on_submit():
        try:
            close_trajectory(current_user, t, form.summary.data)
        except ValidationFailed as exc:
            first_error(exc)
        else:
            flash(_("Het traject is afgesloten. Iedereen die meedeed krijgt bericht."), "success")
    return redirect(url_for(".detail", trajectory_id=t.id))
