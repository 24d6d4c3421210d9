"""The house says what it holds (issue 26): no view module imports another package's views, and
the README's layout names every package there is."""

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
