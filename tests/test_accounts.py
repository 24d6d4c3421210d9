"""Accounts a municipality can trust: registration with confirmed e-mail and explicit consent,
password rules, reset by single-use expiring link, sessions that end when they should, a second
factor for staff, nothing that tells a stranger whether an address has an account, and login
limits that stop guessing without locking out everyone else."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work

from .conftest import PASSWORD, TOTP_SECRETS, csrf_token, login, post_form, totp_code

SANNE = {"display_name": "Sanne", "email": "Sanne@Example.nl", "password": PASSWORD, "consent": "y"}


def _users(app) -> int:
    with app.app_context(), unit_of_work():
        return db.session.scalar(select(func.count()).select_from(User))


def _user(app, email: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def wait_for_mail(smtp_server, count: int = 1, timeout: float = 5.0) -> list:
    """Account mail leaves from a background thread; wait for it to reach the SMTP server."""
    deadline = time.monotonic() + timeout
    while len(smtp_server.messages) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return smtp_server.messages


def _reset_link(smtp_server) -> str:
    """The reset link from the reset mail (mail from an earlier test's background thread may
    arrive in between: the message is picked by what it holds, not by its place)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for _rcpt, message in list(smtp_server.messages):
            if "/wachtwoord-herstellen/" in message.get_body().get_content():
                return _link(message, "/wachtwoord-herstellen/")
        time.sleep(0.02)
    raise AssertionError("no reset mail arrived")


def _link(message, path: str) -> str:
    body = message.get_body().get_content()
    return re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s]+)", body).group(1)


def _logged_in(client) -> bool:
    return "Uitloggen" in client.get("/").get_data(as_text=True)


# --- registration and confirmation --------------------------------------------------------


def test_register_form_has_unticked_consent_box(client):
    html = client.get("/registreren").get_data(as_text=True)
    assert 'id="consent"' in html
    assert "checked" not in html.split('id="consent"')[0].rsplit("<input", 1)[1]
    assert 'type="checkbox"' in html


def test_registration_without_consent_is_refused_and_nothing_saved(app, client):
    resp = post_form(client, "/registreren", {**SANNE, "consent": ""})
    assert resp.status_code == 400
    assert "Geef toestemming" in resp.get_data(as_text=True)
    assert _users(app) == 0


def test_registration_asks_to_confirm_the_address_before_logging_in(app, client, smtp_server):
    resp = post_form(client, "/registreren", SANNE)
    assert resp.status_code == 200
    assert "Kijk in uw mail" in resp.get_data(as_text=True)
    assert not _logged_in(client)
    user = _user(app, "sanne@example.nl")
    assert user.role_names == {"resident"}
    assert user.consent_at is not None
    assert user.email_confirmed_at is None
    (rcpt, message), *_ = wait_for_mail(smtp_server)
    assert rcpt == ["sanne@example.nl"]
    assert "Bevestig uw e-mailadres" in message["Subject"]
    link = _link(message, "/account/bevestigen/")

    refused = login(client, "sanne@example.nl")  # not before the address is confirmed
    assert refused.status_code == 400
    assert "Bevestig eerst uw e-mailadres" in refused.get_data(as_text=True)
    assert len(wait_for_mail(smtp_server, 2)) == 2  # the link is sent again

    page = client.get(link)  # a mail scanner following the link confirms nothing
    assert "Ja, bevestig mijn e-mailadres" in page.get_data(as_text=True)
    assert _user(app, "sanne@example.nl").email_confirmed_at is None
    resp = post_form(client, link, {}, follow_redirects=True)
    assert "Uw e-mailadres is bevestigd" in resp.get_data(as_text=True)
    assert _user(app, "sanne@example.nl").email_confirmed_at is not None
    assert login(client, "sanne@example.nl").status_code == 302
    assert _logged_in(client)


def test_a_newcomer_who_wanted_to_place_an_initiative_arrives_at_the_form(app, client, smtp_server):
    client.get("/registreren?next=/initiatieven/nieuw")
    post_form(client, "/registreren?next=/initiatieven/nieuw", SANNE)
    link = _link(wait_for_mail(smtp_server)[0][1], "/account/bevestigen/")
    confirmed = post_form(client, link, {})
    assert confirmed.headers["Location"] == "/inloggen?next=/initiatieven/nieuw"
    resp = post_form(
        client, confirmed.headers["Location"], {"email": "sanne@example.nl", "password": SANNE["password"]}
    )
    assert resp.headers["Location"] == "/initiatieven/nieuw"


def test_a_forged_or_expired_confirmation_link_confirms_nothing(app, client, smtp_server, monkeypatch):
    post_form(client, "/registreren", SANNE)
    link = _link(wait_for_mail(smtp_server)[0][1], "/account/bevestigen/")
    assert post_form(client, link[:-3] + "abc", {}, token_from=link).status_code == 400
    later = time.time() + app.config["CONFIRM_TOKEN_HOURS"] * 3600 + 5
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    resp = post_form(client, link, {})
    assert resp.status_code == 400
    assert "verlopen" in resp.get_data(as_text=True)
    assert _user(app, "sanne@example.nl").email_confirmed_at is None


def test_registering_a_known_address_answers_the_same_and_tells_only_the_owner(app, client, smtp_server, make_user):
    make_user("sanne@example.nl")
    known = post_form(client, "/registreren", SANNE)
    fresh = post_form(app.test_client(), "/registreren", {**SANNE, "email": "nieuw@example.nl"})
    assert known.status_code == fresh.status_code == 200
    strip = lambda r, e: re.sub(r'name="csrf_token"[^>]*>|nonce="[^"]*"|' + re.escape(e), "", r.get_data(as_text=True))  # noqa: E731
    assert strip(known, "Sanne@Example.nl") == strip(fresh, "nieuw@example.nl")
    assert _users(app) == 2  # the known address got no second account
    messages = {tuple(rcpt): msg["Subject"] for rcpt, msg in wait_for_mail(smtp_server, 2)}
    assert "Iemand probeerde een account te maken" in messages[("sanne@example.nl",)]
    assert "Bevestig uw e-mailadres" in messages[("nieuw@example.nl",)]


@pytest.mark.parametrize(
    "password",
    ["wachtwoord", "1234567890", "aaaaaaaaaa", "password12", "Welkom2024!", "qwertyuiop", "abcabcabcabc", "kort"],
)
def test_weak_passwords_are_refused_next_to_the_field(app, client, password):
    resp = post_form(client, "/registreren", {**SANNE, "password": password})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'id="password-fout"' in html
    assert "minstens 10 tekens" in html or "veelgebruikte wachtwoorden" in html
    assert _users(app) == 0


def test_a_password_made_of_ones_own_address_is_refused(client):
    resp = post_form(client, "/registreren", {**SANNE, "password": "sanne@example.nl"})
    assert resp.status_code == 400
    assert "lijkt te veel op uw naam" in resp.get_data(as_text=True)


def test_forms_without_csrf_token_are_refused(app, client):
    resp = client.post("/registreren", data=SANNE)
    assert resp.status_code == 400
    assert "Het formulier is verlopen" in resp.get_data(as_text=True)
    assert _users(app) == 0


# --- login ---------------------------------------------------------------------------------


def test_login_with_wrong_password_or_unknown_address_says_the_same(client, make_user):
    make_user("sanne@example.nl")
    wrong = login(client, "sanne@example.nl", "fout-wachtwoord")
    unknown = login(client, "niemand@example.nl", "fout-wachtwoord")
    assert wrong.status_code == unknown.status_code == 400
    assert "horen niet bij elkaar" in wrong.get_data(as_text=True)
    assert "horen niet bij elkaar" in unknown.get_data(as_text=True)


def test_an_unknown_address_costs_a_password_check_like_a_known_one(client, make_user, monkeypatch):
    """Timing: both answers do one password-hash check, so neither comes back faster."""
    from platform_core.accounts import services
    from platform_core.models import check_password_hash as real_model_check

    calls = []
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: calls.append("dummy") or False)
    monkeypatch.setattr(
        "platform_core.models.check_password_hash", lambda h, p: calls.append("real") or real_model_check(h, p)
    )
    make_user("sanne@example.nl")
    login(client, "niemand@example.nl", "fout-wachtwoord")
    login(client, "sanne@example.nl", "fout-wachtwoord")
    assert calls == ["dummy", "real"]


def test_login_and_logout(client, make_user):
    make_user("sanne@example.nl")
    assert login(client, "sanne@example.nl").status_code == 302
    resp = client.post("/uitloggen", data={"csrf_token": csrf_token(client, "/")}, follow_redirects=True)
    assert "U bent uitgelogd." in resp.get_data(as_text=True)
    assert client.get("/initiatieven/nieuw").status_code == 302


def test_login_never_redirects_off_site(client, make_user):
    make_user("sanne@example.nl")
    resp = post_form(client, "/inloggen?next=//evil.example/phish", {"email": "sanne@example.nl", "password": PASSWORD})
    assert resp.headers["Location"] == "/"


def _copy_session(app, source):
    thief = app.test_client()
    cookie = source.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_copied_session_cookie_stops_working_after_logout(app, client, make_user):
    make_user("sanne@example.nl")
    login(client, "sanne@example.nl")
    thief = _copy_session(app, client)
    assert _logged_in(thief)
    client.post("/uitloggen", data={"csrf_token": csrf_token(client, "/")})
    assert not _logged_in(thief)
    assert thief.get("/account").status_code == 302


def test_a_new_password_ends_every_other_session_but_this_one(app, client, make_user, smtp_server):
    make_user("sanne@example.nl")
    login(client, "sanne@example.nl")
    other_device = app.test_client()
    login(other_device, "sanne@example.nl")
    wrong = post_form(
        client, "/account/wachtwoord", {"current_password": "geraden!!!!", "password": "zeven groene geveltuinen"}
    )
    assert wrong.status_code == 400
    assert "niet uw huidige wachtwoord" in wrong.get_data(as_text=True)
    assert _logged_in(other_device)
    resp = post_form(
        client, "/account/wachtwoord", {"current_password": PASSWORD, "password": "zeven groene geveltuinen"}
    )
    assert resp.status_code == 302
    assert _logged_in(client)
    assert not _logged_in(other_device)
    assert login(app.test_client(), "sanne@example.nl", "zeven groene geveltuinen").status_code == 302
    assert any("gewijzigd" in m["Subject"] for _r, m in wait_for_mail(smtp_server))


def test_role_changes_and_disabling_end_sessions(app, client, make_user):
    from platform_core.accounts.services import grant_role, set_active

    uid = make_user("sanne@example.nl")
    login(client, "sanne@example.nl")
    with app.app_context(), unit_of_work():
        grant_role(db.session.get(User, uid), "ambassador")
    assert not _logged_in(client)
    login(client, "sanne@example.nl")
    with app.app_context(), unit_of_work():
        set_active(db.session.get(User, uid), False)
    assert not _logged_in(client)
    assert login(client, "sanne@example.nl").status_code == 400


@pytest.mark.parametrize(("key", "age"), [("seen_at", 61 * 60), ("auth_at", 12 * 3600 + 60)])
def test_idle_and_absolute_session_timeouts(client, make_user, key, age):
    make_user("sanne@example.nl")
    login(client, "sanne@example.nl")
    with client.session_transaction() as session:  # as if that much time had passed
        session[key] -= age
    resp = client.get("/account", follow_redirects=True)
    assert "log opnieuw in" in resp.get_data(as_text=True)
    assert not _logged_in(client)


# --- password reset --------------------------------------------------------------------------


def test_password_reset_by_single_use_link(app, client, make_user, smtp_server):
    make_user("sanne@example.nl")
    other_device = app.test_client()
    login(other_device, "sanne@example.nl")
    known = post_form(client, "/wachtwoord-vergeten", {"email": "sanne@example.nl"})
    unknown = post_form(app.test_client(), "/wachtwoord-vergeten", {"email": "niemand@example.nl"})
    assert known.status_code == unknown.status_code == 200
    assert "Als er een account is" in unknown.get_data(as_text=True)
    (rcpt, message), *_ = wait_for_mail(smtp_server)
    time.sleep(0.2)
    assert len(smtp_server.messages) == 1  # nothing to the unknown address
    assert rcpt == ["sanne@example.nl"]
    link = _link(message, "/wachtwoord-herstellen/")
    weak = post_form(client, link, {"password": "wachtwoord1"})
    assert weak.status_code == 400
    assert "veelgebruikte" in weak.get_data(as_text=True)
    assert post_form(client, link, {"password": "nieuwe fietsenstalling"}).status_code == 302
    assert login(client, "sanne@example.nl", "nieuwe fietsenstalling").status_code == 302
    assert not _logged_in(other_device)
    again = client.get(link)
    assert again.status_code == 400
    assert "verlopen of al gebruikt" in again.get_data(as_text=True)


def test_an_expired_reset_link_does_nothing(app, client, make_user, smtp_server, monkeypatch):
    make_user("sanne@example.nl")
    post_form(client, "/wachtwoord-vergeten", {"email": "sanne@example.nl"})
    link = _reset_link(smtp_server)
    later = time.time() + app.config["RESET_TOKEN_MINUTES"] * 60 + 5
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert client.get(link).status_code == 400
    assert login(client, "sanne@example.nl").status_code == 302


# --- second factor ---------------------------------------------------------------------------


def test_staff_set_up_a_second_factor_before_their_first_login_completes(app, client, make_user):
    make_user("petra@gemeente.nl", roles=("civil_servant",))
    resp = post_form(client, "/inloggen", {"email": "petra@gemeente.nl", "password": PASSWORD})
    assert resp.headers["Location"].endswith("/inloggen/tweestaps")
    assert not _logged_in(client)
    assert client.get("/gemeente/wachtrij").status_code in (302, 403)
    html = client.get("/inloggen/tweestaps").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in html
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', html).group(1)
    # the secret waits on the account, not in the session cookie (which the browser can read)
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    stored = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert secret not in repr(stored)
    assert secret not in cookie.value
    assert secret in client.get("/inloggen/tweestaps").get_data(as_text=True)  # the same after a reload
    wrong = post_form(client, "/inloggen/tweestaps", {"code": "000000"})
    assert wrong.status_code == 400
    assert "klopt niet" in wrong.get_data(as_text=True)
    TOTP_SECRETS["petra@gemeente.nl"] = secret
    done = post_form(client, "/inloggen/tweestaps", {"code": totp_code("petra@gemeente.nl")})
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    assert _logged_in(client)

    later = app.test_client()  # the next login asks for a code; a recovery code works once
    resp = post_form(later, "/inloggen", {"email": "petra@gemeente.nl", "password": PASSWORD})
    assert resp.headers["Location"].endswith("/inloggen/code")
    assert not _logged_in(later)
    assert post_form(later, "/inloggen/code", {"code": codes[0]}).status_code == 302
    assert _logged_in(later)
    third = app.test_client()
    post_form(third, "/inloggen", {"email": "petra@gemeente.nl", "password": PASSWORD})
    assert post_form(third, "/inloggen/code", {"code": codes[0]}).status_code == 400


def test_a_code_works_once(app, make_user):
    make_user("petra@gemeente.nl", roles=("moderator",))
    login(app.test_client(), "petra@gemeente.nl")  # enrols
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        post_form(c, "/inloggen", {"email": "petra@gemeente.nl", "password": PASSWORD})
    code = totp_code("petra@gemeente.nl")
    assert post_form(first, "/inloggen/code", {"code": code}).status_code == 302
    assert post_form(second, "/inloggen/code", {"code": code}).status_code == 400


def test_staff_cannot_switch_the_second_factor_off_but_residents_can(app, client, make_user):
    make_user("petra@gemeente.nl", roles=("admin",))
    login(client, "petra@gemeente.nl")
    post_form(client, "/account/tweestaps/uit", {"current_password": PASSWORD}, token_from="/account")
    assert _user(app, "petra@gemeente.nl").has_second_factor
    resident = app.test_client()
    make_user("sanne@example.nl")
    login(resident, "sanne@example.nl")
    html = resident.get("/inloggen/tweestaps").get_data(as_text=True)
    TOTP_SECRETS["sanne@example.nl"] = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', html).group(1)
    post_form(resident, "/inloggen/tweestaps", {"code": totp_code("sanne@example.nl")})
    assert _user(app, "sanne@example.nl").has_second_factor
    post_form(resident, "/account/tweestaps/uit", {"current_password": PASSWORD}, token_from="/account")
    assert not _user(app, "sanne@example.nl").has_second_factor


def test_a_password_reset_does_not_skip_the_second_factor(app, client, make_user, smtp_server):
    make_user("petra@gemeente.nl", roles=("council",))
    login(app.test_client(), "petra@gemeente.nl")
    post_form(client, "/wachtwoord-vergeten", {"email": "petra@gemeente.nl"})
    link = _link(wait_for_mail(smtp_server)[-1][1], "/wachtwoord-herstellen/")
    post_form(client, link, {"password": "raadsvergadering op dinsdag"})
    resp = post_form(client, "/inloggen", {"email": "petra@gemeente.nl", "password": "raadsvergadering op dinsdag"})
    assert resp.headers["Location"].endswith("/inloggen/code")


# --- limits ----------------------------------------------------------------------------------


def _from(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_guessing_one_account_is_stopped_without_locking_out_its_owner(app, make_user):
    make_user("sanne@example.nl")
    limit = int(app.config["RATELIMIT_LOGIN_ACCOUNT"].split("/")[0])
    attacker = _from(app.test_client(), "203.0.113.9")
    statuses = [login(attacker, "sanne@example.nl", f"gok-nummer-{i}").status_code for i in range(limit + 1)]
    assert statuses == [400] * limit + [429]
    assert "U doet dit te vaak" in login(attacker, "sanne@example.nl").get_data(as_text=True)
    owner = _from(app.test_client(), "198.51.100.7")
    assert login(owner, "sanne@example.nl").status_code == 302


def test_many_people_logging_in_from_one_address_are_not_limited(app, make_user):
    """A library or community centre: successful logins do not count against the address."""
    per_address = int(app.config["RATELIMIT_LOGIN_ADDRESS"].split("/")[0])
    for i in range(per_address + 5):
        make_user(f"bezoeker{i}@example.nl")
    library = _from(app.test_client(), "192.0.2.50")
    statuses = {login(library, f"bezoeker{i}@example.nl").status_code for i in range(per_address + 5)}
    assert statuses == {302}


def test_failures_from_one_address_are_limited_across_accounts(app, make_user):
    per_address = int(app.config["RATELIMIT_LOGIN_ADDRESS"].split("/")[0])
    bot = _from(app.test_client(), "203.0.113.10")
    statuses = [login(bot, f"slachtoffer{i}@example.nl", "gok-gok-gok").status_code for i in range(per_address + 1)]
    assert statuses == [400] * per_address + [429]


def test_registration_is_rate_limited_with_a_friendly_message(app, client):
    limit = int(app.config["RATELIMIT_REGISTER"].split("/")[0])
    statuses = []
    for i in range(limit + 1):
        resp = post_form(client, "/registreren", {**SANNE, "email": f"bot{i}@example.nl", "password": "x"})
        statuses.append(resp.status_code)
    assert statuses == [400] * limit + [429]
    assert "U doet dit te vaak" in resp.get_data(as_text=True)


def test_cli_creates_accounts_with_roles(app, runner):
    args = ["users", "create", "petra@gemeente.nl", "--role", "civil_servant", "--name", "Petra"]
    result = runner.invoke(args=[*args, "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert "civil_servant" in result.output
    assert _user(app, "petra@gemeente.nl").email_confirmed_at is not None
    result = runner.invoke(args=["users", "create", "x@example.nl", "--role", "koning", "--password", PASSWORD])
    assert result.exit_code != 0
    assert "Onbekende rol" in result.output


def test_cli_resets_a_lost_second_factor_and_disables_accounts(app, runner, client, make_user):
    make_user("petra@gemeente.nl", roles=("civil_servant",))
    login(client, "petra@gemeente.nl")
    assert _user(app, "petra@gemeente.nl").has_second_factor
    result = runner.invoke(args=["users", "reset-2fa", "petra@gemeente.nl"])
    assert result.exit_code == 0, result.output
    assert not _user(app, "petra@gemeente.nl").has_second_factor
    assert not _logged_in(client)
    resp = post_form(client, "/inloggen", {"email": "petra@gemeente.nl", "password": PASSWORD})
    assert resp.headers["Location"].endswith("/inloggen/tweestaps")  # set up anew
    assert runner.invoke(args=["users", "disable", "petra@gemeente.nl"]).exit_code == 0
    assert login(app.test_client(), "petra@gemeente.nl").status_code == 400
    assert runner.invoke(args=["users", "disable", "niemand@example.nl"]).exit_code != 0
