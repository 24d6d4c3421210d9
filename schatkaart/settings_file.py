"""Everything Beheer sets, as one file: ``flask settings dump`` writes it, ``flask settings load``
checks the whole file and applies all of it or nothing.

The file is JSON::

    {
      "settings": {"site_name": "Meedoen Noorderwold", "colour_primary": "#1f5fa8", "type.initiative.en": "…"},
      "logo": "logo.png",
      "themes": [{"name": "Groen", "name_en": "Green", "retired": false, "children": [{"name": "Bomen"}]}]
    }

``logo`` is a picture file beside the JSON file; ``themes`` lists the main themes in order, each
with its sub-themes. A file of the older form (the settings alone, at the top) is read as
``{"settings": …}``. Every problem is reported in Dutch with the key it is about; nothing is
applied while any remains.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from sqlalchemy import select

from initiatives.images import inspect
from initiatives.models import Theme
from initiatives.services import create_theme, theme_slug
from platform_core import settings
from platform_core.extensions import db
from platform_core.storage import storage
from platform_core.validation import ValidationFailed

TOP = ("settings", "logo", "themes")
THEME_KEYS = ("name", "name_en", "retired", "children")


class SettingsFileError(ValueError):
    """The file's problems, one line each, every one naming its key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def read(path: Path) -> dict:
    """The file's content, checked in shape (not yet against the rules of each setting)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SettingsFileError([f"Het bestand {path} bestaat niet."]) from exc
    except UnicodeDecodeError as exc:
        raise SettingsFileError([f"Het bestand {path} is geen UTF-8-tekst."]) from exc
    except json.JSONDecodeError as exc:
        raise SettingsFileError(
            [f"Het bestand is geen geldige JSON: regel {exc.lineno}, kolom {exc.colno}: {exc.msg}."]
        ) from exc
    if not isinstance(document, dict):
        raise SettingsFileError(["Het bestand moet één JSON-object zijn, met de sleutels settings, logo en themes."])
    if not set(document) & set(TOP):  # the older form: the settings alone
        document = {"settings": document}
    problems = [f"{key}: onbekende sleutel (bekend: {', '.join(TOP)})." for key in document if key not in TOP]
    values = document.get("settings", {})
    if not isinstance(values, dict):
        problems.append("settings: moet een object zijn met per instelling een tekst.")
        values = {}
    for key, value in values.items():
        if key not in settings.KEYS and not settings.LABEL_KEY.match(key):
            problems.append(f"settings.{key}: onbekende instelling.")
        elif isinstance(value, bool) or not isinstance(value, str | int):
            problems.append(f"settings.{key}: moet tekst zijn, geen {type(value).__name__}.")
    logo = document.get("logo")
    if logo is not None and not isinstance(logo, str):
        problems.append("logo: moet de naam van een afbeeldingsbestand naast dit bestand zijn.")
    themes = document.get("themes")
    if themes is not None:
        problems += _check_themes(themes, "themes", depth=0)
    if problems:
        raise SettingsFileError(problems)
    return document


def _check_themes(themes, where: str, depth: int) -> list[str]:
    if not isinstance(themes, list):
        return [f"{where}: moet een lijst van thema's zijn."]
    problems, seen = [], set()
    for i, theme in enumerate(themes):
        at = f"{where}[{i}]"
        if not isinstance(theme, dict):
            problems.append(f"{at}: moet een object zijn met name, name_en, retired en children.")
            continue
        problems += [f"{at}.{key}: onbekende sleutel." for key in theme if key not in THEME_KEYS]
        name = theme.get("name")
        if not isinstance(name, str) or not 2 <= len(name.strip()) <= 80:
            problems.append(f"{at}.name: een naam van 2 tot 80 tekens is nodig.")
        elif name.strip().lower() in seen:
            problems.append(f"{at}.name: ‘{name}’ staat er twee keer in.")
        else:
            seen.add(name.strip().lower())
        if theme.get("name_en") is not None and (not isinstance(theme["name_en"], str) or len(theme["name_en"]) > 80):
            problems.append(f"{at}.name_en: tekst van hoogstens 80 tekens, of weglaten.")
        if not isinstance(theme.get("retired", False), bool):
            problems.append(f"{at}.retired: true of false.")
        if theme.get("children"):
            if depth:
                problems.append(f"{at}.children: een subthema heeft geen subthema's.")
            else:
                problems += _check_themes(theme["children"], f"{at}.children", depth + 1)
    return problems


def load(admin, path: Path) -> dict:
    """Check everything, then apply everything (inside the caller's unit of work)."""
    document = read(path)
    values = {str(k): str(v) for k, v in document.get("settings", {}).items()}
    problems = []
    logo_bytes = None
    if document.get("logo"):
        logo_path = (path.parent / document["logo"]).resolve()
        if not logo_path.is_file():
            problems.append(f"logo: het bestand {document['logo']} staat niet naast {path.name}.")
        else:
            try:
                logo_bytes = inspect(logo_path.read_bytes())
            except ValidationFailed as exc:
                problems.append(f"logo: {' '.join(exc.errors.values())}")
    try:
        settings.validate(values)
    except ValidationFailed as exc:
        problems += [f"settings.{key}: {message}" for key, message in exc.errors.items()]
    if problems:
        raise SettingsFileError(problems)
    if logo_bytes is not None:
        name = f"{secrets.token_hex(16)}-logo.{logo_bytes.ext}"
        storage().put(name, logo_bytes.full)
        values["logo"] = name
    settings.save(admin, values)
    themes = document.get("themes")
    if themes is not None:
        _apply_themes(themes, None)
    return {"settings": len(values), "themes": _count(themes or [])}


def _count(themes: list) -> int:
    return sum(1 + len(t.get("children") or []) for t in themes)


def _apply_themes(themes: list, parent: Theme | None) -> None:
    """Match by name, create what is missing; order, English name and retirement as the file
    says. Themes the file does not name are left as they are."""
    for position, item in enumerate(themes):
        name = item["name"].strip()
        theme = db.session.scalar(select(Theme).where(Theme.name == name))
        if theme is None:
            theme = create_theme(name, theme_slug(name), parent, position=position)
        theme.name, theme.parent, theme.position = name, parent, position
        theme.name_en = (item.get("name_en") or "").strip() or None
        retired = item.get("retired", False)
        if retired and theme.retired_at is None:
            from platform_core.models import utcnow

            theme.retired_at = utcnow()
        elif not retired:
            theme.retired_at = None
        db.session.flush()
        _apply_themes(item.get("children") or [], theme)


def dump(path: Path) -> dict:
    """Write what Beheer has set: the stored settings, the logo beside the file, the themes."""
    stored = dict(db.session.execute(select(settings.SiteSetting.key, settings.SiteSetting.value)).all())
    values = {
        k: v for k, v in sorted(stored.items()) if (k in settings.KEYS or settings.LABEL_KEY.match(k)) and k != "logo"
    }
    document: dict = {"settings": values}
    if stored.get("logo"):
        data = storage().get(stored["logo"])
        if data is not None:
            logo_name = path.stem + "-logo" + Path(stored["logo"]).suffix
            (path.parent / logo_name).write_bytes(data)
            document["logo"] = logo_name
    top = db.session.scalars(select(Theme).where(Theme.parent_id.is_(None)).order_by(Theme.position, Theme.id))
    document["themes"] = [_theme(t) for t in top]
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return document


def _theme(theme: Theme) -> dict:
    out: dict = {"name": theme.name}
    if theme.name_en:
        out["name_en"] = theme.name_en
    if theme.retired_at is not None:
        out["retired"] = True
    if theme.children:
        out["children"] = [_theme(c) for c in theme.children]
    return out
