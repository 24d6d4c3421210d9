"""The council's dashboard, outcome review per trajectory, and exports (no personal data)."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from initiatives.models import STATUSES, TYPES, Initiative, Theme
from maps.builders import MapParts, base_map, bounds_of, centre_of, for_page, render_parts
from maps.services import areas_by_level, current_municipality
from platform_core import settings
from platform_core.csvfile import csv_response
from platform_core.extensions import db, limiter
from platform_core.i18n import language
from platform_core.policy import can, load, public, requires
from response.models import Blocker, Feedback
from trajectories.models import OUTCOMES, Framing, Outcome, Trajectory

from . import bp
from .services import Scope, dashboard, initiative_scope, initiatives_in

PALETTE = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"]


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def scope_from_args() -> Scope:
    def number(name: str) -> int | None:
        value = request.args.get(name, "")
        return int(value) if value.isdigit() else None

    return Scope(
        trajectory_id=number("traject"),
        area=request.args.get("area") or None,
        theme_id=number("thema"),
        type=request.args.get("type") if request.args.get("type") in TYPES else None,
        start=_date("van"),
        end=_date("tot"),
    )


def choropleth_legend(per_area: list[dict], metric: str) -> list[tuple[str, str]]:
    """What each colour of the neighbourhood map stands for (the map is also a table)."""
    values = [row[metric] for row in per_area if row[metric]]
    top = max(values) if values else 0
    steps = len(PALETTE) - 1
    legend = [("#ffffff", _("minder dan 5 of geen"))]
    if not top:
        return legend
    for i, colour in enumerate(PALETTE):
        low = max(0.0, (i - 0.5) / steps * top)
        high = min(float(top), (i + 0.5) / steps * top)
        legend.append((colour, f"{format_decimal(round(low, 1))} – {format_decimal(round(high, 1))}"))
    return legend


# The choropleth's map (tiles, bounds, buurt outlines) does not change with the figures: it is built
# once per language and set of buurten and kept bare (scripts get each page's nonce). The figures
# colour it in the browser (static/js/choropleth.js) from a JSON block on the page; the table
# under the map holds every number, with or without JavaScript.
_MAPS: OrderedDict[tuple, tuple[MapParts, str]] = OrderedDict()
_MAPS_KEPT = 32
_MAPS_LOCK = threading.Lock()


def _outline_map(areas: list) -> tuple[MapParts, str]:
    """The bare map of these buurten and the name of their layer, from memory when built before."""
    municipality = current_municipality()
    outline = municipality.area.display_geojson if municipality and municipality.area else None
    key = (
        language(),
        current_app.config["TILE_URL"],
        hash(outline),
        tuple((area.id, area.code, hash(area.display_geojson)) for area in areas),
    )
    with _MAPS_LOCK:
        if key in _MAPS:
            _MAPS.move_to_end(key)
            return _MAPS[key]
    bounds = bounds_of(outline) if outline else [[52.03, 5.0], [52.14, 5.2]]
    m = base_map("kaart-raad", centre_of(bounds), 12, bounds)
    layer = ""
    if areas:  # e.g. an area code that matches no buurt: an empty map, not an error
        features = [
            {"type": "Feature", "properties": {"code": area.code}, "geometry": json.loads(area.display_geojson)}
            for area in areas
        ]
        style = {"fillColor": "#ffffff", "fillOpacity": 0.75, "color": "#333", "weight": 1}
        m.geojson(features, name="Buurten", style=style)
        layer = "kaart-raad:Buurten"
    built = (render_parts(m, nonce=False), layer)
    with _MAPS_LOCK:
        _MAPS[key] = built
        while len(_MAPS) > _MAPS_KEPT:
            _MAPS.popitem(last=False)
    return built


def _choropleth(per_area: list[dict], metric: str) -> tuple[MapParts, dict]:
    """The map for the page, and the colour, activity and label per buurt code that colour it."""
    values = [row[metric] for row in per_area if row[metric]]
    top = max(values) if values else 0
    colours = {}
    for row in per_area:
        value = row[metric]
        colour = "#ffffff"
        if value:
            colour = PALETTE[min(len(PALETTE) - 1, int(value / top * (len(PALETTE) - 1) + 0.5))] if top else PALETTE[0]
        label = f"{row['area'].name}: {value if value is not None else _('minder dan 5 of geen')}"
        colours[row["area"].code] = [colour, row["active"], label]  # the label is shown as text, never as HTML
    parts, layer = _outline_map([row["area"] for row in per_area])
    return for_page(parts), {"layer": layer, "areas": colours}


@bp.route("/raad")
@requires("read_council")
def index():
    scope = scope_from_args()
    figures = dashboard(scope, settings.response_norm_days())
    metric = (
        request.args.get("kaart")
        if request.args.get("kaart") in ("participants", "per_1000", "initiatives", "spent")
        else None
    )
    has_population = any(row["area"].population for row in figures["per_area"])
    metric = metric or ("per_1000" if has_population else "participants")
    parts, colours = _choropleth(figures["per_area"], metric)
    return render_template(
        "council/dashboard.html",
        f=figures,
        scope=scope,
        args=request.args,
        parts=parts,
        colours=colours,
        legend=choropleth_legend(figures["per_area"], metric),
        metric=metric,
        has_population=has_population,
        open_data_published=bool(current_municipality() and current_municipality().open_data_published),
        types=TYPES,
        statuses=STATUSES,
        outcomes=OUTCOMES,
        trajectories=db.session.scalars(select(Trajectory).order_by(Trajectory.title)).all(),
        themes=db.session.scalars(select(Theme).order_by(Theme.name)).all(),
        wijken=areas_by_level("district", names_only=True),
        buurten=areas_by_level("neighbourhood", names_only=True),
    )


@bp.route("/raad/export/initiatieven.csv")
@requires("read_council")
def export_csv():
    header = [
        "id",
        "titel",
        "soort",
        "status",
        "buurt",
        "traject",
        "aangemaakt",
        "eerste_reactie_gemeente",
        "gevraagd",
        "toegekend",
        "besteed",
        "deelnemers",
        "reacties",
        "pluimen",
    ]
    rows = (
        [
            i.id,
            i.title,
            i.type,
            i.status,
            i.area.name if i.area else "",
            i.trajectory_id or "",
            i.created_at.date().isoformat(),
            i.first_response_at.isoformat() if i.first_response_at else "",
            i.budget_requested or "",
            i.budget_granted or "",
            i.budget_spent or "",
            i.participants_count,
            i.comments_count,
            i.pluim_count,
        ]
        for i in initiatives_in(scope_from_args())
    )
    return csv_response("initiatieven.csv", header, rows)


@bp.route("/raad/export/buurten.csv")
@requires("read_council")
def export_areas_csv():
    figures = dashboard(scope_from_args(), settings.response_norm_days())
    header = ["buurtcode", "buurt", "initiatieven", "deelnemers", "per_1000_inwoners", "besteed"]
    rows = (
        [
            row["area"].code,
            row["area"].name,
            row["initiatives"],
            row["participants"] if row["participants"] is not None else "<5",
            row["per_1000"] or "",
            row["spent"],
        ]
        for row in figures["per_area"]
    )
    return csv_response("buurten.csv", header, rows)


@bp.post("/raad/open-data")
@requires("administer")
def publish_open_data():
    municipality = current_municipality()
    if FlaskForm().validate_on_submit() and municipality:
        municipality.open_data_published = request.form.get("publish") == "1"
        db.session.flush()
        flash(
            _("De open data staan nu op een vaste plek.")
            if municipality.open_data_published
            else _("De open data zijn niet meer openbaar."),
            "success",
        )
    return redirect(url_for(".index"))


@bp.route("/open-data/initiatieven.geojson")
@public
@limiter.limit("120/hour")
def open_data():
    """Open data at a stable URL once published: initiatives without personal data.

    Re-fetching is cheap: an ETag from the published initiatives' count and last change lets
    harvesters and caches revalidate with a 304 instead of rebuilding the whole file."""
    municipality = current_municipality()
    published = municipality is not None and municipality.open_data_published
    if not published and not can("read_council"):
        abort(404)
    count, last_change, last_id = db.session.execute(
        select(func.count(), func.max(Initiative.updated_at), func.max(Initiative.id)).where(
            Initiative.visibility == "published"
        )
    ).one()
    etag = hashlib.sha256(f"{count}|{last_change}|{last_id}".encode()).hexdigest()[:32]
    if etag in request.if_none_match:
        return Response(status=304, headers={"ETag": f'"{etag}"'})
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(i.lon, 6), round(i.lat, 6)]},
            "properties": {
                "id": i.id,
                "titel": i.title,
                "samenvatting": i.summary,
                "soort": i.type,
                "status": i.status,
                "buurt": i.area.name if i.area else None,
                "besteed": i.budget_spent,
                "aangemaakt": i.created_at.date().isoformat(),
            },
        }
        for i in initiatives_in(Scope())
    ]
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    response = Response(body, mimetype="application/geo+json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=300" if published else "private, no-store"
    return response


# Initiatives per page of the outcome review; the downloadable file holds them all.
REVIEW_PAGE = 100


def _review_context(trajectory_id: int, after: int | None = None, limit: int | None = None) -> dict:
    """The outcome review reads plain rows (no ORM objects): a trajectory may hold thousands of
    initiatives. With ``limit``, one page of them after initiative id ``after`` (keyset paging)."""
    t = load(Trajectory, trajectory_id)
    scope = Scope(trajectory_id=t.id)
    listed = initiative_scope(select(Initiative.id, Initiative.title, Initiative.type, Initiative.status), scope)
    if after:
        listed = listed.where(Initiative.id > after)
    if limit:
        listed = listed.limit(limit + 1)
    items = db.session.execute(listed.order_by(Initiative.id)).all()
    more = bool(limit) and len(items) > limit
    items = items[:limit] if limit else items
    # The page's own initiatives, or (for the whole file) every initiative in the trajectory.
    in_scope = [i.id for i in items] if limit else initiative_scope(select(Initiative.id), scope)
    feedback = {}
    for row in db.session.execute(
        select(Feedback.initiative_id, Feedback.created_at, Feedback.department, Feedback.body)
        .where(Feedback.initiative_id.in_(in_scope))
        .order_by(Feedback.created_at)
    ):
        feedback[row.initiative_id] = row  # the latest answer wins
    return {
        "t": t,
        "f": dashboard(scope, settings.response_norm_days()),
        "items": items,
        "after": after,
        "next_after": items[-1].id if more else None,
        "framing": db.session.scalars(
            select(Framing).where(
                Framing.target_type == "trajectory", Framing.target_id == t.id, Framing.is_current.is_(True)
            )
        ).all(),
        "feedback": feedback,
        "outcomes": {
            row.initiative_id: row
            for row in db.session.execute(
                select(Outcome.initiative_id, Outcome.kind, Outcome.reason).where(Outcome.initiative_id.in_(in_scope))
            )
        },
        "blockers": db.session.scalars(
            select(Blocker)
            .where(
                Blocker.initiative_id.in_(initiative_scope(select(Initiative.id), scope)), Blocker.solved_at.is_(None)
            )
            .order_by(Blocker.created_at)
        ).all(),
        "types": TYPES,
        "statuses": STATUSES,
        "outcome_labels": OUTCOMES,
    }


@bp.route("/raad/trajecten/<int:trajectory_id>")
@requires("read_council")
def review(trajectory_id: int):
    after = request.args.get("na", "")
    context = _review_context(trajectory_id, int(after) if after.isdigit() else None, REVIEW_PAGE)
    return render_template("council/review.html", **context, standalone=False)


@bp.route("/raad/trajecten/<int:trajectory_id>/verslag.html")
@requires("read_council")
def review_file(trajectory_id: int):
    html = render_template("council/review_file.html", **_review_context(trajectory_id), standalone=True)
    return Response(
        html,
        mimetype="text/html",
        headers={"Content-Disposition": f"attachment; filename=verslag-traject-{trajectory_id}.html"},
    )
