"""Strict, reversible configuration (issue 27): ``flask settings dump`` writes everything Beheer
sets (settings, logo, themes) and ``flask settings load`` reads it back into another
installation the same; a file with anything wrong is refused whole, each problem named by its
key in Dutch, and nothing changes."""

from __future__ import annotations

import json

import pytest

from platform_core import settings
from platform_core.extensions import db
from platform_core.storage import storage
from platform_core.transaction import unit_of_work

from .factories import cast, installation
from .imagefiles import sample_png


@pytest.fixture
def configured(app, make_user):
    people = cast(make_user, "admin")
    with app.app_context(), unit_of_work():
        from platform_core.models import User

        admin = db.session.get(User, people["admin"])
        storage().put("0123456789abcdef0123456789abcdef-logo.png", sample_png())
        settings.save(
            admin,
            {
                "site_name": "Meedoen Noorderwold",
                "colour_primary": "#1f5fa8",
                "logo": "0123456789abcdef0123456789abcdef-logo.png",
                "response_norm_days": "7",
                "type.self_management.en": "Community stewardship",
                "challenge_criteria": "Zuinig met groen\nSamen met de buren",
                "challenge_criteria_en": "Sparing with green\nTogether with neighbours",
            },
        )
    return people


def test_a_dump_loads_into_another_installation_the_same(app, runner, configured, tmp_path):

    first = tmp_path / "noorderwold.json"
    dumped = runner.invoke(args=["settings", "dump", str(first)])
    assert dumped.exit_code == 0, dumped.output
    document = json.loads(first.read_text(encoding="utf-8"))
    assert document["settings"]["site_name"] == "Meedoen Noorderwold"
    assert (tmp_path / document["logo"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [t["name"] for t in document["themes"]][:2] == ["Groen en natuur", "Samen leven"]

    other = installation(app, tmp_path / "other")
    other_runner = other.test_cli_runner()
    assert other_runner.invoke(args=["users", "first-admin", "beheer@noorderwold.nl"]).exit_code == 0
    loaded = other_runner.invoke(args=["settings", "load", str(first)])
    assert loaded.exit_code == 0, loaded.output
    second = tmp_path / "again" / "noorderwold.json"
    second.parent.mkdir()
    assert other_runner.invoke(args=["settings", "dump", str(second)]).exit_code == 0
    again = json.loads(second.read_text(encoding="utf-8"))
    assert again["settings"] == document["settings"]
    assert again["themes"] == document["themes"]
    # the logo went through the same checks as an upload (decoded, re-encoded): the same picture
    from io import BytesIO

    from PIL import Image

    before = Image.open(BytesIO((tmp_path / document["logo"]).read_bytes()))
    after = Image.open(BytesIO((second.parent / again["logo"]).read_bytes()))
    assert after.size == before.size


@pytest.mark.parametrize(
    ("document", "said"),
    [
        ({"settings": {"site_naam": "X"}}, "settings.site_naam: onbekende instelling."),
        ({"settings": {"site_name": ["Gemeente", "Polderstad"]}}, "settings.site_name: moet tekst zijn, geen list."),
        ({"settings": {"site_name": None}}, "settings.site_name: moet tekst zijn, geen NoneType."),
        ({"settings": {"colour_primary": "#ffff00"}}, "settings.colour_primary: Deze kleur heeft te weinig contrast"),
        ({"settings": {}, "logo": "bestaat-niet.png"}, "logo: het bestand bestaat-niet.png staat niet naast"),
        ({"settings": {}, "extra": 1}, "extra: onbekende sleutel"),
        ({"themes": [{"name_en": "Green"}]}, "themes[0].name: een naam van 2 tot 80 tekens is nodig."),
        (
            {"themes": [{"name": "Groen", "children": [{"name": "Bomen", "retired": "ja"}]}]},
            "themes[0].children[0].retired: true of false.",
        ),  # fmt: skip
    ],
)
def test_a_wrong_file_is_refused_whole_with_the_key_named(app, runner, configured, tmp_path, document, said):
    path = tmp_path / "instellingen.json"
    document = {**document, "settings": {"site_name": "Iets anders", **document.get("settings", {})}}
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["settings", "load", str(path)])
    assert result.exit_code != 0
    assert said in result.output
    assert "Traceback" not in result.output
    with app.app_context():
        assert settings.get("site_name") == "Meedoen Noorderwold"  # nothing applied


def test_not_json_at_all_is_said_plainly(app, runner, configured, tmp_path):
    path = tmp_path / "kapot.json"
    path.write_text('{"settings": {"site_name": "X",}}', encoding="utf-8")
    result = runner.invoke(args=["settings", "load", str(path)])
    assert result.exit_code != 0
    assert "Het bestand is geen geldige JSON: regel 1" in result.output
    assert "Traceback" not in result.output
