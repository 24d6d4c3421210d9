"""The account pages in Chromium: a staff member sets up the second factor with the keyboard
alone, and the pages on the way pass axe-core's WCAG 2.1 A/AA rules."""

from __future__ import annotations

import pytest

from ..conftest import PASSWORD, TOTP_SECRETS, totp_code
from .conftest import axe_violations

pytestmark = pytest.mark.browser


def test_staff_enrol_with_the_keyboard_and_the_pages_are_accessible(page, make_user):
    make_user("petra@gemeente.nl", roles=("civil_servant",))
    page.goto("/inloggen")
    page.focus("#email")
    page.keyboard.type("petra@gemeente.nl")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/inloggen/tweestaps")
    assert axe_violations(page) == []
    assert page.get_attribute("img[src^='data:image/svg+xml']", "alt")
    TOTP_SECRETS["petra@gemeente.nl"] = page.inner_text("#totp-secret")
    page.focus("#code")
    page.keyboard.type(totp_code("petra@gemeente.nl"))
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Tweestapsverificatie staat aan.")
    assert len(page.query_selector_all(".recovery-codes li")) == 10
    assert axe_violations(page) == []
    page.goto("/account")
    assert "Staat aan. U heeft nog 10 ongebruikte herstelcodes." in page.inner_text("main")
    assert axe_violations(page) == []


def test_a_form_with_errors_puts_the_focus_on_their_summary(page):
    """Errors you hear (issue 29): registering with empty fields comes back with the summary
    focused, a link per field that takes the focus to it."""
    page.goto("/registreren")
    page.click("button:has-text('Account maken')")
    page.wait_for_load_state()
    assert page.evaluate("() => document.activeElement.id") == "foutoverzicht"
    links = page.locator("#foutoverzicht a")
    assert links.count() >= 2
    target = links.first.get_attribute("href")
    links.first.click()
    assert "#" + page.evaluate("() => document.activeElement.id") == target


def _paste(page, selector: str, text: str) -> None:
    """Put text on the clipboard and paste it with Ctrl+V, as someone copying from a password
    manager or an authenticator app does."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    page.focus(selector)
    page.keyboard.press("Control+V")


def test_the_second_factor_can_be_pasted(page, make_user):
    """Accessible authentication (WCAG 2.2, 3.3.8): nobody has to retype or remember a code. A
    code pasted with the space an authenticator app shows ('123 456') is taken at enrolment, and
    a recovery code pasted at a later login is taken too; no puzzle on the way."""
    make_user("ruud@gemeente.nl", roles=("moderator",))
    page.goto("/inloggen")
    page.fill("#email", "ruud@gemeente.nl")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/inloggen/tweestaps")
    assert page.get_attribute("#code", "autocomplete") == "one-time-code"
    TOTP_SECRETS["ruud@gemeente.nl"] = page.inner_text("#totp-secret")
    code = totp_code("ruud@gemeente.nl")
    _paste(page, "#code", f"{code[:3]} {code[3:]}")
    assert page.input_value("#code") == f"{code[:3]} {code[3:]}"
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Tweestapsverificatie staat aan.")
    recovery = page.locator(".recovery-codes li").first.inner_text().strip()
    page.click("button:has-text('Uitloggen')")
    page.goto("/inloggen")
    page.fill("#email", "ruud@gemeente.nl")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/inloggen/code**")
    _paste(page, "#code", recovery)
    assert page.input_value("#code") == recovery
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/inloggen" not in page.url, page.inner_text("main")
    assert page.is_visible("button:has-text('Uitloggen')")
