"""WCAG 2.1 AA on every page: every GET page of the app, as a visitor and as each role, at 320,
768 and 1,280 px wide, checked by axe-core (served from static/, run in Chromium). Also: no
horizontal scrolling at any of the widths (reflow, WCAG 1.4.10, at 320 px), and every page names its language."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import url_for

from platform_core.extensions import db
from platform_core.models import User

from ..conftest import PASSWORD
from ..test_permissions import ACTORS, LAST, _allowed, _routes, world  # noqa: F401 - the world fixture
from .conftest import browser_login

pytestmark = pytest.mark.browser

WIDTHS = (320, 768, 1280)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]  # WCAG 2.2 AA: target size (2.5.8) among them
# Structure people navigate by (axe files these under best practice): headings in order, one h1,
# one main landmark, all content inside landmarks.
STRUCTURE = ["heading-order", "page-has-heading-one", "landmark-one-main", "region", "landmark-unique"]
# Not pages: files, feeds and JSON.
NOT_PAGES = {"council.review_file", "council.export_csv", "council.export_areas_csv", "council.open_data",
             "privacy.register_csv", "privacy.register_json", "security_txt", "initiatives.image_file",
             "reports.initiative_report_file", "reports.initiative_report_csv",
             "reports.trajectory_report_file", "reports.trajectory_report_csv", "privacy.download_package"}  # fmt: skip


# The innermost elements that stick out to the right: what to fix when a page scrolls sideways.
WIDEST = """() => {
  const w = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1
      && ![...e.children].some(c => c.getBoundingClientRect().right > w + 1));
  return out.slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
      ? '.' + e.className.split(' ')[0] : '') + ' "' + (e.textContent || '').trim().slice(0, 30) + '"');
}"""


def _urls(app, params: dict, actor: str) -> dict[str, bool]:
    """Every GET page, and whether this actor may open it (then it must answer 200)."""
    urls: dict[str, bool] = {}
    for endpoint, method, rule_name in _routes(app):
        if method != "GET" or endpoint in LAST or endpoint in NOT_PAGES or endpoint.startswith("api."):
            continue
        with app.test_request_context():
            rule = next(r for r in app.url_map.iter_rules(endpoint))
            url = url_for(endpoint, **{name: params[name] for name in rule.arguments})
        urls[url] = urls.get(url, False) or (_allowed(endpoint, rule_name, actor) and endpoint not in OTHER_ANSWERS)
    return dict(sorted(urls.items()))


# Pages that answer with a redirect or a refusal even to those who may open them, by design:
# a confirmation or unsubscribe link without a valid token, the enrolment and code pages outside
# a login, the logo without one set.
OTHER_ANSWERS = {"accounts.confirm", "accounts.reset_password", "participation.unsubscribe", "accounts.enrol",
                 "accounts.second_factor", "admin.logo", "privacy.consent", "accounts.logout"}  # fmt: skip

PAGE_FACTS = """() => ({
  title: document.title,
  h1: [...document.querySelectorAll('h1')].map(h => h.textContent.trim()),
})"""


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
    checked_paths: set[str] = set()
    site = "Schatkaart"
    for url, may in _urls(app, world["params"], actor).items():
        response = page.goto(url)
        status = response.status if response else None
        if may and status != 200:  # a page this actor may open must open: never skipped silently
            problems.append(f"{url}: answers {status} to {actor}")
            continue
        if status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        landed = urlsplit(page.url).path
        if landed != urlsplit(url).path and landed in checked_paths:
            continue  # led elsewhere (to the login form): that page is checked once, not once per link
        checked_paths.add(landed)
        facts = page.evaluate(PAGE_FACTS)
        title = facts["title"]
        if not title.endswith(" · " + site) or len(title) > 120 or "\n" in title or not title[: -len(site) - 3].strip():
            problems.append(f"{url}: title {title[:80]!r}")
        if len(facts["h1"]) != 1 or not facts["h1"][0]:
            problems.append(f"{url}: h1 {facts['h1']!r}")
        page.add_script_tag(url="/static/vendor/axe/axe.min.js")
        assert page.get_attribute("html", "lang") in ("nl", "en"), url
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            # The WCAG tags and the structure rules in one run. Every violation comes back with all its
            # nodes; passes and the rest with one node each, which spares axe working out a selector for
            # every element that passed (axe-core's API.md, "Performance": a third of the crawl's time).
            result = page.evaluate(
                """async ([tags, rules]) => await axe.run(document, {runOnly: {type: 'tag', values: tags},
                     rules: Object.fromEntries(rules.map(r => [r, {enabled: true}])), resultTypes: ['violations']})""",
                [TAGS, STRUCTURE],
            )
            ran = {r["id"] for key in ("passes", "violations", "incomplete", "inapplicable") for r in result[key]}
            assert set(STRUCTURE) <= ran, f"axe did not run {set(STRUCTURE) - ran}"
            checked += 1
            for violation in result["violations"]:
                targets = [(n["target"], n.get("failureSummary", "")[:160]) for n in violation["nodes"]][:3]
                problems.append(f"{url} @{width}px: {violation['id']} ({violation['impact']}) {targets}")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 1:  # reflow (1.4.10) at 320 px; and nothing overlapping out of the window at any width
                widest = page.evaluate(WIDEST)
                problems.append(f"{url} @{width}px: scrolls sideways by {overflow}px: {widest}")
    context.close()
    assert checked > 0
    assert problems == [], "\n".join(problems)
