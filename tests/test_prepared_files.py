"""Exports that grow with the audience are made by workers, not in the request (issue 30): the
participatieverslag's files and the public record's e-depot package. Asked for with a POST, made
by a real worker process from a real Redis queue, then handed out; gone when what they hold may
no longer be shown."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from initiatives.models import Initiative
from participation.models import Comment
from participation.moderation import decide
from participation.services import post_comment
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work

from .conftest import login, post_form, statements_sent
from .factories import PERSONAS, cast
from .servers import redis_server
from .test_jobs import _finish, _flask, _jobs, config


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def test_a_participatieverslags_files_are_made_by_a_worker_and_go_when_a_comment_is_hidden(
    app, client, make_user, place, redis_url, smtp_server
):
    people = cast(make_user, "owner", "henk", "mod")
    item = place(people["owner"], title="Groene binnentuin")
    with app.app_context(), unit_of_work():
        question = post_comment(
            db.session.get(Initiative, item), "Mag dit op <gemeentegrond>?", db.session.get(User, people["henk"])
        )
        question.to_municipality = True
    with app.app_context():
        question_id = db.session.query(Comment.id).filter_by(body="Mag dit op <gemeentegrond>?").scalar()
    page = f"/initiatieven/{item}/participatieverslag"
    first = client.get(page).get_data(as_text=True)
    assert "Zet de bestanden klaar" in first
    assert "Download als bestand (HTML)" not in first
    early = client.get(f"{page}.html")  # nothing made yet: back to the page, which says what to do
    assert early.status_code == 302
    assert early.headers["Location"].endswith(f"{page}#bestanden")

    with config(app, JOBS_REDIS_URL=redis_url):  # a visitor asks; a worker makes them
        assert post_form(client, f"{page}/bestanden", {}, token_from=page).status_code == 302
        again = post_form(client, f"{page}/bestanden", {}, token_from=page, follow_redirects=True)
    assert "De bestanden worden al klaargezet." in again.get_data(as_text=True)
    assert "De bestanden worden klaargezet." in client.get(page).get_data(as_text=True)
    assert _jobs(app, "reports.files") == [("reports.files", "waiting", 0)]  # asked twice, made once
    _finish(_flask(app, smtp_server.port, "worker", "--burst", JOBS_REDIS_URL=redis_url))
    assert _jobs(app, "reports.files") == [("reports.files", "done", 1)]

    with statements_sent(app) as asked:
        ready = client.get(page).get_data(as_text=True)
    # the page says the files are ready without reading them (a big trajectory's run to megabytes)
    assert [s for s in asked if "report_file.html" in s or "report_file.csv" in s] == []
    assert any("FROM report_file" in s for s in asked)
    assert "Download als bestand (HTML)" in ready
    assert "Opnieuw klaarzetten" in ready
    html = client.get(f"{page}.html")
    assert html.headers["Content-Disposition"] == f"attachment; filename=participatieverslag-initiatief-{item}.html"
    body = html.get_data(as_text=True)
    assert "Participatieverslag: Groene binnentuin" in body
    assert "Mag dit op &lt;gemeentegrond&gt;?" in body  # as typed, escaped in the file too
    annex = client.get(f"{page}.csv").get_data(as_text=True)
    assert "vraag aan de gemeente,Mag dit op <gemeentegrond>?" in annex

    with app.app_context(), unit_of_work():  # the editors hide the question: no file may keep it
        decide(db.session.get(User, people["mod"]), "comment", question_id, "hide", "Niet over het plan")
    assert client.get(f"{page}.html").status_code == 302
    assert "Zet de bestanden klaar" in client.get(page).get_data(as_text=True)


def test_an_archive_package_is_made_by_a_worker_verified_when_unpacked_and_gone_after_an_erasure(
    app, client, make_user, place, redis_url, smtp_server, tmp_path
):
    from privacy import archive
    from privacy.erasure import erase_account

    people = cast(make_user, "admin", "henk")
    item = place(people["henk"], title="Bankjes op het plein")
    login(client, PERSONAS["admin"][0])
    assert "Nog geen pakketten" in client.get("/beheer/archief").get_data(as_text=True)
    with config(app, JOBS_REDIS_URL=redis_url):
        made = post_form(client, "/beheer/archief", {}, follow_redirects=True).get_data(as_text=True)
    assert "Het pakket wordt gemaakt." in made
    assert "wordt gemaakt." in made
    _finish(_flask(app, smtp_server.port, "worker", "--burst", JOBS_REDIS_URL=redis_url))
    assert _jobs(app, "archive.package") == [("archive.package", "done", 1)]

    listed = client.get("/beheer/archief").get_data(as_text=True)
    link = listed[listed.index("/beheer/archief/") :].split('"')[0]
    download = client.get(link)
    assert download.headers["Content-Type"] == "application/zip"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="archief-')
    zipfile.ZipFile(io.BytesIO(download.data)).extractall(tmp_path)
    count, problems = archive.verify_package(Path(tmp_path))
    assert problems == []
    with app.app_context():
        assert count == archive.head()[0]  # the whole chain, as it was when the package was made
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["municipality"] == "Gemeente Voorbeeldstad"  # from the installation, not a fixed name
    entries = (tmp_path / "entries.jsonl").read_text(encoding="utf-8")
    assert "Bankjes op het plein" in entries

    with app.app_context(), unit_of_work():  # Henk leaves: his name was in the package
        henk = db.session.get(User, people["henk"])
        erase_account(henk, henk)
    assert "Nog geen pakketten" in client.get("/beheer/archief").get_data(as_text=True)
    assert client.get(link).status_code == 404
    assert item


def test_only_the_reports_a_withdrawal_or_a_decision_touches_lose_their_files(app, make_user, place):
    """Hiding a comment empties the files of its initiative's report and of that initiative's
    trajectory; a pluim withdrawn on another initiative empties that one's only. Files made in
    this process (no queue: the jobs run at the commit)."""
    from participation.services import toggle_pluim
    from reports import files
    from reports.models import ReportFile

    from .factories import placed, trajectory

    people = cast(make_user, "admin", "owner", "henk", "mod")
    inside, elsewhere = place(people["owner"], title="Boom in het plantsoen"), place(people["owner"], title="Bankje")
    with app.app_context(), unit_of_work():
        get = db.session.get
        route = trajectory(get(User, people["admin"]))
        placed(get(Initiative, inside), route)
        henk = get(User, people["henk"])
        remark = post_comment(get(Initiative, inside), "Welke boom wordt het?", henk)
        toggle_pluim(henk, "initiative", elsewhere)
        db.session.flush()
        route_id, remark_id = route.id, remark.id

    def ask_all() -> None:
        with app.app_context(), unit_of_work():
            for kind, subject in (("initiative", inside), ("initiative", elsewhere), ("trajectory", route_id)):
                files.request_files(kind, subject, "nl")

    def kept() -> set[tuple[str, int]]:
        with app.app_context():
            rows = db.session.execute(db.select(ReportFile.kind, ReportFile.subject_id, ReportFile.ready_at)).all()
            assert all(ready is not None for *_, ready in rows), "made by the jobs at the commit"
            return {(kind, subject) for kind, subject, _ready in rows}

    everything = {("initiative", inside), ("initiative", elsewhere), ("trajectory", route_id)}
    ask_all()
    assert kept() == everything
    with app.app_context(), unit_of_work():  # Henk takes his pluim back from the bench
        toggle_pluim(db.session.get(User, people["henk"]), "initiative", elsewhere)
    assert kept() == {("initiative", inside), ("trajectory", route_id)}
    ask_all()
    with app.app_context(), unit_of_work():  # the editors hide the question about the tree
        decide(db.session.get(User, people["mod"]), "comment", remark_id, "hide", "Dubbel geplaatst")
    assert kept() == {("initiative", elsewhere)}
