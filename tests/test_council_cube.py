"""The council's figures come from a snapshot of the facts in memory (council.cube): the same
figures as a plain count over the fact tables, for every filter combination, and no older than
COUNCIL_FIGURES_SECONDS."""

from __future__ import annotations

import itertools
import random
import statistics
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select

import council.cube as cube
from council.models import (
    ENDED,
    KINDS,
    OUTCOME_CODES,
    STATUS_CODES,
    TYPE_CODES,
    ContributionFact,
    InitiativeFact,
    day_date,
    day_number,
)
from council.services import Scope, dashboard
from initiatives.models import Theme, initiative_theme
from initiatives.search import area_ids
from maps.models import Area
from platform_core import transaction
from platform_core.disclosure import suppress
from platform_core.extensions import db
from platform_core.i18n import moment
from platform_core.transaction import unit_of_work

from .conftest import login

FIRST = date(2025, 1, 1)


@pytest.fixture
def facts(app, place):
    """Six real initiatives with themes, 60 more initiative facts and 3,000 contributions, at random."""
    rng = random.Random(7)
    real = [place(title=f"Initiatief {n}") for n in range(6)]
    with app.app_context():
        buurten = db.session.scalars(select(Area.id).where(Area.level == "neighbourhood")).all()
        themes = db.session.scalars(select(Theme.id).order_by(Theme.id)).all()[:4]
        db.session.execute(initiative_theme.delete())
        links = {(i, t) for i in real for t in rng.sample(themes, rng.randint(0, 2))}
        if links:
            db.session.execute(insert(initiative_theme), [{"initiative_id": i, "theme_id": t} for i, t in links])
        db.session.execute(InitiativeFact.__table__.delete())
        initiatives = [*real, *range(900_000, 900_060)]
        rows = []
        for initiative_id in initiatives:
            answered = rng.random() < 0.7
            rows.append(
                {
                    "initiative_id": initiative_id,
                    "day": day_number(FIRST) + rng.randrange(700),
                    "trajectory_id": rng.choice([None, 1, 2, 3]),
                    "area_id": rng.choice([None, *buurten]),
                    "type": rng.choice(list(TYPE_CODES.values())),
                    "status": rng.choice(list(STATUS_CODES.values())),
                    "outcome": rng.choice([None, None, *OUTCOME_CODES.values()]),
                    "two_way": rng.randint(0, 1),
                    "budget_requested": rng.choice([None, rng.randrange(5000)]),
                    "budget_granted": rng.choice([None, rng.randrange(3000)]),
                    "budget_spent": rng.choice([None, rng.randrange(2000)]),
                    "response_hours": round(rng.uniform(1, 200), 1) if answered else None,
                    "response_workdays": round(rng.uniform(0, 12), 1) if answered else None,
                    "own": int(rng.random() < 0.1),
                }
            )
        db.session.execute(insert(InitiativeFact), rows)
        db.session.execute(ContributionFact.__table__.delete())
        facts = []
        for source_id in range(3000):
            initiative = rng.choice([None, *initiatives])
            dims = next((r for r in rows if r["initiative_id"] == initiative), None)
            facts.append(
                {
                    "kind": rng.choice(list(KINDS)),
                    "source_id": source_id,
                    "person_id": rng.randrange(1, 400),
                    "day": day_number(FIRST) + rng.randrange(700),
                    "initiative_id": initiative,
                    "meeting_id": None if initiative else rng.randrange(1, 10),
                    "trajectory_id": dims["trajectory_id"] if dims else rng.choice([None, 1, 2]),
                    "area_id": dims["area_id"] if dims else rng.choice([None, *buurten]),
                    "type": dims["type"] if dims else None,
                }
            )
        db.session.execute(insert(ContributionFact), facts)
        transaction.commit()
    return {"buurten": buurten, "themes": themes}


def plain_count(scope: Scope, norm_days: int = 5) -> dict:
    """The figures the long way: every fact row in Python."""
    areas = set(area_ids(scope.area) or [-1]) if scope.area else None
    themed = None
    if scope.theme_id:
        links = select(initiative_theme.c.initiative_id).where(initiative_theme.c.theme_id == scope.theme_id)
        themed = set(db.session.scalars(links))

    def inside(row) -> bool:
        return (
            (not scope.trajectory_id or row.trajectory_id == scope.trajectory_id)
            and (areas is None or row.area_id in areas)
            and (not scope.type or row.type == TYPE_CODES.get(scope.type, -1))
            and (themed is None or row.initiative_id in themed)
            and (not scope.start or row.day >= day_number(scope.start))
            and (not scope.end or row.day <= day_number(scope.end))
        )

    all_facts = db.session.execute(select(ContributionFact)).scalars().all()
    first_day: dict[int, int] = {}
    for fact in all_facts:
        first_day[fact.person_id] = min(first_day.get(fact.person_id, fact.day), fact.day)
    chosen = [fact for fact in all_facts if inside(fact)]
    per_person = Counter(fact.person_id for fact in chosen)
    people = len(per_person)
    returning = sum(1 for p in per_person if scope.start and first_day[p] < day_number(scope.start))
    per_area_people: dict[int, set] = {}
    for fact in chosen:
        if fact.area_id:
            per_area_people.setdefault(fact.area_id, set()).add(fact.person_id)
    months = Counter(day_date(fact.day).strftime("%Y-%m") for fact in chosen)

    initiatives = [row for row in db.session.execute(select(InitiativeFact)).scalars() if inside(row)]
    hours = sorted(row.response_hours for row in initiatives if row.response_hours is not None)
    ended = [row for row in initiatives if row.status in ENDED]
    names = {
        kind: {code: name for name, code in codes.items()}
        for kind, codes in (("type", TYPE_CODES), ("status", STATUS_CODES), ("outcome", OUTCOME_CODES))
    }
    in_norm = sum(1 for row in initiatives if row.response_workdays is not None and row.response_workdays <= norm_days)
    buurten = db.session.scalars(select(Area.id).where(Area.level == "neighbourhood")).all()
    ids = {row.initiative_id for row in initiatives}
    links = db.session.execute(select(initiative_theme.c.initiative_id, initiative_theme.c.theme_id)).all()
    theme_names = dict(db.session.execute(select(Theme.id, Theme.name)).all())
    placed: dict[int, list[int]] = {}
    for row in initiatives:
        if row.area_id:
            entry = placed.setdefault(row.area_id, [0, 0])
            entry[0] += 1
            entry[1] += row.budget_spent or 0
    return {
        "initiatives": len(initiatives),
        "by_type": Counter(names["type"][row.type] for row in initiatives),
        "by_status": Counter(names["status"][row.status] for row in initiatives),
        "by_outcome": Counter(names["outcome"][row.outcome] for row in initiatives if row.outcome),
        "by_theme": Counter(theme_names[t] for i, t in links if i in ids),
        "participants": suppress(people),
        "new_participants": suppress(people - returning) if suppress(people) else None,
        "returning_participants": suppress(returning) if suppress(people) else None,
        "contributions": Counter(KINDS[fact.kind] for fact in chosen),
        "per_month": sorted(months.items()),
        "median_hours": round(statistics.median(hours), 1) if hours else None,
        "answered": len(hours),
        "waiting": sum(1 for row in initiatives if row.response_hours is None and not row.own),
        "share_norm": round(in_norm / len(hours), 3) if hours else None,
        "interaction": round(sum(row.two_way for row in initiatives) / len(initiatives), 3) if initiatives else None,
        "budget": {
            "requested": sum(row.budget_requested or 0 for row in initiatives),
            "granted": sum(row.budget_granted or 0 for row in initiatives),
            "spent": sum(row.budget_spent or 0 for row in initiatives),
        },
        "closing_the_loop": round(sum(1 for row in ended if row.outcome) / len(ended), 3) if ended else None,
        "frequencies": sorted(Counter(per_person.values()).items(), reverse=True),
        "per_area": {
            area_id: (*placed.get(area_id, [0, 0]), suppress(len(per_area_people.get(area_id, ()))))
            for area_id in buurten
            if areas is None or area_id in areas
        },
    }


def test_every_filter_combination_gives_what_a_plain_count_gives(app, facts):
    """Trajectory, area (a buurt or a whole wijk), theme, type and period, alone and together."""
    with app.app_context():
        wijk = db.session.scalar(select(Area.code).where(Area.level == "district").order_by(Area.code))
        buurt = db.session.scalar(select(Area.code).where(Area.id == facts["buurten"][0]))
    choices = {
        "trajectory_id": [None, 1, 3, 999],
        "area": [None, wijk, buurt, "GEEN"],
        "theme_id": [None, *facts["themes"][:2]],
        "type": [None, "self_management", "onbekend"],
        "period": [
            (None, None),
            (date(2025, 6, 1), date(2025, 6, 30)),
            (date(2026, 1, 1), None),
            (None, date(2025, 3, 31)),
        ],
    }
    rng = random.Random(3)
    combinations = list(itertools.product(*choices.values()))
    checked = 0
    with app.app_context(), unit_of_work():
        for trajectory_id, area, theme_id, type_, (start, end) in [combinations[0], *rng.sample(combinations, 80)]:
            scope = Scope(trajectory_id=trajectory_id, area=area, theme_id=theme_id, type=type_, start=start, end=end)
            f, want = dashboard(scope), plain_count(scope)
            assert f["initiatives"] == want["initiatives"], scope
            for name in ("by_type", "by_status", "by_outcome", "by_theme", "contributions"):
                assert f[name] == want[name], (scope, name)
            for name in ("participants", "new_participants", "returning_participants", "per_month"):
                assert f[name] == want[name], (scope, name)
            for name in ("interaction", "budget", "closing_the_loop"):
                assert f[name] == want[name], (scope, name)
            assert f["response"]["answered"] == want["answered"], scope
            assert f["response"]["waiting"] == want["waiting"], scope
            assert f["response"]["median_hours"] == want["median_hours"], scope
            assert f["response"]["share_norm"] == want["share_norm"], scope
            people = sum(n for _c, n in want["frequencies"])
            if suppress(people):
                top = max(1, round(people * 0.1))
                values = sorted((c for c, n in want["frequencies"] for _ in range(n)), reverse=True)
                assert f["concentration"] == round(sum(values[:top]) / sum(values), 3), scope
            got = {r["area"].id: (r["initiatives"], r["spent"], r["participants"]) for r in f["per_area"]}
            assert got == want["per_area"], scope
            checked += 1
    assert checked == 81


def test_figures_are_no_older_than_the_setting_and_the_page_says_when(app, client, place, make_user, monkeypatch):
    """With COUNCIL_FIGURES_SECONDS set, a new initiative shows once the snapshot has aged out: the
    first request after that is answered from the old snapshot while a new one is read beside it."""
    now = [1000.0]
    monkeypatch.setattr(cube, "clock", lambda: now[0])
    monkeypatch.setitem(app.config, "COUNCIL_FIGURES_SECONDS", 60)
    make_user("raad@gemeente.nl", roles=("council",))
    place(title="Eerste")
    with app.app_context(), unit_of_work():
        assert dashboard(Scope())["initiatives"] == 1
    place(title="Tweede")
    holder = app.extensions["council_figures"]
    with app.app_context(), unit_of_work():
        assert dashboard(Scope())["initiatives"] == 1  # within the minute: the snapshot
        now[0] += 61
        assert dashboard(Scope())["initiatives"] == 1  # aged: still answered, a new one is read
    for thread in __import__("threading").enumerate():
        if thread.name == "council-figures":
            thread.join(10)
    assert not holder.reading
    with app.app_context(), unit_of_work():
        assert dashboard(Scope())["initiatives"] == 2
    login(client, "raad@gemeente.nl")
    html = client.get("/raad").get_data(as_text=True)
    with app.test_request_context():
        read_at = moment(holder.snapshot.read_at)
    assert f"Cijfers van {read_at}" in html


def test_a_failed_read_keeps_the_figures_there_were(app, place, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(cube, "clock", lambda: now[0])
    monkeypatch.setitem(app.config, "COUNCIL_FIGURES_SECONDS", 60)
    place(title="Eerste")
    with app.app_context(), unit_of_work():
        assert dashboard(Scope())["initiatives"] == 1

    def broken(connection):
        raise RuntimeError("database away")

    monkeypatch.setattr(cube, "read", broken)
    now[0] += 61
    with app.app_context(), unit_of_work():
        assert dashboard(Scope())["initiatives"] == 1
    for thread in __import__("threading").enumerate():
        if thread.name == "council-figures":
            thread.join(10)
    holder = app.extensions["council_figures"]
    assert not holder.reading
    assert holder.snapshot is not None
    assert timedelta(0) <= cube.wall_clock() - holder.snapshot.read_at < timedelta(minutes=5)


def test_several_first_requests_at_once_read_one_snapshot(app, place, monkeypatch):
    """The first requests of a process arrive together (a worker just started): one reads the
    figures, the others wait for that read and share it, none reads its own copy (issue 28)."""
    import threading

    monkeypatch.setitem(app.config, "COUNCIL_FIGURES_SECONDS", 60)
    place(title="Eerste")
    holder = app.extensions["council_figures"]
    holder.clear()
    start = threading.Barrier(6)
    got: list = []

    def first_request() -> None:
        with app.app_context():
            start.wait()
            got.append(holder.get())

    threads = [threading.Thread(target=first_request) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(got) == 6
    assert all(snapshot is got[0] for snapshot in got)  # one read, shared by all six
    with app.app_context(), unit_of_work():
        assert dashboard(Scope())["initiatives"] == 1


def test_the_first_snapshot_is_read_as_the_worker_starts_and_no_request_reads_its_own(app, place, monkeypatch):
    """wsgi.py starts the first read beside the worker; a request that arrives meanwhile waits for
    that read and gets what it read (issue 28)."""
    import threading

    monkeypatch.setitem(app.config, "COUNCIL_FIGURES_SECONDS", 60)
    place(title="Eerste")
    holder = app.extensions["council_figures"]
    holder.clear()
    thread = cube.warm(app)
    got: list = []

    def request() -> None:
        with app.app_context():
            got.append(holder.get())

    early = threading.Thread(target=request)
    early.start()
    thread.join(30)
    early.join(30)
    assert holder.snapshot is not None
    assert got == [holder.snapshot]  # the request got the one snapshot, read once
    monkeypatch.setitem(app.config, "COUNCIL_FIGURES_SECONDS", 0)
    assert cube.warm(app) is None  # figures read per request: nothing to warm
