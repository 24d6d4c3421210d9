"""Dutch search that finds what people type, the same on SpatiaLite and PostGIS."""

from __future__ import annotations

import re

import pytest

from initiatives.search import fold, highlight, terms

from .conftest import INSIDE, json_of

CITY = "5.0,52.0,5.2,52.2"


@pytest.fixture
def plans(place, make_user):
    owner = make_user("zoeker@example.nl")
    spots = iter(range(20))

    def put(title: str, summary: str = "Samen met de buren aan de slag.") -> int:
        n = next(spots)
        return place(owner, title=title, summary=summary, lat=INSIDE[0] + n * 0.0002, lon=INSIDE[1])

    return {
        "moestuin": put("Moestuin achter de school"),
        "speeltuin": put("Nieuwe speeltuin bij het park"),
        "speeltuintje": put("Een speeltuintje voor de kleintjes"),
        "cooperatie": put("Coöperatie voor zonnestroom in Lombok", "Zonnepanelen op de daken van de buurt."),
        "bankjes": put("Bankjes langs de singel", "Meer plekken om te zitten, ook een moestuin-bankje."),
        "other": put("Fietsenstalling bij het station"),
    }


def _found(client, q: str) -> list[int]:
    html = client.get(f"/initiatieven?q={q}").get_data(as_text=True)
    return [int(i) for i in re.findall(r'<h3><a href="/initiatieven/(\d+)"', html)]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("moestuinen", {"moestuin", "bankjes"}),  # plural finds the singular (and the compound word)
        ("speeltuinen", {"speeltuin", "speeltuintje"}),  # plural and diminutive alike
        ("speeltuintjes", {"speeltuin", "speeltuintje"}),
        ("cooperatie", {"cooperatie"}),  # without the diaeresis
        ("coöperaties", {"cooperatie"}),
        ("bankje", {"bankjes"}),
        ("SPEELTUIN park", {"speeltuin"}),  # every word must match, in any case
    ],
)
def test_dutch_words_find_their_plurals_diminutives_and_accents(client, plans, typed, expected):
    assert set(_found(client, typed)) == {plans[name] for name in expected}


def test_the_map_finds_the_same_as_the_list(client, plans):
    data = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=18&q=speeltuinen"))
    assert {f["properties"]["id"] for f in data["features"]} == {plans["speeltuin"], plans["speeltuintje"]}


def test_best_matches_come_first_and_matches_are_marked(client, plans):
    # "moestuin" in a title weighs more than in a summary.
    assert _found(client, "moestuin") == [plans["moestuin"], plans["bankjes"]]
    html = client.get("/initiatieven?q=moestuinen").get_data(as_text=True)
    assert "<mark>Moestuin</mark> achter de school" in html
    assert "ook een <mark>moestuin</mark>-bankje" in html
    assert 'value="relevantie" selected' in html
    # The reader can still choose another order.
    newest = _found(client, "moestuin&sort=nieuw")
    assert newest == [plans["bankjes"], plans["moestuin"]]


def test_questions_that_mean_nothing_find_nothing_and_break_nothing(client, plans):
    for q in ['"', "*", "&", "!!", "NEAR(", "a:*", "'; DROP TABLE initiative;--", "—"]:
        resp = client.get("/initiatieven", query_string={"q": q})
        assert resp.status_code == 200, q


def test_folding_stemming_and_marking_by_themselves():
    assert fold("Coöperatie café") == "cooperatie cafe"
    assert terms("moestuinen moestuintje Moestuin") == ["moestuin"] * 3
    marked = highlight("Speeltuinen & <b>spelen</b>", "speeltuin")
    assert str(marked) == "<mark>Speeltuinen</mark> &amp; &lt;b&gt;spelen&lt;/b&gt;"


@pytest.fixture
def tagged(app, place, make_user):
    """Three initiatives tagged Speelplekken whose text never says so, one with a compound word."""
    from initiatives.models import Initiative, Theme
    from platform_core.extensions import db
    from platform_core.transaction import unit_of_work

    owner = make_user("tagger@example.nl")

    def put(title: str, n: int) -> int:
        plain = "Samen met de buren aan de slag, dit jaar nog."
        return place(owner, title=title, summary=plain, description="", lat=INSIDE[0] + n * 0.0003, lon=INSIDE[1])

    ids = {
        "klimrek": put("Klimrek naast het plein", 0),
        "trapveld": put("Trapveldje opknappen", 1),
        "geveltuin": put("Geveltuinen langs de gracht", 2),
        "bieb": put("Ruilbieb in de portiek", 3),
    }
    with app.app_context(), unit_of_work():
        spelen = db.session.scalar(select_theme("Speelplekken"))
        for key in ("klimrek", "trapveld"):
            item = db.session.get(Initiative, ids[key])
            item.themes.append(spelen)
        assert isinstance(spelen, Theme)
    return ids


def select_theme(name: str):
    from sqlalchemy import select

    from initiatives.models import Theme

    return select(Theme).where(Theme.name == name)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("speelplek", {"klimrek", "trapveld"}),  # the theme's name finds what is tagged with it
        ("speelplekken", {"klimrek", "trapveld"}),
        ("spelen", {"klimrek", "trapveld"}),  # the main theme holds its sub-themes
        ("tuin", {"geveltuin"}),  # a compound ends in the word looked for
        ("geveltuin", {"geveltuin"}),
    ],
)
def test_theme_names_and_compound_words_find_what_is_meant(client, tagged, typed, expected):
    assert set(_found(client, typed)) == {tagged[k] for k in expected}


def test_a_small_typo_searches_what_was_meant_and_says_so(client, tagged):
    html = client.get("/initiatieven?q=trapvled").get_data(as_text=True)
    assert "Niets gevonden voor ‘trapvled’. Dit zijn de resultaten voor ‘trapveld’." in html
    assert set(_found(client, "trapvled")) == {tagged["trapveld"]}
    nothing = client.get("/initiatieven?q=xylofoonorkest").get_data(as_text=True)
    assert "Niets gevonden voor" not in nothing
    assert _found(client, "xylofoonorkest") == []


@pytest.fixture
def wadis(place, make_user):
    """Six plans, oldest first; five say "wadi", in the title, the summary or both."""
    owner = make_user("zoeker@example.nl")
    texts = [
        ("Wadi in het park", "Regenwater de grond in."),
        ("Groen schoolplein", "Met een wadi en bomen."),
        ("Wadi bij de school", "Samen graven."),
        ("Regentonnen", "Een wadi is ook mogelijk."),
        ("Wadi en wilgen", "Een wadi in de wijk."),
        ("Bankjes", "Zonder water."),
    ]
    return [
        place(owner, title=title, summary=summary, lat=INSIDE[0] + n * 0.0002, lon=INSIDE[1])
        for n, (title, summary) in enumerate(texts)
    ]


def _pages(app, q: str, size: int) -> list[list[int]]:
    from sqlalchemy import select

    from initiatives.models import Initiative
    from initiatives.ranking import results
    from initiatives.search import Filters, apply_filters
    from platform_core.extensions import db

    with app.app_context():
        filters = Filters(q=q, sort="relevantie")
        base = apply_filters(select(Initiative), filters)
        pages, offset = [], 0
        while page := [i.id for i in results(base, filters, offset, size)]:
            pages.append(page)
            offset += size
        db.session.rollback()
    return pages


def test_the_ranking_of_a_fixed_set_is_the_same_on_both_databases(app, wadis):
    """Title before summary, both before either, ties newest first: bm25 on SQLite and ts_rank
    on PostgreSQL put these the same way."""
    ranked = [i for page in _pages(app, "wadi", 24) for i in page]
    assert ranked[:3] == [wadis[4], wadis[2], wadis[0]]  # the word in the title (and the summary)
    assert set(ranked[3:]) == {wadis[1], wadis[3]}  # in the summary only
    assert wadis[5] not in ranked


def test_only_the_newest_matches_are_ranked_and_none_is_lost(app, wadis, monkeypatch):
    """With a window of three: the three newest matches ranked, the older ones after them newest
    first, every match on exactly one page however the pages fall."""
    from initiatives import ranking

    monkeypatch.setattr(ranking, "RANK_WINDOW", 3)
    assert _pages(app, "wadi", 2) == [[wadis[4], wadis[2]], [wadis[3], wadis[1]], [wadis[0]]]
    assert _pages(app, "wadi", 4) == [[wadis[4], wadis[2], wadis[3], wadis[1]], [wadis[0]]]


def test_the_words_compounds_are_found_among_are_kept_by_every_write(app, client, place):
    """The vocabulary (compounds, "did you mean") is the table every write adds its stems to, not a
    scan of every initiative's text per process (PostgreSQL's ts_stat outgrew the search time
    limit at a million initiatives: issue 28); a rebuild computes the same words."""
    from sqlalchemy import select

    from initiatives.models import SearchWord
    from initiatives.search import forget_vocabulary, rebuild_index
    from platform_core.extensions import db
    from platform_core.transaction import unit_of_work

    found = place(title="Moestuinen bij de school", summary="Samen groente kweken")
    with app.app_context():
        kept = set(db.session.scalars(select(SearchWord.word)))
        assert {"moestuin", "school", "groent", "kweek"} <= kept
        with unit_of_work():
            rebuild_index(db.session.connection())
        assert set(db.session.scalars(select(SearchWord.word))) == kept
    forget_vocabulary()
    assert _found(client, "tuin") == [found]


@pytest.fixture
def varied(place, make_user):
    """Texts of different lengths, with compounds, digits and an underscore (FTS5 splits on it)."""
    owner = make_user("zoeker@example.nl")
    texts = [
        ("Buurthuis open", "De buurt komt samen in het buurthuis.", "Koffie, soep en een moestuin achter."),
        ("Moestuin", "Een tuin voor de buurt.", ""),
        ("Geveltuinen in de straat", "Tuin na tuin langs de gevels, buurt_2024 doet mee.", "Lang " * 40),
        ("Wadi en tuin", "Regenwater de grond in bij de school.", "Met de buurt en de school."),
        ("Bankjes", "Zitten in de buurtkamer.", "Buurt buurt buurt."),
        ("Speeltuin 2024", "Voor de kinderen uit de buurt.", "Een wadi ernaast."),
    ]
    return [
        place(owner, title=t, summary=s, description=d, lat=INSIDE[0] + n * 0.0002, lon=INSIDE[1])
        for n, (t, s, d) in enumerate(texts)
    ]


QUESTIONS = ["buurt", "tuin", "wadi school", "buurthuis", "speeltuin 2024", "2024", "b", "tuin buurt", "xyz"]


@pytest.mark.parametrize("q", QUESTIONS)
def test_a_question_finds_what_its_prefixes_find_and_ranks_as_the_database_would(app, varied, q):
    """The words a prefix is asked as (``"buurt" OR "buurthuis"``, read as FTS5 needs them) find
    exactly what the prefix itself (``"buurt"*``) finds, and the scores worked out from the
    stored columns are FTS5's own bm25 (on PostgreSQL: ts_rank over the stored vector)."""
    from sqlalchemy import select, text

    from initiatives import ranking, search
    from initiatives.models import Initiative
    from platform_core.extensions import db

    with app.app_context():
        search.forget_vocabulary()
        filters = search.Filters(q=q, sort="relevantie")
        found = set(db.session.scalars(search.apply_filters(select(Initiative.id), filters)))
        scores = ranking._scores(q, sorted(found)) if found else {}
        if db.engine.dialect.name == "sqlite":
            as_prefixes = " AND ".join(
                "(" + " OR ".join(f'"{t}"*' for t in alternatives) + ")" for alternatives in search.expanded_terms(q)
            )
            own = dict(
                db.session.execute(
                    text(
                        "SELECT rowid, -bm25(initiative_fts, 10.0, 3.0, 1.0) FROM initiative_fts"
                        " WHERE initiative_fts MATCH :m"
                    ),
                    {"m": as_prefixes},
                ).all()
            )
            assert found == set(own)
            single = sum(len(a) for a in search.expanded_terms(q)) == 1  # one prefix: scores scaled alike
            factor = (own[min(own)] / scores[min(own)]) if single and own else 1.0
            assert {i: pytest.approx(s * factor, rel=1e-9) for i, s in scores.items()} == own
        else:
            assert set(scores) == found
            assert all(s > 0 for s in scores.values())
        db.session.rollback()
    expected = {
        "buurt": {0, 1, 2, 3, 4, 5},
        "tuin": {0, 1, 2, 3, 5},
        "wadi school": {3},
        "buurthuis": {0},
        "speeltuin 2024": {5},
        "2024": {2, 5},
        "b": {0, 1, 2, 3, 4, 5},
        "tuin buurt": {0, 1, 2, 3, 5},
        "xyz": set(),
    }[q]
    assert found == {varied[i] for i in expected}
