"""The co-creation pages over HTTP: who sees and may post what."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select, text

from ambassadors.models import Meeting
from ambassadors.services import make_ambassador
from council.sources import rebuild
from initiatives.models import Initiative
from maps.models import Area
from participation.models import Comment
from platform_core import transaction
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from response.models import Feedback
from trajectories.models import Trajectory
from trajectories.services import create_trajectory

from .conftest import login, post_form
from .factories import cast as make_cast
from .factories import placed


@pytest.fixture
def cast(app, make_user, place):
    ids = make_cast(make_user, "admin", "civil", "owner", "amb")
    ids["item"] = place(ids["owner"], title="Groene binnentuin")
    return ids


def _trajectory(cast, area_ids=None) -> Trajectory:
    return create_trajectory(
        db.session.get(User, cast["admin"]),
        "Groen",
        "Hoe maken we het groener?",
        "Stadsbeheer",
        date(2027, 1, 1),
        date(2027, 12, 31),
        area_ids,
    )


def test_admin_creates_a_trajectory_and_its_page_shows_question_stages_and_initiatives(app, client, cast):
    login(client, "beheer@gemeente.nl")
    resp = post_form(
        client,
        "/trajecten/nieuw",
        {
            "title": "Groen in Spoorzicht",
            "question": "Hoe maken we de buurt samen groener?",
            "department": "Stadsbeheer",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "stages": "verkennen\nideeën\nplan",
        },
    )
    assert resp.status_code == 302
    with app.app_context(), unit_of_work():
        t = db.session.scalar(select(Trajectory))
        placed(db.session.get(Initiative, cast["item"]), t)
        tid = t.id
    html = client.get(f"/trajecten/{tid}").get_data(as_text=True)
    assert "Hoe maken we de buurt samen groener?" in html
    assert 'aria-current="step" class="current">verkennen' in html
    assert "Groene binnentuin" in html
    post_form(client, f"/trajecten/{tid}/volgende-fase", {}, token_from=f"/trajecten/{tid}")
    assert 'aria-current="step" class="current">ideeën' in client.get(f"/trajecten/{tid}").get_data(as_text=True)


def test_trajectory_form_errors_in_dutch(client, cast):
    login(client, "beheer@gemeente.nl")
    resp = post_form(client, "/trajecten/nieuw", {"title": "", "question": "kort", "department": "", "stages": "een"})
    assert resp.status_code == 400
    assert "Geef minstens twee verschillende fasen." in resp.get_data(as_text=True)


def test_residents_cannot_open_municipal_pages(client, cast):
    login(client, "olga@example.nl")
    for url in (
        "/trajecten/nieuw",
        f"/initiatieven/{cast['item']}/gemeente",
        "/gemeente/wachtrij",
        "/ambassadeur",
        "/beheer/ambassadeurs",
        "/bijeenkomsten/nieuw",
    ):
        assert client.get(url).status_code == 403, url


def test_civil_servant_answers_a_question_from_the_queue(app, client, cast, make_user):
    henk = make_user("henk@example.nl", name="Henk")
    login(client, "henk@example.nl")
    page = f"/initiatieven/{cast['item']}"
    post_form(
        client, f"{page}/reacties", {"body": "Mag dit op gemeentegrond?", "to_municipality": "y"}, token_from=page
    )
    with app.app_context(), unit_of_work():
        question = db.session.scalar(select(Comment))
        assert question.to_municipality
        assert question.author_id == henk
        qid = question.id
    civil = client.application.test_client()
    login(civil, "petra@gemeente.nl")
    queue = civil.get("/gemeente/wachtrij").get_data(as_text=True)
    assert "Vraag van Henk bij" in queue
    assert "Nieuw initiatief:" in queue
    panel = f"/initiatieven/{cast['item']}/gemeente?vraag={qid}"
    assert "Mag dit op gemeentegrond?" in civil.get(panel).get_data(as_text=True)
    resp = post_form(
        civil,
        panel,
        {
            "fb-body": "Ja, met een beheerafspraak.",
            "fb-department": "Vastgoed",
            "fb-answers": str(qid),
            "action": "feedback",
        },
        token_from=panel,
    )
    assert resp.status_code == 302
    with app.app_context(), unit_of_work():
        assert db.session.get(Comment, qid).answered_at is not None
        assert db.session.scalar(select(Feedback)).department == "Vastgoed"
    html = client.get(page).get_data(as_text=True)
    assert "Reactie van de gemeente" in html
    assert "Petra, Vastgoed" in html
    assert "Niets wacht op een reactie" in civil.get("/gemeente/wachtrij").get_data(as_text=True)


def test_initiator_sees_when_to_expect_an_answer(client, cast):
    login(client, "olga@example.nl")
    assert "De gemeente reageert uiterlijk op" in client.get(f"/initiatieven/{cast['item']}").get_data(as_text=True)


def test_panel_records_role_facilitation_blocker_and_framing(app, client, cast):
    login(client, "petra@gemeente.nl")
    panel = f"/initiatieven/{cast['item']}/gemeente"
    post_form(client, panel, {"rol-role": "partner", "rol-scale": "facilitating", "rol-stage_id": "", "action": "role"})
    post_form(
        client,
        panel,
        {"fac-kind": "budget", "fac-description": "Voor planten", "fac-amount": "500", "action": "facilitation"},
    )
    post_form(
        client, panel, {"kn-description": "Vergunning loopt vast", "kn-department": "Vergunningen", "action": "blocker"}
    )
    post_form(
        client,
        panel,
        {
            "kader-target": f"initiative:{cast['item']}",
            "kader-kind": "cannot",
            "kader-body": "Geen bomen op de leiding.",
            "action": "framing",
        },
    )
    bad = post_form(
        client,
        panel,
        {"fac-kind": "budget", "fac-description": "Te veel", "fac-amount": "99999", "action": "facilitation"},
    )
    assert bad.status_code == 400
    assert "Een klein budget is een bedrag tussen 1 en 2500 euro." in bad.get_data(as_text=True)
    html = client.get(f"/initiatieven/{cast['item']}").get_data(as_text=True)
    assert "Partner" in html
    assert "Klein eenmalig budget: Voor planten (€\xa0500)" in html
    assert "Vergunning loopt vast" in html
    assert "Geen bomen op de leiding." in html
    public = client.application.test_client().get(f"/initiatieven/{cast['item']}").get_data(as_text=True)
    assert "Vergunning loopt vast" not in public  # blockers are for the initiator and the municipality


def test_ambassador_registers_a_meeting_with_attendance(app, client, cast, make_user):
    make_user("henk@example.nl", name="Henk")
    with app.app_context(), unit_of_work():
        area = db.session.scalar(select(Area).where(Area.name == "Spoorzicht"))
        make_ambassador(db.session.get(User, cast["admin"]), db.session.get(User, cast["amb"]), [area.id])
        area_id = area.id
    login(client, "mo@example.nl")
    resp = post_form(
        client,
        "/bijeenkomsten/nieuw",
        {
            "title": "Buurtavond",
            "starts_at": "2026-12-01T19:30",
            "place": "Buurthuis",
            "area_id": str(area_id),
            "trajectory_id": "",
        },
    )
    assert resp.status_code == 302
    url = resp.headers["Location"]
    post_form(client, url, {"email": "henk@example.nl"})
    post_form(client, url, {"name": "Buurman Piet"})
    post_form(client, url, {"count": "7"})
    bad = post_form(client, url, {"email": "onbekend@example.nl"})
    assert "Er is geen account met dit e-mailadres" in bad.get_data(as_text=True)
    assert "9 aanwezigen" in client.get(url).get_data(as_text=True)
    assert "Buurtavond" in client.get("/ambassadeur").get_data(as_text=True)
    with app.app_context(), unit_of_work():
        assert db.session.scalar(select(Meeting)).organiser_id == cast["amb"]


def test_admin_makes_an_ambassador(app, client, cast):
    with app.app_context(), unit_of_work():
        area_id = db.session.scalar(select(Area.id).where(Area.name == "Spoorzicht"))
    login(client, "beheer@gemeente.nl")
    resp = post_form(
        client, "/beheer/ambassadeurs", {"email": "mo@example.nl", "area_ids": str(area_id)}, follow_redirects=True
    )
    assert "Mo is nu ambassadeur." in resp.get_data(as_text=True)
    with app.app_context(), unit_of_work():
        assert "ambassador" in db.session.get(User, cast["amb"]).role_names


def test_ambassador_enters_an_initiative_for_a_resident(app, client, cast):
    with app.app_context(), unit_of_work():
        area_id = db.session.scalar(select(Area.id).where(Area.name == "Spoorzicht"))
        make_ambassador(db.session.get(User, cast["admin"]), db.session.get(User, cast["amb"]), [area_id])
    login(client, "mo@example.nl")
    data = {
        "resident_name": "mevrouw De Wit",
        "consent_note": "Mondeling akkoord op 20-11",
        "title": "Bankje bij de bushalte",
        "summary": "Een bankje zodat ouderen kunnen zitten.",
        "type": "initiative",
        "status": "idea",
        "lat": "52.095",
        "lon": "5.100",
        "save": "1",
    }
    resp = post_form(client, "/ambassadeur/namens", data, follow_redirects=True)
    assert "Ingevoerd door ambassadeur Mo namens mevrouw De Wit" in resp.get_data(as_text=True)
    outside = post_form(client, "/ambassadeur/namens", {**data, "lat": "52.10", "lon": "5.125"})
    assert outside.status_code == 400
    assert "buiten uw buurten als ambassadeur" in outside.get_data(as_text=True)


def test_outcome_and_stakeholders_from_the_initiative_page(app, client, cast):
    login(client, "olga@example.nl")
    page = f"/initiatieven/{cast['item']}"
    post_form(
        client,
        f"{page}/krachtenveld",
        {"name": "Jongerenwerk", "kind": "organisation", "involved": "0"},
        token_from=page,
    )
    assert "Jongerenwerk" in client.get(page).get_data(as_text=True)
    resp = post_form(
        client,
        f"{page}/uitkomst",
        {
            "kind": "realised",
            "reason": "De tuin is aangelegd en wordt onderhouden.",
            "decided_on": date.today().isoformat(),
        },
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert "Wat is er met je inbreng gebeurd?" in html
    assert "De tuin is aangelegd" in html
    with app.app_context(), unit_of_work():
        assert db.session.scalar(text("SELECT status FROM initiative")) == "completed"


def test_initiative_moves_to_its_next_stage_and_earns_the_stage_credit(app, client, cast):
    with app.app_context(), unit_of_work():
        t = _trajectory(cast)
        placed(db.session.get(Initiative, cast["item"]), t)
    login(client, "olga@example.nl")
    page = f"/initiatieven/{cast['item']}"
    assert "fase van dit initiatief: verkennen" in client.get(page).get_data(as_text=True)
    resp = post_form(client, f"{page}/volgende-fase", {}, token_from=page, follow_redirects=True)
    assert "Het initiatief is nu in de fase ‘ideeën’." in resp.get_data(as_text=True)
    from credits.models import CreditEvent

    with app.app_context(), unit_of_work():
        kinds = set(db.session.scalars(select(CreditEvent.kind).where(CreditEvent.user_id == cast["owner"])))
    assert kinds == {"initiative_placed", "stage_reached"}


def test_area_framing_is_drawn_on_the_trajectory_map(app, client, cast):
    from trajectories.framing import add_framing

    with app.app_context(), unit_of_work():
        area = db.session.scalar(select(Area).where(Area.name == "Spoorzicht"))
        t = _trajectory(cast, [area.id])
        add_framing(
            db.session.get(User, cast["civil"]), "area", area.id, "rules", "Hier ligt een gasleiding <niet graven>"
        )
        tid = t.id
    html = client.get(f"/trajecten/{tid}").get_data(as_text=True)
    assert "Wettelijke en ruimtelijke kaders" in html
    # in the map's data as typed (JSON escaped for HTML); map.js sets it as the tooltip's text
    assert "Hier ligt een gasleiding \\u003cniet graven\\u003e" in html
    assert "<niet graven>" not in html
    # and in the text beside the map, for keyboards and screen readers, with the buurt named
    listed = html[html.index('id="buurtkaders"') :]
    listed = listed[: listed.index("</dl>")]
    assert "Spoorzicht: Wettelijke en ruimtelijke kaders" in listed
    assert "Hier ligt een gasleiding &lt;niet graven&gt;" in listed


def test_civil_servant_frames_the_trajectory_and_its_stage_from_its_page(app, client, cast):
    with app.app_context(), unit_of_work():
        t = _trajectory(cast)
        tid, stage_id = t.id, t.current_stage_id
    page = f"/trajecten/{tid}"
    assert "Kader toevoegen" not in client.get(page).get_data(as_text=True)  # not for visitors
    login(client, "petra@gemeente.nl")
    post_form(
        client,
        f"{page}/kaders",
        {"target": f"trajectory:{tid}", "kind": "budget", "body": "Voor het hele traject", "amount": "30000"},
        token_from=page,
    )
    post_form(
        client,
        f"{page}/kaders",
        {"target": f"stage:{stage_id}", "kind": "decision", "body": "De wethouder besluit in maart."},
        token_from=page,
    )
    html = client.get(page).get_data(as_text=True)
    assert "Beschikbaar budget: €\xa030.000" in html
    assert "De wethouder besluit in maart." in html
    assert "versie 1, Petra" in html


def test_ambassador_sees_newcomers_in_their_buurten(app, client, cast, make_user):
    """First-time participants (in the last 30 days) who did something public in the buurt."""
    from datetime import timedelta

    from participation.services import post_comment
    from platform_core.models import utcnow

    newbie = make_user("noor@example.nl", name="Noor")
    regular = make_user("kees@example.nl", name="Kees")
    with app.app_context(), unit_of_work():
        area = db.session.scalar(select(Area).where(Area.name == "Spoorzicht"))
        make_ambassador(db.session.get(User, cast["admin"]), db.session.get(User, cast["amb"]), [area.id])
        item = db.session.get(Initiative, cast["item"])
        item.created_at = utcnow() - timedelta(days=90)  # Olga placed it long ago: not new
        transaction.commit()
        old = post_comment(item, "Ik doe al jaren mee.", db.session.get(User, regular))
        old.created_at = utcnow() - timedelta(days=60)
        transaction.commit()
        post_comment(item, "Kees weer hier.", db.session.get(User, regular))
        post_comment(item, "Hallo, ik ben nieuw in de buurt!", db.session.get(User, newbie))
        rebuild(db.session.connection())  # history was backdated above, behind the services
    login(client, "mo@example.nl")
    html = client.get("/ambassadeur").get_data(as_text=True)
    section = html.split('id="nieuwkomers"')[1].split("</section>")[0]
    assert "Noor" in section
    assert "reageerde bij" in section
    assert "Groene binnentuin" in section
    assert "Kees" not in section  # took part before
    assert "Olga" not in section


def test_the_participation_report_shows_who_what_and_what_was_done_without_small_groups(app, client, cast, make_user):
    """Participatieverslag: involvement (under 5 suppressed), meetings with attendance, the stakeholder
    field with who is missing, what was said (grouped, no names), feedback and outcome; as a page,
    an HTML file and a CSV annex."""
    from ambassadors.services import create_meeting, register_attendance
    from participation.services import join, post_comment
    from response.services import post_feedback
    from trajectories.outcomes import add_stakeholder, report_outcome

    item_id = cast["item"]
    neighbour_ids = [make_user(f"buur{i}@example.nl", name=f"Buur{i}") for i in range(6)]
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, item_id)
        civil = db.session.get(User, cast["civil"])
        neighbours = [db.session.get(User, uid) for uid in neighbour_ids]
        for person in neighbours:
            join(person, item)
        post_comment(item, "Kan de tuin ook 's avonds open?", neighbours[0])
        question = post_comment(item, "Mag dit op gemeentegrond?", neighbours[1])
        question.to_municipality = True
        post_feedback(civil, item, "Ja, met een beheerafspraak.", "Vastgoed", answers=question)
        meeting = create_meeting(civil, "Buurtavond tuin", datetime(2026, 10, 1, 19, 30), "Buurthuis", item.area_id)
        meeting.initiative_id = item.id
        register_attendance(civil, meeting, name="Gast Een")
        add_stakeholder(
            db.session.get(User, cast["owner"]), item, "Woningcorporatie Mitros", "organisation", False, "nog benaderen"
        )
        report_outcome(
            db.session.get(User, cast["owner"]),
            item,
            "realised",
            "De tuin is aangelegd en open.",
            date(2026, 11, 1),
        )
    page = client.get(f"/initiatieven/{item_id}/participatieverslag")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    betrokken = html[html.index('id="betrokken"') :]
    assert "<td>6</td>" in betrokken[: betrokken.index("</table>")]  # six joined
    assert "minder dan 5" in betrokken[: betrokken.index("</table>")]  # two commenters: not shown
    assert "Buurtavond tuin" in html
    assert "Woningcorporatie Mitros" in html[html.index('id="ontbreekt"') :]
    assert "Mag dit op gemeentegrond?" in html
    assert "Ja, met een beheerafspraak." in html
    assert "De tuin is aangelegd en open." in html
    assert "Buur0" not in html  # nobody named
    assert "Buur1" not in html
    report = f"/initiatieven/{item_id}/participatieverslag"
    asked = post_form(client, f"{report}/bestanden", {}, token_from=report, follow_redirects=True)
    assert "De bestanden worden klaargezet." in asked.get_data(as_text=True)  # made after the commit
    download = client.get(f"/initiatieven/{item_id}/participatieverslag.html")
    assert download.headers["Content-Disposition"].startswith("attachment; filename=participatieverslag-initiatief")
    assert "Mag dit op gemeentegrond?" in download.get_data(as_text=True)
    annex = client.get(f"/initiatieven/{item_id}/participatieverslag.csv").get_data(as_text=True)
    # in the reader's language, with the page's labels: no stored code or English key in a Dutch annex
    assert "betrokken,Mensen die zich aanmeldden om mee te doen,6," in annex
    assert "betrokken,Mensen die reageerden,minder dan 5," in annex
    assert not {"joined", "commenters", "realised"} & {cell for row in annex.splitlines() for cell in row.split(",")}
    assert "vraag aan de gemeente,Mag dit op gemeentegrond?" in annex
    assert "uitkomst,Gerealiseerd,De tuin is aangelegd en open.,2026-11-01" in annex
