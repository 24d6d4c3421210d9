"""Every task with the keyboard alone (WCAG 2.1.1): finding initiatives near an address and
opening one from its map marker, joining, commenting, flagging, moderating, answering as the
municipality, recording attendance and reading the council review. Each control is reached with
Tab (proving it is in the tab order and named), then used with Enter or typing."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from ambassadors.services import create_meeting
from maps.models import Area
from participation.models import Comment
from participation.moderation import flag
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work

from ..conftest import PASSWORD
from .conftest import browser_login, wait_until

pytestmark = pytest.mark.browser
OUDEGRACHT = (52.09387, 5.11858)  # where the recorded PDOK answer puts "Oudegracht 1"


def tab_to(page, selector: str, text: str | None = None, limit: int = 150) -> None:
    """Press Tab until the focused element matches ``selector`` (and holds ``text``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "([sel, text]) => { const e = document.activeElement; return !!e && e.matches(sel)"
            " && (!text || (e.textContent + ' ' + (e.getAttribute('aria-label') || '') + ' '"
            " + (e.getAttribute('title') || '') + ' ' + (e.value || '')).includes(text)); }",
            [selector, text],
        ):
            return
    raise AssertionError(f"{selector} {text or ''} not reached with Tab")


def press_tab_to(page, selector: str, text: str | None = None) -> None:
    """Reach a control with Tab and press Enter; a link or a form button loads the next page."""
    tab_to(page, selector, text)
    navigates = page.evaluate(
        "() => { const e = document.activeElement; return e.tagName === 'A' && !e.getAttribute('href').startsWith('#')"
        " || (e.tagName === 'BUTTON' && !!e.form && e.type === 'submit'); }"
    )
    if navigates:
        with page.expect_navigation():
            page.keyboard.press("Enter")
    else:
        page.keyboard.press("Enter")


def test_find_initiatives_near_an_address_and_open_one_from_its_marker(page, place, make_user):
    owner = make_user("olga@example.nl", name="Olga")
    place(owner, title="Bankje aan de Oudegracht", lat=OUDEGRACHT[0], lon=OUDEGRACHT[1])
    page.goto("/")
    tab_to(page, "#adres")
    page.keyboard.type("Oudegracht 1")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Kaart ingezoomd op")
    wait_until(page, "document.querySelector('#treasure-map').dataset.state === 'ready'")
    tab_to(page, ".leaflet-marker-icon", "Bankje aan de Oudegracht")  # named by its title
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content a:has-text('Bankje aan de Oudegracht')")
    press_tab_to(page, "#in-beeld a", "Bankje aan de Oudegracht")  # the list beside the map
    page.wait_for_selector("h1:has-text('Bankje aan de Oudegracht')")


def test_join_comment_and_flag_with_the_keyboard(page, place, make_user):
    item = place(make_user("olga@example.nl", name="Olga"), title="Buurtmoestuin Spoorzicht")
    make_user("henk@example.nl", name="Henk")
    browser_login(page, "henk@example.nl", PASSWORD)
    page.goto(f"/initiatieven/{item}")
    tab_to(page, "#offer")
    page.keyboard.type("Ik heb een kruiwagen")
    press_tab_to(page, "button", "Ik doe mee")
    page.wait_for_selector("text=U doet mee en volgt dit initiatief")
    tab_to(page, "textarea[name=body]")
    page.keyboard.type("Ik kom zaterdag helpen met de bakken.")
    press_tab_to(page, "button", "Plaats reactie")
    page.wait_for_selector("text=Uw reactie staat erbij.")
    press_tab_to(page, "article.comment a[href*='/melden/']", "Melden")
    page.wait_for_selector("h1")
    tab_to(page, "#reason")
    page.keyboard.type("Per ongeluk dubbel geplaatst.")
    press_tab_to(page, "button", "Verstuur melding")
    page.wait_for_selector("text=Dank u voor uw melding.")


def test_moderate_and_answer_as_the_municipality_with_the_keyboard(app, page, place, make_user):
    owner = make_user("olga@example.nl", name="Olga")
    henk = make_user("henk@example.nl", name="Henk")
    make_user("mo@gemeente.nl", roles=("moderator",), name="Mo")
    make_user("petra@gemeente.nl", roles=("civil_servant",), name="Petra")
    item = place(owner, title="Groene binnentuin")
    with app.app_context(), unit_of_work():
        from initiatives.models import Initiative
        from participation.services import post_comment

        comment = post_comment(db.session.get(Initiative, item), "Wat een onzin dit", db.session.get(User, henk))
        flag("comment", comment.id, "Onaardig", None)
        comment_id = comment.id
    browser_login(page, "mo@gemeente.nl", PASSWORD)
    page.goto("/redactie")
    tab_to(page, f"#reden-comment-{comment_id}")
    page.keyboard.type("Niet vriendelijk")
    press_tab_to(page, "button[value=hide]")
    page.wait_for_selector("text=Het besluit is opgeslagen en vastgelegd.")
    with app.app_context():
        assert db.session.get(Comment, comment_id).status == "hidden"

    page.context.clear_cookies()
    browser_login(page, "petra@gemeente.nl", PASSWORD)
    page.goto("/gemeente/wachtrij")
    press_tab_to(page, "a", "Reageer")
    tab_to(page, "#fb-body")
    page.keyboard.type("Mooi plan! We kijken graag mee naar de plek en de planten.")
    tab_to(page, "#fb-department")
    page.keyboard.type("Stadsbeheer")
    press_tab_to(page, "button[value=feedback]")
    page.wait_for_selector("text=Uw reactie staat bij het initiatief.")


def test_record_attendance_and_read_the_council_review_with_the_keyboard(app, page, make_user, place):
    petra = make_user("petra@gemeente.nl", roles=("civil_servant",), name="Petra")
    make_user("raad@gemeente.nl", roles=("council",), name="Raadslid")
    place(make_user("olga@example.nl"), title="Speeltuin")
    with app.app_context(), unit_of_work():
        area = db.session.scalar(select(Area).where(Area.level == "neighbourhood"))
        meeting = create_meeting(
            db.session.get(User, petra), "Buurtavond", datetime(2026, 12, 1, 19, 30), "Buurthuis", area.id
        )
        meeting_id = meeting.id
    browser_login(page, "petra@gemeente.nl", PASSWORD)
    page.goto(f"/bijeenkomsten/{meeting_id}")
    tab_to(page, "#name")
    page.keyboard.type("Buurvrouw Ans")
    press_tab_to(page, "button", "Registreer")
    page.wait_for_selector("text=Aanwezigheid geregistreerd.")

    page.context.clear_cookies()
    browser_login(page, "raad@gemeente.nl", PASSWORD)
    page.goto("/")
    press_tab_to(page, "nav a", "Raadsoverzicht")
    page.wait_for_selector("h1:has-text('Wat leverde participatie op?')")
    tab_to(page, "#kaart")  # what the neighbourhood map shows
    tab_to(page, "#per-buurt-titel, .table-wrap")  # the map's table is reachable to scroll


FOCUS_RINGS = """() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => [r, g, b]
    .map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const e = document.activeElement;
  let behind = e.parentElement, bg = [255, 255, 255];
  while (behind) {
    const c = rgb(getComputedStyle(behind).backgroundColor);
    if (c.length === 3 || c[3] > 0) { bg = c; break; }
    behind = behind.parentElement;
  }
  const style = getComputedStyle(e);
  const ring = rgb(style.boxShadow);
  return {tag: e.outerHTML.slice(0, 50), width: parseFloat(style.outlineWidth), outlineStyle: style.outlineStyle,
          outline: contrast(rgb(style.outlineColor), bg), ring: ring.length ? contrast(ring, bg) : 0,
          between: ring.length ? contrast(rgb(style.outlineColor), ring) : 0};
}"""


@pytest.mark.parametrize("path", ["/", "/initiatieven", "/inloggen", "/registreren", "/wegwijzer", "/uitdaagrecht"])
def test_every_focus_indicator_stands_out_against_what_is_beside_it(page, place, path):
    """WCAG 2.2 (1.4.11, 2.4.7; technique C40): every stop along the Tab order shows a two-colour
    indicator whose colours differ by at least 9:1, one of them at least 3:1 against the colour
    behind the control (the page, the header in the municipality's colour, a card)."""
    place(title="Bankje aan de Oudegracht", lat=OUDEGRACHT[0], lon=OUDEGRACHT[1])
    page.goto(path)
    for _ in range(25):
        page.keyboard.press("Tab")
        seen = page.evaluate(FOCUS_RINGS)
        if seen["tag"].startswith("<body"):
            break
        assert (seen["outlineStyle"], seen["width"] >= 2) == ("solid", True), seen
        assert seen["between"] >= 9, seen
        assert max(seen["outline"], seen["ring"]) >= 3, seen


def test_on_a_phone_the_menu_folds_behind_a_button(page, make_user):
    """Phones first (issue 29): at 320 px the header is two rows with a menu button (a disclosure
    with aria-expanded) instead of six to nine rows of links; it opens by keyboard and Escape
    closes it, the focus back on the button."""
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto("/initiatieven")
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] <= 110  # two rows at most (it was six, 266 px)
    button = page.get_by_role("button", name="Menu")
    assert button.get_attribute("aria-expanded") == "false"
    assert not page.locator("#hoofdmenu a", has_text="Wegwijzer").is_visible()
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert page.locator("#hoofdmenu a", has_text="Wegwijzer").is_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("() => document.activeElement.classList.contains('menu-button')")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})  # wide: no button, the menu shows
    assert not button.is_visible()
    assert page.locator("#hoofdmenu a", has_text="Wegwijzer").is_visible()
