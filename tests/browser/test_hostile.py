"""Nothing a resident types runs: the hostile corpus through every user-text field, each page
rendered in Chromium as each role. Counted: calls to alert/confirm/prompt/print, CSP violations,
requests to another origin, uncaught script errors, and maps that failed to start. All must be 0.

And every text shown as typed: each field that is not Markdown (needs, offers, stakeholders, the
municipality's answer, blockers, outcomes, addresses, meetings and their guests, reports of
comments, the trajectory) carries a label of its own in front of its payload, and the page that
shows it, to each role that may see it, must hold it character for character (HTML collapses
white space; nothing else may change). tests/browser/test_shown_as_typed.py does the same for
titles, map tooltips and popups, lists, exports, buurt names and codes, criteria and names."""

from __future__ import annotations

import random
import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from ambassadors.services import create_meeting, make_ambassador, register_attendance
from maps.models import Area, Municipality
from participation.moderation import flag
from participation.services import add_need, join, post_comment, respond_to_need
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from response.services import log_blocker, post_feedback
from trajectories.framing import add_framing
from trajectories.outcomes import add_stakeholder, report_outcome
from trajectories.services import create_trajectory, place_in_trajectory

from ..conftest import INSIDE, PASSWORD
from ..hostile import EVALUATED, corpus, fit
from .conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.both_databases]

# A template evaluated inside the corpus's "Geveltuin {} in de straat" wrapper would read
# "Geveltuin 4011 in de straat": specific enough that no id or count on a page can look like it.
EVALUATED_IN_WRAPPER = re.compile("Geveltuin (?:" + "|".join(a for a in EVALUATED if a.isdigit()) + ") in de straat")

WATCH = """
window.__xss = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__xss.push(name + "(" + args.join(",") + ")"); };
}
document.addEventListener("securitypolicyviolation", (e) => {
  window.__xss.push("CSP " + e.violatedDirective + " " + e.blockedURI);
});
"""

# The page's text as a reader gets it, without CSS: text nodes, with a line break at each block
# element and <br>; scripts, styles and templates left out (their text is data, not shown).
VISIBLE_TEXT = """() => {
  const out = [];
  const block = /^(P|DIV|LI|DD|DT|H[1-6]|TR|TD|TH|BLOCKQUOTE|BR|SECTION|ARTICLE|UL|OL|DL|FIGCAPTION|Q)$/;
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) out.push(child.data);
      else if (child.nodeType === Node.ELEMENT_NODE && !/^(SCRIPT|STYLE|TEMPLATE|NOSCRIPT)$/.test(child.tagName)) {
        const isBlock = block.test(child.tagName);
        if (isBlock) out.push("\\n");
        walk(child);
        if (isBlock) out.push("\\n");
      }
    }
  };
  walk(document.body);
  return out.join("");
}"""


def mark(label: str, payload: str, low: int, high: int) -> str:
    """A payload with a label of its own in front, so that each field's text occurs once on a page
    and a check finds this field's copy, not the same payload typed into another field."""
    return fit(f"[{label}] {payload}", low, high)


def _flat(text: str) -> str:
    """Text as a page can show it: HTML collapses runs of white space (line breaks included) and
    the parser turns NUL into U+FFFD; every other character must be there as typed."""
    return " ".join(text.replace("\x00", "\ufffd").split())


ROLES = {
    "visitor": None,
    "resident": ("rosa@example.nl", ()),
    "initiator": ("ilse@example.nl", ()),
    "ambassador": ("amir@example.nl", ()),
    "civil_servant": ("petra@gemeente.nl", ("civil_servant",)),
    "moderator": ("mo@gemeente.nl", ("moderator",)),
    "council": ("raad@gemeente.nl", ("council",)),
    "admin": ("beheer@gemeente.nl", ("admin",)),
}


def _build(app, make_user, strings: list[str]) -> dict:
    rng = random.Random(11)
    ids = {role: make_user(acc[0], roles=acc[1] or ("resident",)) for role, acc in ROLES.items() if acc}
    neighbours = [make_user(f"buur{i}@example.nl", name=fit(s, 1, 80)) for i, s in enumerate(strings[:40])]
    from initiatives.images import add_image
    from initiatives.services import create_initiative

    from ..conftest import initiative_input
    from ..imagefiles import sample_png

    with app.app_context(), unit_of_work():
        get = db.session.get
        owner = get(User, ids["initiator"])
        items = []
        for i, s in enumerate(strings):
            lat, lon = INSIDE[0] + rng.uniform(-0.002, 0.002), INSIDE[1] + rng.uniform(-0.002, 0.002)
            data = initiative_input(
                title=fit(s, 3, 120),
                summary=fit(strings[(i + 1) % len(strings)], 10, 300),
                description=fit(strings[(i + 2) % len(strings)], 0, 10000),
                address=mark(f"adres {i}", s, 0, 200),
                lat=lat,
                lon=lon,
            )
            items.append(create_initiative(owner, data))
        target = items[0]
        admin, cs = get(User, ids["admin"]), get(User, ids["civil_servant"])
        trajectory = create_trajectory(
            admin,
            mark("traject", strings[5], 3, 120),
            mark("vraag", strings[6], 10, 500),
            mark("owner", strings[7], 2, 120),
            date(2026, 1, 1),
            date(2026, 12, 31),
        )
        place_in_trajectory(cs, target, trajectory)
        add_framing(cs, "trajectory", trajectory.id, "can", fit(strings[8], 5, 4000))
        add_framing(cs, "initiative", target.id, "cannot", fit(strings[9], 5, 4000))
        area = db.session.get(Area, target.area_id)
        make_ambassador(admin, get(User, ids["ambassador"]), [area.id])
        people = [get(User, n) for n in neighbours]
        comments = []
        for i, s in enumerate(strings):
            author = people[i % len(people)]
            comments.append(post_comment(target, fit(s, 2, 2000), author))
        for i, s in enumerate(strings[:30]):  # anonymous, waiting for the editors
            post_comment(
                target, fit(s, 2, 2000), author_name=fit(strings[i + 1], 1, 80), author_email=f"a{i}@example.nl"
            )
        flags, offers, needs, stakeholders = [], {}, [], []
        for i, s in enumerate(strings[:20]):
            flags.append(flag("comment", comments[i].id, mark(f"melding {i}", s, 3, 1000), people[i % len(people)]))
            offers[items[i + 1].id] = join(people[i], items[i + 1], mark(f"aanbod {i}", strings[i + 2], 0, 500))
            needs.append(
                add_need(owner, target, mark(f"oproep {i}", s, 3, 120), mark(f"uitleg {i}", strings[i + 3], 0, 1000))
            )
            stakeholders.append(
                add_stakeholder(
                    owner,
                    target,
                    mark(f"partij {i}", s, 2, 120),
                    "group",
                    i % 2 == 0,
                    mark(f"noot {i}", strings[i + 4], 0, 300),
                )
            )
        responses = [respond_to_need(people[i], needs[i], mark(f"hulp {i}", strings[i + 30], 2, 500)) for i in range(5)]
        feedback = post_feedback(
            cs, target, mark("reactie", strings[10], 5, 5000), mark("afdeling", strings[11], 2, 120)
        )
        blocker = log_blocker(cs, target, mark("knelpunt", strings[12], 3, 1000), mark("bij", strings[13], 2, 120))
        meeting = create_meeting(
            cs,
            mark("bijeenkomst", strings[14], 3, 120),
            datetime(2026, 12, 1, 19, 30),
            mark("plaats", strings[15], 2, 200),
            area.id,
        )
        attendance = [
            register_attendance(cs, meeting, name=mark(f"gast {i}", s, 1, 80)) for i, s in enumerate(strings[:15])
        ]
        outcome = report_outcome(owner, target, "realised", mark("uitkomst", strings[16], 5, 4000), date(2026, 6, 1))
        for i, s in enumerate(strings[17:21]):  # pictures: alternative text on the page and in the map popup
            add_image(owner, items[i] if i else target, sample_png(), fit(s, 5, 250))
        db.session.scalar(select(Municipality)).open_data_published = True
        db.session.flush()
        # what each page must show, as stored (the services trim and cut to length), to whom
        target_page = f"/initiatieven/{target.id}"
        everyone = [
            *[(f"need {n.id} title", n.title) for n in needs],
            *[(f"need {n.id} description", n.description) for n in needs if n.description],
            *[(f"stakeholder {s.id}", s.name) for s in stakeholders],
            *[(f"stakeholder {s.id} note", s.note) for s in stakeholders if s.note],
            ("feedback", feedback.body),
            ("feedback department", feedback.department),
            ("outcome", outcome.reason),
            ("address", target.address),
        ]
        shown = {(role, target_page): everyone for role in ROLES}
        blockers = [("blocker", blocker.description), ("blocker department", blocker.department)]  # not public
        shown[("civil_servant", target_page)] = everyone + blockers
        offered = [(f"offer on need {r.need_id}", r.message) for r in responses]
        shown[("initiator", target_page)] = everyone + blockers + offered
        for item_id in [i.id for i in items[1:4]]:
            offer = offers[item_id]
            shown[("initiator", f"/initiatieven/{item_id}")] = (
                [(f"offer {offer.id}", offer.offer)] if offer.offer else []
            )
        shown[("civil_servant", f"/bijeenkomsten/{meeting.id}")] = [
            ("meeting title", meeting.title),
            ("meeting place", meeting.place),
            *[(f"attendee {a.id}", a.name) for a in attendance],
        ]
        shown[("moderator", "/redactie")] = [(f"flag {f.id}", f.reason) for f in flags]
        for role in ROLES:
            shown[(role, f"/trajecten/{trajectory.id}")] = [
                ("trajectory title", trajectory.title),
                ("trajectory question", trajectory.question),
                ("trajectory department", trajectory.department),
            ]
        return {
            "ids": ids,
            "target": target.id,
            "items": [i.id for i in items[:6]],
            "trajectory": trajectory.id,
            "meeting": meeting.id,
            "shown": shown,
        }


def _pages(world: dict, role: str, strings: list[str]) -> list[str]:
    pages = [
        "/",
        "/initiatieven",
        "/initiatieven?pagina=2",
        f"/initiatieven/{world['target']}",
        f"/trajecten/{world['trajectory']}",
    ]
    pages += [f"/initiatieven/{i}" for i in world["items"][1:4]]
    pages += [f"/initiatieven?q={s[:60]}" for s in strings[:3]]  # reflected in the search box
    pages += ["/archief", "/privacy"]
    if role != "visitor":
        pages += ["/mijn", "/account"]
    if role == "initiator":
        pages += [f"/initiatieven/{world['target']}/fotos"]
    if role == "moderator":
        pages += ["/redactie"]
    if role == "civil_servant":
        pages += ["/gemeente/wachtrij", f"/bijeenkomsten/{world['meeting']}"]
    if role == "council":
        pages += ["/raad", f"/raad/trajecten/{world['trajectory']}"]
    if role == "ambassador":
        pages += ["/ambassadeur"]
    return pages


def test_hostile_text_never_runs_for_anyone(app, browser, live_server, make_user):
    strings = corpus()
    assert len(strings) >= 150
    world = _build(app, make_user, strings)
    problems: list[str] = []
    visits = checked = 0
    for role, account in ROLES.items():
        context = browser.new_context(base_url=live_server, locale="nl-NL", viewport={"width": 1280, "height": 900})
        context.add_init_script(WATCH)
        foreign: list[str] = []

        def refuse(route, _request, foreign=foreign) -> None:
            foreign.append(route.request.url)
            route.abort()

        context.route(lambda url: not url.startswith(live_server) and not url.startswith("data:"), refuse)
        page = context.new_page()
        page.set_default_timeout(20_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        if account:
            browser_login(page, account[0], PASSWORD)
        for path in _pages(world, role, strings):
            response = page.goto(path)
            visits += 1
            if response.status >= 500:
                problems.append(f"{role} {path}: {response.status}")
            if path == "/":  # the map fetches its markers and list after the page has loaded
                page.wait_for_selector("#treasure-map[data-state=ready]", state="attached")
            ran = page.evaluate("() => window.__xss")
            if ran:
                problems.append(f"{role} {path}: {ran[:3]}")
            # every field holds template syntax with arithmetic: no page may show its answer
            text = page.evaluate("() => document.body.innerText + ' ' + document.title")
            evaluated = EVALUATED_IN_WRAPPER.findall(text) + [s for s in ("uid=0(", "gid=0(", "7777777") if s in text]
            if evaluated:
                problems.append(f"{role} {path}: shows {evaluated[:3]}: something evaluated a template")
            maps = page.evaluate(
                "() => [...document.querySelectorAll('.map-canvas')]"
                ".map(m => m.classList.contains('leaflet-container'))"
            )
            if not all(maps):
                problems.append(f"{role} {path}: a map did not start")
            expected = world["shown"].get((role, path), [])
            if expected:
                text = _flat(page.evaluate(VISIBLE_TEXT))
                problems += [f"{role} {path}: {what} {typed!r} not shown as typed" for what, typed in expected
                             if _flat(typed) not in text]  # fmt: skip
                checked += len(expected)
        if errors:
            problems.append(f"{role}: script errors {errors[:3]}")
        if [u for u in foreign if not u.startswith("http://127.0.0.1:9/")]:  # the tile server is expected
            problems.append(f"{role}: requests to other origins {foreign[:3]}")
        context.close()
    assert visits >= 100
    assert checked >= 200, checked
    assert problems == [], "\n".join(problems)
