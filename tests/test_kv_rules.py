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


# Text sizes come from the theme's type scale (screens/widgets/theme.py, `TYPE`): a size
# written on a screen — `font_size: '19sp'`, `font_size=dp(20)`, `[size=16sp]` in markup —
# is how fifteen sizes a point or two apart crept in.
SIZE_SETTING = re.compile(r"\b(?:font|title)_size\b['\"]?\s*[:=,]\s*(?:['\"]|sp\(|dp\()?\s*\d")
SIZE_STRING = re.compile(r"(?<![\w.])\d+(?:\.\d+)?sp\b")
THEME = Path("screens/widgets/theme.py")


def size_literals(text: str) -> list[int]:
    """The numbers of the lines that write a text size themselves."""
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if SIZE_SETTING.search(line) or SIZE_STRING.search(line)
    ]


def _screen_sources() -> dict[str, str]:
    return {
        str(path.relative_to(REPO)): path.read_text(encoding="utf-8")
        for path in sorted((REPO / "screens").rglob("*"))
        if path.suffix in (".kv", ".py") and path.relative_to(REPO) != THEME
    }


def test_a_size_written_on_a_screen_is_caught() -> None:
    kv = (
        "<CategoryButton>:\n"
        "    font_size: '16sp'\n"  # 2
        "    font_size: C.TYPE.caption\n"
        "    title_size: '22sp'\n"  # 4
        "    font_size: 18\n"  # 5
        "    font_size: sp(18)\n"  # 6
        "    height: dp(48)\n"
    )
    py = (
        'Label(text="x", font_size="19sp")\n'  # 1
        "Label(font_size=TYPE.body)\n"
        'kwargs.setdefault("font_size", "15sp")\n'  # 3
        'text = f"[size=16sp]{words}[/size]"\n'  # 4
        'text = f"[size={TYPE.caption}]{words}[/size]"\n'
        'SIZES = {"line": "19sp"}\n'  # 6
        "Button(width=dp(64), height=dp(18))\n"
    )
    assert size_literals(kv) == [2, 4, 5, 6]
    assert size_literals(py) == [1, 3, 4, 6]


def test_no_screen_writes_a_text_size_of_its_own() -> None:
    sources = _screen_sources()
    assert "screens/orders/order.kv" in sources and "screens/billing/bill_row.py" in sources
    found = {path: lines for path, text in sources.items() if (lines := size_literals(text))}
    assert found == {}, f"use the type scale in {THEME} (TYPE.body, ...) instead: {found}"


# A block that comes and goes is a Show* widget (screens/widgets/showable.py): written by
# hand, its height, opacity and disabled had to agree, and a hidden button took taps.
HAND_HIDDEN = re.compile(r"^\s*opacity:\s*[01]\s+if\b")


def hand_hidden(kv_text: str) -> list[int]:
    return [n for n, line in enumerate(kv_text.splitlines(), 1) if HAND_HIDDEN.match(line)]


def test_a_block_hidden_by_hand_is_caught() -> None:
    kv = (
        "    BoxLayout:\n"
        "        height: dp(64) if root.editable else 0\n"
        "        opacity: 1 if root.editable else 0\n"  # 3
        "        disabled: not root.editable\n"
        "    Label:\n"
        "        opacity: 0 if root.signed else 1\n"  # 6
        "    TicketItem:\n"
        "        opacity: 0.55 if self.ready else 1\n"  # dimmed, not hidden
        "    ShowBox:\n"
        "        shown: root.editable\n"
    )
    assert hand_hidden(kv) == [3, 6]


def test_no_screen_hides_a_block_by_hand() -> None:
    found = {p: lines for p, text in _screen_kv_files().items() if (lines := hand_hidden(text))}
    assert found == {}, f"use ShowBox, ShowButton, ... (screens/widgets/showable.py): {found}"
