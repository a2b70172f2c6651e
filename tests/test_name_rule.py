"""Issue 12: a person's name reads one way on every screen, and a bilingual name (a dish,
a section, a service) reads in the screen's language only.

The first is checked in the code, since no UI test can visit every place a name is shown:
every screen that shows a person's name passes it through the one rule,
`screens.widgets.table_look.person_name`. The second: no screen glues a name's two
languages together, and no service gives a screen a sentence field holding both.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENS = sorted((ROOT / "screens").rglob("*.py"))
SERVICES = sorted((ROOT / "services").rglob("*.py"))

# Fields of the services' results that hold a person's name as the staff list has it.
PERSON_FIELDS = {
    "waiter_name",
    "staff_name",
    "found_by",
    "handed_to",
    "returned_by",
    "sent_by",
    "rush_by",
    "approved_by",
    "voided_by",
    "void_approved_by",
    "added_by",
    "raised_by",
    "resolved_by",
    "started_by",
    "signed_by",
    "ticked_by",
    "requested_by",
    "endorsed_by",
    "taken_by",
    "actor",
    "approver",
}
# `x.name` is a person's name when x is one of these (a staff line, a sign-in card).
PERSON_VARIABLES = {"person", "keeper", "waiter", "signer", "member"}
RULE = "person_name"


def _person_field(node: ast.AST) -> bool:
    if not isinstance(node, ast.Attribute) or not isinstance(node.ctx, ast.Load):
        return False
    if node.attr in PERSON_FIELDS:
        return True
    owner = node.value
    return node.attr == "name" and isinstance(owner, ast.Name) and owner.id in PERSON_VARIABLES


def _shown_bare(tree: ast.AST) -> list[tuple[int, str]]:
    """Person fields used as text without the rule. Tests of them (`if x.sent_by`,
    `who == x.sent_by`) and the rule's own argument are fine."""
    parents: dict[ast.AST, ast.AST] = {}
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            parents[child] = parent
    bare = []
    for node in ast.walk(tree):
        if not _person_field(node):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Call) and _called(parent) == RULE:
            continue
        if isinstance(parent, ast.Compare | ast.UnaryOp) or _tested(node, parents):
            continue
        bare.append((node.lineno, ast.unparse(node)))
    return bare


def _tested(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Only asked whether it is there (`if x.sent_by and ...`), not shown: `x.actor or
    "Someone"` as a value is shown, so it is not this."""
    child, parent = node, parents.get(node)
    while isinstance(parent, ast.BoolOp):
        child, parent = parent, parents.get(parent)
    tests = (ast.If, ast.IfExp, ast.While, ast.Assert)
    if isinstance(parent, tests) and parent.test is child:
        return True
    return isinstance(parent, ast.UnaryOp)


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


@pytest.mark.parametrize("path", SCREENS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_screen_shows_a_person_through_the_one_rule(path: Path) -> None:
    bare = _shown_bare(ast.parse(path.read_text(encoding="utf-8")))
    assert not bare, f"{path.name}: shown without {RULE}(): {bare}"


def test_the_rule_keeps_a_name_whole_in_both_languages() -> None:
    from screens.widgets.table_look import person_name

    assert person_name("张伟 Zhang Wei") == "张伟 Zhang Wei"
    assert person_name("Chen Hao") == "Chen Hao"  # one name: that one
    assert person_name("王建国") == "王建国"
    assert person_name("  孙磊   Sun Lei ") == "孙磊 Sun Lei"


def test_the_scan_finds_a_name_shown_bare_or_cut() -> None:
    shown = "label.text = f'{table.waiter_name} ({table.waiter_number})'"
    assert _shown_bare(ast.parse(shown)) == [(1, "table.waiter_name")]
    cut = "who = ticket.sent_by.partition(' ')[2]"
    assert _shown_bare(ast.parse(cut)) == [(1, "ticket.sent_by")]
    fine = "who = person_name(ticket.sent_by) if ticket.sent_by else ''"
    assert _shown_bare(ast.parse(fine)) == []
    shown_or = "return entry.actor or tr('Someone')"
    assert _shown_bare(ast.parse(shown_or)) == [(1, "entry.actor")]
    assert _shown_bare(ast.parse("if d.approved_by and x:\n    pass")) == []


# ---- bilingual names: one language per screen --------------------------------------------


def _joined_pairs(tree: ast.AST) -> list[tuple[int, str]]:
    """f-strings and + that put an English name and its Chinese one side by side
    (f"{x.name_en} {x.name_zh}", zh + " " + en)."""
    found = []
    for node in ast.walk(tree):
        parts: list[ast.AST] = []
        if isinstance(node, ast.JoinedStr):
            parts = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            parts = _added(node)
        names = {_name_of(p) for p in parts}
        if any(n.endswith("_en") for n in names) and any(n.endswith("_zh") for n in names):
            found.append((node.lineno, ast.unparse(node)))
    return found


def _added(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _added(node.left) + _added(node.right)
    return [node]


def _name_of(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    return ""


@pytest.mark.parametrize("path", SCREENS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_screen_glues_a_name_s_two_languages(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    joined = _joined_pairs(tree)
    joined += [
        (node.lineno, ast.unparse(node))
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _glued_by_helper(node)
    ]
    assert not joined, f"{path.name}: {joined}"


# Paper and CSV files are read by either language: there the pair is the design.
BILINGUAL_OUTPUT = ("services/printing/", "services/reports/export.py")


def _sentence_fields_glued(tree: ast.AST) -> list[tuple[int, str]]:
    """A message field (DomainError(..., service=...), say(..., name=...)) whose value
    joins two languages, or is made by a helper that does."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg is not None and (_joined_pairs(value) or _glued_by_helper(value)):
                found.append((value.lineno, f"{keyword.arg}={ast.unparse(value)}"))
    return found


def _glued_by_helper(value: ast.AST) -> bool:
    """A both_names() helper ("口水鸡 Mouth-watering chicken", as the menu had) and a
    service slot's .label ("Lunch 午市", kept for logs) join the two languages."""
    if isinstance(value, ast.Call):
        return _called(value) == "both_names"
    owner = value.value if isinstance(value, ast.Attribute) else None
    return (
        isinstance(value, ast.Attribute)
        and value.attr == "label"
        and isinstance(owner, ast.Name)
        and owner.id in {"slot", "service", "period"}
    )


@pytest.mark.parametrize(
    "path",
    [p for p in SERVICES if not str(p.relative_to(ROOT)).startswith(BILINGUAL_OUTPUT)],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_service_gives_a_sentence_both_languages_in_one_field(path: Path) -> None:
    glued = _sentence_fields_glued(ast.parse(path.read_text(encoding="utf-8")))
    assert not glued, f"{path.name}: pass {{x}} and {{x_zh}} (services.text.both): {glued}"


def test_the_scans_find_glued_names() -> None:
    assert _joined_pairs(ast.parse("t = f'{s.name_en} {s.name_zh}'"))
    assert _joined_pairs(ast.parse("t = item.name_zh + ' ' + item.name_en"))
    raised = "raise DomainError('For {section}.', section=f'{x.name_en} {x.name_zh}')"
    assert _sentence_fields_glued(ast.parse(raised))
    assert _sentence_fields_glued(ast.parse("DomainError('{service}', service=slot.label)"))
    assert _sentence_fields_glued(ast.parse("DomainError('{n}', n=both_names(zh, en))"))
    assert not _sentence_fields_glued(ast.parse("Part(label=part.label)"))
    fine = "raise DomainError('For {section}.', **both('section', x.name_en, x.name_zh))"
    assert not _sentence_fields_glued(ast.parse(fine))
