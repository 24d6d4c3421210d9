"""Uitdaagrecht: filing under the municipality's configured terms, backing, acknowledging, questions,
assessment, decision and the zelfbeheer initiative; the queue's own norm, the council's counts,
the public record and the map layer; who may do what."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from challenges.models import Challenge, ChallengeSupport
from challenges.services import (
    ChallengeInput,
    acknowledge,
    assess,
    convert_to_zelfbeheer,
    decide,
    figures,
    file_challenge,
    post_message,
    support,
)
from initiatives.models import Initiative
from participation.models import Notification
from platform_core import settings, transaction
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from platform_core.validation import PermissionDenied, ValidationFailed
from platform_core.workdays import working_days_between
from privacy.archive import entries_about
from privacy.archive import verify as archive_verify
from response.services import response_queue

from .conftest import csrf_token, login, post_form
from .factories import cast as make_cast


@pytest.fixture
def people(make_user):
    return make_cast(make_user, "anna", "bas", "civil", "admin")


def u(uid):
    return db.session.get(User, uid)


def _input(**kw) -> ChallengeInput:
    values = {
        "title": "Wij onderhouden het Spoorpark zelf",
        "task": "Het maaien, snoeien en schoonhouden van het Spoorpark.",
        "motivation": "Wij wonen ernaast, zien elke dag wat nodig is en doen het met twintig buren.",
        "needs": "Gereedschap, een container en jaarlijks 4.000 euro.",
        "support": "Bewonersvereniging Spoorzicht en 20 buren.",
        "budget_needed": "4000",
        "challenger": "group",
        "organisation": "Bewonersvereniging Spoorzicht",
        "area_code": "BU03440001",
    }
    values.update(kw)
    return ChallengeInput(**values)


def _area_code():
    from maps.models import Area

    return db.session.scalar(select(Area.code).where(Area.name == "Spoorzicht"))


def _file(app, people, **kw) -> int:
    with app.app_context(), unit_of_work():
        return file_challenge(u(people["anna"]), _input(area_code=_area_code(), **kw)).id


def test_filing_checks_every_field_in_dutch_and_saves_nothing_on_error(app, people):
    with app.app_context():
        with pytest.raises(ValidationFailed) as caught:
            file_challenge(
                u(people["anna"]),
                _input(
                    title="",
                    task="kort",
                    motivation="",
                    needs="",
                    challenger="group",
                    organisation="",
                    budget_needed="veel",
                    area_code="XX",
                ),
            )
        transaction.rollback()
        assert set(caught.value.errors) == {
            "title",
            "task",
            "motivation",
            "needs",
            "organisation",
            "budget_needed",
            "area_code",
        }
        assert "minstens" in caught.value.errors["motivation"]
        assert db.session.scalar(select(func.count()).select_from(Challenge)) == 0


def test_terms_come_from_the_settings_and_stay_with_the_challenge(app, people):
    with app.app_context(), unit_of_work():
        settings.save(
            u(people["admin"]),
            {
                "challenge_who": "organisation",
                "challenge_ack_days": "5",
                "challenge_decision_days": "20",
                "challenge_criteria": "Goedkoper\nMeer draagvlak",
            },
        )
    with app.app_context():
        with pytest.raises(ValidationFailed) as caught:
            file_challenge(u(people["anna"]), _input(challenger="individual", area_code=_area_code()))
        assert "organisatie" in caught.value.errors["challenger"]
        transaction.rollback()
    cid = _file(app, people, challenger="organisation")
    with app.app_context(), unit_of_work():
        challenge = db.session.get(Challenge, cid)
        assert challenge.criteria_list == ["Goedkoper", "Meer draagvlak"]
        assert working_days_between(challenge.created_at, challenge.ack_due_at) == pytest.approx(5)
        assert working_days_between(challenge.created_at, challenge.decide_due_at) == pytest.approx(20)
        settings.save(u(people["admin"]), {"challenge_decision_days": "60", "challenge_criteria": "Iets anders"})
    with app.app_context():
        challenge = db.session.get(Challenge, cid)  # what was promised at filing holds
        assert challenge.criteria_list == ["Goedkoper", "Meer draagvlak"]
        assert working_days_between(challenge.created_at, challenge.decide_due_at) == pytest.approx(20)
    with app.app_context(), pytest.raises(ValidationFailed) as caught:
        settings.validate({"challenge_ack_days": "0", "challenge_who": "iedereen"})
    assert set(caught.value.errors) == {"challenge_ack_days", "challenge_who"}


def test_from_filing_to_zelfbeheer_with_the_queue_council_and_record(app, client, people):
    cid = _file(app, people)
    with app.app_context(), unit_of_work():
        challenge = db.session.get(Challenge, cid)
        assert support(u(people["bas"]), challenge) is True
        assert support(u(people["bas"]), challenge) is False  # counted once
        with pytest.raises(PermissionDenied):
            support(u(people["anna"]), challenge)  # not one's own
        assert challenge.supporters_count == 1
    with app.app_context():
        queue = [e for e in response_queue() if e.get("challenge")]
        assert [(e["kind"], e["challenge"].id) for e in queue] == [("challenge_ack", cid)]
        with unit_of_work():
            challenge = db.session.get(Challenge, cid)
            with pytest.raises(PermissionDenied):
                acknowledge(u(people["bas"]), challenge)
            acknowledge(u(people["civil"]), challenge)
        queue = [e for e in response_queue() if e.get("challenge")]
        assert [e["kind"] for e in queue] == ["challenge_decision"]
        assert queue[0]["due"] == db.session.get(Challenge, cid).decide_due_at
        with unit_of_work():
            challenge = db.session.get(Challenge, cid)
            post_message(u(people["civil"]), challenge, "Hoe regelt u de verzekering?")
            post_message(u(people["anna"]), challenge, "Via de bewonersvereniging, die is verzekerd.")
            with pytest.raises(PermissionDenied):
                post_message(u(people["bas"]), challenge, "Mag ik ook iets vragen?")
            with pytest.raises(ValidationFailed):
                decide(u(people["civil"]), challenge, "granted", "Eerst beoordelen hoort erbij, dus dit faalt.")
            with pytest.raises(ValidationFailed) as caught:
                assess(u(people["civil"]), challenge, {})
            assert "verdict-0" in caught.value.errors
            verdicts = dict.fromkeys(challenge.criteria_list, ("meets", "Goed onderbouwd"))
            verdicts[challenge.criteria_list[1]] = ("partly", "Iets duurder in het eerste jaar")
            assess(u(people["civil"]), challenge, verdicts)
            decide(u(people["civil"]), challenge, "partly", "Het onderhoud mag, het snoeien van bomen blijft bij ons.")
        assert [e for e in response_queue() if e.get("challenge")] == []
        anna_told = db.session.scalars(select(Notification.text).filter_by(user_id=people["anna"])).all()
        bas_told = db.session.scalars(select(Notification.text).filter_by(user_id=people["bas"])).all()
        assert any("Deels toegekend" in t for t in anna_told)
        assert any("Deels toegekend" in t for t in bas_told)
        with unit_of_work():
            challenge = db.session.get(Challenge, cid)
            initiative = convert_to_zelfbeheer(
                u(people["civil"]),
                challenge,
                "De vereniging maait en veegt; de gemeente snoeit en levert een container.",
            )
            initiative_id = initiative.id
        item = db.session.get(Initiative, initiative_id)
        assert (item.type, item.owner_id, item.budget_requested) == ("self_management", people["anna"], 4000)
        assert "de gemeente snoeit" in item.description
        with pytest.raises(ValidationFailed):
            convert_to_zelfbeheer(u(people["civil"]), db.session.get(Challenge, cid), "Nog een keer hetzelfde doen.")
        transaction.rollback()
        counted = figures()
        assert (counted["filed"], counted["decided"], counted["in_time"]) == (1, 1, 1)
        assert counted["by_decision"]["partly"] == 1
        from council.services import Scope, dashboard

        assert dashboard(Scope())["challenges"] == counted  # the council review counts them
        steps = [e.kind for e in entries_about("challenge", cid)]
        assert steps == [
            "challenge.filed",
            "challenge.acknowledged",
            "challenge.assessed",
            "challenge.decided",
            "challenge.converted",
        ]
        assert archive_verify()[1] == []
    html = client.get(f"/uitdaagrecht/{cid}").get_data(as_text=True)
    assert "Besluit: Deels toegekend" in html
    assert "het snoeien van bomen blijft bij ons" in html
    assert "Hoe regelt u de verzekering?" in html
    assert "Goed onderbouwd" in html
    council = client.get("/uitdaagrecht.geojson").get_json()
    assert [f["properties"]["id"] for f in council["features"]] == [cid]


def test_a_challenge_that_is_not_public_is_only_for_its_filer_and_the_municipality(app, client, people):
    with app.app_context(), unit_of_work():
        settings.save(u(people["admin"]), {"challenge_public": "0"})
    cid = _file(app, people)
    assert client.get(f"/uitdaagrecht/{cid}").status_code == 404
    assert client.get("/uitdaagrecht.geojson").get_json()["features"] == []
    assert "Wij onderhouden" not in client.get("/uitdaagrecht").get_data(as_text=True)
    login(client, "anna@example.nl")
    assert client.get(f"/uitdaagrecht/{cid}").status_code == 200
    with app.app_context():
        assert entries_about("challenge", cid) == []  # nothing on the public record


def test_filing_through_the_form_shows_errors_next_to_the_fields(app, client, people):
    login(client, "anna@example.nl")
    resp = post_form(
        client, "/uitdaagrecht/nieuw", {"title": "Park", "challenger": "individual"}, token_from="/uitdaagrecht/nieuw"
    )
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert 'id="task-fout"' in html
    assert 'id="motivation-fout"' in html
    assert 'id="title-fout"' in html
    with app.app_context():
        code = _area_code()
    resp = post_form(
        client,
        "/uitdaagrecht/nieuw",
        {
            "title": "Wij beheren het buurthuis",
            "task": "Het beheer van buurthuis De Speeldoos.",
            "motivation": "Wij zijn er elke dag en kennen iedereen die er komt; wij doen het met vrijwilligers.",
            "needs": "De sleutels en een huurcontract.",
            "challenger": "individual",
            "area_code": code,
        },
        token_from="/uitdaagrecht/nieuw",
    )
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Uw uitdaging is ingediend" in page
    assert "Wij beheren het buurthuis" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ChallengeSupport)) == 0


def test_a_challenge_action_without_a_csrf_token_is_refused_and_changes_nothing(app, client, people):
    cid = _file(app, people)
    login(client, "petra@gemeente.nl")
    resp = client.post(f"/uitdaagrecht/{cid}", data={"action": "ontvangst"})
    assert resp.status_code == 400
    with app.app_context():
        assert db.session.get(Challenge, cid).acknowledged_at is None


def test_criteria_an_administrator_writes_are_shown_as_text_on_the_public_pages(app, client, people):
    hostile = [
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        '<meta http-equiv=refresh content="0;url=/x">',
    ]
    with app.app_context(), unit_of_work():
        settings.save(u(people["admin"]), {"challenge_criteria": "\n".join(hostile)})
    cid = _file(app, people)
    public = client.get("/uitdaagrecht").get_data(as_text=True)
    login(client, "petra@gemeente.nl")  # the civil servant assesses per criterion
    assessing = client.get(f"/uitdaagrecht/{cid}").get_data(as_text=True)
    for html in (public, assessing):
        for text in hostile:
            assert str(escape(text)) in html  # shown exactly as written, as text
            assert text not in html
    with app.app_context(), unit_of_work():  # the built-in criteria are still shown
        settings.save(u(people["admin"]), {"challenge_criteria": ""})
    assert "Goedkoper: het kost de gemeente niet meer" in client.get("/uitdaagrecht").get_data(as_text=True)


def test_an_administrators_criteria_in_both_languages(app, client, people):
    """Criteria an administrator writes were Dutch only; now each has its English line (issue 27)."""

    login(client, "beheer@gemeente.nl")
    terms = {"challenge_who": ["individual", "group"], "challenge_ack_days": "10", "challenge_decision_days": "40",
             "challenge_public": "1", "challenge_criteria": "Zuinig met groen\nSamen met de buren"}  # fmt: skip
    mismatch = post_form(client, "/beheer/uitdaagrecht", {**terms, "challenge_criteria_en": "Sparing with green"})
    assert mismatch.status_code == 400
    assert "Geef evenveel Engelse als Nederlandse regels, in dezelfde volgorde." in mismatch.get_data(as_text=True)
    saved = post_form(
        client,
        "/beheer/uitdaagrecht",
        {**terms, "challenge_criteria_en": "Sparing with green\nTogether with neighbours"},
    )
    assert saved.status_code == 302
    visitor = app.test_client()
    assert "Samen met de buren" in visitor.get("/uitdaagrecht").get_data(as_text=True)
    visitor.post("/taal", data={"csrf_token": csrf_token(visitor, "/"), "lang": "en"})
    english = visitor.get("/uitdaagrecht").get_data(as_text=True)
    assert "Together with neighbours" in english
    assert "Samen met de buren" not in english
