"""Pages for visitors without an account come from memory: the same page for everyone, with each
visitor's own CSP nonce and CSRF token, never a logged-in person's page, never a waiting message,
and never older than the last write in this process."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from initiatives.models import Initiative
from initiatives.services import set_visibility
from platform_core import pagecache
from platform_core.extensions import db
from platform_core.transaction import unit_of_work
from tests.servers import gunicorn as start_gunicorn

from .conftest import PASSWORD, login, post_form, statements_sent

NONCE = re.compile(r'nonce="([^"]+)"')
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _nonce_and_token(response) -> tuple[set[str], set[str]]:
    html = response.get_data(as_text=True)
    return set(NONCE.findall(html)), set(TOKEN.findall(html))


def test_visitors_share_one_rendering_each_with_their_own_nonce_and_token(app):
    first, second = app.test_client(), app.test_client()
    one = first.get("/")
    two = second.get("/")
    assert (one.headers["X-Page-Cache"], two.headers["X-Page-Cache"]) == ("miss", "hit")
    (nonce_one,), (token_one,) = _nonce_and_token(one)
    (nonce_two,), (token_two,) = _nonce_and_token(two)
    assert nonce_one != nonce_two
    assert token_one != token_two
    # The browser only runs the scripts when the header names the nonce in the page.
    assert f"'nonce-{nonce_two}'" in two.headers["Content-Security-Policy"]
    # Apart from the two, the pages are the same.
    same = one.get_data(as_text=True).replace(nonce_one, "N").replace(token_one, "T")
    assert same == two.get_data(as_text=True).replace(nonce_two, "N").replace(token_two, "T")
    # The second visitor's token is theirs: the language switch on the remembered page works.
    switched = second.post("/taal", data={"csrf_token": token_two, "lang": "en", "next": "/"})
    assert switched.status_code == 302
    assert 'lang="en"' in second.get("/").get_data(as_text=True)
    # ... and the first visitor's token is no good in the second visitor's session.
    refused = app.test_client()
    refused.get("/")
    assert refused.post("/taal", data={"csrf_token": token_one, "lang": "en"}).status_code == 400


def test_each_language_has_its_own_page(app):
    dutch = app.test_client().get("/initiatieven", headers={"Accept-Language": "nl"})
    english = app.test_client().get("/initiatieven", headers={"Accept-Language": "en"})
    again = app.test_client().get("/initiatieven", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert 'lang="nl"' in dutch.get_data(as_text=True)
    assert 'lang="en"' in english.get_data(as_text=True)
    assert again.headers["X-Page-Cache"] == "hit"
    assert 'lang="en"' in again.get_data(as_text=True)


def test_a_change_shows_at_once_and_a_hidden_initiative_goes_at_once(app, place):
    visitor = app.test_client()
    assert visitor.get("/initiatieven").headers["X-Page-Cache"] == "miss"
    assert visitor.get("/initiatieven").headers["X-Page-Cache"] == "hit"
    item = place(title="Pluktuin aan de Vecht")
    fresh = visitor.get("/initiatieven")
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert "Pluktuin aan de Vecht" in fresh.get_data(as_text=True)
    assert visitor.get(f"/initiatieven/{item}").status_code == 200
    assert visitor.get(f"/initiatieven/{item}").headers["X-Page-Cache"] == "hit"
    with app.app_context(), unit_of_work():
        set_visibility(db.session.get(Initiative, item), "hidden", "Persoonsgegevens in de tekst")
    assert visitor.get(f"/initiatieven/{item}").status_code == 410
    assert "Pluktuin aan de Vecht" not in visitor.get("/initiatieven").get_data(as_text=True)


def test_logged_in_people_get_their_own_page_and_it_is_never_kept(app, make_user):
    make_user("sanne@example.nl", name="Sanne de Vries")
    resident = app.test_client()
    login(resident, "sanne@example.nl")
    app.test_client().get("/")  # a visitor's page is in memory
    own = resident.get("/")
    assert "X-Page-Cache" not in own.headers
    assert "Sanne de Vries" in own.get_data(as_text=True)
    visitor = app.test_client().get("/")
    assert visitor.headers["X-Page-Cache"] == "hit"
    assert "Sanne de Vries" not in visitor.get_data(as_text=True)
    # Logging out leaves a message: that page is the visitor's own, and it is shown.
    token = TOKEN.search(own.get_data(as_text=True)).group(1)
    after = resident.post("/uitloggen", data={"csrf_token": token}, follow_redirects=True)
    assert "U bent uitgelogd." in after.get_data(as_text=True)
    assert "X-Page-Cache" not in after.headers
    assert "U bent uitgelogd." not in app.test_client().get("/").get_data(as_text=True)


def test_the_map_api_is_the_same_for_everyone_and_logged_in_residents_get_it_from_memory(app, make_user, place):
    """The map's JSON holds nothing of its reader: a logged-in resident is answered from the same
    memory as a visitor (issue 28), and a write still shows at once."""
    make_user("sanne@example.nl", name="Sanne de Vries")
    place(title="Eerste plan")
    resident = app.test_client()
    login(resident, "sanne@example.nl")
    url = "/api/initiatives?bbox=5.0,52.0,5.2,52.2&zoom=18"
    first = app.test_client().get(url)
    assert first.headers["X-Page-Cache"] == "miss"
    own = resident.get(url)
    assert own.headers["X-Page-Cache"] == "hit"
    assert own.get_data() == first.get_data()
    assert "Sanne" not in own.get_data(as_text=True)
    place(title="Tweede plan")
    again = resident.get(url)
    assert "X-Page-Cache" not in again.headers or again.headers["X-Page-Cache"] == "miss"
    assert "Tweede plan" in again.get_data(as_text=True)


def test_a_logged_in_list_shares_its_cards_and_filters_and_shows_a_change_at_once(app, make_user, place):
    """The list is the resident's own page (their name, their follow buttons) built from pieces
    every reader shares: the cards and the filter form come from memory, and a write shows at
    once (issue 28)."""
    make_user("sanne@example.nl", name="Sanne de Vries")
    item = place(title="Bankjes op het plein")
    resident = app.test_client()
    login(resident, "sanne@example.nl")
    first = resident.get("/initiatieven").get_data(as_text=True)
    assert "Bankjes op het plein" in first
    assert "Sanne de Vries" in first
    with app.app_context(), unit_of_work():
        db.session.get(Initiative, item).title = "Bankjes en bomen op het plein"
    changed = resident.get("/initiatieven").get_data(as_text=True)
    assert "Bankjes en bomen op het plein" in changed
    assert "Sanne de Vries" in changed
    visitor = app.test_client().get("/initiatieven").get_data(as_text=True)
    card = re.search(r'<li class="card">.*?</li>', changed, re.S).group(0)
    assert card in visitor  # the same card for a visitor and a logged-in reader


def test_a_logged_in_initiative_page_shares_its_public_part_with_each_readers_own_token(app, make_user, place):
    """The initiative's heading, description, facts, small map and contact form are rendered once
    per write and language and shared by logged-in readers (issue 28): each page carries its
    reader's own CSRF token and nonce (the contact form sends with it), and a write shows at once."""
    make_user("sanne@example.nl", name="Sanne de Vries")
    make_user("piet@example.nl", name="Piet Jansen")
    item = place(title="Bankjes op het plein", summary="Drie bankjes <b>bij</b> de speeltuin")
    sanne, piet = app.test_client(), app.test_client()
    login(sanne, "sanne@example.nl")
    login(piet, "piet@example.nl")
    pages = [sanne.get(f"/initiatieven/{item}"), piet.get(f"/initiatieven/{item}")]
    (nonces_a, tokens_a), (nonces_b, tokens_b) = (_nonce_and_token(p) for p in pages)
    assert len(tokens_a) == len(tokens_b) == 1
    assert tokens_a != tokens_b
    assert nonces_a.isdisjoint(nonces_b)
    html_a, html_b = (p.get_data(as_text=True) for p in pages)
    assert ("Sanne de Vries" in html_a, "Piet Jansen" in html_b, "Sanne" in html_b) == (True, True, False)
    assert "Drie bankjes &lt;b&gt;bij&lt;/b&gt; de speeltuin" in html_b  # as typed, from memory too
    side = re.compile(r'<section class="contact".*?</section>', re.S)
    assert side.search(html_a).group(0).replace(tokens_a.pop(), "T") == side.search(html_b).group(0).replace(
        tokens_b.pop(), "T"
    )
    token = TOKEN.search(html_b).group(1)
    sent = piet.post(
        f"/initiatieven/{item}/contact",
        data={"csrf_token": token, "name": "Piet", "email": "piet@example.nl", "message": "Ik help mee!"},
    )
    assert sent.status_code == 302  # the token put in from memory is Piet's own
    with app.app_context(), unit_of_work():
        db.session.get(Initiative, item).title = "Bankjes en bomen op het plein"
    assert "<h1>Bankjes en bomen op het plein</h1>" in sanne.get(f"/initiatieven/{item}").get_data(as_text=True)


def test_a_page_is_kept_only_for_its_time(app, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(pagecache, "clock", lambda: now[0])
    visitor = app.test_client()
    assert visitor.get("/wegwijzer").headers["X-Page-Cache"] == "miss"
    now[0] += app.config["PAGE_CACHE_SECONDS"] - 0.5
    assert visitor.get("/wegwijzer").headers["X-Page-Cache"] == "hit"
    now[0] += 1.0  # another process may have written meanwhile: render again
    assert visitor.get("/wegwijzer").headers["X-Page-Cache"] == "miss"


def test_errors_and_other_pages_are_not_kept(app, client):
    assert client.get("/initiatieven/999999").status_code == 404
    assert "X-Page-Cache" not in client.get("/initiatieven/999999").headers
    assert "X-Page-Cache" not in client.get("/inloggen").headers  # a form page that is not marked


def test_answers_from_memory_still_count_against_the_rate_limit(app):
    bot = app.test_client()
    url = "/api/initiatives?bbox=5.0,52.0,5.2,52.2&zoom=12"
    answers = [bot.get(url) for _ in range(600)]
    assert {a.status_code for a in answers} == {200}
    assert answers[-1].headers["X-Page-Cache"] == "hit"
    assert bot.get(url).status_code == 429


def test_memory_is_bounded_and_the_least_recently_used_page_goes_first(app, monkeypatch):
    cache = pagecache.PageCache(seconds=60, budget=16 * 1000)
    page = pagecache._Entry(b"x" * 1000, 200, (), None, None, pagecache.generation(), pagecache.clock())
    for n in range(16):
        cache.put(("host", f"/p{n}"), page)
    assert cache.get(("host", "/p0")) is not None  # used again: kept
    cache.put(("host", "/p16"), page)
    assert cache.bytes <= cache.budget
    assert cache.get(("host", "/p1")) is None  # the least recently used went
    assert cache.get(("host", "/p0")) is not None
    # A page larger than a sixteenth of the budget is answered, never kept.
    monkeypatch.setattr(app.extensions["page_cache"], "max_bytes", 1000)
    visitor = app.test_client()
    assert [visitor.get("/wegwijzer").status_code for _ in range(2)] == [200, 200]
    assert "X-Page-Cache" not in visitor.get("/wegwijzer").headers


def test_many_visitors_at_once_each_get_their_own_nonce_and_token_and_see_each_write(
    app, tmp_path_factory, place, make_user
):
    """Against a live server (one process, 8 threads): 64 visitors read the same page at once,
    each gets the nonce its header names and a token that works in their own session; a comment
    posted through the server is on the next visitor's page at once; a write by another process
    shows within PAGE_CACHE_SECONDS."""
    item = place(title="Speeltuin Oog in Al")
    make_user("sanne@example.nl", name="Sanne de Vries")
    log = tmp_path_factory.mktemp("pagecache") / "error.log"
    settings = {"RATELIMIT_ENABLED": "0", "PAGE_CACHE_SECONDS": "1"}
    with start_gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], log, 1, 8, **settings) as url:

        def visit(n: int) -> tuple[str, str]:
            session = requests.Session()
            page = session.get(f"{url}/initiatieven/{item}", timeout=30)
            assert page.status_code == 200
            (nonce,) = set(NONCE.findall(page.text))
            assert f"'nonce-{nonce}'" in page.headers["Content-Security-Policy"]
            (token,) = set(TOKEN.findall(page.text))
            switched = session.post(url + "/taal", data={"csrf_token": token, "lang": "en"}, allow_redirects=False)
            assert switched.status_code == 302, n
            return nonce, token

        with ThreadPoolExecutor(8) as pool:
            seen = list(pool.map(visit, range(64)))
        assert len({nonce for nonce, _ in seen}) == 64
        assert len({token for _, token in seen}) == 64

        resident = requests.Session()
        token = TOKEN.search(resident.get(url + "/inloggen", timeout=30).text).group(1)
        form = {"csrf_token": token, "email": "sanne@example.nl", "password": PASSWORD}
        assert resident.post(url + "/inloggen", data=form, timeout=30).status_code == 200
        token = TOKEN.search(resident.get(f"{url}/initiatieven/{item}", timeout=30).text).group(1)
        body = {"csrf_token": token, "body": "Ik help zaterdag mee met schilderen."}
        assert resident.post(f"{url}/initiatieven/{item}/reacties", data=body, timeout=30).status_code == 200
        assert "Ik help zaterdag mee met schilderen." in requests.get(f"{url}/initiatieven/{item}", timeout=30).text

        requests.get(url + "/initiatieven", timeout=30)  # in the server's memory now
        place(title="Boomspiegel in de Vogelenbuurt")  # written by this process, not the server's
        time.sleep(1.1)
        assert "Boomspiegel in de Vogelenbuurt" in requests.get(url + "/initiatieven", timeout=30).text


@pytest.fixture(autouse=True)
def _fresh(app):
    app.extensions["page_cache"].clear()
    yield
    app.extensions["page_cache"].clear()


def test_an_edit_made_by_another_process_shows_at_once_to_a_logged_in_reader(app, make_user, place):
    """Shared pieces are keyed by the initiative's last change too: a change written by another
    process (which moves no counter here) shows at once, not after PAGE_CACHE_SECONDS."""
    from datetime import timedelta

    from sqlalchemy import create_engine, text

    from platform_core.models import utcnow
    from platform_core.spatial import engine_options

    make_user("sanne@example.nl", name="Sanne de Vries")
    item = place(title="Bankjes op het plein")
    resident = app.test_client()
    login(resident, "sanne@example.nl")
    assert "<h1>Bankjes op het plein</h1>" in resident.get(f"/initiatieven/{item}").get_data(as_text=True)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    other = create_engine(uri, **engine_options(uri))  # another process's connection: this one hears nothing of it
    with other.begin() as connection:
        connection.execute(
            text("UPDATE initiative SET title = 'Bankjes en bomen', updated_at = :at WHERE id = :id"),
            {"at": utcnow() + timedelta(seconds=1), "id": item},
        )
    other.dispose()
    assert "<h1>Bankjes en bomen</h1>" in resident.get(f"/initiatieven/{item}").get_data(as_text=True)


def test_each_reader_of_an_initiative_page_sees_where_they_stand_while_its_sections_are_kept(app, make_user, place):
    """The trajectory, the municipality's response, the join section and the pluim and follow
    buttons are kept per kind of reader (issue 28): a resident who takes part, one who does not,
    the initiator and a civil servant each see their own, however often and in whatever order
    they ask; a kept section asks its contributors nothing; a write shows to everyone at once."""
    from initiatives.models import Initiative
    from platform_core.models import User
    from response.services import post_feedback

    from .factories import PERSONAS, cast

    ids = cast(make_user, "owner", "henk", "fatima", "anna", "civil")
    item = place(ids["owner"], title="Bankjes op het plein")
    page = f"/initiatieven/{item}"
    readers = {key: app.test_client() for key in ids}
    for key, client in readers.items():
        login(client, PERSONAS[key][0])
    joined = post_form(readers["henk"], f"{page}/meedoen", {"offer": "Ik breng <koffie> mee", "follow": "y"}, page)
    assert joined.status_code == 302
    assert post_form(readers["anna"], f"/volgen/initiative/{item}", {}, page).status_code == 302
    assert post_form(readers["anna"], f"/pluim/initiative/{item}", {}, page).status_code == 302

    def html(key: str) -> str:
        return readers[key].get(page).get_data(as_text=True)

    for _round in range(2):  # the second round comes from memory
        henk, fatima, anna = html("henk"), html("fatima"), html("anna")
        olga, petra = html("owner"), html("civil")
        assert "U biedt: Ik breng &lt;koffie&gt; mee" in henk
        assert "Ik doe niet meer mee" in henk
        assert "Niet meer volgen" in henk
        assert "Volg dit initiatief" not in henk
        assert "U doet mee" not in fatima
        assert 'name="offer"' in fatima
        assert "Volg dit initiatief" in fatima
        assert "Ik breng &lt;koffie&gt; mee" not in fatima  # another resident's offer is the initiator's to see
        assert "Geef een pluim" in fatima
        assert "Pluim intrekken" not in fatima
        # Anna follows and gave a pluim without taking part: only the buttons tell her from Fatima
        assert "Niet meer volgen" in anna
        assert "Pluim intrekken" in anna
        assert 'name="offer"' in anna
        assert "<strong>Henk</strong>: Ik breng &lt;koffie&gt; mee" in olga
        assert 'name="offer"' not in olga
        assert "Reageer als gemeente" in petra
        # the comment form, kept too: a visitor gives a name, a logged-in resident does not
        assert 'name="author_name"' not in fatima
        assert 'name="author_name"' in app.test_client().get(page).get_data(as_text=True)
        assert all("Reageer als gemeente" not in page_ for page_ in (henk, fatima, anna, olga))

    with statements_sent(app) as statements:
        html("fatima")
    asked = " ".join(statements).lower()
    assert "from feedback" not in asked
    assert "from framing" not in asked
    assert "from stakeholder" not in asked

    with app.app_context(), unit_of_work():
        petra_user = db.session.get(User, ids["civil"])
        post_feedback(
            petra_user, db.session.get(Initiative, item), "Wij zetten de bankjes in de planning.", "Wijkbureau"
        )
    assert all("Wij zetten de bankjes in de planning." in html(key) for key in readers)
