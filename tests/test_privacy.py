"""Residents' rights and the public record: own data, erasure, retention, consent, the privacy
statement and register, and the hash-chained archive (with every kind of tampering)."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from council.sources import verify as council_verify
from credits.models import CreditEvent
from credits.services import verify as credits_verify
from initiatives.models import ContactMessage, Initiative
from participation.models import Comment, Follow, Notification
from participation.moderation import decide
from participation.services import join, post_comment
from platform_core import transaction
from platform_core.extensions import db
from platform_core.models import Consent, User, utcnow
from platform_core.settings import SiteSetting
from platform_core.transaction import unit_of_work
from privacy import archive
from privacy.models import ArchiveEntry, ArchiveErasable
from response.services import post_feedback
from tests.conftest import PASSWORD, csrf_token, login, post_form
from trajectories.framing import add_framing
from trajectories.outcomes import report_outcome
from trajectories.services import create_trajectory

from .factories import placed


@pytest.fixture
def town(app, make_user, place):
    """Sanne places an initiative in a trajectory; Henk joins and comments; the municipality
    frames, answers and closes; a moderator hides one comment."""
    ids = {
        "sanne": make_user("sanne@example.nl", name="Sanne de Vries"),
        "henk": make_user("henk@example.nl", name="Henk Jansen"),
        "petra": make_user("petra@gemeente.nl", roles=("civil_servant",), name="Petra Ambtenaar"),
        "mo": make_user("mo@gemeente.nl", roles=("moderator",), name="Mo Redactie"),
        "admin": make_user("beheer@gemeente.nl", roles=("admin",)),
    }
    ids["item"] = place(ids["sanne"], title="Moestuin op het plein")
    with app.app_context(), unit_of_work():
        u = lambda key: db.session.get(User, ids[key])  # noqa: E731
        trajectory = create_trajectory(u("admin"), "Groen", "Hoe maken we het groener?", "Stadsbeheer",
                                       date(2026, 1, 1), date(2026, 12, 31))  # fmt: skip
        item = db.session.get(Initiative, ids["item"])
        placed(item, trajectory)
        join(u("henk"), item, offer="Ik heb een kruiwagen")
        ids["kept"] = post_comment(item, "Henk schrijft: wat een mooi plan", u("henk")).id
        ids["rude"] = post_comment(item, "Henk scheldt hier even", u("henk")).id
        post_comment(item, "Anoniem: goed idee", author_name="Bezoeker", author_email="bezoeker@example.nl")
        decide(u("mo"), "comment", ids["rude"], "hide", "Kwetsend")
        add_framing(u("petra"), "initiative", item.id, "budget", "Er is 5000 euro beschikbaar.", amount=5000)
        post_feedback(u("petra"), item, "Mooi plan, wij helpen met de vergunning.", "Stadsbeheer")
        ids["trajectory"] = trajectory.id
    return ids


def _kinds() -> dict[str, int]:
    return dict(db.session.execute(select(ArchiveEntry.kind, func.count()).group_by(ArchiveEntry.kind)).all())


# --- the public record ------------------------------------------------------------------------


def test_contributions_framing_feedback_outcomes_and_moderation_go_on_the_record(app, town, runner):
    with app.app_context():
        with unit_of_work():
            report_outcome(db.session.get(User, town["sanne"]), db.session.get(Initiative, town["item"]),
                           "realised", "De moestuin is aangelegd en wordt onderhouden.", date.today())  # fmt: skip
        kinds = _kinds()
        assert kinds["initiative.placed"] == 1
        assert kinds["comment.published"] == 2
        assert kinds["moderation.decided"] == 1
        assert kinds["framing.added"] == 1
        assert kinds["feedback.given"] == 1
        assert kinds["outcome.reported"] == 1
        decision = db.session.scalar(select(ArchiveEntry).where(ArchiveEntry.kind == "moderation.decided"))
        assert json.loads(decision.payload)["reason"] == "Kwetsend"
        assert archive.verify() == (sum(kinds.values()), [])
    result = runner.invoke(args=["archive", "verify"])
    assert result.exit_code == 0
    assert "chain intact" in result.output


def test_a_rolled_back_action_leaves_no_entry(app, town):
    with app.app_context():
        before = archive.head()
        item = db.session.get(Initiative, town["item"])
        post_comment(item, "Dit wordt nooit bewaard", db.session.get(User, town["henk"]))
        transaction.rollback()
        assert archive.head() == before
        assert archive.verify()[1] == []


TAMPERING = {
    "change a payload": [
        "UPDATE archive_entry SET payload = replace(payload, 'Kwetsend', 'Prima') WHERE kind = 'moderation.decided'"
    ],
    "change a name": [
        "UPDATE archive_erasable SET value = 'Iemand Anders' WHERE field = 'author_name' AND value = 'Henk Jansen'"
    ],
    "remove an entry": ["DELETE FROM archive_entry WHERE seq = 3"],
    "remove a name without redaction": ["DELETE FROM archive_erasable WHERE field = 'moderator_name'"],
    "reorder two entries": [
        "UPDATE archive_entry SET seq = -2 WHERE seq = 2",
        "UPDATE archive_entry SET seq = 2 WHERE seq = 3",
        "UPDATE archive_entry SET seq = 3 WHERE seq = -2",
    ],
    "truncate the end": ["DELETE FROM archive_entry WHERE seq = (SELECT max(seq) FROM archive_entry)"],
    "rewrite the time": ["UPDATE archive_entry SET recorded_at = '2001-01-01 00:00:00' WHERE seq = 1"],
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_any_tampering_makes_verify_fail(app, town, runner, how):
    with app.app_context():
        for statement in TAMPERING[how]:
            db.session.execute(text(statement))
        transaction.commit()
    result = runner.invoke(args=["archive", "verify"])
    assert result.exit_code == 1, result.output
    assert "FAILED" in result.output


def test_truncation_that_also_rewrites_the_head_is_caught_by_a_published_head(app, town, runner):
    with app.app_context():
        seq, published = archive.head()
        db.session.execute(text("DELETE FROM archive_entry WHERE seq = :s"), {"s": seq})
        db.session.execute(text("DELETE FROM archive_erasable WHERE entry_seq = :s"), {"s": seq})
        db.session.execute(
            text("UPDATE archive_head SET seq = seq - 1, hash = (SELECT hash FROM archive_entry WHERE seq = :s)"),
            {"s": seq - 1},
        )
        transaction.commit()
        assert archive.verify()[1] == []  # consistent in itself …
    result = runner.invoke(args=["archive", "verify", "--expect-head", published])
    assert result.exit_code == 1
    assert "not in the record" in result.output


def test_export_package_for_the_e_depot_verifies_and_detects_tampering(app, town, runner, tmp_path):
    package = tmp_path / "archief"
    result = runner.invoke(args=["archive", "export", str(package)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((package / "manifest.json").read_text())
    lines = (package / "entries.jsonl").read_text().splitlines()
    assert manifest["entries"] == len(lines)
    assert manifest["head"]["seq"] == len(lines)
    assert set(manifest["files"]) == {"entries.jsonl", "README.txt"}
    assert runner.invoke(args=["archive", "verify", "--package", str(package)]).exit_code == 0
    # An archivist's copy changed afterwards: the checksum and the chain both say so.
    (package / "entries.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    broken = runner.invoke(args=["archive", "verify", "--package", str(package)])
    assert broken.exit_code == 1
    assert "checksum" in broken.output
    assert "truncated" in broken.output


def test_erasure_keeps_the_chain_whole(app, town, runner):
    with app.app_context():
        with unit_of_work():
            from privacy.erasure import erase_account

            henk = db.session.get(User, town["henk"])
            report = erase_account(henk, henk, keep_contributions=True)
        assert report["archive_values_erased"] == 2  # his name on his two comments
        values = db.session.scalars(select(ArchiveErasable.value)).all()
        assert "Henk Jansen" not in values
        assert "Henk schrijft: wat een mooi plan" in values
        redaction = db.session.scalar(select(ArchiveEntry).where(ArchiveEntry.kind == "redaction"))
        assert len(json.loads(redaction.payload)["erased"]) == 2
    assert runner.invoke(args=["archive", "verify"]).exit_code == 0


# --- erasure ----------------------------------------------------------------------------------


@pytest.mark.parametrize("keep", [True, False], ids=["keep-contributions", "remove-contributions"])
def test_deleting_an_account_through_the_site(app, client, town, runner, keep):
    login(client, "henk@example.nl")
    token = csrf_token(client, "/account/verwijderen")
    wrong = client.post(
        "/account/verwijderen", data={"csrf_token": token, "keep": "keep", "password": "fout-wachtwoord", "sure": "y"}
    )
    assert wrong.status_code == 400
    assert "Dit is niet uw wachtwoord." in wrong.get_data(as_text=True)
    unsure = client.post("/account/verwijderen", data={"csrf_token": token, "keep": "keep", "password": PASSWORD})
    assert unsure.status_code == 400
    assert "niet ongedaan" in unsure.get_data(as_text=True)
    response = client.post(
        "/account/verwijderen",
        data={"csrf_token": token, "keep": "keep" if keep else "remove", "password": PASSWORD, "sure": "y"},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 302  # logged out
    with app.app_context():
        henk = db.session.get(User, town["henk"])
        assert henk.display_name == "Oud-deelnemer"
        assert henk.email.endswith("@invalid")
        assert henk.erased_at
        assert not henk.is_active_account
        assert henk.roles == []
        assert db.session.scalar(select(func.count()).select_from(Follow).where(Follow.user_id == henk.id)) == 0
        kept = db.session.get(Comment, town["kept"])
        item = db.session.get(Initiative, town["item"])
        if keep:
            assert kept.status == "published"
            assert kept.author_name == "Oud-deelnemer"
            assert item.comments_count == 1  # the hidden one and the waiting one do not count
        else:
            assert kept.status == "deleted"
            assert kept.body == ""
            assert item.comments_count == 0
            assert db.session.scalar(
                select(func.count()).select_from(CreditEvent).where(CreditEvent.entry == "reversal")
            )
        assert credits_verify() == []
        result = council_verify(db.session.connection())
        assert (result["missing"], result["extra"]) == ([], [])
    page = client.get(f"/initiatieven/{town['item']}").get_data(as_text=True)
    assert "Henk Jansen" not in page
    assert ("Henk schrijft" in page) is keep
    assert runner.invoke(args=["archive", "verify"]).exit_code == 0
    assert runner.invoke(args=["credits", "verify"]).exit_code == 0
    assert runner.invoke(args=["council", "verify"]).exit_code == 0
    assert login(client, "henk@example.nl").status_code != 302
    with app.app_context():  # nowhere in the database: not in Sanne's notifications, not anywhere
        assert _everywhere("Henk Jansen") == []
        assert _everywhere("henk@example.nl") == []
        assert _everywhere("Ik heb een kruiwagen") == []
    login(client, "sanne@example.nl")
    assert "Henk" not in client.get("/mijn").get_data(as_text=True)


def _everywhere(needle: str) -> list[str]:
    """Every text column of every table that holds ``needle``: the whole database searched."""
    from sqlalchemy import String, Text, inspect

    found = []
    inspector = inspect(db.engine)
    for table in db.metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue
        for column in table.columns:
            if isinstance(column.type, String | Text):
                hits = db.session.scalar(
                    select(func.count()).select_from(table).where(column.contains(needle, autoescape=True))
                )
                if hits:
                    found.append(f"{table.name}.{column.name}: {hits}")
    return found


def test_an_ambassadors_assisted_entry_can_be_erased_on_request(app, client, make_user, runner):
    from ambassadors.services import assisted_entry, make_ambassador
    from maps.models import Area
    from tests.conftest import initiative_input

    amir = make_user("amir@example.nl", name="Amir")
    admin = make_user("beheer@gemeente.nl", roles=("admin",))
    with app.app_context():
        with unit_of_work():
            areas = db.session.scalars(select(Area.id).where(Area.level == "neighbourhood")).all()
            make_ambassador(db.session.get(User, admin), db.session.get(User, amir), list(areas))
        with unit_of_work():
            item = assisted_entry(db.session.get(User, amir), "Mevrouw Bakker", "Mondeling akkoord op 3 maart",
                                  initiative_input(title="Bankje bij de bushalte"))  # fmt: skip
            item_id = item.id
    assert "Mevrouw Bakker" in client.get(f"/initiatieven/{item_id}").get_data(as_text=True)
    login(client, "amir@example.nl")
    response = post_form(client, f"/initiatieven/{item_id}/naam-wissen", {}, token_from=f"/initiatieven/{item_id}")
    assert response.status_code == 302
    page = client.get(f"/initiatieven/{item_id}").get_data(as_text=True)
    assert "Mevrouw Bakker" not in page
    assert "een bewoner" in page
    with app.app_context():
        assert db.session.get(Initiative, item_id).consent_note is None
        assert "Mevrouw Bakker" not in db.session.scalars(select(ArchiveErasable.value)).all()
    assert runner.invoke(args=["archive", "verify"]).exit_code == 0


# --- own data ---------------------------------------------------------------------------------


def _links(html: str) -> dict[str, str]:
    tokens = re.findall(r'name="token" value="([^"]+)"', html)
    return {"html": tokens[0], "json": tokens[1]}


def test_download_my_data_needs_a_fresh_password_and_works_once(app, client, town):
    with app.app_context(), unit_of_work():
        db.session.add(ContactMessage(initiative_id=town["item"], sender_id=town["henk"], sender_name="Henk",
                                      sender_email="henk@example.nl", message="Mag ik helpen?"))  # fmt: skip
    login(client, "henk@example.nl")
    token = csrf_token(client, "/account/gegevens")
    wrong = client.post("/account/gegevens", data={"csrf_token": token, "password": "niet-mijn-wachtwoord"})
    assert wrong.status_code == 400
    assert 'name="token"' not in wrong.get_data(as_text=True)
    with app.app_context(), unit_of_work():  # the municipality's own name, not the product's
        db.session.add(SiteSetting(key="site_name", value="Samen Zaanstad"))
    asked = client.post("/account/gegevens", data={"csrf_token": token, "password": PASSWORD})
    assert asked.status_code == 302  # the data is gathered by a job; here it runs after the commit
    ready = client.get(asked.headers["Location"])
    assert "Uw gegevens staan klaar." in ready.get_data(as_text=True)
    links = _links(ready.get_data(as_text=True))
    download = client.post("/account/gegevens/ophalen", data={"csrf_token": token, "token": links["json"]})
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="mijn-gegevens-samen-zaanstad.json"'
    data = json.loads(download.data)
    assert data["platform"] == "Samen Zaanstad"
    assert data["account"]["e-mailadres"] == "henk@example.nl"
    assert data["consents"][0]["versie"] == app.config["PRIVACY_STATEMENT_VERSION"]
    assert [c["tekst"] for c in data["comments"]] == ["Henk schrijft: wat een mooi plan", "Henk scheldt hier even"]
    assert data["participations"][0]["aanbod"] == "Ik heb een kruiwagen"
    assert data["messages_sent"][0]["bericht"] == "Mag ik helpen?"
    assert data["follows"]
    assert "credits" in data
    assert "notifications" in data
    assert "attendance" in data
    assert "sanne@example.nl" not in download.get_data(as_text=True)  # nobody else's address
    again = client.post("/account/gegevens/ophalen", data={"csrf_token": token, "token": links["json"]})
    assert again.status_code == 410
    page = client.post("/account/gegevens/ophalen", data={"csrf_token": token, "token": links["html"]})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Henk schrijft: wat een mooi plan" in html
    assert "Ik heb een kruiwagen" in html
    # the page holds every section the JSON holds, the uitdaagrecht's three among them
    from privacy.export import SECTIONS

    assert set(SECTIONS) == set(data) - {"platform", "gemaakt"}
    for label in SECTIONS.values():
        assert f">{label}</h2>" in html.replace("&#39;", "'")


def test_a_download_link_expires_and_belongs_to_one_person(app, client, town):
    login(client, "henk@example.nl")
    token = csrf_token(client, "/account/gegevens")
    links = _links(
        client.post(
            "/account/gegevens", data={"csrf_token": token, "password": PASSWORD}, follow_redirects=True
        ).get_data(as_text=True)
    )
    other = app.test_client()
    login(other, "sanne@example.nl")
    other_token = csrf_token(other, "/account/gegevens")
    assert (
        other.post("/account/gegevens/ophalen", data={"csrf_token": other_token, "token": links["json"]}).status_code
        == 410
    )
    with app.app_context(), unit_of_work():
        minutes = app.config["DATA_EXPORT_MINUTES"] + 1
        db.session.execute(text("UPDATE data_export SET created_at = :t"), {"t": utcnow() - timedelta(minutes=minutes)})
    assert (
        client.post("/account/gegevens/ophalen", data={"csrf_token": token, "token": links["html"]}).status_code == 410
    )


# --- retention --------------------------------------------------------------------------------


def test_purge_enforces_each_retention_period_and_is_idempotent(app, town, runner, smtp_server):
    old = utcnow() - timedelta(days=4000)
    with app.app_context(), unit_of_work():
        db.session.add(ContactMessage(initiative_id=town["item"], sender_name="Oud", sender_email="oud@example.nl",
                                      message="Oud bericht", created_at=old))  # fmt: skip
        db.session.add(ContactMessage(initiative_id=town["item"], sender_name="Nieuw", sender_email="nieuw@example.nl",
                                      message="Nieuw bericht"))  # fmt: skip
        db.session.execute(text("UPDATE comment SET created_at = :t WHERE author_email IS NOT NULL"), {"t": old})
        db.session.add(Notification(user_id=town["sanne"], kind="comment", text="Heel oud bericht", created_at=old))
        db.session.execute(text("UPDATE user_account SET created_at = :t, last_login_at = NULL WHERE id IN (:h, :p)"),
                           {"t": old, "h": town["henk"], "p": town["petra"]})  # fmt: skip
    first = runner.invoke(args=["privacy", "purge"])
    assert first.exit_code == 0, first.output
    report = dict(line.split(": ") for line in first.output.strip().splitlines())
    assert report["contact_messages"] == "1"
    assert report["anonymous_emails"] == "1"
    assert report["notifications"] == "1"
    assert report["accounts_warned"] == "1"
    assert report["accounts_erased"] == "0"
    assert any("henk@example.nl" in to for to, _msg in smtp_server.messages)
    second = runner.invoke(args=["privacy", "purge"])
    assert set(dict(line.split(": ") for line in second.output.strip().splitlines()).values()) == {"0"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContactMessage)) == 1
        assert db.session.scalar(select(func.count()).where(Comment.author_email.is_not(None))) == 0
        # The warning went unanswered for longer than the grace period: now the account goes.
        with unit_of_work():
            db.session.execute(text("UPDATE user_account SET inactivity_warned_at = :t WHERE id = :h"),
                               {"t": utcnow() - timedelta(days=31), "h": town["henk"]})  # fmt: skip
    third = runner.invoke(args=["privacy", "purge"])
    assert "accounts_erased: 1" in third.output
    with app.app_context():
        assert db.session.get(User, town["henk"]).erased_at is not None
        assert db.session.get(User, town["petra"]).erased_at is None
        assert db.session.get(Comment, town["kept"]).status == "published"
        assert credits_verify() == []
    assert runner.invoke(args=["archive", "verify"]).exit_code == 0


def test_the_warning_names_the_site_as_the_municipality_calls_it(app, town, runner, smtp_server):
    """The warning before an unused account is removed is a job (mail.send) and names the site
    as Beheer calls it, not the product."""
    from platform_core import settings
    from platform_core.jobs import Job

    with app.app_context(), unit_of_work():
        settings.save(db.session.get(User, town["admin"]), {"site_name": "Meedoen Noorderwold"})
        db.session.execute(text("UPDATE user_account SET created_at = :t, last_login_at = NULL WHERE id = :h"),
                           {"t": utcnow() - timedelta(days=4000), "h": town["henk"]})  # fmt: skip
    assert runner.invoke(args=["privacy", "purge"]).exit_code == 0
    ((to, message),) = [(to, m) for to, m in smtp_server.messages if to == ["henk@example.nl"]]
    assert message["Subject"] == "Uw account op Meedoen Noorderwold wordt verwijderd"
    assert "U hebt al lange tijd niet ingelogd op Meedoen Noorderwold." in message.get_content()
    assert "Schatkaart" not in message.get_content()
    with app.app_context():
        assert db.session.scalar(select(Job.state).where(Job.name == "mail.send")) == "done"


def test_logging_in_after_the_warning_keeps_the_account(app, client, town, runner):
    with app.app_context(), unit_of_work():
        db.session.execute(text("UPDATE user_account SET inactivity_warned_at = :t WHERE id = :h"),
                           {"t": utcnow() - timedelta(days=40), "h": town["henk"]})  # fmt: skip
    login(client, "henk@example.nl")
    assert "accounts_erased: 0" in runner.invoke(args=["privacy", "purge"]).output
    with app.app_context():
        henk = db.session.get(User, town["henk"])
        assert henk.erased_at is None
        assert henk.inactivity_warned_at is None


# --- consent and transparency -----------------------------------------------------------------


def test_consent_is_kept_with_its_version_and_asked_again_when_it_changes(app, client, town):
    login(client, "henk@example.nl")
    assert client.get("/mijn").status_code == 200
    app.config["PRIVACY_STATEMENT_VERSION"] = "2027-01"
    try:
        response = client.get("/mijn")
        assert response.status_code == 302
        assert "/privacy/toestemming" in response.headers["Location"]
        assert client.get("/privacy").status_code == 200  # the statement itself stays readable
        token = csrf_token(client, "/privacy/toestemming?next=/mijn")
        refused = client.post("/privacy/toestemming", data={"csrf_token": token, "next": "/mijn"})
        assert refused.status_code == 400
        assert "akkoord" in refused.get_data(as_text=True)
        agreed = client.post("/privacy/toestemming", data={"csrf_token": token, "agree": "y", "next": "/mijn"})
        assert agreed.status_code == 302
        assert agreed.headers["Location"].endswith("/mijn")
        assert client.get("/mijn").status_code == 200
        with app.app_context():
            versions = db.session.scalars(select(Consent.version).where(Consent.user_id == town["henk"])).all()
            assert sorted(versions) == ["2026-11", "2027-01"]
    finally:
        app.config["PRIVACY_STATEMENT_VERSION"] = "2026-11"


def test_privacy_statement_and_register_come_from_the_same_declarations(app, client):
    app.config["RETENTION_CONTACT_DAYS"] = 77
    app.config["PRIVACY_DPO_CONTACT"] = "fg@gemeente.example"
    try:
        page = client.get("/privacy").get_data(as_text=True)
        assert "77 dagen" in page
        assert "fg@gemeente.example" in page
        assert "Autoriteit Persoonsgegevens" in page
        register = client.get("/privacy/verwerkingsregister.json").get_json()
        contact = next(a for a in register["activities"] if a["verwerking"] == "Berichten aan initiatiefnemers")
        assert contact["bewaartermijn"] == "77 dagen"
        assert "fg@gemeente.example" in contact["functionaris_gegevensbescherming"]
        csv = client.get("/privacy/verwerkingsregister.csv")
        assert csv.status_code == 200
        assert "77 dagen" in csv.get_data(as_text=True)
    finally:
        app.config["RETENTION_CONTACT_DAYS"] = 180
        app.config["PRIVACY_DPO_CONTACT"] = "fg@schatkaart.local"


def test_the_public_record_page_shows_the_head_without_content(app, client, town):
    page = client.get("/archief").get_data(as_text=True)
    with app.app_context():
        seq, head = archive.head()
    assert head in page
    assert str(seq) in page
    assert "Henk scheldt" not in page
    assert "Henk Jansen" not in page
    # each line's kind in words, in the reader's language (issue 29), never its code
    assert "Reactie geplaatst" in page
    assert "comment.published" not in page
    client.post("/taal", data={"lang": "en", "csrf_token": csrf_token(client, "/archief")})
    english = client.get("/archief").get_data(as_text=True)
    assert "Comment posted" in english
    assert "Reactie geplaatst" not in english


def test_deleting_your_only_comment_after_the_municipality_answered_keeps_council_figures_exact(app, town):
    """Found while building erasure: the withdrawal recounted before the comment was gone."""
    from participation.services import delete_comment

    with app.app_context():
        with unit_of_work():
            delete_comment(db.session.get(User, town["henk"]), db.session.get(Comment, town["kept"]))
        result = council_verify(db.session.connection())
        assert (result["missing"], result["extra"]) == ([], [])


def test_a_savepoint_rolled_back_inside_an_action_keeps_its_entries(app, town):
    """A lost race caught inside a service (a savepoint) must not drop the action's record."""
    with app.app_context():
        before = archive.head()
        item = db.session.get(Initiative, town["item"])
        post_comment(item, "Dit blijft bewaard", db.session.get(User, town["henk"]))
        with contextlib.suppress(RuntimeError), db.session.begin_nested():
            raise RuntimeError("a concurrent request won")
        transaction.commit()
        assert archive.head()[0] == before[0] + 1
        assert archive.verify()[1] == []
