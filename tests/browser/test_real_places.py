"""The treasure map on real places (issue 27): the real Utrecht boundaries (111 buurten) and a
municipality the test makes itself elsewhere, in another shape and size (tests/places.py).

With the real boundaries, the map's opening zoom animation swallowed the jump to the requested
view: a shared ``?lat=&lon=&z=`` link or an address search left the map city-wide while the
page said "De kaart toont Lombok-oost". The small fictional municipality never showed it. Each
place gets an installation of its own (a database, the real migrations, the boundary import a
municipality runs), served by a live server, and Chromium opens it as a resident would."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from shapely.geometry import shape

from ..places import generated, utrecht
from ..servers import threaded

pytestmark = pytest.mark.browser

PLACES = {"utrecht": utrecht, "generated": generated}


@dataclass
class Place:
    name: str
    levels: dict
    url: str
    app: object = None  # the installation, to put initiatives in it

    def buurten(self) -> list[tuple[str, object]]:
        """(name, shape) of three buurten far apart: the first, middle and last in code order."""
        feats = sorted(self.levels["neighbourhood"]["features"], key=lambda f: str(_code(f)))
        chosen = [feats[0], feats[len(feats) // 2], feats[-1]]
        return [(_name(f), shape(f["geometry"])) for f in chosen]


def _code(feature) -> str:
    p = feature["properties"]
    return p.get("KODE") or p.get("code")


def _name(feature) -> str:
    p = feature["properties"]
    return (p.get("NAAM") or p.get("name")).strip()


@pytest.fixture(scope="module", params=sorted(PLACES))
def place(request, tmp_path_factory, pdok_server, app):
    suite_app = app
    from maps.boundaries import import_boundaries
    from platform_core import transaction
    from schatkaart.demo import seed_themes

    from ..factories import dispose, installation

    name, levels = PLACES[request.param]()
    app = installation(
        suite_app, tmp_path_factory.mktemp(request.param), PDOK_LOCATIESERVER_URL=pdok_server, GEOCODER_TIMEOUT=2.0
    )
    with app.app_context():
        for level in ("municipality", "district", "neighbourhood"):
            report = import_boundaries(levels[level], level)
            assert report.created == len(levels[level]["features"]), (level, report)
        seed_themes()
        transaction.commit()
    with threaded(app) as base:
        yield Place(name, levels, base, app)
    dispose(app)


def _view(page) -> dict:
    return page.evaluate(
        """() => { const m = window.Schatkaart.maps["kaart"]; const c = m.getCenter();
             return {lat: c.lat, lon: c.lng, zoom: m.getZoom(), url: location.search}; }"""
    )


def _settled(page) -> dict:
    """The view once the map has loaded its markers and any animation would have ended."""
    page.wait_for_selector("#treasure-map[data-state=ready]", state="attached")
    page.wait_for_timeout(700)  # longer than Leaflet's zoom and pan animations (250 ms)
    return _view(page)


@pytest.fixture
def resident(browser, place):
    context = browser.new_context(base_url=place.url, locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []


def test_the_map_opens_on_the_whole_municipality(resident, place):
    resident.goto("/")
    view = _settled(resident)
    bounds = resident.evaluate(
        """() => { const b = window.Schatkaart.maps["kaart"].getBounds();
             return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"""
    )
    outline = shape(place.levels["municipality"]["features"][0]["geometry"])
    minx, miny, maxx, maxy = outline.bounds
    # the whole municipality is in view, and the view is not the whole country
    assert bounds[0] <= minx + 0.01, (bounds, outline.bounds)
    assert bounds[2] >= maxx - 0.01, (bounds, outline.bounds)
    assert bounds[1] <= miny + 0.01, (bounds, outline.bounds)
    assert bounds[3] >= maxy - 0.01, (bounds, outline.bounds)
    assert view["zoom"] >= 10
    outlines = resident.evaluate("() => window.Schatkaart.layers['kaart:Buurten'].getLayers().length")
    assert outlines == len(place.levels["neighbourhood"]["features"])


def test_a_shared_link_opens_exactly_where_it_points(resident, place):
    for name, outline in place.buurten():
        point = outline.representative_point()
        resident.goto(f"/?lat={point.y:.5f}&lon={point.x:.5f}&z=16")
        view = _settled(resident)
        assert view["zoom"] == 16, (name, view)
        assert abs(view["lat"] - point.y) < 1e-4, (name, view, point)
        assert abs(view["lon"] - point.x) < 1e-4, (name, view, point)
        assert "z=16" in view["url"], view["url"]  # and the address bar says so, to share on
        assert f"lat={point.y:.5f}" in view["url"], view["url"]


def test_searching_a_buurt_moves_the_map_to_it(resident, place):
    resident.goto("/")
    _settled(resident)
    for name, outline in place.buurten():
        resident.fill("#adres", name)
        resident.press("#adres", "Enter")
        resident.wait_for_load_state()
        status = resident.inner_text(".address-search [role=status]")
        assert f"De kaart toont {name}" in status, status
        view = _settled(resident)
        assert view["zoom"] == 15, (name, view)
        centre = shape({"type": "Point", "coordinates": [view["lon"], view["lat"]]})
        assert outline.buffer(0.002).contains(centre), (name, view, outline.bounds)
        # the buurt itself is in view: the map moved there and stayed
        in_view = resident.evaluate(
            "([x, y]) => window.Schatkaart.maps['kaart'].getBounds().contains([y, x])",
            [outline.representative_point().x, outline.representative_point().y],
        )
        assert in_view, (name, view)


def test_the_first_result_is_a_few_tab_presses_from_the_top(resident, place):
    """The map is not a wall of Tab stops (issue 29): the buurt outlines are no separate stops
    (the buurt choice in the filters and the address search are their keyboard way), and a
    skip link leads past the filters and the map to the initiatives in view: from the top of the
    page the first result takes at most 10 Tab presses."""
    from initiatives.services import create_initiative
    from platform_core.accounts.services import register_user
    from platform_core.extensions import db
    from platform_core.transaction import unit_of_work

    from ..conftest import initiative_input

    name, outline = place.buurten()[1]
    point = outline.representative_point()
    with place.app.app_context(), unit_of_work():
        owner = register_user(f"eigenaar@{place.name}.example", "een-lang-wachtwoord", "Olga", consent=True)
        db.session.flush()
        create_initiative(owner, initiative_input(title=f"Bankje in {name}", lat=point.y, lon=point.x))
    resident.goto(f"/?lat={point.y:.5f}&lon={point.x:.5f}&z=17")
    _settled(resident)
    assert resident.locator("#in-beeld a").count() >= 1
    focusable_outlines = resident.evaluate(
        "() => [...document.querySelectorAll('.leaflet-overlay-pane path')].filter(p => p.tabIndex >= 0).length"
    )
    assert focusable_outlines == 0
    presses, seen = 0, []
    while presses < 40:
        resident.keyboard.press("Tab")
        presses += 1
        where = resident.evaluate("() => document.activeElement.closest('#in-beeld') ? 'result' : ''")
        seen.append(resident.evaluate("() => document.activeElement.outerHTML.slice(0, 60)"))
        if where == "result":
            break
        if resident.evaluate("() => document.activeElement.matches('a.skip-link[href=\"#in-beeld\"]')"):
            resident.keyboard.press("Enter")
    assert presses <= 10, (presses, " | ".join(seen))
    assert resident.evaluate("() => document.activeElement.textContent") == f"Bankje in {name}"


def test_a_cluster_opens_with_enter_and_with_space_and_says_what_it_holds(resident, place):
    """Clusters by keyboard (issue 29): a server cluster is a named button ("3 initiatieven:
    inzoomen") that Enter and Space open, as a click does."""
    from initiatives.services import create_initiative
    from platform_core.accounts.services import register_user
    from platform_core.extensions import db
    from platform_core.transaction import unit_of_work

    from ..conftest import initiative_input

    name, outline = place.buurten()[0]
    point = outline.representative_point()
    with place.app.app_context(), unit_of_work():
        owner = register_user(f"cluster@{place.name}.example", "een-lang-wachtwoord", "Olga", consent=True)
        db.session.flush()
        for i in range(3):
            create_initiative(owner, initiative_input(title=f"Plan {i} in {name}", lat=point.y + i * 1e-4, lon=point.x))
    for key in ("Enter", " "):
        resident.goto("/")
        before = _settled(resident)["zoom"]
        cluster = resident.locator(".server-cluster", has_text="3")
        assert cluster.get_attribute("aria-label") == "3 initiatieven: inzoomen"
        assert cluster.get_attribute("role") == "button"
        cluster.focus()
        resident.keyboard.press(key)
        assert _settled(resident)["zoom"] > before, key


def test_a_whole_buurt_becomes_an_area_by_keyboard(resident, place):
    """An area without a pointer (issue 29, WCAG 2.5.7), on the real boundaries: a resident
    fills in the place form with the keyboard only and chooses a buurt as the area."""
    from platform_core.accounts.services import register_user
    from platform_core.transaction import unit_of_work

    email = f"zelfbeheer@{place.name}.example"
    with place.app.app_context(), unit_of_work():
        register_user(email, "een-lang-wachtwoord", "Sanne", consent=True, confirmed=True)
    name, _outline = place.buurten()[2]
    resident.goto("/inloggen")
    resident.fill("#email", email)
    resident.fill("#password", "een-lang-wachtwoord")
    resident.press("#password", "Enter")
    resident.wait_for_load_state()
    resident.goto("/initiatieven/nieuw")
    resident.focus("#title")
    resident.keyboard.type("Zelfbeheer van het groen")
    resident.focus("#summary")
    resident.keyboard.type("Wij onderhouden samen het groen in de hele buurt.")
    resident.select_option("#type", "self_management")
    resident.focus("#area_code")
    resident.select_option("#area_code", label=name)
    resident.focus("button[name=save]")
    with resident.expect_navigation():
        resident.keyboard.press("Enter")
    assert "Uw initiatief staat op de kaart" in resident.inner_text("main")
    assert f"Plek op de kaart, {name}" in resident.inner_text("figure.small-map")  # in that buurt
