"""Two languages, really: both catalogues hold every string the code and templates use, the
English one translates each (with the same placeholders), and pages shown in English carry no
Dutch of our own making."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import url_for

from platform_core.extensions import db
from platform_core.models import User

from .conftest import csrf_token, login
from .test_permissions import LAST, _routes

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}|%%")


def _catalogue(lang: str):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def _ids(catalogue) -> set:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalogue if m.id}


def test_catalogues_hold_every_string_and_are_not_stale(tmp_path):
    pot = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l", "-k",
         "lazy_gettext", "-k", "ngettext:1,2", "--no-location", "--ignore-dirs",
         ".venv node_modules tests bench static migrations instance", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as handle:
        fresh = _ids(read_po(handle))
    assert len(fresh) > 900
    for lang in ("nl", "en"):
        have = _ids(_catalogue(lang))
        assert sorted(fresh - have, key=str) == [], f"{lang}: strings missing; run scripts/i18n.sh"
        assert sorted(have - fresh, key=str) == [], f"{lang}: strings no longer used; run scripts/i18n.sh"


def test_every_english_string_is_translated_with_the_same_placeholders():
    problems = []
    for message in _catalogue("en"):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        for source, target in zip(ids, strings, strict=False):
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
                problems.append(f"placeholders differ: {source!r} → {target!r}")
    assert problems == []


class _Text(HTMLParser):
    """Visible text and the text people hear (alt, aria-label, title, placeholder, value of buttons)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("alt", "aria-label", "title", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


# Words that are Dutch and not English; any of them in an English page is a string we forgot.
DUTCH = re.compile(
    r"\b(het|een|niet|uw|wij|deze|nog|ook|naar|zijn|wordt|kunt|heeft|wilt|geen|alle|voor|"
    r"kies|vul|bekijk|reactie|reacties|buurt|gemeente|initiatieven|meedoen|volgen|opslaan|"
    r"verwijder|terug|zoek|kaart|wachtwoord|inloggen|uitloggen|pagina|aantal|soort)\b",
    re.IGNORECASE,
)


@pytest.fixture
def english_world(app, make_user, place):
    ids = {
        "resident": make_user("rose@example.org", name="Rose Walker"),
        "civil_servant": make_user("peter@example.org", roles=("civil_servant",), name="Peter Clerk"),
        "moderator": make_user("maud@example.org", roles=("moderator",), name="Maud Editor"),
        "council": make_user("carl@example.org", roles=("council",), name="Carl Council"),
        "admin": make_user("ada@example.org", roles=("admin",), name="Ada Admin"),
    }
    item = place(
        ids["resident"],
        title="Community garden by the canal",
        summary="Neighbours grow vegetables together on the square.",
        description="We look for people with green fingers.",
        address="Canal Street 10",
    )
    return {"ids": ids, "item": item}


@pytest.mark.parametrize("actor", ["visitor", "resident", "civil_servant", "moderator", "council", "admin"])
def test_pages_in_english_carry_no_dutch(app, english_world, actor):
    client = app.test_client()
    if actor != "visitor":
        with app.app_context():
            email = db.session.get(User, english_world["ids"][actor]).email
        login(client, email)
    token = csrf_token(client, "/")
    client.post("/taal", data={"csrf_token": token, "lang": "en"})
    params = {"initiative_id": english_world["item"], "target_type": "initiative", "target_id": english_world["item"]}
    found = []
    for endpoint, method, _rule in _routes(app):
        if method != "GET" or endpoint in LAST:
            continue
        with app.test_request_context():
            rule = next(r for r in app.url_map.iter_rules(endpoint))
            if set(rule.arguments) - set(params):
                continue
            url = url_for(endpoint, **{name: params[name] for name in rule.arguments})
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert '<html lang="en">' in html, url
        parser = _Text()
        parser.feed(html)
        text = " ".join(" ".join(parser.parts).split())
        for name in ("PRIVACY_CONTROLLER", "PRIVACY_CONTROLLER_ADDRESS", "PRIVACY_DPO_NAME", "PRIVACY_HOSTING"):
            text = text.replace(app.config[name], "")  # names the municipality configured: its own words
        for match in DUTCH.finditer(text):
            found.append(f"{url}: …{text[max(0, match.start() - 40) : match.end() + 40]}…")
    assert found == [], "\n".join(found)


def test_each_person_hears_in_their_own_language(app, client, make_user, place, smtp_server):
    """A Dutch resident joins an English speaker's initiative: the owner's notification, and the
    mail the owner gets, are English; a Dutch follower's stay Dutch."""
    from participation.models import Notification
    from participation.services import follow
    from platform_core.transaction import unit_of_work

    owner = make_user("owner@example.org", name="Olivia")
    follower = make_user("volger@example.nl", name="Vera")
    joiner = make_user("henk@example.nl", name="Henk")
    item = place(owner, title="Community garden")
    with app.app_context(), unit_of_work():
        db.session.get(User, owner).locale = "en"
        db.session.get(User, owner).notify_mode = "immediate"
        follow(db.session.get(User, follower), "initiative", item)
    login(client, "henk@example.nl")  # Henk uses the site in Dutch
    token = csrf_token(client, f"/initiatieven/{item}")
    assert (
        client.post(f"/initiatieven/{item}/meedoen", data={"csrf_token": token, "offer": "Een kruiwagen"}).status_code
        == 302
    )
    with app.app_context():
        texts = dict(db.session.execute(db.select(Notification.user_id, Notification.text)).all())
    assert texts[owner] == "Henk joins ‘Community garden’. Can offer: Een kruiwagen"
    mails = [msg for to, msg in smtp_server.messages if to == ["owner@example.org"]]
    assert mails
    assert mails[0]["Subject"] == "News from Schatkaart"
    assert "Unsubscribe with one click" in mails[0].get_content()
    with app.app_context(), unit_of_work():
        from datetime import date

        from initiatives.models import Initiative
        from trajectories.outcomes import report_outcome

        report_outcome(db.session.get(User, owner), db.session.get(Initiative, item), "realised",
                       "The garden is there and neighbours keep it.", date.today())  # fmt: skip
    with app.app_context():  # told by a job after the commit
        texts = dict(
            db.session.execute(
                db.select(Notification.user_id, Notification.text).where(Notification.kind == "outcome")
            ).all()
        )
    assert texts[follower].startswith("Wat is er met ‘Community garden’ gebeurd? Gerealiseerd")
    assert joiner in texts


def test_residents_text_is_marked_with_its_language(app, client, make_user, place):
    """WCAG 3.1.2: a Dutch initiative on an English page, and an English one on a Dutch page, is
    marked with its own language, so a screen reader speaks it with the right voice; text in the
    page's language is left unmarked. The text stays exactly as typed."""
    owner = make_user("maker@example.nl", name="Fenna")
    dutch = place(owner, title="Een moestuin voor de hele buurt", summary="We zoeken buren die mee willen doen.")
    english = place(owner, title="A garden for the whole street", summary="We are looking for neighbours to help.")
    dutch_page = client.get(f"/initiatieven/{dutch}").get_data(as_text=True)
    assert "<h1>Een moestuin voor de hele buurt</h1>" in dutch_page
    english_on_dutch = client.get(f"/initiatieven/{english}").get_data(as_text=True)
    assert '<h1 lang="en">A garden for the whole street</h1>' in english_on_dutch
    assert '<p class="lead" lang="en">We are looking for neighbours to help.</p>' in english_on_dutch
    token = csrf_token(client, "/")
    client.post("/taal", data={"csrf_token": token, "lang": "en"})
    dutch_on_english = client.get(f"/initiatieven/{dutch}").get_data(as_text=True)
    assert '<html lang="en">' in dutch_on_english
    assert '<h1 lang="nl">Een moestuin voor de hele buurt</h1>' in dutch_on_english
    gallery = client.get("/initiatieven").get_data(as_text=True)
    assert re.search(r'<h3 lang="nl"><a href="[^"]+">Een moestuin voor de hele buurt</a></h3>', gallery)
    assert re.search(r'<h3><a href="[^"]+">A garden for the whole street</a></h3>', gallery)
