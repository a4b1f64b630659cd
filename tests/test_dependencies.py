"""The apps depend one way, and no module reaches into another's private helpers.

    audit (imports none of ours; names models by "app.Model" strings)
    venues → associations → booking → desk → stats → reach (exports)
                                    ↘ seasons (beside desk: venues, associations, booking, audit)
    operations (cross-app jobs: erasure, demo data) and tupa (settings, URLs) may import all.

An app may import the apps before it in that order, and audit. The imports are read with
ast from the source, not by importing it, so a lazy import inside a function counts too.
Migrations are left out: they name models by string and are generated.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each app may import besides itself.
ALLOWED: dict[str, set[str]] = {
    "audit": set(),
    "venues": {"audit"},
    "associations": {"audit", "venues"},
    "booking": {"audit", "venues", "associations"},
    "desk": {"audit", "venues", "associations", "booking"},
    "seasons": {"audit", "venues", "associations", "booking"},
    "stats": {"audit", "venues", "associations", "booking", "desk", "seasons"},
    # Exports for the world outside (Linked Events, the noticeboard): read what the rest holds.
    "reach": {"audit", "venues", "associations", "booking", "desk", "seasons", "stats"},
    "operations": {"audit", "venues", "associations", "booking", "desk", "seasons", "stats", "reach"},
}
# The project package: apps may use its plumbing (a DRF field, text checks, the mail queue,
# the safe CSV writer), never its URLs, views or settings. The plumbing itself sits with
# audit at the bottom: it imports no app but audit (test below).
PROJECT = "tupa"
PROJECT_PLUMBING = {"tupa.fields", "tupa.text", "tupa.mail", "tupa.csvsafe", "tupa.ratelimits"}
OURS = set(ALLOWED) | {PROJECT}


def python_files(app: str):
    folder = ROOT / app
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.rglob("*.py")) if "migrations" not in p.parts]


def imports_of(path: Path):
    """(line, module) for every absolute import of one of our packages in the file;
    `from tupa import mail` counts as importing tupa.mail."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] if "." in node.module else [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] in OURS:
                yield node.lineno, name


# Known, named exceptions that landed while the rule was being written, each to be moved to
# its proper place (booking's or operations' views) rather than hidden by the rule: the My
# page lives in associations but lists what waits from the desk; the rooms API and the room
# page live in venues but answer with bookings (free rooms, the coming week).
EXCEPTIONS = {
    ("associations/views.py", "desk.notices"),
    ("venues/api.py", "booking.calendar_query"),
    ("venues/api.py", "booking.free_rooms"),
    ("venues/views.py", "booking.models"),
}


def upward_imports(app: str) -> list[str]:
    found = []
    for path in python_files(app):
        for line, module in imports_of(path):
            top = module.split(".")[0]
            if top == app or top in ALLOWED[app]:
                continue
            if (str(path.relative_to(ROOT)), module) in EXCEPTIONS:
                continue
            if top == PROJECT and module in PROJECT_PLUMBING:
                continue
            found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_the_app_imports_only_the_apps_below_it(app):
    assert upward_imports(app) == []


def test_the_project_plumbing_imports_no_app_but_audit():
    found = []
    for module in sorted(PROJECT_PLUMBING):
        path = ROOT / (module.replace(".", "/") + ".py")
        found += [
            f"{path.relative_to(ROOT)}:{line} imports {name}"
            for line, name in imports_of(path)
            if name.split(".")[0] not in ("audit", PROJECT)
        ]
    assert found == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    # The test above must be able to fail: a venues module importing booking is caught.
    (tmp_path / "venues").mkdir()
    (tmp_path / "venues" / "bad.py").write_text("def f():\n    from booking.models import Booking\n")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert upward_imports("venues") == ["venues/bad.py:2 imports booking.models"]


def private_reaches(path: Path) -> list[str]:
    """`from x import _name` and `x._name` where x is another of our modules."""
    tree = ast.parse(path.read_text(), filename=str(path))
    modules: set[str] = set()  # local names bound to one of our modules
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").split(".")[0] in OURS):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {alias.name}")
                elif (alias.asname or alias.name)[0].islower():
                    # Lower-case names are modules (`from . import services`); classes such
                    # as Occurrence keep Django's own `_meta`, which is public API.
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in OURS:
                    modules.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_helpers():
    found = [hit for app in sorted(OURS) for path in python_files(app) for hit in private_reaches(path)]
    assert found == []


def test_the_check_sees_a_private_reach(tmp_path, monkeypatch):
    (tmp_path / "stats").mkdir()
    bad = tmp_path / "stats" / "bad.py"
    bad.write_text("from . import selectors\nfrom .hours import _secret\n\nx = selectors._scopes\n")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert private_reaches(bad) == ["stats/bad.py:2 imports _secret", "stats/bad.py:4 uses selectors._scopes"]


# Installed for the benchmarks only (bench/requirements.txt): the site must not need them.
BENCH_ONLY = {"schedule", "pytz"}


def test_the_site_imports_no_benchmark_only_package():
    found = []
    for app in sorted(OURS):
        for path in python_files(app):
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                found += [
                    f"{path.relative_to(ROOT)}:{node.lineno} {n}"
                    for n in names
                    if n.split(".")[0] in BENCH_ONLY
                ]
    assert found == []


def test_no_benchmark_only_app_is_installed(settings):
    assert not BENCH_ONLY & {app.split(".")[0] for app in settings.INSTALLED_APPS}
