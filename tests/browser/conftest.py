"""A live server in a thread and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import pytest

from tests.servers import threaded


@pytest.fixture(scope="session")
def live_server(app):
    with threaded(app) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def browser_login(page, email: str, password: str) -> None:
    """Log in as a person does; staff set up their authenticator app the first time."""
    from ..conftest import TOTP_SECRETS, totp_code

    page.goto("/inloggen")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if page.url.endswith("/inloggen/tweestaps"):
        TOTP_SECRETS[email] = page.inner_text("#totp-secret")
        page.fill("#code", totp_code(email))
        page.click("main button[type=submit]")
        page.click("text=Ik heb de codes bewaard, ga verder")
        page.wait_for_load_state()
        return
    if page.url.endswith("/inloggen/code"):
        page.fill("#code", totp_code(email))
        page.click("main button[type=submit]")
    page.wait_for_selector("text=U bent ingelogd.")


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA problems found by axe-core."""
    page.add_script_tag(url="/static/vendor/axe/axe.min.js")  # 'self': allowed by our CSP
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    result = page.evaluate(  # violations in full; the other groups one node each (axe-core API.md, "Performance")
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        tags,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def wait_until(page, expression: str, timeout_ms: int = 10_000) -> None:
    """Poll a JS expression from outside: page.wait_for_function would need 'unsafe-eval',
    and our CSP (rightly) refuses it."""
    for _ in range(timeout_ms // 100):
        if page.evaluate(f"() => Boolean({expression})"):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {timeout_ms} ms: {expression}")


def pytest_collection_modifyitems(config, items) -> None:
    """Every test here drives Chromium and must say so: scripts/test.sh runs the browser tests on
    one database (and those marked ``both_databases`` on both) by this marker."""
    unmarked = [
        item.nodeid for item in items if "tests/browser/" in item.nodeid and not item.get_closest_marker("browser")
    ]
    if unmarked:
        raise pytest.UsageError(f"browser tests without the browser marker: {unmarked}")
