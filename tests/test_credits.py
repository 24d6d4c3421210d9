"""The credit ledger: where credits are earned, fair play, rules, checks, concurrency."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from credits.models import CreditEvent, CreditTotal
from credits.services import award, balance, events_for, rebuild, reverse, set_rules, standings, verify
from initiatives.models import Initiative
from participation.models import Comment
from participation.moderation import decide
from participation.services import join, leave, post_comment, toggle_pluim
from platform_core import transaction
from platform_core.extensions import db
from platform_core.models import User, utcnow
from platform_core.spatial import begin_write
from platform_core.transaction import unit_of_work
from platform_core.validation import PermissionDenied, ValidationFailed
from trajectories.services import create_trajectory

from .conftest import csrf_token, login, post_form
from .factories import cast as make_cast
from .factories import placed
from .servers import threaded


def u(uid):
    return db.session.get(User, uid)


@pytest.fixture
def world(app, make_user, place):
    ids = make_cast(make_user, "admin", "mod", "owner", "henk", "ans")
    ids["item"] = place(ids["owner"], title="Groene binnentuin")
    ids["loose"] = place(ids["owner"], title="Los plan zonder traject")
    with app.app_context(), unit_of_work():
        t = create_trajectory(
            u(ids["admin"]),
            "Groen 2027",
            "Hoe maken we het groener?",
            "Stadsbeheer",
            date(2027, 1, 1),
            date(2027, 12, 31),
        )
        placed(db.session.get(Initiative, ids["item"]), t)
        ids["t"] = t.id
    return ids


def _events(**filters):
    return db.session.scalars(select(CreditEvent).filter_by(**filters).order_by(CreditEvent.id)).all()


def test_credits_are_earned_where_it_happens_in_the_same_transaction(app, world):
    with app.app_context(), unit_of_work():
        (placed,) = _events(user_id=world["owner"], kind="initiative_placed")
        assert (placed.amount, placed.rule_version, placed.trajectory_id) == (10, 0, world["t"])
        join(u(world["henk"]), db.session.get(Initiative, world["item"]))
        join(u(world["henk"]), db.session.get(Initiative, world["loose"]))  # not in a trajectory: no credits
        (joined,) = _events(user_id=world["henk"], kind="joined")
        assert joined.reason == "U deed mee met een initiatief"
        assert balance(world["henk"], world["t"]) == {"total": 3, "pending": 3, "granted": 0, "level": None}
        assert verify() == []


def test_pending_until_the_window_passes_then_granted(app, world):
    with app.app_context(), unit_of_work():
        join(u(world["henk"]), db.session.get(Initiative, world["item"]))
        later = utcnow() + timedelta(hours=49)
        assert balance(world["henk"], world["t"], now=later)["granted"] == 3
        ((_, state),) = events_for(world["henk"], world["t"])
        assert state == "pending"


def test_no_credits_for_your_own_initiative_or_anonymous_comments(app, world):
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, world["item"])
        post_comment(item, "Ik begin zaterdag!", u(world["owner"]))
        post_comment(item, "Leuk!", author_name="Bezoeker")
        assert _events(kind="comment") == []
        post_comment(item, "Ik help mee", u(world["henk"]))
        assert len(_events(kind="comment", user_id=world["henk"])) == 1


def test_pluimen_between_the_same_two_people_count_only_up_to_a_cap(app, world):
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, world["item"])
        comments = [post_comment(item, f"Idee {i}", u(world["owner"])).id for i in range(5)]
        for cid in comments:
            toggle_pluim(u(world["henk"]), "comment", cid)
        assert len(_events(kind="pluim_received", user_id=world["owner"], entry="award")) == 3
        toggle_pluim(u(world["ans"]), "comment", comments[0])
        assert len(_events(kind="pluim_received", user_id=world["owner"], entry="award")) == 4


def test_withdrawing_a_pluim_reverses_its_credit_visibly(app, world):
    with app.app_context(), unit_of_work():
        toggle_pluim(u(world["henk"]), "initiative", world["item"])
        toggle_pluim(u(world["henk"]), "initiative", world["item"])
        award_event, reversal = _events(kind="pluim_received")
        assert (reversal.entry, reversal.amount, reversal.corrects_id) == ("reversal", -2, award_event.id)
        assert reversal.reason == "pluim_withdrawn"  # a code: the ledger says it in its reader's language
        states = [s for _, s in events_for(world["owner"], world["t"]) if _.kind == "pluim_received"]
        assert sorted(states) == ["reversal", "reversed"]
        assert verify() == []


def test_hiding_content_reverses_its_credits(app, world):
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, world["item"])
        comment = post_comment(item, "Koop mijn fiets", u(world["henk"]))
        decide(u(world["mod"]), "comment", comment.id, "hide", "Reclame")
        rows = _events(user_id=world["henk"], kind="comment")
        assert [e.entry for e in rows] == ["award", "reversal"]
        assert rows[1].reason == "hidden:Reclame"  # the moderator's words, after a code
        assert balance(world["henk"], world["t"])["total"] == 0


def test_the_ledger_reads_in_the_readers_language(app, client, world):
    """Each line says why in the page's language (issue 29), whatever language the one who caused
    it used: an award by its kind, a reversal as what was undone and why."""
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, world["item"])
        comment = post_comment(item, "Koop mijn fiets", u(world["henk"]))
        decide(u(world["mod"]), "comment", comment.id, "hide", "Reclame")
        kept = post_comment(item, "Ik help zaterdag", u(world["henk"]))
        toggle_pluim(u(world["ans"]), "comment", kept.id)
        toggle_pluim(u(world["ans"]), "comment", kept.id)  # and taken back
    login(client, "henk@example.nl")
    dutch = client.get("/mijn/credits").get_data(as_text=True)
    assert "Teruggedraaid: U kreeg een pluim (De pluim werd ingetrokken)" in dutch
    assert "U schreef een reactie" in dutch
    assert "Teruggedraaid: U schreef een reactie (Verborgen door de redactie: Reclame)" in dutch
    client.post("/taal", data={"lang": "en", "csrf_token": csrf_token(client, "/mijn/credits")})
    english = client.get("/mijn/credits").get_data(as_text=True)
    assert "Undone: You wrote a comment (Hidden by the editors: Reclame)" in english
    assert "U schreef een reactie" not in english
    assert "Verborgen door de redactie" not in english
    assert "Undone: You received a pluim (The pluim was withdrawn)" in english


def test_leaving_reverses_the_join_credit(app, world):
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, world["item"])
        join(u(world["henk"]), item)
        leave(u(world["henk"]), item)
        assert balance(world["henk"], world["t"])["total"] == 0


def test_daily_caps_hold(app, world):
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, world["item"])
        for i in range(7):
            post_comment(item, f"Reactie {i}", u(world["henk"]))
        assert len(_events(user_id=world["henk"], kind="comment")) == 5  # the default cap
        tomorrow = utcnow() + timedelta(days=1)
        cid = db.session.scalar(select(Comment.id).order_by(Comment.id.desc()))
        award(world["henk"], world["t"], "comment", "comment", cid, now=tomorrow)
        transaction.commit()
        assert len(_events(user_id=world["henk"], kind="comment")) == 6


def test_rule_changes_apply_from_their_moment_on(app, world):
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, world["item"])
        join(u(world["henk"]), item)
        with pytest.raises(PermissionDenied):
            set_rules(u(world["owner"]), world["t"], {}, {}, 0)
        from credits.models import KINDS

        weights = dict.fromkeys(KINDS, 1) | {"joined": 7}
        caps = dict.fromkeys(KINDS, 5)
        with pytest.raises(ValidationFailed):
            set_rules(u(world["admin"]), world["t"], weights | {"joined": 500}, caps, 0)
        set_rules(u(world["admin"]), world["t"], weights, caps, 0)
        join(u(world["ans"]), db.session.get(Initiative, world["item"]))
        old, new = _events(kind="joined")
        assert (old.amount, old.rule_version) == (3, 0)
        assert (new.amount, new.rule_version) == (7, 1)
        assert balance(world["ans"], world["t"])["granted"] == 7  # no pending window in version 1


def test_verify_finds_drift_and_rebuild_repairs_it(app, runner, world):
    with app.app_context(), unit_of_work():
        join(u(world["henk"]), db.session.get(Initiative, world["item"]))
        db.session.execute(text("UPDATE credit_total SET total = total + 5"))
        transaction.commit()
        assert len(verify()) == 2
    result = runner.invoke(args=["credits", "verify"])
    assert result.exit_code == 1
    assert "drift: user" in result.output
    assert "2 totals rebuilt" in runner.invoke(args=["credits", "rebuild"]).output
    ok = runner.invoke(args=["credits", "verify"])
    assert ok.exit_code == 0
    assert "ok: every balance equals the sum of its events" in ok.output
    with app.app_context(), unit_of_work():
        assert rebuild() == 2


def test_standings_are_opt_in(app, client, world):
    with app.app_context(), unit_of_work():
        assert standings(world["t"]) == []
    login(client, "olga@example.nl")
    page = client.get("/mijn/credits").get_data(as_text=True)
    assert "U zette een initiatief op de kaart" in page
    assert "in afwachting" in page
    post_form(client, f"/mijn/credits/{world['t']}/zichtbaar", {"visible": "1"}, token_from="/mijn/credits")
    with app.app_context(), unit_of_work():
        assert standings(world["t"]) == [("Olga", 10)]
    public = client.application.test_client().get(f"/trajecten/{world['t']}/credits").get_data(as_text=True)
    assert "Olga: 10" in public
    assert "Per buurt" in public.split("Wie wil laten zien")[0]  # collective progress comes first
    # One person took part: the public page does not say how many (fewer than five).
    assert "1 persoon droeg bij" not in public
    assert "Minder dan 5 mensen droegen bij" in public
    assert "<td>1</td>" not in public.split("Per initiatief")[1].split("Wie wil")[0]


def test_progress_shows_the_count_once_five_people_took_part(app, client, world, make_user):
    from participation.services import join

    people = [make_user(f"buur{i}@example.nl") for i in range(5)]
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, world["item"])
        for person in people:
            join(u(person), item)
    public = client.get(f"/trajecten/{world['t']}/credits").get_data(as_text=True)
    assert "6 mensen droegen bij" in public
    assert "<td>5</td>" in public.split("Per initiatief")[1]


def _threads(n, target):
    errors = []

    def run(i):
        try:
            target(i)
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_two_hundred_identical_awards_make_exactly_one_event(app, world):
    def one(_i):
        with app.app_context(), unit_of_work():
            begin_write(db.session)
            award(world["henk"], world["t"], "meeting_attended", "attendance", 4242)
            transaction.commit()

    assert _threads(200, one) == []
    with app.app_context(), unit_of_work():
        assert db.session.scalar(select(func.count()).select_from(CreditEvent).filter_by(source_id=4242)) == 1
        assert balance(world["henk"], world["t"])["total"] == 5
        assert verify() == []


def test_a_thousand_mixed_awards_and_reversals_keep_the_books_straight(app, world):
    people = [world["henk"], world["ans"], world["owner"]]

    def work(i):
        with app.app_context(), unit_of_work():
            begin_write(db.session)
            if i % 4 == 3:
                reverse("attendance", 10_000 + (i % 200), "Correctie")
            else:
                award(people[i % 3], world["t"], "meeting_attended", "attendance", 10_000 + (i % 200))
            transaction.commit()

    assert _threads(1000, work) == []
    with app.app_context(), unit_of_work():
        assert verify() == []
        per_day = db.session.execute(
            select(CreditEvent.user_id, func.count())
            .where(CreditEvent.kind == "meeting_attended", CreditEvent.entry == "award")
            .group_by(CreditEvent.user_id)
        ).all()
        assert all(n <= 3 for _, n in per_day)  # the default daily cap for meetings
        dupes = db.session.execute(
            select(CreditEvent.user_id, CreditEvent.source_id, CreditEvent.entry, func.count())
            .group_by(CreditEvent.user_id, CreditEvent.source_id, CreditEvent.entry)
            .having(func.count() > 1)
        ).all()
        assert dupes == []
        totals = dict(db.session.execute(select(CreditTotal.user_id, CreditTotal.total)).all())
        sums = dict(
            db.session.execute(
                select(CreditEvent.user_id, func.sum(CreditEvent.amount)).group_by(CreditEvent.user_id)
            ).all()
        )
        assert totals == sums


def test_concurrent_pluim_clicks_over_http_never_fail(app, world):
    """Many browsers toggling pluimen at once: no 500s, and the ledger still adds up."""
    import re

    import requests

    with threaded(app) as base:
        sessions = []
        for who in ("henk@example.nl", "ans@example.nl"):
            s = requests.Session()
            html = s.get(f"{base}/inloggen").text
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
            s.post(f"{base}/inloggen", data={"csrf_token": token, "email": who, "password": "een-lang-wachtwoord"})
            page = s.get(f"{base}/initiatieven/{world['item']}").text
            sessions.append((s, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)))
        statuses = []

        def click(i):
            s, token = sessions[i % 2]
            r = s.post(
                f"{base}/pluim/initiative/{world['item']}",
                data={"csrf_token": token},
                allow_redirects=False,
                timeout=60,
            )
            statuses.append(r.status_code)

        assert _threads(40, click) == []
    assert 500 not in statuses
    assert set(statuses) <= {302, 429}
    with app.app_context(), unit_of_work():
        assert verify() == []
        item = db.session.get(Initiative, world["item"])
        pluimen = db.session.scalar(text(f"SELECT count(*) FROM pluim WHERE target_id = {world['item']}"))
        assert item.pluim_count == pluimen


def test_admin_changes_rules_on_a_page_and_bad_values_are_refused(app, client, world):
    login(client, "beheer@gemeente.nl")
    url = f"/trajecten/{world['t']}/credits/regels"
    from credits.models import KINDS

    data = {f"weight_{k}": "2" for k in KINDS} | {f"cap_{k}": "4" for k in KINDS} | {"pending_hours": "24"}
    bad = post_form(client, url, data | {"weight_comment": "abc"})
    assert bad.status_code == 400
    assert "Een gewicht ligt tussen 0 en 100." in bad.get_data(as_text=True)
    ok = post_form(client, url, data, follow_redirects=True)
    assert "De nieuwe regels gelden vanaf nu." in ok.get_data(as_text=True)
    assert "regels versie 1" in ok.get_data(as_text=True)
    henk = client.application.test_client()
    login(henk, "henk@example.nl")
    assert henk.get(url).status_code == 403


def test_levels_page_explains_the_names(client):
    html = client.get("/credits/niveaus").get_data(as_text=True)
    for name in ("Meedenker", "Meedoener", "Trekker", "Verbinder"):
        assert name in html
