"""The participatieverslag as a printable page, an HTML file to attach, and a CSV annex."""

from __future__ import annotations

from flask import Response, render_template

from initiatives.models import Initiative
from platform_core.csvfile import csv_response
from platform_core.models import utcnow
from platform_core.policy import load, public, requires
from trajectories.models import OUTCOMES, Trajectory

from . import bp
from .report import csv_rows, initiative_report, trajectory_report


def _report(kind: str, object_id: int) -> dict:
    if kind == "initiative":
        return initiative_report(load(Initiative, object_id))
    return trajectory_report(load(Trajectory, object_id))


def _page(report: dict, standalone: bool):
    return render_template(
        "reports/report_file.html" if standalone else "reports/report.html",
        r=report,
        outcomes=OUTCOMES,
        standalone=standalone,
        now=utcnow(),
    )


def _file(report: dict, name: str) -> Response:
    return Response(
        _page(report, True), mimetype="text/html", headers={"Content-Disposition": f"attachment; filename={name}.html"}
    )


def _annex(report: dict, name: str) -> Response:
    rows = csv_rows(report)
    return csv_response(f"{name}.csv", rows[0], rows[1:])


@bp.route("/initiatieven/<int:initiative_id>/participatieverslag")
@requires("view", Initiative)
def initiative_report_page(initiative_id: int):
    return _page(_report("initiative", initiative_id), False)


@bp.route("/initiatieven/<int:initiative_id>/participatieverslag.html")
@requires("view", Initiative)
def initiative_report_file(initiative_id: int):
    return _file(_report("initiative", initiative_id), f"participatieverslag-initiatief-{initiative_id}")


@bp.route("/initiatieven/<int:initiative_id>/participatieverslag.csv")
@requires("view", Initiative)
def initiative_report_csv(initiative_id: int):
    return _annex(_report("initiative", initiative_id), f"participatieverslag-initiatief-{initiative_id}")


@bp.route("/trajecten/<int:trajectory_id>/participatieverslag")
@public
def trajectory_report_page(trajectory_id: int):
    return _page(_report("trajectory", trajectory_id), False)


@bp.route("/trajecten/<int:trajectory_id>/participatieverslag.html")
@public
def trajectory_report_file(trajectory_id: int):
    return _file(_report("trajectory", trajectory_id), f"participatieverslag-traject-{trajectory_id}")


@bp.route("/trajecten/<int:trajectory_id>/participatieverslag.csv")
@public
def trajectory_report_csv(trajectory_id: int):
    return _annex(_report("trajectory", trajectory_id), f"participatieverslag-traject-{trajectory_id}")
