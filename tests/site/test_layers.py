"""Dependencies run one way (DESIGN.md, "Layout"; issue 15, item 9).

Every ``.py`` file of the project's packages is parsed with :mod:`ast` and each
import — at module level or inside a function, absolute or relative, and
``import_module``/``import_string`` of a literal name — is mapped to the
package it names. The arrows:

- ``renovation_portal`` (the project package) imports no app, except its
  ``settings.py`` and ``urls.py``, which wire them;
- ``estates`` imports no other app;
- ``lanes`` and ``governance`` import only ``estates``;
- ``staff`` and ``sitewide`` sit on top; ``staff`` does not import ``sitewide``;
- no two apps import each other, directly or round a longer cycle.

Migrations are left out: they name other apps by label, not by import.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "renovation_portal"
APPS = ("estates", "lanes", "governance", "staff", "sitewide")
PACKAGES = (PROJECT, *APPS)
# The project modules that wire the apps together.
WIRING = {f"{PROJECT}.settings", f"{PROJECT}.urls"}
# Calls that import the module named by their first argument.
IMPORTING_CALLS = {"import_module", "import_string", "__import__"}
# What each app may import besides the project package and itself.
ALLOWED = {
    "estates": set(),
    "lanes": {"estates"},
    "governance": {"estates"},
    "staff": {"estates", "lanes", "governance"},
    "sitewide": {"estates", "lanes", "governance", "staff"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _source_files() -> list[Path]:
    files = []
    for package in PACKAGES:
        folder = ROOT / package
        if not folder.is_dir():
            continue
        files.extend(
            path
            for path in sorted(folder.rglob("*.py"))
            if "migrations" not in path.relative_to(ROOT).parts
        )
    return files


def _called(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _imported(path: Path) -> list[tuple[int, str]]:
    """``(line, dotted name)`` of every import in the file, relative imports
    resolved against the file's own package."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
        elif (
            isinstance(node, ast.Call)
            and _called(node) in IMPORTING_CALLS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return sorted(found)


def _package_of(name: str) -> str | None:
    top = name.partition(".")[0]
    return top if top in PACKAGES else None


def _imports() -> list[tuple[str, str, int, str]]:
    """``(importing package, module, line, imported name)`` for every import
    of one project package by another."""
    result = []
    for path in _source_files():
        module = _module_name(path)
        owner = module.partition(".")[0]
        for line, name in _imported(path):
            target = _package_of(name)
            if target is not None and target != owner:
                result.append((owner, module, line, name))
    return result


def _where(module: str, line: int, name: str) -> str:
    return f"{module} (line {line}) imports {name}"


def test_the_scan_finds_the_project_packages():
    """A scan that found nothing would pass every test below."""
    modules = {_module_name(path) for path in _source_files()}
    for package in PACKAGES:
        assert f"{package}.apps" in modules, f"{package} was not scanned"
    assert not any(".migrations" in module for module in modules)


def test_every_kind_of_import_is_found(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    folder = tmp_path / "lanes" / "api"
    folder.mkdir(parents=True)
    path = folder / "views.py"
    path.write_text(
        "from . import serializers\n"
        "from ..models import Lane\n"
        "import estates.models as m\n"
        "def f():\n"
        "    from governance.models import Council\n"
        "    return importlib.import_module('staff.scopes')\n"
    )
    assert _imported(path) == [
        (1, "lanes.api"),
        (2, "lanes.models"),
        (3, "estates.models"),
        (5, "governance.models"),
        (6, "staff.scopes"),
    ]


def test_the_project_package_imports_no_app():
    offending = [
        _where(module, line, name)
        for owner, module, line, name in _imports()
        if owner == PROJECT and module not in WIRING
    ]
    assert not offending, (
        "renovation_portal's helpers must not import an app (only settings.py "
        "and urls.py wire them):\n" + "\n".join(offending)
    )


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_the_apps_below_it(app):
    offending = [
        _where(module, line, name)
        for owner, module, line, name in _imports()
        if owner == app and _package_of(name) not in {PROJECT, *ALLOWED[app]}
    ]
    allowed = ", ".join(sorted(ALLOWED[app])) or "no other app"
    assert not offending, (
        f"{app} may import {allowed} (and renovation_portal):\n" + "\n".join(offending)
    )


def test_the_apps_import_each_other_in_no_cycle():
    graph: dict[str, set[str]] = defaultdict(set)
    witness: dict[tuple[str, str], str] = {}
    for owner, module, line, name in _imports():
        if owner == PROJECT and module in WIRING:
            continue
        target = _package_of(name)
        graph[owner].add(target)
        witness.setdefault((owner, target), _where(module, line, name))

    def reachable(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for target in graph[todo.pop()]:
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    reach = {package: reachable(package) for package in PACKAGES}
    # Packages that reach each other, directly or round a longer path, and
    # the imports that join them.
    cycles = sorted(
        {
            tuple(sorted(p for p in reach[package] if package in reach[p]))
            for package in PACKAGES
            if package in reach[package]
        }
    )
    described = [
        " ⇄ ".join(cycle)
        + ":\n"
        + "\n".join(
            f"    {text}"
            for (a, b), text in sorted(witness.items())
            if a in cycle and b in cycle
        )
        for cycle in cycles
    ]
    assert not cycles, "these packages import each other in a cycle:\n" + "\n".join(
        described
    )
