"""The wiring is explicit and in the documented order (issue 26).

Importing any module of the project connects no receiver, adds no page contributor and
registers no before-commit hook; ``create_app`` does all of it through ``schatkaart/wiring.py``,
and for every signal the receivers run in the declared order, which is the lock order
docs/decisions.md promises (council facts before credit totals)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from blinker import Signal

ROOT = Path(__file__).resolve().parent.parent
SIGNAL_MODULES = ("initiatives.signals", "participation.signals", "trajectories.signals", "challenges.signals")

PROBE = """
import importlib, json, pkgutil
from blinker import Signal
from platform_core.wiring import PageHook
import pathlib
packages = sorted(p.parent.name for p in pathlib.Path(".").glob("*/__init__.py")
                  if p.parent.name not in {"tests", "bench", "migrations", "schatkaart"})
for name in packages:
    package = importlib.import_module(name)
    for info in pkgutil.walk_packages(package.__path__, name + "."):
        importlib.import_module(info.name)
from platform_core import transaction
found = {"receivers": [], "hooks": sorted(transaction._BEFORE_COMMIT), "contributors": []}
for module in %r:
    m = importlib.import_module(module)
    for attr, value in vars(m).items():
        if isinstance(value, Signal) and value.receivers:
            found["receivers"].append(module + "." + attr)
        if isinstance(value, PageHook) and (value.contributors or value.places):
            found["contributors"].append(module + "." + attr)
print(json.dumps(found))
"""


def test_importing_any_module_connects_nothing():
    result = subprocess.run(
        [sys.executable, "-c", PROBE % (SIGNAL_MODULES,)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"receivers": [], "hooks": [], "contributors": []}


def _receiver_modules(signal: Signal) -> list[str]:
    out = []
    for ref in signal.receivers.values():
        receiver = ref() if callable(ref) and not hasattr(ref, "__module__") else ref
        receiver = getattr(receiver, "__func__", receiver)
        out.append(receiver.__module__)
    return out


def test_receivers_run_in_the_declared_lock_order(app):
    import importlib

    from schatkaart.wiring import RECEIVER_ORDER

    order = [module.__name__ for module in RECEIVER_ORDER]
    assert order.index("council.receivers") < order.index("credits.receivers")  # facts before credit totals
    decisions = (ROOT / "docs/decisions.md").read_text()
    assert "initiative → facts → summaries → credit totals" in decisions
    checked = 0
    for name in SIGNAL_MODULES:
        for attr, signal in vars(importlib.import_module(name)).items():
            if not isinstance(signal, Signal):
                continue
            modules = _receiver_modules(signal)
            assert set(modules) <= set(order), f"{name}.{attr}: a receiver not wired by schatkaart/wiring.py"
            positions = [order.index(m) for m in modules]
            assert positions == sorted(positions), f"{name}.{attr} runs {modules}, declared {order}"
            checked += len(modules)
    assert checked >= 20  # the wiring really connected them


def test_a_page_contributor_cannot_silently_override_another():
    import pytest

    from platform_core.wiring import PageHook

    hook = PageHook("probe", "a page for this test")
    hook.add(lambda sender, **kw: {"a": 1}, 10, ("a",))
    with pytest.raises(RuntimeError, match="both provide"):
        hook.add(lambda sender, **kw: {"a": 2, "b": 3}, 20, ("a", "b"))
    sneaky = PageHook("probe-2", "another")
    sneaky.add(lambda sender, **kw: {"c": 1, "d": 2}, 10, ("c",))
    with pytest.raises(RuntimeError, match="undeclared"):
        sneaky.context(None)


def test_the_initiative_page_names_places_not_packages(app):
    """initiatives/detail.html includes no template of a package above it; the sections other
    packages add come in the declared order at the places the page names."""
    from pathlib import Path

    from initiatives.signals import detail_page

    page = (Path(__file__).resolve().parent.parent / "templates/initiatives/detail.html").read_text()
    above = ("participation", "challenges", "trajectories", "response", "ambassadors", "reports", "credits", "council",
             "privacy")  # fmt: skip
    for package in above:  # neither their templates nor their pages
        assert f'"{package}/' not in page
        assert f"'{package}/" not in page
        assert f"url_for('{package}." not in page
    assert detail_page.sections("toolbar") == [
        "response/_initiative_toolbar.html",
        "trajectories/_initiative_toolbar.html",
        "participation/_initiative_toolbar.html",
    ]
    assert detail_page.sections("main") == [
        "trajectories/_initiative_join_trajectory.html",
        "response/_initiative_municipality.html",
        "participation/_initiative_join.html",
        "participation/_initiative_needs.html",
        "trajectories/_initiative_stakeholders.html",
    ]
