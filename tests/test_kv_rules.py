"""One kv rule per class name across the screens.

Kivy applies every rule whose name matches a widget's class, whichever file it came from:
two files with `<CategoryButton>:` gave the order screen's category tabs the sold-out
screen's font size and background. So a class name is given rules in one file only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# A rule header at the start of a line: `<Name>:`, `<Name@Base>:`, `<Name@A+B>:`,
# `<A,B>:` (one rule for several classes) or `<-Name>:` (a rule that replaces the style).
HEADER = re.compile(r"^<([^<>]+)>:\s*(#.*)?$")


def rule_classes(kv_text: str) -> list[str]:
    """The class names that the rule headers of one kv file give rules to."""
    names: list[str] = []
    for line in kv_text.splitlines():
        match = HEADER.match(line)
        if match is None:
            continue
        for part in match.group(1).split(","):
            name = part.strip().lstrip("-").split("@")[0].strip()
            if name:
                names.append(name)
    return names


def classes_in_several_files(files: dict[str, str]) -> dict[str, list[str]]:
    """{class name: the files defining a rule for it} for every name in more than one."""
    where: dict[str, set[str]] = defaultdict(set)
    for path, text in files.items():
        for name in rule_classes(text):
            where[name].add(path)
    return {name: sorted(paths) for name, paths in where.items() if len(paths) > 1}


def _screen_kv_files() -> dict[str, str]:
    return {
        str(path.relative_to(REPO)): path.read_text(encoding="utf-8")
        for path in sorted((REPO / "screens").rglob("*.kv"))
    }


def test_the_headers_of_every_form_are_read() -> None:
    kv = (
        "#:import C screens.widgets.theme\n"
        "<CategoryButton>:\n"
        "    font_size: '16sp'\n"
        "<AuditRow@BoxLayout>:\n"
        "<PrimaryButton@Button+Label>:  # a comment\n"
        "<Left, Right>:\n"
        "<-Plain>:\n"
        "    canvas:\n"
        "        Color:\n"
        "    Label:\n"
        "        text: '<NotARule>:'\n"
    )
    assert rule_classes(kv) == [
        "CategoryButton",
        "AuditRow",
        "PrimaryButton",
        "Left",
        "Right",
        "Plain",
    ]


def test_the_same_class_in_two_files_is_caught() -> None:
    files = {
        "screens/orders/order.kv": "<CategoryButton>:\n    font_size: '16sp'\n",
        "screens/menu/stock.kv": "<CategoryButton@ToggleButton>:\n    font_size: '20sp'\n",
        "screens/home.kv": "<HomeTile>:\n",
    }
    assert classes_in_several_files(files) == {
        "CategoryButton": ["screens/menu/stock.kv", "screens/orders/order.kv"]
    }


def test_every_rule_class_is_defined_in_one_kv_file_only() -> None:
    files = _screen_kv_files()
    assert "screens/orders/order.kv" in files and "screens/menu/stock.kv" in files
    assert "CategoryButton" in rule_classes(files["screens/orders/order.kv"])
    assert "StockCategoryButton" in rule_classes(files["screens/menu/stock.kv"])
    assert classes_in_several_files(files) == {}
