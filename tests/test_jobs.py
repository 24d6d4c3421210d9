"""Work that leaves the request (issue 30): the outbox, a real RQ queue on a real Redis, worker
processes that die, schedulers that run at once, and what an operator watches.

Workers and schedulers here are separate processes (``flask jobs …``) on the test's database, as
they run in production; Redis is a private redis-server on loopback."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from initiatives.models import Initiative
from participation.models import Notification
from participation.services import follow, join
from platform_core import jobs
from platform_core.extensions import db
from platform_core.jobs import Job
from platform_core.models import User, utcnow
from platform_core.transaction import unit_of_work

from .conftest import PASSWORD, csrf_token, login, post_form
from .servers import ROOT, free_port, redis_server, share_database


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@contextmanager
def config(app, **values):
    old = {k: app.config.get(k) for k in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(old)


def _env(app, smtp_port: int, **extra: str) -> dict:
    share_database(app.config["SQLALCHEMY_DATABASE_URI"])
    return {
        **os.environ,
        "FLASK_APP": "schatkaart",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test-secret",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        **extra,
    }


def _flask(app, smtp_port: int, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "jobs", *args],
        cwd=ROOT,
        env=_env(app, smtp_port, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen, timeout: float = 120) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return out + err


def _jobs(app, name: str | None = None) -> list[tuple[str, str, int]]:
    with app.app_context():
        query = select(Job.name, Job.state, Job.attempts).order_by(Job.id)
        if name:
            query = query.where(Job.name == name)
        return [tuple(row) for row in db.session.execute(query)]


def _notified(app, kind: str) -> list[int]:
    with app.app_context():
        return sorted(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def _followers(app, item: int, make_user, count: int) -> list[int]:
    people = [make_user(f"volger{i}@example.nl", name=f"Volger {i}") for i in range(count)]
    with app.app_context(), unit_of_work():
        initiative = db.session.get(Initiative, item)
        for person in people:
            follow(db.session.get(User, person), "initiative", initiative.id)
    return people


def _commenting(app, client, make_user, place, title: str, followers: int) -> tuple[int, list[int], str]:
    """An initiative with its owner and some followers, and a resident logged in to comment on
    it; returns the owner, the followers and the initiative's page."""
    owner = make_user("eigenaar@example.nl", name="Olga")
    item = place(owner, title=title)
    fans = _followers(app, item, make_user, followers)
    make_user("schrijver@example.nl", name="Sam")
    login(client, "schrijver@example.nl")
    return owner, fans, f"/initiatieven/{item}"


def test_a_job_exists_exactly_when_its_action_does(app, client, make_user, place):
    """The job row is written in the action's own transaction: a committed comment has its job
    (run after the commit here, without Redis), an action rolled back leaves none."""
    owner, fans, page = _commenting(app, client, make_user, place, "Bankjes op het plein", 3)
    assert post_form(client, f"{page}/reacties", {"body": "Ik help mee"}, token_from=page).status_code == 302
    assert _jobs(app, "notify.comment") == [("notify.comment", "done", 1)]
    assert _notified(app, "comment") == sorted([owner, *fans])

    def failing_action() -> None:
        with unit_of_work():
            jobs.later("notify.comment", comment_id=1)
            raise RuntimeError("the action fails after asking for the job")

    with app.app_context(), pytest.raises(RuntimeError):
        failing_action()
    assert len(_jobs(app, "notify.comment")) == 1


def test_jobs_wait_in_the_outbox_while_redis_is_down_and_run_once_after(
    app, client, make_user, place, redis_url, smtp_server
):
    """Redis down: the resident's comment is saved and answered at once (the request writes one
    job row, not a notification per follower); nothing is lost. Redis back: the sweep offers the
    job again, a worker process runs it, each follower is told once; offering it twice more (a
    second sweep, a duplicate in the queue) runs nothing again."""
    owner, fans, page = _commenting(app, client, make_user, place, "Speeltuin opknappen", 40)
    dead = f"redis://127.0.0.1:{free_port()}/0"
    with config(app, JOBS_REDIS_URL=dead):
        answer = post_form(client, f"{page}/reacties", {"body": "Goed plan!"}, token_from=page)
        assert answer.status_code == 302
        assert "Goed plan!" in client.get(page).get_data(as_text=True)  # saved
    assert _jobs(app, "notify.comment") == [("notify.comment", "waiting", 0)]
    assert _notified(app, "comment") == []  # nobody was told inside the request
    with config(app, JOBS_REDIS_URL=redis_url), app.app_context():
        assert jobs.sweep(now=utcnow() + timedelta(minutes=1)) == 1  # waited too long: offered again
        job_id = db.session.scalar(select(Job.id).where(Job.name == "notify.comment"))
        jobs.hand_over(job_id)  # a duplicate in the queue
    _finish(_flask(app, smtp_server.port, "worker", "--burst", JOBS_REDIS_URL=redis_url))
    assert _jobs(app, "notify.comment") == [("notify.comment", "done", 1)]
    assert _notified(app, "comment") == sorted([owner, *fans])
    with config(app, JOBS_REDIS_URL=redis_url), app.app_context():
        assert jobs.sweep(now=utcnow() + timedelta(minutes=1)) == 0
    _finish(_flask(app, smtp_server.port, "worker", "--burst", JOBS_REDIS_URL=redis_url))
    assert _notified(app, "comment") == sorted([owner, *fans])  # once each


@contextmanager
def hanging_mail_server():
    """A mail server that accepts the connection and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


def test_a_worker_killed_mid_job_leaves_the_job_to_run_once_after_its_lease(
    app, make_user, place, redis_url, smtp_server
):
    """A worker stuck on a mail server that hangs is killed (SIGKILL) in the middle of the job:
    the job stays claimed until its lease runs out, is then offered again, and another worker
    mails the owner exactly once. The resident's click never waited on the mail server."""
    owner = make_user("eigenaar@example.nl", name="Olga")
    henk = make_user("henk@example.nl", name="Henk")
    item = place(owner, title="Geveltuintjes")
    with app.app_context(), unit_of_work():
        db.session.get(User, owner).notify_mode = "immediate"
    with config(app, JOBS_REDIS_URL=redis_url), app.app_context(), unit_of_work():
        join(db.session.get(User, henk), db.session.get(Initiative, item), "Ik heb tegels over")
    assert _jobs(app, "notify.deliver") == [("notify.deliver", "waiting", 0)]
    with hanging_mail_server() as hanging:
        stuck = _flask(app, hanging, "worker", JOBS_REDIS_URL=redis_url)
        for _ in range(300):
            if _jobs(app, "notify.deliver")[0][1] == "running":
                break
            time.sleep(0.1)
        assert _jobs(app, "notify.deliver") == [("notify.deliver", "running", 1)]
        stuck.send_signal(signal.SIGKILL)
        stuck.communicate(timeout=30)
    assert [to for to, _ in smtp_server.messages] == []
    with config(app, JOBS_REDIS_URL=redis_url, JOBS_LEASE_SECONDS=1), app.app_context():
        assert jobs.sweep() == 0  # its lease has not run out yet
        time.sleep(1.2)
        assert jobs.sweep() == 1
    _finish(_flask(app, smtp_server.port, "worker", "--burst", JOBS_REDIS_URL=redis_url, JOBS_LEASE_SECONDS="1"))
    assert _jobs(app, "notify.deliver") == [("notify.deliver", "done", 2)]
    assert [to for to, _ in smtp_server.messages] == [["eigenaar@example.nl"]]


def test_three_schedulers_at_once_add_and_run_each_periodic_job_once(app, make_user, place, smtp_server):
    """Three schedulers started together (three processes, one database): each periodic job is
    added once for its period, runs once, and the daily digest reaches its reader once."""
    owner = make_user("eigenaar@example.nl", name="Olga")
    henk = make_user("henk@example.nl", name="Henk")
    item = place(owner, title="Buurtbieb")
    with app.app_context(), unit_of_work():
        join(db.session.get(User, henk), db.session.get(Initiative, item), "Boeken")
    schedulers = [_flask(app, smtp_server.port, "scheduler", "--once") for _ in range(3)]
    for process in schedulers:
        _finish(process)
    for name, (period, _seconds) in jobs.PERIODIC.items():
        ran = _jobs(app, name)
        # once per period: one job, or two when the three started across a minute's turn
        assert 1 <= len(ran) <= (2 if period == "minute" else 1), (name, ran)
        assert {state for _, state, _ in ran} == {"done"}, name
    assert [to for to, _ in smtp_server.messages] == [["eigenaar@example.nl"]]  # the owner's daily digest
    for process in [_flask(app, smtp_server.port, "scheduler", "--once")]:
        _finish(process)
    assert len(_jobs(app, "digest.daily")) == 1  # the same day: not again


def test_health_readiness_and_metrics(app, client, make_user, place):
    """/healthz answers, /readyz checks the database and Redis and shows the backlog (503 when
    Redis is down), /metrics has latency per endpoint and job counts for loopback or the token,
    and a request's id comes back in the answer and is kept with the jobs it asked for."""
    assert client.get("/healthz").get_data(as_text=True) == "ok\n"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["ready"] is True
    assert ready.json["checks"]["database"] == "ok"
    assert set(ready.json["checks"]["jobs"]) == {"waiting", "oldest_seconds", "failed"}
    with config(app, JOBS_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"):
        down = client.get("/readyz")
    assert (down.status_code, down.json["checks"]["jobs_redis"]) == (503, "unreachable")

    _owner, _fans, page = _commenting(app, client, make_user, place, "Zitbank", 0)
    token = csrf_token(client, page)
    answer = client.post(
        f"{page}/reacties", data={"csrf_token": token, "body": "Mooi!"}, headers={"X-Request-Id": "verzoek-1234abcd"}
    )
    assert answer.headers["X-Request-Id"] == "verzoek-1234abcd"
    with app.app_context():
        assert db.session.scalar(select(Job.request_id).where(Job.name == "notify.comment")) == "verzoek-1234abcd"
    assert len(client.get("/").headers["X-Request-Id"]) == 32  # a fresh one when none came along

    text = client.get("/metrics").get_data(as_text=True)
    assert re.search(
        r'schatkaart_request_seconds_count\{endpoint="maps.treasure_map",method="GET",status="2xx"\} [1-9]', text
    )
    assert re.search(r'schatkaart_jobs_total\{name="notify.comment",outcome="done"\} [1-9]', text)
    assert "schatkaart_jobs_oldest_seconds" in text
    elsewhere = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=elsewhere).status_code == 403
    with config(app, METRICS_TOKEN="geheim-token-voor-prometheus"):
        allowed = client.get(
            "/metrics", environ_base=elsewhere, headers={"Authorization": "Bearer geheim-token-voor-prometheus"}
        )
        mine = client.get("/metrics")  # with a token, loopback alone is not enough
    assert allowed.status_code == 200
    assert mine.status_code == 403


def test_a_failed_job_is_shown_in_beheer_and_can_be_tried_again(app, client, make_user, place, smtp_server):
    """A mail server that refuses: the job is tried again with a pause and, out of attempts, is
    listed as failed in Beheer → Taken with its error; the administrator tries it again once the
    mail server is back, and the mail goes out."""
    owner = make_user("eigenaar@example.nl", name="Olga")
    henk = make_user("henk@example.nl", name="Henk")
    make_user("beheer@gemeente.nl", name="Bea", roles=("admin",))
    item = place(owner, title="Moestuin")
    with app.app_context(), unit_of_work():
        db.session.get(User, owner).notify_mode = "immediate"
    refused = free_port()
    with config(app, MAIL_PORT=refused):
        with app.app_context(), unit_of_work():
            join(db.session.get(User, henk), db.session.get(Initiative, item), "Een schop")
        assert _jobs(app, "notify.deliver") == [("notify.deliver", "waiting", 1)]  # tried, will try again
        with app.app_context():
            job = db.session.scalar(select(Job).where(Job.name == "notify.deliver"))
            assert job.not_before > utcnow() + timedelta(seconds=50)  # after a pause
            for _ in range(jobs.MAX_ATTEMPTS - 1):
                db.session.execute(
                    Job.__table__.update().where(Job.id == job.id).values(not_before=utcnow() - timedelta(seconds=1))
                )
                db.session.commit()
                jobs.run(job.id)
    assert _jobs(app, "notify.deliver") == [("notify.deliver", "failed", jobs.MAX_ATTEMPTS)]
    assert smtp_server.messages == []
    login(client, "beheer@gemeente.nl")
    page = client.get("/beheer/taken").get_data(as_text=True)
    assert "Meldingen mailen" in page
    assert "ConnectionRefusedError" in page
    with app.app_context():
        job_id = db.session.scalar(select(Job.id).where(Job.name == "notify.deliver"))
        assert (
            db.session.scalar(select(func.count()).select_from(Notification).where(Notification.emailed_at.is_(None)))
            == 1
        )
    answer = post_form(client, f"/beheer/taken/{job_id}/opnieuw", {}, token_from="/beheer/taken", follow_redirects=True)
    assert "De taak wordt opnieuw geprobeerd." in answer.get_data(as_text=True)
    assert "Geen mislukte taken." in answer.get_data(as_text=True)
    assert [to for to, _ in smtp_server.messages] == [["eigenaar@example.nl"]]


def test_the_council_snapshot_is_read_once_by_a_worker_and_shared(app, make_user, place, redis_url, smtp_server):
    """A worker process reads the council's facts once and shares them through Redis; two app
    servers (two apps with their own snapshot holders) answer from that one read instead of each
    reading the database, and what they hold is what the database says."""
    from council import cube, shared
    from schatkaart import create_app

    owner = make_user("eigenaar@example.nl", name="Olga")
    henk = make_user("henk@example.nl", name="Henk")
    item = place(owner, title="Buurtfeest")
    with app.app_context(), unit_of_work():
        join(db.session.get(User, henk), db.session.get(Initiative, item), "Slingers")
    with config(app, JOBS_REDIS_URL=redis_url), app.app_context(), unit_of_work():
        jobs.later("council.snapshot")
    _finish(_flask(app, smtp_server.port, "worker", "--burst", JOBS_REDIS_URL=redis_url))
    assert _jobs(app, "council.snapshot") == [("council.snapshot", "done", 1)]
    from redis import Redis

    published = shared.unpack(Redis.from_url(redis_url).get(shared.KEY))
    assert len(published.person) >= 2  # placing and joining
    for _server in range(2):
        other = create_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY")},
                            "JOBS_REDIS_URL": redis_url, "COUNCIL_FIGURES_SECONDS": 60})  # fmt: skip
        with other.app_context():
            taken = cube.snapshot()
            assert taken.read_at == published.read_at  # the worker's read, not one of its own
            own = cube.read_fresh()
            for column in ("person", "day", "kind", "area", "initiative"):
                assert (getattr(taken, column) == getattr(own, column)).all(), column
            assert taken.theme_names == own.theme_names
            db.session.remove()
            db.engine.dispose()


def test_a_json_log_line_carries_the_request_id(app):
    """LOG_FORMAT=json: each line is one JSON object with the time, level, logger, message and the
    id of the request it was written in (or the job's, passed along as ``request_id``)."""
    import json
    import logging

    from platform_core.metrics import JsonFormatter

    formatter = JsonFormatter()
    with app.test_request_context("/", headers={"X-Request-Id": "verzoek-5678efgh"}):
        app.preprocess_request()
        record = logging.LogRecord("schatkaart.jobs", logging.WARNING, __file__, 1, "job %s waits", (7,), None)
        line = json.loads(formatter.format(record))
    assert line["message"] == "job 7 waits"
    assert line["level"] == "WARNING"
    assert line["request_id"] == "verzoek-5678efgh"
    record = logging.LogRecord("schatkaart.jobs", logging.INFO, __file__, 1, "job done", (), None)
    record.request_id = "verzoek-van-de-job"  # a worker logs with the id its job was asked for
    assert json.loads(formatter.format(record))["request_id"] == "verzoek-van-de-job"


def test_ones_own_data_is_gathered_by_a_worker_and_offered_when_ready(
    app, client, make_user, place, redis_url, smtp_server
):
    """The own-data export grows with what a person did, so the request only asks for it: the page
    says it is being prepared until a worker process has gathered it, then offers both forms once;
    the gathered data is gone from the database after use."""
    from privacy.models import DataExport

    owner = make_user("henk@example.nl")
    place(owner, title="Moestuin achter de school")
    login(client, "henk@example.nl")
    with config(app, JOBS_REDIS_URL=redis_url):
        asked = post_form(client, "/account/gegevens", {"password": PASSWORD})
        assert asked.status_code == 302
        waiting = client.get("/account/gegevens").get_data(as_text=True)
    assert "Uw gegevens worden klaargezet." in waiting
    assert 'name="token"' not in waiting
    assert _jobs(app, "privacy.export") == [("privacy.export", "waiting", 0)]
    _finish(_flask(app, smtp_server.port, "worker", "--burst", JOBS_REDIS_URL=redis_url))
    assert _jobs(app, "privacy.export") == [("privacy.export", "done", 1)]
    ready = client.get("/account/gegevens").get_data(as_text=True)
    assert "Uw gegevens staan klaar." in ready
    tokens = re.findall(r'name="token" value="([^"]+)"', ready)
    assert len(tokens) == 2
    page = post_form(client, "/account/gegevens/ophalen", {"token": tokens[0]}, token_from="/account/gegevens")
    assert page.status_code == 200
    assert "Moestuin achter de school" in page.get_data(as_text=True)
    left = client.get("/account/gegevens").get_data(as_text=True)  # the other form is still offered
    assert re.findall(r'name="token" value="([^"]+)"', left) == [tokens[1]]
    with app.app_context():
        bodies = db.session.execute(select(DataExport.fmt, DataExport.body.is_not(None))).all()
    assert sorted(bodies) == [("html", False), ("json", True)]  # used: emptied


def test_telling_a_trajectory_an_outcome_or_the_municipalitys_answer_leaves_the_request(
    app, make_user, place, smtp_server
):
    """Everyone in a trajectory, everyone around an initiative: each can be thousands, so the
    request writes one job row, not a notification per person (issue 30); the jobs tell each
    person once when they run."""
    from datetime import date

    from response.services import post_feedback
    from trajectories.outcomes import report_outcome
    from trajectories.services import advance_stage, close_trajectory

    from .factories import cast, placed, trajectory

    people = cast(make_user, "admin", "civil")
    owner = make_user("eigenaar@example.nl", name="Olga")
    item = place(owner, title="Speeltuin opknappen")
    fans = _followers(app, item, make_user, 30)
    kinds = ("stage", "outcome", "feedback")
    dead = f"redis://127.0.0.1:{free_port()}/0"
    with config(app, JOBS_REDIS_URL=dead), app.app_context():  # the queue is away: the jobs wait
        with unit_of_work():
            admin, civil = db.session.get(User, people["admin"]), db.session.get(User, people["civil"])
            t = trajectory(admin)
            placed(db.session.get(Initiative, item), t)
        with unit_of_work():
            advance_stage(admin, t)
        with unit_of_work():
            post_feedback(civil, db.session.get(Initiative, item), "Mooi plan, wij denken mee.", "Stadsbeheer")
        with unit_of_work():
            report_outcome(civil, db.session.get(Initiative, item), "realised", "Het is gelukt samen.", date.today())
        with unit_of_work():
            close_trajectory(admin, t, "Er kwamen twaalf plannen; acht zijn gedaan en drie staan in het groenplan.")
        told = select(func.count()).select_from(Notification).where(Notification.kind.in_(kinds))
        assert db.session.scalar(told) == 0
    waiting = [(name, state) for name, state, _attempts in _jobs(app) if name.startswith("notify.")]
    expected = ["notify.trajectory", "notify.feedback", "notify.outcome", "notify.trajectory"]
    assert sorted(waiting) == sorted((name, "waiting") for name in expected)
    with app.app_context():
        for job_id in db.session.scalars(select(Job.id).where(Job.state == "waiting")).all():
            assert jobs.run(job_id)
    for kind in kinds:
        assert set(fans) <= set(_notified(app, kind)), kind
    assert len(_notified(app, "feedback")) == len(set(_notified(app, "feedback")))  # each person once


def test_a_mail_sent_again_by_a_retry_is_the_same_message(app, make_user, place, smtp_server):
    """SMTP offers nothing to make a sending once: a worker that dies after the mail server took
    the message and before the job's commit leaves the job to run again. What it sends then is the
    same message, with the same Message-ID on the installation's own domain, which mail programs
    show once: for a mail of its own and for a notification alike."""
    from urllib.parse import urlsplit

    from sqlalchemy import update

    from participation.models import Notification
    from platform_core import mail

    owner = make_user("eigenaar@example.nl", name="Olga")
    henk = make_user("henk@example.nl", name="Henk")
    item = place(owner, title="Geveltuintjes")
    with app.app_context(), unit_of_work():
        db.session.get(User, owner).notify_mode = "immediate"
    dead = f"redis://127.0.0.1:{free_port()}/0"
    with config(app, JOBS_REDIS_URL=dead), app.app_context():  # the queue is away: the jobs wait
        with unit_of_work():
            mail.send_later("henk@example.nl", "Uw bericht", "Dank u voor uw bericht.")
        with unit_of_work():
            join(db.session.get(User, henk), db.session.get(Initiative, item), "Ik heb tegels over")
    smtp_server.messages.clear()
    with app.app_context():
        for name in ("mail.send", "notify.deliver"):
            job_id = db.session.scalar(select(Job.id).where(Job.name == name))
            assert jobs.run(job_id)
            # the worker died after the mail server took the message: its "done" never committed
            db.session.execute(update(Job).where(Job.id == job_id).values(state="waiting"))
            db.session.execute(update(Notification).values(emailed_at=None))
            db.session.commit()
            assert jobs.run(job_id)
    sent = {}
    for to, message in smtp_server.messages:
        sent.setdefault(to[0], []).append(message["Message-ID"])
    domain = urlsplit(app.config["PUBLIC_URL"]).hostname
    for to in ("henk@example.nl", "eigenaar@example.nl"):
        first, again = sent[to]
        assert first == again
        assert first.endswith(f"@{domain}>")
