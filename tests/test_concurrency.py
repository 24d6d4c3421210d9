"""Many people at once, against a live server: gunicorn with several worker processes and
threads, on the suite's own database (SpatiaLite or PostGIS). Comments, joins, pluim toggles
and new initiatives on the same and on different initiatives: no 5xx, every accepted request
stored exactly once, credits and council facts exact afterwards."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from council.sources import verify as council_verify
from credits.services import verify as credits_verify
from initiatives import map_grid
from initiatives.models import Initiative
from participation.models import Comment, Participation, Pluim
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from privacy.archive import verify as archive_verify
from privacy.models import ArchiveEntry
from tests.conftest import INSIDE, PASSWORD
from tests.servers import gunicorn as start_gunicorn
from trajectories.services import create_trajectory

from .factories import placed

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 8
ROUNDS = 5  # odd: every pluim toggled on at the end


@pytest.fixture(scope="module")
def gunicorn(app, tmp_path_factory):
    """gunicorn on loopback: 3 workers x 4 threads, the production entry point, the test database."""
    log = tmp_path_factory.mktemp("gunicorn") / "error.log"
    with start_gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], log, 3, 4, RATELIMIT_ENABLED="0") as url:
        yield url


def _token(session: requests.Session, url: str) -> str:
    html = session.get(url, timeout=30).text
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def _login(url: str, email: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    token = _token(session, url + "/inloggen")
    resp = session.post(url + "/inloggen", data={"csrf_token": token, "email": email, "password": PASSWORD}, timeout=30)
    assert resp.status_code == 200, resp.status_code
    return session, _token(session, url + "/initiatieven/nieuw")


def _new_initiative(n: int) -> dict:
    return {
        "title": f"Buurtbankje nummer {n}",
        "summary": "Een bankje in de buurt om samen te zitten en te praten.",
        "description": "",
        "type": "initiative",
        "status": "idea",
        "lat": str(INSIDE[0] + n * 1e-5),
        "lon": str(INSIDE[1]),
        "address": "",
        "links": "",
        "budget_requested": "",
        "save": "1",
    }


@pytest.fixture
def crowd(app, make_user, place):
    """An initiative in a trajectory that everyone acts on, and one of their own for each person."""
    admin = make_user("beheer@gemeente.nl", roles=("admin",))
    owner = make_user("olga@example.nl")
    people = [make_user(f"buur{i}@example.nl") for i in range(PEOPLE)]
    shared = place(owner, title="Samen een speeltuin")
    own = [place(p, title=f"Eigen plan {i}") for i, p in enumerate(people)]
    with app.app_context(), unit_of_work():
        trajectory = create_trajectory(
            db.session.get(User, admin), "Speelruimte", "Waar willen kinderen spelen?", "Jeugd", *_year()
        )
        for item_id in [shared, *own]:
            item = db.session.get(Initiative, item_id)
            placed(item, trajectory)
    return {"shared": shared, "own": dict(zip(people, own, strict=True)), "people": people}


def _year():
    from datetime import date

    return date(2026, 1, 1), date(2026, 12, 31)


def _act(url: str, person: int, index: int, shared: int, own: int) -> list[tuple[str, int]]:
    session, token = _login(url, f"buur{index}@example.nl")
    out = []

    def post(kind: str, path: str, data: dict) -> None:
        resp = session.post(url + path, data={"csrf_token": token, **data}, allow_redirects=False, timeout=60)
        out.append((kind, resp.status_code))

    post("join", f"/initiatieven/{shared}/meedoen", {"offer": "Ik kan timmeren"})
    for round_ in range(ROUNDS):
        post("comment", f"/initiatieven/{shared}/reacties", {"body": f"Idee {round_} van buur {index}"})
        post("comment", f"/initiatieven/{own}/reacties", {"body": f"Bij mijn eigen plan, ronde {round_}"})
        post("pluim", f"/pluim/initiative/{shared}", {})
        post("create", "/initiatieven/nieuw", _new_initiative(index * 100 + round_))
    return out


def test_many_people_at_once_never_fail_and_count_exactly(app, gunicorn, crowd):
    shared, own = crowd["shared"], crowd["own"]
    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        futures = [
            pool.submit(_act, gunicorn, person, i, shared, own[person]) for i, person in enumerate(crowd["people"])
        ]
        results = [item for future in futures for item in future.result()]

    statuses = [code for _kind, code in results]
    assert [code for code in statuses if code >= 500] == []
    accepted = {kind: sum(1 for k, code in results if k == kind and code == 302) for kind in ("comment", "create")}
    assert accepted["comment"] == PEOPLE * ROUNDS * 2  # nobody is turned away either
    assert accepted["create"] == PEOPLE * ROUNDS
    with app.app_context():
        item = db.session.get(Initiative, shared)
        comments = db.session.scalar(select(func.count()).select_from(Comment).where(Comment.initiative_id == shared))
        assert comments == item.comments_count == PEOPLE * ROUNDS
        joined = db.session.scalar(select(func.count()).select_from(Participation).filter_by(initiative_id=shared))
        assert joined == item.participants_count == PEOPLE
        pluims = db.session.scalar(
            select(func.count()).select_from(Pluim).filter_by(target_type="initiative", target_id=shared)
        )
        assert pluims == item.pluim_count == PEOPLE
        created = db.session.scalar(
            select(func.count()).select_from(Initiative).where(Initiative.title.like("Buurtbankje%"))
        )
        assert created == PEOPLE * ROUNDS
        assert credits_verify() == []
        result = council_verify(db.session.connection())
        assert (result["missing"], result["extra"]) == ([], [])
        # The public record: one chain, no entry lost or forked while everyone wrote at once.
        entries, problems = archive_verify()
        assert problems == []
        kinds = dict(db.session.execute(select(ArchiveEntry.kind, func.count()).group_by(ArchiveEntry.kind)).all())
        assert kinds["comment.published"] == PEOPLE * ROUNDS * 2
        assert kinds["initiative.placed"] == PEOPLE * ROUNDS + PEOPLE + 1
        assert entries == sum(kinds.values())
        # The map's grid counted every placement exactly once while they came in together.
        assert map_grid.verify() == []
