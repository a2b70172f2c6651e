"""The audit log, newest first, as sentences a manager reads: who did what to which table,
dish or person, when, approved by whom; narrowed by person, kind and day; each event's
details on a tap. Managers only."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kivy.properties import NumericProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.popup import Popup

from screens.widgets.base import TablesideScreen
from services import audit
from services.audit import AuditEntry, AuditQuery
from services.errors import DomainError

# One sentence per action; {who} did it, {subject} is what it was done to.
SENTENCES: dict[str, str] = {
    "staff.signed_in": "{who} signed in.",
    "staff.signed_out": "{who} signed out.",
    "staff.sign_in_failed": "A wrong PIN was entered for {subject}.",
    "staff.sign_in_refused_locked": "{subject} could not sign in: locked after wrong PINs.",
    "staff.locked_out": "{subject} was locked out after too many wrong PINs.",
    "staff.pin_changed": "{who} changed the PIN of {subject}.",
    "staff.pin_change_refused": "{who} was refused a PIN change for {subject}.",
    "staff.pin_reset": "{who} reset the PIN of {subject}.",
    "staff.created": "{who} added {subject} to the staff.",
    "staff.approval_refused": "{who} asked for a manager's approval with a wrong PIN.",
    "staff.approvals_locked_out": "{who} may not ask for approvals for a while: wrong PINs.",
    "staff.approval_refused_locked": "{who} asked for an approval while locked out.",
    "station.assigned": "{who} gave the section {subject} to {person}.",
    "station.checked_in": "{subject} checked in at their station.",
    "party.waitlisted": "{who} put {subject} on the waiting list.",
    "party.left_waitlist": "{who} took {subject} off the waiting list.",
    "party.seated": "{who} seated a party at {subject}.",
    "party.advanced": "{who} moved the party at {subject} on to its next stage.",
    "party.left": "{who} marked the party at {subject} as gone.",
    "party.transferred": "{who} moved a party to {subject}.",
    "party.tables_joined": "{who} joined tables for the party at {subject}.",
    "party.tables_split": "{who} split tables off the party at {subject}.",
    "table.reset": "{who} reset {subject} for the next party.",
    "table.out_of_service": "{who} took {subject} out of service.",
    "table.back_in_service": "{who} put {subject} back in service.",
    "table.refill": "{who} marked a refill done at {subject}.",
    "table.visit": "{who} visited {subject}.",
    "table.high_chair": "{who} brought a high chair to {subject}.",
    "found_item.logged": "{who} logged a {subject}.",
    "found_item.returned": "{who} gave back a {subject}.",
    "order.line_added": "{who} added {subject} to the order.",
    "order.line_changed": "{who} changed {subject} on the order.",
    "order.line_removed": "{who} removed {subject} from the order.",
    "order.line_voided": "{who} voided {subject}.",
    "order.sent": "{who} sent the order of {subject} to the kitchen.",
    "menu.sold_out": "{who} marked {subject} sold out.",
    "menu.back_in_stock": "{who} put {subject} back on sale.",
    "course.fired": "{who} fired a {subject}.",
    "course.served": "{who} served a {subject}.",
    "kitchen.ticket_ready": "{who} marked a {subject} ready.",
    "kitchen.item_ready": "{who} marked a dish ready on a {subject}.",
    "kitchen.ticket_recalled": "{who} recalled a {subject}.",
    "kitchen.ticket_rushed": "{who} rushed a {subject}.",
    "kitchen.party_moved": "{who} moved the kitchen's tickets for {subject}.",
    "kitchen.times_set": "{who} changed the {subject}.",
    "print.queued": "A {subject} was queued.",
    "print.retry_now": "{who} tried a {subject} again.",
    "print.confirmed_printed": "{who} confirmed a {subject} came out.",
    "print.reprint": "{who} reprinted a {subject}.",
    "print.uncertain": "A {subject} may or may not have printed.",
    "checklist.run_started": "{who} started a {subject}.",
    "checklist.run_signed": "{who} signed off a {subject}.",
    "checklist.item_ticked": "{who} answered a {subject}.",
    "checklist.item_corrected": "{who} corrected a {subject}.",
    "checklist.escalated": "{who} reported a problem to the manager.",
    "checklist.escalation_resolved": "{who} resolved a {subject}.",
    "checklist.sign_off_pin_refused": "{who} entered a wrong PIN to sign off.",
    "checklist.seating_gate_overridden": "{who} opened seating without the inspection.",
    "bill.requested": "{who} asked for the bill of {subject}.",
    "bill.version_made": "{who} drew up a {subject}.",
    "bill.presented": "{who} presented a {subject}.",
    "bill.reprinted": "{who} reprinted a {subject}.",
    "bill.discount_given": "{who} gave a {subject}.",
    "bill.split": "{who} split a {subject}.",
    "bill.settled": "{who} settled a {subject}.",
    "bill.reopened": "{who} reopened a {subject}.",
    "bill.invoice_requested": "{who} asked for an invoice on a {subject}.",
    "payment.taken": "{who} took a {subject}.",
    "payment.refunded": "{who} refunded a {subject}.",
    "account.created": "{who} opened a {subject}.",
    "account.signer_changed": "{who} changed who may sign for a {subject}.",
    "drawer.opened": "{who} opened a {subject}.",
    "drawer.paid_in": "{who} put cash into a {subject}.",
    "drawer.paid_out": "{who} took cash out of a {subject}.",
    "drawer.closed": "{who} closed a {subject}.",
    "cash.blind_count_set": "{who} changed the {subject}.",
    "demo.loaded": "The demo restaurant was loaded.",
}
UNKNOWN = "{who} made a change to {subject}."

# The kinds the filter offers, named as a manager would.
KINDS: dict[str, str] = {
    "staff": "Staff and sign-ins",
    "station": "Stations",
    "party": "Guests and seating",
    "table": "Tables",
    "found_item": "Lost and found",
    "order": "Orders",
    "menu": "Menu",
    "course": "Courses",
    "kitchen": "Kitchen",
    "print": "Printing",
    "checklist": "Checklists",
    "bill": "Bills",
    "payment": "Payments",
    "account": "House accounts",
    "drawer": "Cash drawers",
    "cash": "Cash settings",
    "demo": "Demo",
}
DAYS_BACK = 7


def local_time(at: datetime, zone: str) -> str:
    return at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


class AuditRow(ButtonBehavior, BoxLayout):
    """One event; a tap shows its details."""

    entry_id = NumericProperty(0)

    def on_release(self) -> None:
        parent = self.parent
        while parent is not None and not isinstance(parent, AuditLogScreen):
            parent = parent.parent
        if parent is not None:
            parent.show_event(int(self.entry_id))


class AuditEventPopup(Popup):
    """Everything one event holds: the sentence, when, who, approver, and its facts."""


class AuditLogScreen(TablesideScreen):
    def __init__(self, **kwargs: Any) -> None:
        self.entries: list[AuditEntry] = []
        self.people: list[tuple[int, str]] = []
        self.kinds: list[str] = []
        self.actor_id: int | None = None
        self.kind = ""
        self.day: date | None = None
        super().__init__(**kwargs)

    @property
    def zone(self) -> str:
        return self.app.restaurant.timezone if self.app.restaurant else "UTC"

    def on_pre_enter(self, *_args: Any) -> None:
        self.actor_id, self.kind, self.day = None, "", None
        try:
            choices = audit.audit_choices(self.app.store, self.app.user.staff_id)
            self.people, self.kinds = choices.people, choices.kinds
        except DomainError as error:
            self.fail(error)
        self.reload()

    def on_language(self) -> None:
        self._show_filters()
        self._show_rows()

    # ---- the filters -----------------------------------------------------------------

    def _today(self) -> date:
        return datetime.now(ZoneInfo(self.zone)).date()

    def _days(self) -> list[date]:
        today = self._today()
        return [today - timedelta(days=n) for n in range(DAYS_BACK)]

    def _day_text(self, day: date | None) -> str:
        tr = self.app.localizer._
        if day is None:
            return tr("Every day")
        if day == self._today():
            return tr("Today, {date}", date=day.isoformat())
        return day.isoformat()

    def _kind_text(self, kind: str) -> str:
        tr = self.app.localizer._
        return tr("Every kind") if not kind else tr(KINDS.get(kind, kind))

    def _show_filters(self) -> None:
        tr = self.app.localizer._
        people = self.ids.person_filter
        people.values = [tr("Everyone")] + [name for _, name in self.people]
        names = dict(self.people)
        people.text = names.get(self.actor_id, "") if self.actor_id else tr("Everyone")
        kinds = self.ids.kind_filter
        kinds.values = [self._kind_text("")] + [self._kind_text(k) for k in self.kinds]
        kinds.text = self._kind_text(self.kind)
        days = self.ids.day_filter
        days.values = [self._day_text(None)] + [self._day_text(d) for d in self._days()]
        days.text = self._day_text(self.day)

    def choose_person(self, text: str) -> None:
        index = (
            self.ids.person_filter.values.index(text)
            if text in self.ids.person_filter.values
            else 0
        )
        chosen = self.people[index - 1][0] if index > 0 else None
        if chosen != self.actor_id:
            self.actor_id = chosen
            self.reload()

    def choose_kind(self, text: str) -> None:
        values = self.ids.kind_filter.values
        index = values.index(text) if text in values else 0
        chosen = self.kinds[index - 1] if index > 0 else ""
        if chosen != self.kind:
            self.kind = chosen
            self.reload()

    def choose_day(self, text: str) -> None:
        values = self.ids.day_filter.values
        index = values.index(text) if text in values else 0
        chosen = self._days()[index - 1] if index > 0 else None
        if chosen != self.day:
            self.day = chosen
            self.reload()

    # ---- the events ------------------------------------------------------------------

    def reload(self) -> None:
        query = AuditQuery(actor_id=self.actor_id, kind=self.kind, day=self.day)
        try:
            self.entries = audit.audit_events(self.app.store, self.app.user.staff_id, query)
        except DomainError as error:
            self.fail(error)
            self.entries = []
        else:
            self.say(
                "{count} events shown, newest first. Tap one to see it all.",
                count=len(self.entries),
            )
        self._show_filters()
        self._show_rows()

    def sentence(self, entry: AuditEntry) -> str:
        loc = self.app.localizer
        who = self.who(entry)
        subject = loc.pick(entry.subject_en, entry.subject_zh)
        sentence = SENTENCES.get(entry.action, UNKNOWN)
        text = loc._(sentence, who=who, subject=subject, person=entry.person or who)
        if entry.approver:
            # Chinese sentences run on without a space between them.
            space = "" if loc.lang == "zh" else " "
            text += space + loc._("Approved by {manager}.", manager=entry.approver)
        return text

    def who(self, entry: AuditEntry) -> str:
        tr = self.app.localizer._
        if entry.actor_id is None and entry.actor == "console":
            return tr("The console")  # admin commands run on the server (main.py)
        return entry.actor or tr("Someone")

    def _show_rows(self) -> None:
        self.ids.rows.data = [
            {
                "entry_id": e.id,
                "action": e.action,  # the code, kept for finding rows; never shown
                "when": local_time(e.at, self.zone),
                "what": self.sentence(e),
            }
            for e in self.entries
        ]

    def show_event(self, entry_id: int) -> None:
        entry = next((e for e in self.entries if e.id == entry_id), None)
        if entry is None:
            return
        tr = self.app.localizer._
        facts = [
            self.sentence(entry),
            tr("When: {when}", when=local_time(entry.at, self.zone)),
            tr("By: {who}", who=self.who(entry)),
        ]
        if entry.approver:
            facts.append(tr("Approved by {manager}.", manager=entry.approver))
        facts.append(tr("Event number {number}", number=entry.id))
        for key, value in sorted(entry.detail.items()):
            facts.append(f"{key.replace('_', ' ')}: {value}")
        popup = AuditEventPopup(title=tr("Event details"))
        popup.ids.facts.text = "\n".join(facts)
        popup.open()
