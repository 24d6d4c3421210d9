"""Several app servers (issue 30): two gunicorn instances on different ports against one database
and one Redis. A write through one is on the other's kept pages at once (the shared write
counter in Redis, not a timer: the pages are kept for five minutes here); a session started on
one is valid on the other; a photo uploaded through one is served by the other; a login limit
counts the attempts on both together."""

from __future__ import annotations

import re
import time

import pytest
import requests
from sqlalchemy import select, text

from initiatives.models import InitiativeImage
from platform_core.extensions import db

from .conftest import PASSWORD
from .imagefiles import sample_jpeg
from .servers import gunicorn, redis_server

N = 4  # the per-account login limit these servers run with


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def _token(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', session.get(url, timeout=30).text).group(
        1
    )


def _login(session: requests.Session, base: str, email: str, password: str = PASSWORD) -> int:
    data = {"csrf_token": _token(session, base + "/inloggen"), "email": email, "password": password}
    return session.post(base + "/inloggen", data=data, allow_redirects=False, timeout=30).status_code


def test_two_app_servers_share_writes_sessions_and_limits(app, make_user, place, redis_url, tmp_path_factory):
    owner = make_user("eigenaar@example.nl", name="Olga")
    make_user("sam@example.nl", name="Sam")
    make_user("derde@example.nl", name="Derde")
    item = place(owner, title="Picknicktafels in het park")
    env = {
        "IMAGE_STORAGE": "database",  # or one shared folder (docs/deploy.md)
        "PAGE_CACHE_REDIS_URL": redis_url,
        "PAGE_CACHE_SECONDS": "300",
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_LOGIN_ACCOUNT": f"{N}/15 minutes",
    }
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    logs = tmp_path_factory.mktemp("two-servers")
    # one worker process each, so "kept by B" is one cache to reason about; the servers are the processes
    with gunicorn(database, logs / "a.log", 1, 4, **env) as a, gunicorn(database, logs / "b.log", 1, 4, **env) as b:
        page = f"/initiatieven/{item}"
        visitor = requests.Session()
        for _ in range(4):  # kept by B (the first answers set the session cookie, and those are not kept)
            assert "Picknicktafels in het park" in visitor.get(b + page, timeout=30).text
        # A write behind every server's back is not seen: the pages really are kept ...
        with app.app_context():
            db.session.execute(text("UPDATE initiative SET summary = 'Stil veranderd' WHERE id = :i"), {"i": item})
            db.session.commit()
        assert "Stil veranderd" not in visitor.get(b + page, timeout=30).text
        # ... and a resident's comment through A is on B's kept page within a second.
        sam = requests.Session()
        assert _login(sam, a, "sam@example.nl") == 302
        token = _token(sam, a + page)
        answer = sam.post(a + page + "/reacties", data={"csrf_token": token, "body": "Ik schilder ze wel!"},
                          allow_redirects=False, timeout=30)  # fmt: skip
        assert answer.status_code == 302
        written = time.monotonic()
        while "Ik schilder ze wel!" not in (seen := visitor.get(b + page, timeout=30).text):
            assert time.monotonic() - written < 1.0, "B still shows its kept page a second after A's write"
            time.sleep(0.05)
        assert "Stil veranderd" in seen  # the page was rendered afresh
        # The session Sam started on A is valid on B.
        account = sam.get(b + "/account", allow_redirects=False, timeout=30)
        assert account.status_code == 200
        assert "sam@example.nl" in account.text
        # A photo uploaded through A is served by B.
        olga = requests.Session()
        assert _login(olga, a, "eigenaar@example.nl") == 302
        token = _token(olga, f"{a}{page}/fotos")
        upload = olga.post(f"{a}{page}/fotos", data={"csrf_token": token, "alt": "Twee picknicktafels op het gras"},
                           files={"image": ("tafels.jpg", sample_jpeg(), "image/jpeg")}, allow_redirects=False,
                           timeout=30)  # fmt: skip
        assert upload.status_code == 302
        with app.app_context():
            name = db.session.scalar(select(InitiativeImage.name))
        photo = requests.get(f"{b}/initiatieven/fotos/{name}", timeout=30)
        assert (photo.status_code, photo.headers["Content-Type"]) == (200, "image/jpeg")
        # Login attempts for one account, alternating servers, are counted together: exactly N.
        statuses = [_login(requests.Session(), (a, b)[i % 2], "derde@example.nl", f"fout-{i}") for i in range(2 * N)]
        assert statuses == [400] * N + [429] * N
