"""The shape of the code: the rules a reviewer would otherwise have to remember.

Each rule is a function over a module's source, so the rule itself is tested on a small
example that breaks it (a check that cannot fail proves nothing), then run over the tree.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MAX_LINES = 400
CODE_FOLDERS = ("services", "screens", "models", "db")


def _modules(*folders: str) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        found.extend(
            p for p in sorted((REPO / folder).rglob("*.py")) if "migrations" not in p.parts
        )
    return found


def _name(path: Path) -> str:
    return str(path.relative_to(REPO))


# ---- the rules ------------------------------------------------------------------------------


def screen_reaches_past_services(source: str) -> list[str]:
    """A screen reads results from services: it imports no models and opens no session."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            if top == "models" or node.module == "db.engine":
                found.append(f"line {node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "models":
                    found.append(f"line {node.lineno}: import {alias.name}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("read", "write")
            and isinstance(node.func.value, ast.Attribute | ast.Name)
            and getattr(node.func.value, "attr", getattr(node.func.value, "id", "")) == "store"
        ):
            found.append(f"line {node.lineno}: store.{node.func.attr}() in a screen")
    return found


def role_sets_outside_permissions(source: str) -> list[str]:
    """Which roles may do what is written once, in services/permissions.py: a literal
    that lists two or more roles anywhere else is a second home for the rule."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Set | ast.Tuple | ast.List):
            roles = [
                e
                for e in node.elts
                if isinstance(e, ast.Attribute)
                and isinstance(e.value, ast.Name)
                and e.value.id == "Role"
            ]
            if len(roles) >= 2:
                found.append(f"line {node.lineno}: " + ", ".join(f"Role.{r.attr}" for r in roles))
    return found


def too_long(source: str) -> list[str]:
    lines = source.count("\n") + (0 if source.endswith("\n") else 1)
    return [f"{lines} lines (at most {MAX_LINES})"] if lines > MAX_LINES else []


# ---- each rule catches what it is for -------------------------------------------------------


def test_the_screen_rule_catches_models_and_sessions() -> None:
    assert screen_reaches_past_services("from models import Role\n")
    assert screen_reaches_past_services("import models.staff\n")
    assert screen_reaches_past_services("with self.app.store.read() as s:\n    pass\n")
    assert screen_reaches_past_services("with app.store.write() as s:\n    pass\n")
    assert not screen_reaches_past_services("from services.permissions import Role\n")


def test_the_role_rule_catches_a_second_role_set() -> None:
    assert role_sets_outside_permissions("X = frozenset({Role.WAITER, Role.MANAGER})\n")
    assert role_sets_outside_permissions("require_role(s, i, *(Role.GREETER, Role.WAITER))\n")
    assert not role_sets_outside_permissions("check(s, i, Role.WAITER)\n")


def test_the_length_rule_catches_a_long_module() -> None:
    assert too_long("x = 1\n" * (MAX_LINES + 1))
    assert not too_long("x = 1\n" * MAX_LINES)


# ---- the tree keeps them --------------------------------------------------------------------


@pytest.mark.parametrize("path", _modules("screens"), ids=_name)
def test_screens_read_only_through_services(path: Path) -> None:
    assert screen_reaches_past_services(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "path",
    [p for p in _modules(*CODE_FOLDERS) if _name(p) != "services/permissions.py"],
    ids=_name,
)
def test_role_sets_are_defined_once(path: Path) -> None:
    assert role_sets_outside_permissions(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", _modules(*CODE_FOLDERS), ids=_name)
def test_modules_stay_small(path: Path) -> None:
    assert too_long(path.read_text(encoding="utf-8")) == []


def test_services_and_screens_are_packages_per_capability() -> None:
    """Only what every capability shares sits at the top of services/ and screens/."""
    shared_services = {
        "__init__",
        "audit",
        "chain",
        "errors",
        "i18n",
        "permissions",
        "service_day",
        "text",
    }
    shared_screens = {"__init__", "app", "audit_log", "home", "localizer", "registry"}
    assert {p.stem for p in (REPO / "services").glob("*.py")} <= shared_services
    assert {p.stem for p in (REPO / "screens").glob("*.py")} <= shared_screens
    for top in ("services", "screens"):
        for package in (REPO / top).iterdir():
            if package.is_dir() and package.name != "__pycache__":
                assert (package / "__init__.py").exists(), f"{package} is not a package"
