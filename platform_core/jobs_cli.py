"""flask jobs …: the worker, the scheduler and the outbox by hand (platform_core.jobs)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from . import jobs
from .extensions import db

jobs_group = AppGroup("jobs", help="Work outside the request: worker, scheduler, outbox.")


@jobs_group.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (tests, one-off runs).")
def worker(burst: bool) -> None:
    """Take jobs from the queue on Redis (JOBS_REDIS_URL) and run them; several may run at once."""
    q = jobs.queue()
    if q is None:
        raise click.ClickException("JOBS_REDIS_URL is not set: without Redis, jobs run in the app after commit.")
    from rq import SimpleWorker

    # SimpleWorker runs each job in this process (no fork: the database pool stays sound)
    SimpleWorker([q], connection=q.connection).work(burst=burst, with_scheduler=False, logging_level="WARNING")


@jobs_group.command("scheduler")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between rounds.")
@click.option("--once", is_flag=True, help="One round, then stop.")
def scheduler(interval: float, once: bool) -> None:
    """Add the periodic jobs once per period and offer again what waited too long. Run one or
    several (each period's job is added once, whatever the number of schedulers)."""
    while True:
        added = jobs.schedule()
        offered = jobs.sweep()
        db.session.remove()
        if added or offered:
            click.echo(f"added {', '.join(added) or 'nothing'}; offered again {offered}")
        if once:
            return
        time.sleep(interval)


@jobs_group.command("status")
def status() -> None:
    """How many jobs wait, how old the oldest is, how many failed."""
    click.echo(jobs.backlog())


@jobs_group.command("run-due")
def run_due() -> None:
    """Run every due job in this process (without a worker, for example from cron)."""
    ids = jobs.due()
    db.session.commit()
    ran = sum(jobs.run(i) for i in ids)
    click.echo(f"{ran} jobs run")


def register_jobs_cli(app) -> None:
    app.cli.add_command(jobs_group)
