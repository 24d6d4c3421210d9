"""WCAG 2.1 AA on every page: every GET page of the app, as a visitor and as each role, at 320,
768 and 1,280 px wide, checked by axe-core (served from static/, run in Chromium). Also: no
horizontal scrolling at any of the widths (reflow, WCAG 1.4.10, at 320 px), and every page names its language."""

from __future__ import annotations

import pytest
from flask import url_for

from platform_core.extensions import db
from platform_core.models import User

from ..conftest import PASSWORD
from ..test_permissions import ACTORS, LAST, _routes, world  # noqa: F401, F811 - the world fixture
from .conftest import browser_login

WIDTHS = (320, 768, 1280)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Structure people navigate by (axe files these under best practice): headings in order, one h1,
# one main landmark, all content inside landmarks.
STRUCTURE = ["heading-order", "page-has-heading-one", "landmark-one-main", "region", "landmark-unique"]
# Not pages: files, feeds and JSON.
NOT_PAGES = {"council.review_file", "council.export_csv", "council.export_areas_csv", "council.open_data",
             "privacy.register_csv", "privacy.register_json", "security_txt", "initiatives.image_file",
             "trajectories.initiative_report_file", "trajectories.initiative_report_csv",
             "trajectories.trajectory_report_file", "trajectories.trajectory_report_csv"}  # fmt: skip


# The innermost elements that stick out to the right: what to fix when a page scrolls sideways.
WIDEST = """() => {
  const w = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1
      && ![...e.children].some(c => c.getBoundingClientRect().right > w + 1));
  return out.slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
      ? '.' + e.className.split(' ')[0] : '') + ' "' + (e.textContent || '').trim().slice(0, 30) + '"');
}"""


def _urls(app, params: dict) -> list[str]:
    urls = []
    for endpoint, method, _rule in _routes(app):
        if method != "GET" or endpoint in LAST or endpoint in NOT_PAGES or endpoint.startswith("api."):
            continue
        with app.test_request_context():
            rule = next(r for r in app.url_map.iter_rules(endpoint))
            urls.append(url_for(endpoint, **{name: params[name] for name in rule.arguments}))
    return sorted(set(urls))


@pytest.mark.parametrize("actor", ACTORS)
def test_every_page_passes_axe_at_three_widths(app, browser, live_server, world, actor):  # noqa: F811
    context = browser.new_context(base_url=live_server, locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    if actor != "visitor":
        with app.app_context():
            email = db.session.get(User, world["ids"][actor]).email
        browser_login(page, email, PASSWORD)
    problems, checked = [], 0
    for url in _urls(app, world["params"]):
        response = page.goto(url)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        page.add_script_tag(url="/static/vendor/axe/axe.min.js")
        assert page.get_attribute("html", "lang") in ("nl", "en"), url
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            result = page.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
            )
            structure = page.evaluate(
                "async (rules) => await axe.run(document, {runOnly: {type: 'rule', values: rules}})", STRUCTURE
            )
            result["violations"] += structure["violations"]
            checked += 1
            for violation in result["violations"]:
                targets = [n["target"] for n in violation["nodes"]][:3]
                problems.append(f"{url} @{width}px: {violation['id']} ({violation['impact']}) {targets}")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 1:  # reflow (1.4.10) at 320 px; and nothing overlapping out of the window at any width
                widest = page.evaluate(WIDEST)
                problems.append(f"{url} @{width}px: scrolls sideways by {overflow}px: {widest}")
    context.close()
    assert checked > 0
    assert problems == [], "\n".join(problems)
