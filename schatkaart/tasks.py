"""Beheer → Taken: the work outside the request (platform_core.jobs), what waits and what failed,
with its error, and a button to try a failed job again."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from platform_core import jobs
from platform_core.policy import load, requires

from .admin import bp


@bp.route("/taken")
@requires("administer")
def tasks():
    return render_template(
        "admin/tasks.html",
        backlog=jobs.backlog(),
        failed=jobs.listing("failed"),
        waiting=jobs.listing("waiting", 20),
        labels=jobs.LABELS,
        form=FlaskForm(),
    )


@bp.post("/taken/<int:job_id>/opnieuw")
@requires("administer")
def task_retry(job_id: int):
    job = load(jobs.Job, job_id)  # an id that cannot exist is not found
    if FlaskForm().validate_on_submit():
        if jobs.retry(current_user, job.id):
            flash(_("De taak wordt opnieuw geprobeerd."), "success")
        else:
            flash(_("Deze taak staat niet (meer) op mislukt."), "error")
    return redirect(url_for(".tasks"))
