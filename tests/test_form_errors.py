"""Form errors are summarised at the top and each summary line links to its field, which points
back to its message (aria-describedby) — on every kind of form, not only the big ones."""

from __future__ import annotations

import re

import pytest

from .conftest import login, post_form


@pytest.fixture
def forms(app, make_user, place):
    make_user("sanne@example.nl")
    make_user("beheer@gemeente.nl", roles=("admin",))
    item = place()
    return {
        "visitor": ["/inloggen", "/registreren", "/wachtwoord-vergeten", f"/melden/initiative/{item}"],
        "admin": ["/trajecten/nieuw", "/beheer/themas", "/account/verwijderen"],
    }


@pytest.mark.parametrize("who", ["visitor", "admin"])
def test_every_error_is_summarised_and_linked_to_its_field(app, client, forms, who):
    if who == "admin":
        login(client, "beheer@gemeente.nl")
    for url in forms[who]:
        response = post_form(client, url, {})
        html = response.get_data(as_text=True)
        assert response.status_code == 400, url
        summary = re.search(r'<div class="error-summary[^"]*"[^>]*>(.*?)</div>', html, re.S)
        assert summary, f"{url}: no error summary"
        targets = re.findall(r'href="#([^"]+)"', summary.group(1))
        assert targets, f"{url}: the summary links to no field"
        for target in targets:
            field = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{re.escape(target)}"[^>]*>', html)
            assert field, f"{url}: #{target} is not a field"
            assert f"{target}-fout" in field.group(0) or "aria-describedby" in field.group(0), (url, target)
