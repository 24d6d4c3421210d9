"""The participatieverslag as a printable page, and as an HTML file to attach and a CSV annex,
which a job makes on request (``reports.files``) and these addresses then hand out."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from initiatives.models import Initiative
from participation.forms import ActionForm  # only its CSRF field: CSRFProtect checks every POST
from platform_core.csvfile import csv_file_response
from platform_core.extensions import limiter
from platform_core.i18n import language
from platform_core.models import utcnow
from platform_core.policy import load, public, requires
from trajectories.models import OUTCOMES

from . import bp
from .files import KINDS, current, gather, request_files

PAGES = {"initiative": "reports.initiative_report_page", "trajectory": "reports.trajectory_report_page"}
NAMES = {"initiative": "participatieverslag-initiatief-{id}", "trajectory": "participatieverslag-traject-{id}"}


def _ident(kind: str, object_id: int) -> dict:
    return {"initiative_id": object_id} if kind == "initiative" else {"trajectory_id": object_id}


def _page(kind: str, object_id: int):
    return render_template(
        "reports/report.html",
        r=gather(kind, load(KINDS[kind], object_id)),
        outcomes=OUTCOMES,
        standalone=False,
        now=utcnow(),
        files=current(kind, object_id, language()),
        files_form=ActionForm(),
        ident=_ident(kind, object_id),
        files_base=PAGES[kind].removesuffix("_page"),
    )


def _ask(kind: str, object_id: int):
    load(KINDS[kind], object_id)  # an unknown or hidden subject answers 404/410 here, as its page does
    if request_files(kind, object_id, language()):
        flash(_("De bestanden worden klaargezet. Ze staan bij ‘Bestanden’ zodra ze klaar zijn."), "success")
    else:
        flash(_("De bestanden worden al klaargezet. Vernieuw deze pagina over een ogenblik."), "info")
    return redirect(url_for(PAGES[kind], **_ident(kind, object_id)) + "#bestanden")


def _file(kind: str, object_id: int, fmt: str) -> Response:
    load(KINDS[kind], object_id)
    files = current(kind, object_id, language())
    if files is None or files.ready_at is None:
        flash(_("Zet de bestanden eerst klaar met de knop bij ‘Bestanden’."), "info")
        return redirect(url_for(PAGES[kind], **_ident(kind, object_id)) + "#bestanden")
    name = NAMES[kind].format(id=object_id)
    if fmt == "csv":
        return csv_file_response(f"{name}.csv", files.csv or "")
    return Response(
        files.html, mimetype="text/html", headers={"Content-Disposition": f"attachment; filename={name}.html"}
    )


REQUEST_LIMIT = "20/hour"


@bp.route("/initiatieven/<int:initiative_id>/participatieverslag")
@requires("view", Initiative)
def initiative_report_page(initiative_id: int):
    return _page("initiative", initiative_id)


@bp.post("/initiatieven/<int:initiative_id>/participatieverslag/bestanden")
@requires("view", Initiative)
@limiter.limit(REQUEST_LIMIT)
def initiative_report_files(initiative_id: int):
    return _ask("initiative", initiative_id)


@bp.route("/initiatieven/<int:initiative_id>/participatieverslag.html")
@requires("view", Initiative)
def initiative_report_file(initiative_id: int):
    return _file("initiative", initiative_id, "html")


@bp.route("/initiatieven/<int:initiative_id>/participatieverslag.csv")
@requires("view", Initiative)
def initiative_report_csv(initiative_id: int):
    return _file("initiative", initiative_id, "csv")


@bp.route("/trajecten/<int:trajectory_id>/participatieverslag")
@public
def trajectory_report_page(trajectory_id: int):
    return _page("trajectory", trajectory_id)


@bp.post("/trajecten/<int:trajectory_id>/participatieverslag/bestanden")
@public
@limiter.limit(REQUEST_LIMIT)
def trajectory_report_files(trajectory_id: int):
    return _ask("trajectory", trajectory_id)


@bp.route("/trajecten/<int:trajectory_id>/participatieverslag.html")
@public
def trajectory_report_file(trajectory_id: int):
    return _file("trajectory", trajectory_id, "html")


@bp.route("/trajecten/<int:trajectory_id>/participatieverslag.csv")
@public
def trajectory_report_csv(trajectory_id: int):
    return _file("trajectory", trajectory_id, "csv")
