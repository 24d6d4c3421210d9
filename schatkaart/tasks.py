"""Beheer → Taken: the work outside the request (platform_core.jobs), what waits and what failed,
with its error, and a button to try a failed job again."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from platform_core import jobs
from platform_core.policy import load, requires

from .admin import bp

#: what each job does, as an administrator reads it
JOB_LABELS = {
    "mail.send": _l("Een e-mail versturen"),
    "notify.deliver": _l("Meldingen mailen"),
    "notify.comment": _l("Volgers over een reactie vertellen"),
    "notify.status": _l("Volgers over een nieuwe status vertellen"),
    "notify.stage": _l("Volgers over een nieuwe fase vertellen"),
    "digest.daily": _l("Dagelijks overzicht mailen"),
    "digest.weekly": _l("Wekelijks overzicht mailen"),
    "retention.purge": _l("Gegevens opruimen na hun bewaartermijn"),
    "jobs.tidy": _l("Afgeronde taken vergeten"),
    "council.snapshot": _l("De cijfers voor de raad lezen en delen"),
}


@bp.route("/taken")
@requires("administer")
def tasks():
    return render_template(
        "admin/tasks.html",
        backlog=jobs.backlog(),
        failed=jobs.listing("failed"),
        waiting=jobs.listing("waiting", 20),
        labels=JOB_LABELS,
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
