"""One policy, for real (issue 26): roles are looked at only where rules are declared.

Read as source: ``has_role`` is called only by the policy's ``has``; ``has`` only in rule
declarations (``platform_core/policy.py`` and each package's ``rules.py``); a role's name appears
as a string only there, in the list of roles and their labels, in configuration defaults and
where a role is granted (the demo's accounts, making someone an ambassador); templates ask
``can(...)`` and never look at roles."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from platform_core.models import ROLES

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(
    p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in {"tests", "bench", "migrations"}
)
RULE_FILES = {"platform_core/policy.py"} | {f"{p}/rules.py" for p in PACKAGES}
#: where a role's name may stand, and why
ROLE_NAMES_ALLOWED = RULE_FILES | {
    "platform_core/models.py",  # the roles and their labels
    "platform_core/config.py",  # which roles need a second factor (configuration)
    "schatkaart/demo.py",  # the demo's accounts are given their roles
    "ambassadors/services.py",  # making someone an ambassador grants the role
    "platform_core/accounts/services.py",  # accounts are made with, and granted, roles
    "platform_core/accounts/cli.py",  # the same, from the command line
    "platform_core/accounts/staff.py",  # an administrator invites staff in a role, gives and takes roles
}


def _python_files() -> list[Path]:
    return [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]


def _calls(tree: ast.AST, name: str) -> list[int]:
    """Calls of ``name`` as a function or as ``policy.name`` / ``obj.name`` (``has_role``)."""

    def matches(func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id == name
        if isinstance(func, ast.Attribute) and func.attr == name:
            return name == "has_role" or getattr(func.value, "id", None) == "policy"
        return False

    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and matches(node.func)]


def test_roles_are_looked_at_only_in_rule_declarations():
    problems = []
    for path in _python_files():
        where = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text())
        if where not in {"platform_core/policy.py", "platform_core/models.py"}:
            problems += [f"{where}:{line} calls has_role" for line in _calls(tree, "has_role")]
        if where not in RULE_FILES:
            problems += [f"{where}:{line} calls the policy's has" for line in _calls(tree, "has")]
        if where in ROLE_NAMES_ALLOWED:
            continue
        skip = set()
        for node in ast.walk(tree):  # a blueprint that happens to share a role's name is no role
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Blueprint":
                skip.update(id(arg) for arg in node.args[:1])
                skip.update(id(k.value) for k in node.keywords if k.arg == "cli_group")
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in ROLES and id(node) not in skip:
                problems.append(f"{where}:{node.lineno} names the role {node.value!r}")
    assert problems == []


def test_templates_ask_can_and_never_look_at_roles():
    problems = []
    roles = "|".join(ROLES)
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "has_role" in line or re.search(rf"['\"]({roles})['\"]\s*in\b", line):
                problems.append(f"{path.relative_to(ROOT)}:{number}")
    assert problems == []


def test_the_policy_knows_objects_by_type_and_refuses_to_guess(app):
    import pytest

    from platform_core.policy import owns, published

    class Lookalike:  # has every attribute the old policy guessed from
        visibility = "published"
        status = "published"
        owner_id = 1

    with pytest.raises(TypeError, match="does not know Lookalike"):
        published(Lookalike())
    with app.app_context(), pytest.raises(TypeError):
        owns(type("U", (), {"is_authenticated": True, "id": 1})(), Lookalike())
