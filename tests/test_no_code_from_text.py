"""No text from a person ever reaches a template compiler or a script (issue 25).

The project's code is read as source: no module may import a library that compiles what it
renders as a template (folium, branca, mako), and nothing compiles a template from a string
(``render_template_string``, ``Template(...)``, ``Environment.from_string``). Templates never
pass stored text through ``_()`` (inside a template gettext returns markup, unescaped), and
``|safe`` is used only for HTML our own sanitiser produced."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    *sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in {"tests", "migrations"}),
    "migrations",
    "scripts",
]
FORBIDDEN_MODULES = {"folium", "branca", "mako", "jinja2.sandbox"}
FORBIDDEN_CALLS = {"render_template_string", "from_string", "Template", "Environment", "stream_template_string"}
#: sanitised by nh3 in initiatives/markdown.py; nothing else is marked safe
SAFE_ALLOWED = {"preview.html", "item.description_html", "page.body_html"}


def _sources() -> list[Path]:
    files = [ROOT / "wsgi.py"]
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def test_no_module_imports_a_template_compiling_map_library_or_compiles_a_template_from_a_string():
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{alias.name}" for alias in node.names]
                names += [alias.name for alias in node.names if alias.name in FORBIDDEN_CALLS]
            elif isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                names = [name] if name in FORBIDDEN_CALLS else []
            else:
                continue
            for name in names:
                if name.split(".")[0] in FORBIDDEN_MODULES or name in FORBIDDEN_MODULES or name in FORBIDDEN_CALLS:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert found == []


def test_the_requirements_hold_no_template_compiling_map_library():
    for name in ("requirements.txt", "requirements-dev.txt", "requirements-bench.txt"):
        lines = (ROOT / name).read_text().lower().splitlines()
        assert not [line for line in lines if line.split("=")[0].strip() in FORBIDDEN_MODULES], name


def test_templates_translate_only_literals_and_mark_only_sanitised_html_safe():
    gettext_of_a_value = re.compile(r"\b(?:_|gettext|ngettext|pgettext)\(\s*(?!['\"])[^)\s]")
    safe = re.compile(r"\{\{\s*([\w.]+)\s*\|\s*safe\s*\}\}")
    problems = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for number, line in enumerate(text.splitlines(), 1):
            if gettext_of_a_value.search(line):
                problems.append(f"{path.relative_to(ROOT)}:{number} translates a value")
            for name in safe.findall(line):
                if name not in SAFE_ALLOWED:
                    problems.append(f"{path.relative_to(ROOT)}:{number} marks {name} safe")
            if "|safe" in line.replace(" ", "") and not safe.search(line):
                problems.append(f"{path.relative_to(ROOT)}:{number} marks an expression safe")
    assert problems == []


def test_the_map_script_sets_text_never_html():
    """static/js/map.js gets every name and title from the map's data: it sets them as text."""
    source = (ROOT / "static/js/map.js").read_text()
    assert "innerHTML" not in source
    assert "insertAdjacentHTML" not in source
    assert "eval(" not in source
    assert "textContent" in source
