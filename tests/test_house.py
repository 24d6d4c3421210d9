"""The house says what it holds (issue 26): no view module imports another package's views, the
README's layout names every package there is, and the docs name only code that exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _packages() -> list[str]:
    return sorted(
        p.parent.name
        for p in ROOT.glob("*/__init__.py")
        if p.parent.name not in {"tests", "bench", "migrations", "node_modules"}
    )


def test_no_view_module_imports_another_packages_views():
    found = []
    for package in _packages():
        for path in (ROOT / package).rglob("*views.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    top, _, rest = node.module.partition(".")
                    if top != package and rest.split(".")[-1].endswith("views"):
                        found.append(f"{path.relative_to(ROOT)} imports {node.module}")
    assert found == []


def test_the_readme_layout_names_every_package():
    readme = (ROOT / "README.md").read_text()
    layout = readme[readme.index("## Layout") :]
    layout = layout[: layout.index("\n## ", 5)]
    named = set(re.findall(r"^(\w+)/", layout, re.M))
    assert set(_packages()) <= named, set(_packages()) - named


PACKAGE_REF = re.compile(r"`((?:%s)\.[a-z_]+(?:\.[A-Za-z_]+)*)`")
FILE_REF = re.compile(r"`((?:[a-z_]+/)+[a-z_0-9.]+\.(?:py|html|js|css|sh))`")


def test_the_docs_name_only_code_that_exists(app):
    """What docs/ and the README point at (``initiatives.search.fts_words``, ``tests/places.py``) is
    there: a module, a name in it, a file, or a job's name. BENCHMARKS.md is left out: its figures
    are each of their day, with the names of that day."""
    import importlib

    from platform_core.jobs import LABELS

    packages = PACKAGE_REF.pattern % "|".join(_packages())
    missing = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text()
        for ref in sorted(set(re.findall(packages, text))):
            if ref in LABELS:
                continue
            parts = ref.split(".")
            for cut in range(len(parts), 0, -1):
                try:
                    found = importlib.import_module(".".join(parts[:cut]))
                except ModuleNotFoundError:
                    continue
                for name in parts[cut:]:
                    found = getattr(found, name, None)
                break
            if found is None:
                missing.append(f"{doc.name}: {ref}")
        for path in sorted(set(FILE_REF.findall(text))):  # a template is named as Flask names it
            if not any((ROOT / folder / path).exists() for folder in ("", "templates", "static")):
                missing.append(f"{doc.name}: {path}")
    assert missing == []
