"""Hostile text is shown exactly as typed, wherever it is shown (issue 25).

Not only "no script ran": a title ``{{ 1337*3 }}`` must read ``{{ 1337*3 }}`` in the heading, in the
map's marker tooltip and its title, in the list beside the treasure map, in the gallery and in
the API; a buurt named ``<b>{{7*7}}</b>`` must be named so in its outline's tooltip and in the
filter; framing, criteria, alt texts, the site's name and people's names likewise. Every
template syntax and injection family of tests/hostile.py goes through, and none of the answers
evaluating them would give appears anywhere. Run in Chromium, on both databases."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, select

from maps.boundaries import BOUNDARIES_VERSION, import_boundaries
from maps.models import Area
from platform_core import settings
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work

from ..conftest import INSIDE, initiative_input
from ..hostile import EVALUATED, INJECTIONS, TEMPLATES, corpus, fit

pytestmark = [pytest.mark.browser, pytest.mark.both_databases]

WATCH = """
window.__xss = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__xss.push(name); };
}
document.addEventListener("securitypolicyviolation", (e) => window.__xss.push("CSP " + e.violatedDirective));
"""


def _norm(text: str) -> str:
    """What an HTML page can hold of a text: the parser turns CR and CR LF into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _strings() -> list[str]:
    everything = corpus()
    chosen = [*TEMPLATES, *INJECTIONS]
    chosen += [s for s in everything[::9] if s not in chosen]
    return list(dict.fromkeys(chosen))[:90]


def _buurt(code: str, name: str, west: float) -> dict:
    ring = [[west, 52.060], [west + 0.002, 52.060], [west + 0.002, 52.062], [west, 52.062], [west, 52.060]]
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


BUURT_NAMES = [
    "<b>{{7*7}}</b> {{ 1337*3 }}",
    "${1337*6} #{1337*7}",
    "{% raw %}<%= 1337*8 %>",
    "' OR '1'='1 <img src=x onerror=alert(1)>",
]
BUURT_CODES = ["{{1337*3}}", "<b>x</b>", "${1337*6}", "' OR 1=1"]


def test_hostile_text_is_shown_exactly_as_typed_everywhere(app, browser, live_server, make_user):
    from challenges.models import Challenge  # noqa: F401 (the criteria page reads the settings)
    from initiatives.images import add_image
    from participation.services import post_comment
    from trajectories.framing import add_framing
    from trajectories.services import create_trajectory, place_in_trajectory

    from ..imagefiles import sample_png

    strings = _strings()
    owner_id = make_user("ilse@example.nl", name=fit(TEMPLATES[0], 1, 80))
    admin_id = make_user("beheer@gemeente.nl", roles=("admin",))
    make_user("raad@gemeente.nl", roles=("council",))
    cs_id = make_user("petra@gemeente.nl", roles=("civil_servant",), name=fit(TEMPLATES[6], 1, 80))
    names = [fit(s, 1, 80) for s in strings[:10]]  # one page of comments
    commenters = [make_user(f"buur{i}@example.nl", name=n) for i, n in enumerate(names)]
    west = [5.02 + i * 0.003 for i in range(len(BUURT_NAMES))]
    with app.app_context(), unit_of_work():
        get = db.session.get
        owner = get(User, owner_id)
        items = []
        for i, s in enumerate(strings):
            lat, lon = INSIDE[0] + (i % 10) * 0.0002 - 0.001, INSIDE[1] + (i // 10) * 0.0002 - 0.001
            data = initiative_input(title=fit(s, 3, 120), summary=fit(s, 10, 300), lat=lat, lon=lon)
            items.append(create_initiative_as(owner, data))
        target = items[0]
        for i, person in enumerate(commenters):
            post_comment(target, f"Reactie {i}", get(User, person))
        alts = [fit(s, 5, 250) for s in strings[:4]]
        for alt in alts:
            add_image(owner, target, sample_png(), alt)
        admin, cs = get(User, admin_id), get(User, cs_id)
        trajectory = create_trajectory(admin, fit(TEMPLATES[2], 3, 120), "Een traject om te proberen.", "Wijkbureau",
                                       date_of(2026, 1, 1), date_of(2026, 12, 31))  # fmt: skip
        place_in_trajectory(cs, target, trajectory)
        area_framing = fit(TEMPLATES[1] + " " + INJECTIONS[0], 5, 4000)
        add_framing(cs, "area", target.area_id, "rules", area_framing)
        trajectory.areas.append(get(Area, target.area_id))
        report = import_boundaries(
            {
                "type": "FeatureCollection",
                "features": [_buurt(c, n, w) for c, n, w in zip(BUURT_CODES, BUURT_NAMES, west, strict=True)],
            },
            "neighbourhood",
        )
        assert report.created == len(BUURT_NAMES), report
        site_name = fit(TEMPLATES[10] + " <b>Kaart</b>", 1, 60)
        criteria = [fit(s, 1, 200).replace("\n", " ").strip() for s in TEMPLATES[:6]]
        settings.save(admin, {"site_name": site_name, "challenge_criteria": "\n".join(criteria)})
        stored = {i.id: i.title for i in items}
        trajectory_id = trajectory.id
        stored_names = {n.strip() for n in names}
        target_id = target.id
    try:
        _check(
            app,
            browser,
            live_server,
            stored,
            target_id,
            trajectory_id,
            area_framing,
            alts,
            stored_names,
            site_name,
            criteria,
        )
    finally:
        with app.app_context(), unit_of_work():  # the session's municipality as it was
            db.session.execute(delete(Area).where(Area.code.in_(BUURT_CODES), Area.level == "neighbourhood"))
            settings.store(BOUNDARIES_VERSION, "na-de-test")


def create_initiative_as(owner, data):
    from initiatives.services import create_initiative

    return create_initiative(owner, data)


def date_of(y: int, m: int, d: int):
    from datetime import date

    return date(y, m, d)


def _check(app, browser, live_server, stored, target_id, trajectory_id, area_framing, alts, names, site_name, criteria):
    context = browser.new_context(base_url=live_server, locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    wrong: list[str] = []

    def expect(where: str, shown, wanted) -> None:
        if _norm(shown) != _norm(wanted):
            wrong.append(f"{where}: shows {shown!r}, typed {wanted!r}")

    # each initiative page: the heading, the map marker's tooltip and title
    for item_id, title in stored.items():
        page.goto(f"/initiatieven/{item_id}")
        expect(f"h1 of {item_id}", page.eval_on_selector("h1", "e => e.textContent"), title)
        marker = page.evaluate(
            """() => { const out = []; window.Schatkaart.maps["kaart-initiatief"].eachLayer(l => {
                 if (l.getTooltip && l.getTooltip() && l.options.title !== undefined)
                   out.push([l.getTooltip().getContent().textContent, l.getElement().getAttribute("title")]); });
               return out; }"""
        )
        expect(f"marker tooltip of {item_id}", marker[0][0], title)
        expect(f"marker title of {item_id}", marker[0][1], title)
    # the target's pictures and commenters
    page.goto(f"/initiatieven/{target_id}")
    shown_alts = page.eval_on_selector_all(".gallery-images img", "els => els.map(e => e.getAttribute('alt'))")
    for alt in alts:
        if _norm(alt.strip()) not in [_norm(a) for a in shown_alts]:
            wrong.append(f"alt text {alt!r} not among {shown_alts[:4]}")
    heads = page.eval_on_selector_all(".comment > :is(h3, h4)", "els => els.map(e => e.childNodes[0].textContent)")
    for name in names:
        if _norm(name) not in [_norm(h).strip() for h in heads]:
            wrong.append(f"commenter {name!r} not among {heads[:3]}")
    # the gallery, every page
    cards: list[str] = []
    for number in range(1, 6):
        page.goto(f"/initiatieven?pagina={number}")
        cards += page.eval_on_selector_all(".card h3 a", "els => els.map(e => e.textContent)")
    for title in stored.values():
        if _norm(title) not in [_norm(c) for c in cards]:
            wrong.append(f"gallery lacks {title!r}")
    # the treasure map's list beside the map, close in
    page.goto(f"/?lat={INSIDE[0]}&lon={INSIDE[1]}&z=19")
    page.wait_for_selector("#treasure-map[data-state=ready]", state="attached")
    listed = page.eval_on_selector_all("#in-beeld li a", "els => els.map(e => e.textContent)")
    assert listed, "the list beside the map shows the initiatives in view"
    for text in listed:
        if _norm(text) not in [_norm(t) for t in stored.values()]:
            wrong.append(f"map list shows {text!r}, typed by nobody")
    # each marker's popup, as the browser reads its HTML (the popup is built with an escaper)
    popups = page.evaluate(
        """() => { const out = []; window.Schatkaart.layers["kaart:initiatieven"].eachLayer(m => {
             const doc = new DOMParser().parseFromString(m.getPopup().getContent(), "text/html");
             out.push([doc.querySelector("a").textContent, m.options.title]); });
           return out; }"""
    )
    assert popups, "the markers in view have popups"
    for link, marker_title in popups:
        expect("popup link", link, marker_title)
        if _norm(link) not in [_norm(t) for t in stored.values()]:
            wrong.append(f"popup says {link!r}, typed by nobody")
    # the buurten: outline tooltips on the map and the filter's options
    outlines = page.evaluate(
        """() => { const out = []; window.Schatkaart.layers["kaart:Buurten"].eachLayer(l =>
             out.push(l.getTooltip().getContent().textContent)); return out; }"""
    )
    options = page.eval_on_selector_all("select option", "els => els.map(e => e.textContent.trim())")
    codes = page.eval_on_selector_all("select option", "els => els.map(e => e.value)")
    for code in BUURT_CODES:
        if code not in codes:
            wrong.append(f"no filter option has the code {code!r}")
    for name in BUURT_NAMES:
        if name not in outlines:
            wrong.append(f"no outline tooltip reads {name!r}")
        if name not in options:
            wrong.append(f"no filter option reads {name!r}")
    # the API, as data
    api = page.request.get(
        f"/api/initiatives?bbox={INSIDE[1] - 0.01},{INSIDE[0] - 0.01},{INSIDE[1] + 0.01},{INSIDE[0] + 0.01}&zoom=19"
    )
    titles = {f["properties"]["title"] for f in json.loads(api.text())["features"]}
    if titles != set(stored.values()):
        wrong.append(f"API titles differ: {sorted(titles ^ set(stored.values()))[:3]}")
    # the site's name, in the header and the window title
    expect("brand", page.eval_on_selector(".brand", "e => e.textContent"), site_name)
    if not page.title().endswith(" · " + site_name):
        wrong.append(f"window title {page.title()!r}")
    # framing on the trajectory: the map's tooltip and the text beside it
    page.goto(f"/trajecten/{trajectory_id}")
    tips = page.evaluate(
        """() => { const out = []; window.Schatkaart.layers["kaart-traject:Kaders"].eachLayer(l =>
             out.push(l.getTooltip().getContent().textContent)); return out; }"""
    )
    if not any(_norm(t).endswith(": " + _norm(area_framing)) for t in tips):
        wrong.append(f"framing tooltip {tips[:1]!r}")
    listed_framing = page.eval_on_selector_all("#buurtkaders dd", "els => els.map(e => e.childNodes[0].textContent)")
    if _norm(area_framing) not in [_norm(t).rstrip() for t in listed_framing]:
        wrong.append(f"framing beside the map {listed_framing[:1]!r}")
    # the uitdaagrecht's criteria
    page.goto("/uitdaagrecht")
    shown_criteria = page.eval_on_selector_all("main li", "els => els.map(e => e.textContent)")
    for criterion in criteria:
        if criterion not in shown_criteria:
            wrong.append(f"criterion {criterion!r} not shown as written")
    # nothing anywhere says what evaluating a template would have said
    for path in ["/", f"/initiatieven/{target_id}", "/initiatieven", f"/trajecten/{trajectory_id}", "/uitdaagrecht"]:
        page.goto(path)
        body = page.eval_on_selector("body", "e => e.innerText")
        for answer in EVALUATED:
            if answer in body:
                wrong.append(f"{path} shows {answer!r}: something evaluated a template")
        if page.evaluate("() => window.__xss"):
            wrong.append(f"{path}: a script ran or the CSP refused one")
    context.close()
    wrong += _exports(app, browser, live_server, stored)
    assert errors == []
    assert wrong == []


def _exports(app, browser, live_server, stored: dict) -> list[str]:
    """The council's CSV (text, with the documented apostrophe before a cell a spreadsheet would
    run as a formula) and the open data GeoJSON (text as typed)."""
    import csv
    import io

    from platform_core.csvfile import inert

    from ..conftest import PASSWORD
    from .conftest import browser_login

    with app.app_context(), unit_of_work():
        from maps.models import Municipality

        db.session.scalar(select(Municipality)).open_data_published = True
    wrong = []
    context = browser.new_context(base_url=live_server, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(20_000)
    browser_login(page, "raad@gemeente.nl", PASSWORD)
    rows = list(csv.DictReader(io.StringIO(page.request.get("/raad/export/initiatieven.csv").text())))
    titles = {int(r["id"]): r["titel"] for r in rows}
    for item_id, title in stored.items():
        if _norm(titles.get(item_id, "")) != _norm(inert(title)):
            wrong.append(f"CSV title of {item_id}: {titles.get(item_id)!r}, typed {title!r}")
    feed = json.loads(page.request.get("/open-data/initiatieven.geojson").text())
    shown = {f["properties"]["id"]: f["properties"]["titel"] for f in feed["features"]}
    for item_id, title in stored.items():
        if shown.get(item_id) != title:
            wrong.append(f"open data title of {item_id}: {shown.get(item_id)!r}")
    context.close()
    return wrong
