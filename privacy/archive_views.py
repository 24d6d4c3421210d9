"""Beheer → Archief: ask for an e-depot package of the public record, see it being made, download it."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from participation.forms import ActionForm  # only its CSRF field: CSRFProtect checks every POST
from platform_core.extensions import db
from platform_core.policy import MAX_ID, requires

from . import archive, bp
from .export import site_slug
from .models import ArchivePackage
from .package import packages, request_package


@bp.route("/beheer/archief")
@requires("administer")
def packages_page():
    seq, head_hash = archive.head()
    return render_template(
        "privacy/packages.html", packages=packages(), seq=seq, head_hash=head_hash, form=ActionForm()
    )


@bp.post("/beheer/archief")
@requires("administer")
def ask_package():
    if request_package(current_user):
        flash(_("Het pakket wordt gemaakt. Het staat hieronder zodra het klaar is."), "success")
    else:
        flash(_("Er wordt al een pakket gemaakt. Vernieuw deze pagina over een ogenblik."), "info")
    return redirect(url_for("privacy.packages_page"))


@bp.route("/beheer/archief/<int:package_id>.zip")
@requires("administer")
def download_package(package_id: int):
    if package_id > MAX_ID:
        abort(404)
    row = db.session.execute(
        select(ArchivePackage.data, ArchivePackage.ready_at).where(ArchivePackage.id == package_id)
    ).one_or_none()
    if row is None or row.ready_at is None or row.data is None:
        abort(404)
    name = f"archief-{site_slug('archief')}-{row.ready_at:%Y%m%d-%H%M}.zip"
    return Response(
        row.data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
