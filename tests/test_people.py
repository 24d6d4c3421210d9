"""Beheer → Mensen (issue 27): the functional administrator invites staff by e-mail (a link to
choose a password, the second factor at the first login), gives and takes roles and disables
accounts, from the browser's forms; each change is on the public record; the last administrator
cannot be removed or switched off; nobody else may do any of it."""

from __future__ import annotations

import re

from sqlalchemy import select

from platform_core.extensions import db
from platform_core.models import User
from privacy.models import ArchiveEntry

from .conftest import PASSWORD, TOTP_SECRETS, csrf_token, login, post_form
from .factories import cast, the


def _mailed_link(smtp_server, to: str) -> str:
    from .test_accounts import wait_for_mail

    for rcpt, message in wait_for_mail(smtp_server):
        if to in rcpt:
            body = message.get_body(("plain",)).get_content()
            return re.search(r"https?://[^/\s]+(/wachtwoord-herstellen/\S+)", body).group(1)
    raise AssertionError(f"no mail to {to}: {[r for r, _m in smtp_server.messages]}")


def test_an_administrator_invites_a_civil_servant_who_then_logs_in_with_a_second_factor(
    app, client, make_user, smtp_server
):
    cast(make_user, "admin")
    login(client, the("admin"))
    done = post_form(client, "/beheer/mensen",
                     {"email": "karin@gemeente.nl", "name": "Karin (Wijkbureau)", "role": "civil_servant"},
                     follow_redirects=True)  # fmt: skip
    assert "karin@gemeente.nl heeft een mail gekregen om een wachtwoord te kiezen." in done.get_data(as_text=True)
    assert "Karin (Wijkbureau)" in done.get_data(as_text=True)
    link = _mailed_link(smtp_server, "karin@gemeente.nl")
    karin = app.test_client()
    chosen = karin.post(link, data={"csrf_token": csrf_token(karin, link), "password": PASSWORD, "confirm": PASSWORD})
    assert chosen.status_code == 302
    TOTP_SECRETS.pop("karin@gemeente.nl", None)
    assert login(karin, "karin@gemeente.nl").status_code == 302
    assert "karin@gemeente.nl" in TOTP_SECRETS  # enrolled at the first login
    assert karin.get("/gemeente/wachtrij").status_code == 200
    with app.app_context():
        kinds = db.session.scalars(select(ArchiveEntry.kind)).all()
    assert "people.role-granted" in kinds


def test_roles_are_given_and_taken_and_accounts_switched_off(app, client, make_user):
    people = cast(make_user, "admin", "henk")
    login(client, the("admin"))
    page = f"/beheer/mensen?email={the('henk')}"
    given = post_form(client, f"/beheer/mensen/{people['henk']}/rol", {"role": "moderator", "on": "1"},
                      token_from=page, follow_redirects=True)  # fmt: skip
    assert "Henk heeft nu de rol redactie." in given.get_data(as_text=True)
    with app.app_context():
        assert "moderator" in db.session.get(User, people["henk"]).role_names
    taken = post_form(client, f"/beheer/mensen/{people['henk']}/rol", {"role": "moderator", "on": "0"},
                      token_from="/beheer/mensen", follow_redirects=True)  # fmt: skip
    assert "Henk heeft de rol redactie niet meer." in taken.get_data(as_text=True)
    post_form(client, f"/beheer/mensen/{people['henk']}/actief", {"active": "0"}, token_from="/beheer/mensen")
    henk = app.test_client()
    refused = post_form(henk, "/inloggen", {"email": the("henk"), "password": PASSWORD})
    assert refused.status_code != 302
    with app.app_context():
        entries = db.session.scalars(select(ArchiveEntry.kind).order_by(ArchiveEntry.seq)).all()
    assert entries[-3:] == ["people.role-granted", "people.role-revoked", "people.disabled"]


def test_the_last_administrator_stays(app, client, make_user):
    people = cast(make_user, "admin")
    login(client, the("admin"))
    kept = post_form(client, f"/beheer/mensen/{people['admin']}/rol", {"role": "admin", "on": "0"},
                     token_from="/beheer/mensen", follow_redirects=True)  # fmt: skip
    assert "Dit is de laatste beheerder" in kept.get_data(as_text=True)
    self_off = post_form(client, f"/beheer/mensen/{people['admin']}/actief", {"active": "0"},
                         token_from="/beheer/mensen", follow_redirects=True)  # fmt: skip
    assert "U kunt uw eigen account niet uitschakelen." in self_off.get_data(as_text=True)
    with app.app_context():
        admin = db.session.get(User, people["admin"])
        assert "admin" in admin.role_names
        assert admin.is_active_account


def test_only_administrators_manage_people(app, client, make_user):
    people = cast(make_user, "civil", "henk")
    login(client, the("civil"))
    assert client.get("/beheer/mensen").status_code == 403
    refused = client.post(f"/beheer/mensen/{people['henk']}/rol",
                          data={"csrf_token": csrf_token(client, "/"), "role": "admin", "on": "1"})  # fmt: skip
    assert refused.status_code == 403
    with app.app_context():
        assert "admin" not in db.session.get(User, people["henk"]).role_names
