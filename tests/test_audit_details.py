"""Issue 12: the audit log speaks to a manager. Every action a service records has a
sentence on the audit log screen, and every fact it records has a label in words there
(or is deliberately left out), so the details popup never shows a stored key or code.

Checked against the code, since a new audit event needs no screen change to be written:
the scan finds every `audit.record(...)` (and the helpers that pass facts on to it) and
the literal facts given to it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from screens.audit_log import SENTENCES
from screens.widgets.audit_details import HIDDEN, LABELS
from services.restaurant.demo import DemoSummary

ROOT = Path(__file__).resolve().parent.parent
RECORDERS = {"record", "_record", "record_refusal"}
NOT_FACTS = {"action", "object_type", "object_id", "actor_id", "approver_id", "actor_label"}

# Facts given through a dict rather than by name.
PASSED_ON = {
    # services.orders.taking._line_facts, for a line added, changed or removed
    "line",
    "item",
    "name",
    "quantity",
    "seat",
    "course",
    "note",
    "modifiers",
    "unit_price_minor",
    # services.people.guard: the try that was refused and until when the lock holds
    "attempt",
    "until",
    # the demo's summary
    *DemoSummary.model_fields,
}


def _calls() -> list[tuple[Path, ast.Call]]:
    found = []
    for path in sorted((ROOT / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in RECORDERS:
                    found.append((path, node))
    return found


def _recorded_facts() -> dict[str, str]:
    facts: dict[str, str] = {}
    for path, call in _calls():
        for keyword in call.keywords:
            if keyword.arg and keyword.arg not in NOT_FACTS:
                facts.setdefault(keyword.arg, f"{path.relative_to(ROOT)}:{call.lineno}")
    return facts


def _recorded_actions() -> set[str]:
    """Every action named as a literal in services ("party.seated"), including those a
    helper records for its caller and those built as f"drawer.{kind}"."""
    kinds = {action.split(".", 1)[0] for action in SENTENCES}
    actions = set()
    for path in sorted((ROOT / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                head, dot, tail = node.value.partition(".")
                if dot and head in kinds and tail.replace("_", "").isalpha() and tail.islower():
                    actions.add(node.value)
    actions -= {"menu.toml", "staff.toml"}  # the demo's files, not actions
    actions |= {"drawer.paid_in", "drawer.paid_out", "table.refill", "table.visit"}
    return actions


def test_the_scan_finds_the_services_audit_events() -> None:
    facts = _recorded_facts()
    assert {"waited_seconds", "method", "tendered", "service"} <= set(facts)
    assert {"party.seated", "payment.taken", "staff.signed_in"} <= _recorded_actions()


def test_every_recorded_fact_has_a_label_or_is_left_out_on_purpose() -> None:
    known = set(LABELS) | HIDDEN
    unlabelled = {k: v for k, v in _recorded_facts().items() if k not in known}
    unlabelled |= {k: "passed on in a dict" for k in PASSED_ON - known}
    assert not unlabelled, f"give these a label in screens/widgets/audit_details.py: {unlabelled}"
    assert not HIDDEN & set(LABELS)  # a fact is either shown or left out


def test_every_recorded_action_has_a_sentence() -> None:
    missing = sorted(_recorded_actions() - set(SENTENCES))
    assert not missing, f"give these a sentence in screens/audit_log.py: {missing}"
