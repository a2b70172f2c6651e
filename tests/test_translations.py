"""Every sentence a person can see has a Chinese translation, with the same {fields}."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from screens.localizer import load_catalogue
from screens.registry import HOME_TILES

REPO = Path(__file__).resolve().parents[1]
KV_CALL = re.compile(r"""l\._\(\s*(['"])(.+?)\1""")


def _domain_error_names() -> set[str]:
    import importlib
    import pkgutil

    import services
    from services.errors import DomainError

    for module in pkgutil.walk_packages(services.__path__, "services."):
        importlib.import_module(module.name)
    names, todo = set(), [DomainError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _kv_sentences() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "screens").rglob("*.kv"):
        found.update(m.group(2) for m in KV_CALL.finditer(path.read_text(encoding="utf-8")))
    return found


def _python_sentences() -> set[str]:
    """Sentences given to DomainError and its kin, to screen.say(), to tr()/l._(), and
    module-level tuples of sentences used as step titles."""
    found: set[str] = set()
    callables = _domain_error_names() | {"say", "tr", "_", "__init__"}
    for folder in ("services", "screens"):
        for path in (REPO / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                first = node.args[0]
                value = first.value if isinstance(first, ast.Constant) else None
                if name in callables and isinstance(value, str):
                    found.add(value)
    from screens.people.change_pin import STEPS

    found.update(STEPS)
    found.update(entry.title for entry in HOME_TILES)
    found.update(
        role.capitalize() for role in ("greeter", "waiter", "supervisor", "cashier", "manager")
    )
    return found


def _fields(sentence: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(sentence) if f}


ALL = sorted(_kv_sentences() | _python_sentences())


def test_sentences_were_found() -> None:
    assert "Sign in" in ALL and "Wrong PIN. {left} tries left." in ALL


@pytest.mark.parametrize("sentence", ALL)
def test_sentence_has_chinese(sentence: str) -> None:
    zh = load_catalogue("zh")
    assert sentence in zh, f"no Chinese for {sentence!r}"
    assert re.search(r"[\u4e00-\u9fff]", zh[sentence]), f"{sentence!r} -> {zh[sentence]!r}"
    assert _fields(zh[sentence]) == _fields(sentence)
