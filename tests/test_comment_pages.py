"""Long discussions come in pages (issue 14, point 1): keyset pages of 10 top-level comments with
their replies, oldest or newest first, links that land on a comment's page, no JavaScript needed."""

from __future__ import annotations

import re

import pytest

from initiatives.models import Initiative
from participation.services import post_comment
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work


@pytest.fixture
def discussion(app, make_user, place):
    owner = make_user("olga@example.nl", name="Olga")
    henk = make_user("henk@example.nl", name="Henk")
    item = place(owner, title="Speeltuin")
    ids = []
    with app.app_context(), unit_of_work():
        initiative, author = db.session.get(Initiative, item), db.session.get(User, henk)
        for n in range(1, 46):
            comment = post_comment(initiative, f"Reactie nummer {n:02d}", author)
            ids.append(comment.id)
            if n % 10 == 0:
                post_comment(initiative, f"Antwoord op {n:02d}", author, parent=comment)
    return {"item": item, "ids": ids}


def _numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"Reactie nummer (\d\d)", html)]


def _link(html: str, rel: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_pages_of_ten_oldest_first_with_their_replies(client, discussion):
    first = client.get(f"/initiatieven/{discussion['item']}").get_data(as_text=True)
    assert _numbers(first) == list(range(1, 11))
    assert "Antwoord op 10" in first
    assert "Antwoord op 20" not in first
    assert _link(first, "prev") is None
    pages = [first]
    while _link(pages[-1], "next"):
        pages.append(client.get(_link(pages[-1], "next")).get_data(as_text=True))
    assert [_numbers(page) for page in pages] == [list(range(start, min(start + 10, 46))) for start in range(1, 46, 10)]
    assert "Antwoord op 20" in pages[1]
    back = client.get(_link(pages[-1], "prev")).get_data(as_text=True)
    assert _numbers(back) == list(range(31, 41))


def test_newest_first_is_the_readers_choice(client, discussion):
    page = client.get(f"/initiatieven/{discussion['item']}?reacties=nieuw").get_data(as_text=True)
    assert _numbers(page) == list(range(45, 35, -1))
    following = client.get(_link(page, "next")).get_data(as_text=True)
    assert _numbers(following) == list(range(35, 25, -1))


def test_a_link_to_a_comment_lands_on_its_page(client, discussion):
    target = discussion["ids"][33]  # comment 34
    response = client.get(f"/initiatieven/{discussion['item']}/reacties/{target}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#reactie-{target}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _numbers(page)[0] == 34  # the discussion from that comment on: nothing before it counted
    assert f'id="reactie-{target}"' in page
    earlier = client.get(_link(page, "prev")).get_data(as_text=True)
    assert _numbers(earlier) == list(range(24, 34))  # and the ten before it a link away
    assert client.get(f"/initiatieven/{discussion['item'] + 1}/reacties/{target}").status_code == 404


@pytest.mark.parametrize("query", ["na=abc", "vanaf=%C2%B2", "na=99999999999999999999", "vanaf=-1", "reacties=x"])
def test_odd_page_parameters_are_not_errors(client, discussion, query):
    response = client.get(f"/initiatieven/{discussion['item']}?{query}")
    assert response.status_code == 200
