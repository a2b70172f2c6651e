"""An audit event's details as a manager reads them (issue 12: the popup showed raw keys
such as `waited_seconds: 310` and codes such as `method: wechat`).

Each fact the service recorded is shown under a label in words, its value as a person
reads it: money with its currency, minutes, yes or no, a service's, payment method's or
denomination's name, a checklist answer in words, a listed void reason in the reader's
language. Facts nobody at the restaurant reads (another row's database id, a tablet's
bookkeeping) are left out. tests/test_audit_details.py fails when a service records a
fact that has neither a label here nor a place in HIDDEN.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.audit import AuditEntry
from services.cash.counts import count_lines
from services.i18n import N_
from services.orders.voids import reason_words
from services.permissions import ROLE_WORDS

Names = Mapping[str, tuple[str, str]]  # a code -> its (English, Chinese) name

# Another row's database id the sentence already names, or a tablet's own bookkeeping.
HIDDEN = frozenset(
    {
        "client_send_id",  # the tablet's retry key
        "session",
        "session_id",
        "line",
        "item",
        "modifiers",
        "run_id",
        "party_id",
        "party",
        "print_jobs",
        "print_job",
        "tickets",
        "replaces",
        "supersedes",
        "refund_of",
        "reprint_of",
        "account",
        "signer",
        "unit_price_minor",
        "moved_paper",
        "attempt",
    }
)

LABELS: dict[str, str] = {
    "active": N_("Still a signer"),
    "after": N_("After the change"),
    "amber_seconds": N_("Amber after"),
    "amount": N_("Amount"),
    "asked_by": N_("Asked by"),
    "before": N_("Before the change"),
    "bill": N_("Bill number"),
    "blind": N_("Blind count"),
    "blind_count": N_("Blind count"),
    "bumped_at": N_("Taken off the board at"),
    "carried": N_("Carried over"),
    "categories": N_("Menu categories"),
    "change": N_("Change given"),
    "children": N_("Children"),
    "closed_minutes": N_("Out of service for"),
    "code": N_("Code"),
    "copy": N_("Copy number"),
    "counted": N_("Counted"),
    "counts": N_("Pieces counted"),
    "course": N_("Course"),
    "course_ready": N_("Whole course ready"),
    "courses": N_("Courses"),
    "critical": N_("Critical"),
    "email": N_("Email"),
    "error": N_("Printer's answer"),
    "escalations_open": N_("Problems still open"),
    "expected": N_("Expected in the drawer"),
    "fail_action": N_("What was done"),
    "fails": N_("Items failed"),
    "float": N_("Float"),
    "found_items": N_("Things left behind"),
    "from_waitlist": N_("From the waiting list"),
    "handed_to": N_("Handed to"),
    "high_chair": N_("High chair"),
    "invoice": N_("Invoice number"),
    "items": N_("Dishes on the menu"),
    "kind": N_("Kind"),
    "late_dishes": N_("Dishes that came late"),
    "late_minutes": N_("Minutes late"),
    "limit": N_("Limit"),
    "lines": N_("Lines sent"),
    "made_for": N_("Drawn up because"),
    "mark": N_("Printed as"),
    "method": N_("Paid by"),
    "minutes_at_table": N_("Time at the table"),
    "modifier_groups": N_("Choice groups"),
    "name": N_("Name"),
    "note": N_("Note"),
    "number": N_("Number"),
    "part": N_("Part of the bill"),
    "percent_bp": N_("Percent"),
    "purpose": N_("Asked to approve"),
    "quantity": N_("Quantity"),
    "reason": N_("Reason"),
    "red_seconds": N_("Red after"),
    "released": N_("Released"),
    "replaced": N_("In place of"),
    "result": N_("Answer"),
    "returned_to": N_("Given back to"),
    "roles": N_("Roles"),
    "rush": N_("Rush"),
    "seat": N_("Seat"),
    "section": N_("Section"),
    "sections": N_("Sections"),
    "send": N_("Send number"),
    "sending_by": N_("Sent by"),
    "service": N_("Service"),
    "service_date": N_("Service day"),
    "service_periods": N_("Services"),
    "sessions": N_("Sign-ins ended"),
    "signers": N_("Who may sign"),
    "size": N_("Guests"),
    "staff": N_("Staff members"),
    "stage": N_("Stage"),
    "stage_was": N_("Stage before"),
    "station": N_("Kitchen station"),
    "table": N_("Table"),
    "tables": N_("Tables"),
    "tax_id": N_("Tax id"),
    "template": N_("Checklist"),
    "tendered": N_("Handed over"),
    "tip": N_("Tip"),
    "title": N_("Invoice title"),
    "total": N_("Total"),
    "turn_minutes": N_("Time the table was taken"),
    "until": N_("Locked until"),
    "variance": N_("Over or short"),
    "waited_seconds": N_("Waited"),
    "waiter": N_("Waiter"),
    "was": N_("Was"),
    "ways": N_("Parts"),
}

MONEY = frozenset(
    {"amount", "change", "counted", "expected", "float", "limit", "tendered", "tip", "total"}
    | {"variance"}
)
SECONDS = frozenset({"amber_seconds", "red_seconds", "waited_seconds"})
MINUTES = frozenset({"closed_minutes", "late_minutes", "minutes_at_table", "turn_minutes"})
MOMENTS = frozenset({"bumped_at", "until"})

# Codes a service stores, in words. A code not listed is shown as stored.
WORDS: dict[str, str] = {
    # checklist answers and what was done about a fail
    "pass": N_("Pass"),
    "fail": N_("Fail"),
    "na": N_("Not applicable"),
    "fixed": N_("Fixed on the spot"),
    "escalated": N_("Reported to the manager"),
    # checklists
    "pre_service_inspection": N_("Pre-service inspection"),
    "pre_service_cleaning": N_("Pre-service cleaning"),
    "closing": N_("Closing"),
    # a party's and a course's stages
    "waiting": N_("Waiting"),
    "seated": N_("Seated"),
    "ordered": N_("Ordered"),
    "eating": N_("Eating"),
    "bill_requested": N_("Bill requested"),
    "paid": N_("Paid"),
    "left": N_("Left"),
    "left_waitlist": N_("Left the waiting list"),
    "held": N_("Held"),
    "fired": N_("Fired"),
    "ready": N_("Ready"),
    "served": N_("Served"),
    # discounts, splits, paper
    "percent": N_("Percent off"),
    "comp": N_("On the house"),
    "waive_service": N_("No service charge"),
    "whole": N_("Whole bill"),
    "even": N_("Evenly"),
    "seats": N_("By seat"),
    "items": N_("By item"),
    "amounts": N_("By amount"),
    "kitchen_ticket": N_("Kitchen ticket"),
    "dispatch_slip": N_("Dispatch slip"),
    "void_ticket": N_("Void ticket"),
    "receipt": N_("Receipt"),
    "moved_ticket": N_("Moved-table ticket"),
    "day_report": N_("End-of-day report"),
    "COPY": N_("Copy"),
    "SUPERSEDED": N_("Superseded"),
    # what a manager's PIN was asked for, and why sign-ins ended
    "void": N_("Voiding a line"),
    "discount": N_("A discount"),
    "reopen": N_("Reopening a bill"),
    "refund": N_("A refund"),
    "signed charge": N_("A signed charge"),
    "seating_gate_override": N_("Opening seating without the inspection"),
    "checklist_sign_off": N_("Signing off a checklist"),
    "change_pin": N_("Changing a PIN"),
    "pin_reset": N_("PIN reset"),
    "deactivated": N_("Deactivated"),
    "locked_out": N_("Locked out"),
    # why a bill's version was drawn up
    "first": N_("The first bill"),
    "changed": N_("The order changed"),
    "reopened": N_("The bill was reopened"),
}
# The same code means another thing under these keys: "amount" is money elsewhere.
KIND_WORDS: dict[str, str] = {"amount": N_("Amount off")}


class DetailWords:
    """Turns one event's stored facts into labelled lines in the reader's language."""

    def __init__(
        self,
        loc: Any,
        money: Callable[[int], str],
        zone: str,
        services: Names | None = None,
        methods: Names | None = None,
    ) -> None:
        self.loc = loc
        self.money = money
        self.zone = zone
        self.services = services or {}
        self.methods = methods or {}

    def lines(self, entry: AuditEntry) -> list[str]:
        tr = self.loc._
        colon = "：" if self.loc.lang == "zh" else ": "  # a label, then its value
        shown = []
        for key in sorted(entry.detail, key=lambda k: tr(LABELS.get(k, k))):
            value = entry.detail[key]
            if key in HIDDEN or key not in LABELS or value in (None, "", [], {}):
                continue
            if key == "name" and entry.object_type == "order_line":
                continue  # the English name kept for the record; the subject names the dish
            words = self.value(key, value, entry)
            if words:
                shown.append(f"{tr(LABELS[key])}{colon}{words}")
        return shown

    def value(self, key: str, value: Any, entry: AuditEntry) -> str:
        tr = self.loc._
        if isinstance(value, bool):
            return tr("Yes") if value else tr("No")
        if key in MONEY and isinstance(value, int):
            return self.money(value)
        if key in SECONDS and isinstance(value, int):
            return self._duration(value)
        if key in MINUTES and isinstance(value, int):
            return tr("{minutes} min", minutes=value)
        if key in MOMENTS and isinstance(value, str):
            return self._moment(value)
        if key == "percent_bp" and isinstance(value, int):
            return f"{value / 100:g} %"
        if key == "counts" and isinstance(value, dict):
            return self._counts(value)
        if key == "roles" and isinstance(value, list):
            return self._list([tr(ROLE_WORDS.get(r, r)) for r in value])  # type: ignore[call-overload]
        if key == "service" and value in self.services:
            return self.loc.pick(*self.services[value])
        if key == "method" and value in self.methods:
            return self.loc.pick(*self.methods[value])
        if key == "reason" and entry.action == "order.line_voided":
            return self.loc.pick(*reason_words(str(value)))
        if key == "kind" and value in KIND_WORDS:
            return tr(KIND_WORDS[value])
        if key == "was" and isinstance(value, list) and len(value) == 2:
            amber, red = (self._duration(int(v)) for v in value)
            return tr("amber {amber}, red {red}", amber=amber, red=red)
        if isinstance(value, dict) and "quantity" in value:
            return self._line(value)
        if isinstance(value, list):
            return self._list([self._word(v) for v in value])
        if isinstance(value, dict):
            return self._list([f"{self._word(k)} {self._word(v)}" for k, v in value.items()])
        return self._word(value)

    def _line(self, facts: dict[str, Any]) -> str:
        """An order line as it was (before and after a change): dish, count, seat, note."""
        tr = self.loc._
        # The dish itself is the event's subject, named in the reader's language.
        words = [f"× {facts['quantity']}"]
        seat = facts.get("seat")
        words.append(tr("Table (shared)") if seat is None else tr("Seat {seat}", seat=seat))
        if facts.get("note"):
            words.append(str(facts["note"]))
        return " · ".join(words)

    def _word(self, value: Any) -> str:
        if isinstance(value, str) and value in WORDS:
            return str(self.loc._(WORDS[value]))
        return str(value)

    def _list(self, words: list[str]) -> str:
        return ("、" if self.loc.lang == "zh" else ", ").join(words)

    def _duration(self, seconds: int) -> str:
        minutes, rest = divmod(max(0, seconds), 60)
        if not minutes:
            return self.loc._("{seconds} s", seconds=rest)
        if not rest:
            return self.loc._("{minutes} min", minutes=minutes)
        return self.loc._("{minutes} min {seconds} s", minutes=minutes, seconds=rest)

    def _moment(self, stored: str) -> str:
        try:
            at = datetime.fromisoformat(stored)
        except ValueError:
            return stored
        if at.tzinfo is None:
            return stored
        return at.astimezone(ZoneInfo(self.zone)).strftime("%Y-%m-%d %H:%M")

    def _counts(self, counts: dict[str, Any]) -> str:
        pieces = {code: int(n) for code, n in counts.items() if isinstance(n, int)}
        return self._list(
            [
                f"{self.loc.pick(c.label_en, c.label_zh)} × {c.pieces}"
                for c in count_lines(pieces)
                if c.pieces
            ]
        )


def named(rows: list[Any]) -> dict[str, tuple[str, str]]:
    """Rows with a code and two names (service periods, payment methods) as a lookup."""
    return {row.code: (row.name_en, row.name_zh) for row in rows}
