"""Register with e-mail and explicit consent, log in, log out; accounts from the CLI."""

from __future__ import annotations

from sqlalchemy import func, select

from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work

from .conftest import PASSWORD, csrf_token, login, post_form


def _users(app) -> int:
    with app.app_context(), unit_of_work():
        return db.session.scalar(select(func.count()).select_from(User))


def test_register_form_has_unticked_consent_box(client):
    html = client.get("/registreren").get_data(as_text=True)
    assert 'id="consent"' in html
    assert "checked" not in html.split('id="consent"')[0].rsplit("<input", 1)[1]
    assert 'type="checkbox"' in html


def test_registration_without_consent_is_refused_and_nothing_saved(app, client):
    resp = post_form(
        client, "/registreren", {"display_name": "Sanne", "email": "sanne@example.nl", "password": PASSWORD}
    )
    assert resp.status_code == 400
    assert "Geef toestemming" in resp.get_data(as_text=True)
    assert _users(app) == 0


def test_registration_logs_the_new_resident_in(app, client):
    resp = post_form(
        client,
        "/registreren",
        {"display_name": "Sanne", "email": "Sanne@Example.nl", "password": PASSWORD, "consent": "y"},
        follow_redirects=True,
    )
    assert "Welkom, Sanne!" in resp.get_data(as_text=True)
    with app.app_context(), unit_of_work():
        user = db.session.scalar(select(User))
        assert user.email == "sanne@example.nl"
        assert user.role_names == {"resident"}
        assert user.consent_at is not None
    assert "Uitloggen" in client.get("/").get_data(as_text=True)


def test_registration_errors_are_shown_next_to_each_field(app, client, make_user):
    make_user("taken@example.nl")
    resp = post_form(
        client, "/registreren", {"display_name": "X", "email": "taken@example.nl", "password": "kort", "consent": "y"}
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'id="email-fout"' in html
    assert "Er is al een account met dit e-mailadres" in html
    assert 'id="password-fout"' in html
    assert "minstens 10 tekens" in html
    assert _users(app) == 1


def test_login_with_wrong_password_says_so_in_dutch(client, make_user):
    make_user("sanne@example.nl")
    resp = login(client, "sanne@example.nl", "fout-wachtwoord")
    assert resp.status_code == 400
    assert "horen niet bij elkaar" in resp.get_data(as_text=True)


def test_login_and_logout(client, make_user):
    make_user("sanne@example.nl")
    resp = login(client, "sanne@example.nl")
    assert resp.status_code == 302
    token = csrf_token(client, "/")
    resp = client.post("/uitloggen", data={"csrf_token": token}, follow_redirects=True)
    assert "U bent uitgelogd." in resp.get_data(as_text=True)
    assert client.get("/initiatieven/nieuw").status_code == 302


def test_login_never_redirects_off_site(client, make_user):
    make_user("sanne@example.nl")
    resp = post_form(client, "/inloggen?next=//evil.example/phish", {"email": "sanne@example.nl", "password": PASSWORD})
    assert resp.headers["Location"] == "/"


def test_forms_without_csrf_token_are_refused(app, client):
    resp = client.post(
        "/registreren", data={"display_name": "S", "email": "s@example.nl", "password": PASSWORD, "consent": "y"}
    )
    assert resp.status_code == 400
    assert "Het formulier is verlopen" in resp.get_data(as_text=True)
    assert _users(app) == 0


def test_cli_creates_accounts_with_roles(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "petra@gemeente.nl",
            "--role",
            "civil_servant",
            "--name",
            "Petra",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    assert "civil_servant" in result.output
    result = runner.invoke(args=["users", "create", "x@example.nl", "--role", "koning", "--password", PASSWORD])
    assert result.exit_code != 0
    assert "Onbekende rol" in result.output


def test_registration_is_rate_limited_with_a_friendly_message(client):
    statuses = []
    for i in range(21):
        resp = post_form(
            client, "/registreren", {"display_name": f"Bot {i}", "email": f"bot{i}@example.nl", "password": "x"}
        )
        statuses.append(resp.status_code)
    assert statuses[-1] == 429
    assert "U doet dit te vaak" in resp.get_data(as_text=True)
