"""Limits that hold: shared in Redis across gunicorn's worker processes (exactly N allowed, the
N+1th answered 429 and logged), the client's address taken from a configured number of trusted
proxies only, and the limits on every door a bot would hammer."""

from __future__ import annotations

import re

import pytest
import requests

from .conftest import PASSWORD, csrf_token, login, post_form
from .servers import gunicorn, redis_server

N = 6  # the per-account login limit these servers run with


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def _limited_server(app, tmp_path_factory, redis_url: str, proxies: int):
    log = tmp_path_factory.mktemp("gunicorn") / "error.log"
    env = {
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_LOGIN_ACCOUNT": f"{N}/15 minutes",
        "TRUSTED_PROXIES": str(proxies),
    }
    return log, gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], log, 2, 4, **env)


def _form_session(url: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    html = session.get(url + "/inloggen", timeout=30).text
    return session, re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def _attempt(url: str, email: str, password: str, forwarded: str | None = None) -> int:
    session, token = _form_session(url)
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    data = {"csrf_token": token, "email": email, "password": password}
    return session.post(url + "/inloggen", data=data, headers=headers, allow_redirects=False, timeout=30).status_code


def test_attempts_across_worker_processes_get_exactly_n(app, make_user, redis_url, tmp_path_factory):
    """Each attempt on a fresh connection, so gunicorn spreads them over both workers: with
    per-process memory the limit would let about 2N through; with Redis exactly N pass."""
    make_user("sanne@example.nl")
    log, server = _limited_server(app, tmp_path_factory, redis_url, proxies=0)
    with server as url:
        statuses = [_attempt(url, "sanne@example.nl", f"gok-nummer-{i}") for i in range(3 * N)]
        # The socket address is what counts: a forged header changes nothing without trusted proxies.
        forged = _attempt(url, "sanne@example.nl", PASSWORD, forwarded="198.51.100.99")
    assert statuses == [400] * N + [429] * (2 * N)
    assert forged == 429
    assert log.read_text().count("rate limit") >= 2 * N  # every refusal is logged


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(app, make_user, redis_url, tmp_path_factory):
    make_user("henk@example.nl")
    _log, server = _limited_server(app, tmp_path_factory, redis_url, proxies=1)
    with server as url:
        attacker = [_attempt(url, "henk@example.nl", f"gok-{i}", forwarded="203.0.113.7") for i in range(N + 1)]
        owner = _attempt(url, "henk@example.nl", PASSWORD, forwarded="198.51.100.20")
    assert attacker == [400] * N + [429]
    assert owner == 302  # the load balancer's one address did not lock the owner out


# --- in-process: the limit on each door --------------------------------------------------------


def _n(app, name: str) -> int:
    return int(app.config[name].split("/")[0].split(";")[0])


def test_password_reset_requests_are_limited_per_account(app, client, make_user):
    make_user("sanne@example.nl")
    n = _n(app, "RATELIMIT_RESET_ACCOUNT")
    statuses = [
        post_form(client, "/wachtwoord-vergeten", {"email": "sanne@example.nl"}).status_code for _ in range(n + 1)
    ]
    assert statuses == [200] * n + [429]


def test_second_factor_guesses_are_limited(app, client, make_user):
    make_user("petra@gemeente.nl", roles=("moderator",))
    login(app.test_client(), "petra@gemeente.nl")  # set up the app once
    post_form(client, "/inloggen", {"email": "petra@gemeente.nl", "password": PASSWORD})
    n = _n(app, "RATELIMIT_TWO_FACTOR")
    token = csrf_token(client, "/inloggen/code")
    statuses = [
        client.post("/inloggen/code", data={"csrf_token": token, "code": "000000"}).status_code for _ in range(n + 1)
    ]
    assert statuses == [400] * n + [429]


def test_pluim_and_flag_are_limited(app, client, make_user, place):
    make_user("sanne@example.nl")
    login(client, "sanne@example.nl")
    items = [place(title=f"Initiatief {i}") for i in range(3)]
    token = csrf_token(client, "/")
    n = _n(app, "RATELIMIT_PLUIM")
    statuses = [
        client.post(f"/pluim/initiative/{items[i % 3]}", data={"csrf_token": token}).status_code for i in range(n + 1)
    ]
    assert statuses[-1] == 429
    assert 429 not in statuses[:-1]
    n = _n(app, "RATELIMIT_FLAG")
    flags = [
        post_form(client, f"/melden/initiative/{items[0]}", {"reason": f"Dit is reclame, melding {i}"}).status_code
        for i in range(n + 1)
    ]
    assert flags[-1] == 429
    assert 429 not in flags[:-1]


def test_security_txt_and_hsts(app, client):
    body = client.get("/.well-known/security.txt")
    assert body.status_code == 200
    assert body.mimetype == "text/plain"
    text = body.get_data(as_text=True)
    assert re.search(r"^Contact: \S+", text, re.M)
    assert re.search(r"^Expires: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", text, re.M)
    assert "Strict-Transport-Security" not in client.get("/").headers  # plain http: no HSTS
    app.config["PUBLIC_URL"] = "https://schatkaart.example.nl"
    try:
        assert "max-age=" in client.get("/").headers["Strict-Transport-Security"]
    finally:
        app.config["PUBLIC_URL"] = "http://127.0.0.1:5000"


def test_secure_cookies_follow_an_https_public_url(monkeypatch, tmp_path):
    from platform_core.config import load_config

    monkeypatch.setenv("PUBLIC_URL", "https://schatkaart.example.nl")
    monkeypatch.setenv("SECRET_KEY", "x")
    assert load_config(tmp_path)["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("PUBLIC_URL", "http://127.0.0.1:5000")
    assert load_config(tmp_path)["SESSION_COOKIE_SECURE"] is False


def test_a_concurrent_burst_of_wrong_passwords_gets_exactly_n_through(app, make_user, redis_url, tmp_path_factory):
    """Every attempt is counted atomically before it is answered (not after, as failures only):
    20 wrong passwords at once from one address, over 2 workers x 4 threads, let exactly N through."""
    from concurrent.futures import ThreadPoolExecutor

    make_user("burst@example.nl")
    log, server = _limited_server(app, tmp_path_factory, redis_url, proxies=0)
    with server as url:
        sessions = [_form_session(url) for _ in range(20)]  # each with its own form and token

        def attempt(pair: tuple[requests.Session, str]) -> int:
            session, token = pair
            data = {"csrf_token": token, "email": "burst@example.nl", "password": "geraden-wachtwoord"}
            return session.post(url + "/inloggen", data=data, allow_redirects=False, timeout=60).status_code

        for _round in range(2):
            with ThreadPoolExecutor(20) as pool:
                statuses = list(pool.map(attempt, sessions))
            assert sorted(statuses) == [400] * (N if _round == 0 else 0) + [429] * (20 - (N if _round == 0 else 0))


def test_a_reset_link_is_used_once_even_when_sent_six_times_at_once(app, make_user, tmp_path_factory):
    """Six simultaneous POSTs of one reset link: one sets the password, five are told the link is used."""
    from concurrent.futures import ThreadPoolExecutor

    from platform_core.accounts.tokens import reset_token
    from platform_core.extensions import db
    from platform_core.models import User

    uid = make_user("vergeten@example.nl")
    log = tmp_path_factory.mktemp("gunicorn") / "error.log"
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], log, 2, 4, RATELIMIT_ENABLED="0") as url:
        for round_ in range(3):
            with app.app_context():
                token = reset_token(db.session.get(User, uid))
                db.session.remove()
            page = f"{url}/wachtwoord-herstellen/{token}"
            forms = []
            for _ in range(6):
                session = requests.Session()
                html = session.get(page, timeout=30).text
                forms.append(
                    (session, re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1))
                )

            def send(pair, round_=round_, page=page) -> int:
                session, csrf = pair
                new = f"Een-heel-nieuw-wachtwoord-{round_}"
                data = {"csrf_token": csrf, "password": new, "password2": new, "confirm": new}
                response = session.post(page, data=data, allow_redirects=False, timeout=60)
                return response.status_code if response.status_code != 302 else response.headers["Location"]

            with ThreadPoolExecutor(6) as pool:
                statuses = list(pool.map(send, forms))
            assert sorted(map(str, statuses)) == ["/inloggen"] + ["400"] * 5, statuses
