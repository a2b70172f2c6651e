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

from screens.orders.text import money_text
from screens.widgets.audit_details import DetailWords, named
from screens.widgets.base import TablesideScreen
from screens.widgets.table_look import person_name
from services import audit
from services.audit import AuditEntry, AuditQuery
from services.billing.payments import payment_methods
from services.errors import DomainError
from services.i18n import N_, Plural
from services.restaurant.settings import service_periods

# One sentence per action; {who} did it, {subject} is what it was done to.
SENTENCES: dict[str, str] = {
    "staff.signed_in": N_("{who} signed in."),
    "staff.signed_out": N_("{who} signed out."),
    "staff.sign_in_failed": N_("A wrong PIN was entered for {subject}."),
    "staff.sign_in_refused_locked": N_("{subject} could not sign in: locked after wrong PINs."),
    "staff.locked_out": N_("{subject} was locked out after too many wrong PINs."),
    "staff.pin_changed": N_("{who} changed the PIN of {subject}."),
    "staff.pin_change_refused": N_("{who} was refused a PIN change for {subject}."),
    "staff.pin_reset": N_("{who} reset the PIN of {subject}."),
    "staff.created": N_("{who} added {subject} to the staff."),
    "staff.roles_set": N_("{who} set the roles of {subject}."),
    "staff.lockout_lifted": N_("{who} lifted the lockout of {subject}."),
    "staff.deactivated": N_("{who} deactivated {subject}: they can no longer sign in."),
    "staff.sessions_ended": N_("{subject} was signed out on every tablet."),
    "staff.pin_confirm_refused": N_("{who} entered a wrong PIN when asked for their own."),
    "staff.approval_refused": N_("{who} asked for a manager's approval with a wrong PIN."),
    "staff.approvals_locked_out": N_("{who} may not ask for approvals for a while: wrong PINs."),
    "staff.approval_refused_locked": N_("{who} asked for an approval while locked out."),
    "station.assigned": N_("{who} gave the section {subject} to {person}."),
    "station.checked_in": N_("{subject} checked in at their station."),
    "party.waitlisted": N_("{who} put {subject} on the waiting list."),
    "party.left_waitlist": N_("{who} took {subject} off the waiting list."),
    "party.seated": N_("{who} seated a party at {subject}."),
    "party.advanced": N_("{who} moved the party at {subject} on to its next stage."),
    "party.left": N_("{who} marked the party at {subject} as gone."),
    "party.transferred": N_("{who} moved a party to {subject}."),
    "party.tables_joined": N_("{who} joined tables for the party at {subject}."),
    "party.tables_split": N_("{who} split tables off the party at {subject}."),
    "table.reset": N_("{who} reset {subject} for the next party."),
    "table.out_of_service": N_("{who} took {subject} out of service."),
    "table.back_in_service": N_("{who} put {subject} back in service."),
    "table.refill": N_("{who} marked a refill done at {subject}."),
    "table.visit": N_("{who} visited {subject}."),
    "table.high_chair": N_("{who} brought a high chair to {subject}."),
    "found_item.logged": N_("{who} logged a {subject}."),
    "found_item.returned": N_("{who} gave back a {subject}."),
    "order.line_added": N_("{who} added {subject} to the order."),
    "order.line_changed": N_("{who} changed {subject} on the order."),
    "order.line_removed": N_("{who} removed {subject} from the order."),
    "order.line_voided": N_("{who} voided {subject}."),
    "order.sent": N_("{who} sent the order of {subject} to the kitchen."),
    "menu.sold_out": N_("{who} marked {subject} sold out."),
    "menu.back_in_stock": N_("{who} put {subject} back on sale."),
    "course.fired": N_("{who} fired a {subject}."),
    "course.served": N_("{who} served a {subject}."),
    "kitchen.ticket_ready": N_("{who} marked a {subject} ready."),
    "kitchen.item_ready": N_("{who} marked a dish ready on a {subject}."),
    "kitchen.ticket_recalled": N_("{who} recalled a {subject}."),
    "kitchen.ticket_rushed": N_("{who} rushed a {subject}."),
    "course.rushed": N_("{who} rushed a {subject}."),
    "kitchen.party_moved": N_("{who} moved the kitchen's tickets for {subject}."),
    "kitchen.times_set": N_("{who} changed the {subject}."),
    "print.queued": N_("A {subject} was queued."),
    "print.retry_now": N_("{who} tried a {subject} again."),
    "print.confirmed_printed": N_("{who} confirmed a {subject} came out."),
    "print.reprint": N_("{who} reprinted a {subject}."),
    "print.uncertain": N_("A {subject} may or may not have printed."),
    "checklist.run_started": N_("{who} started a {subject}."),
    "checklist.run_signed": N_("{who} signed off a {subject}."),
    "checklist.item_ticked": N_("{who} answered a {subject}."),
    "checklist.item_corrected": N_("{who} corrected a {subject}."),
    "checklist.escalated": N_("{who} reported a problem to the manager."),
    "checklist.escalation_resolved": N_("{who} resolved a {subject}."),
    "checklist.sign_off_pin_refused": N_("{who} entered a wrong PIN to sign off."),
    "checklist.seating_gate_overridden": N_("{who} opened seating without the inspection."),
    "bill.requested": N_("{who} asked for the bill of {subject}."),
    "bill.version_made": N_("{who} drew up a {subject}."),
    "bill.presented": N_("{who} presented a {subject}."),
    "bill.reprinted": N_("{who} reprinted a {subject}."),
    "bill.discount_given": N_("{who} gave a {subject}."),
    "bill.split": N_("{who} split a {subject}."),
    "bill.settled": N_("{who} settled a {subject}."),
    "bill.reopened": N_("{who} reopened a {subject}."),
    "bill.invoice_requested": N_("{who} asked for an invoice on a {subject}."),
    "payment.taken": N_("{who} took a {subject}."),
    "payment.refunded": N_("{who} refunded a {subject}."),
    "account.created": N_("{who} opened a {subject}."),
    "account.signer_changed": N_("{who} changed who may sign for a {subject}."),
    "drawer.opened": N_("{who} opened a {subject}."),
    "drawer.paid_in": N_("{who} put cash into a {subject}."),
    "drawer.paid_out": N_("{who} took cash out of a {subject}."),
    "drawer.closed": N_("{who} closed a {subject}."),
    "cash.blind_count_set": N_("{who} changed the {subject}."),
    "demo.loaded": N_("The demo restaurant was loaded."),
}
UNKNOWN = N_("{who} made a change to {subject}.")

# The kinds the filter offers, named as a manager would.
KINDS: dict[str, str] = {
    "staff": N_("Staff and sign-ins"),
    "station": N_("Stations"),
    "party": N_("Guests and seating"),
    "table": N_("Tables"),
    "found_item": N_("Lost and found"),
    "order": N_("Orders"),
    "menu": N_("Menu"),
    "course": N_("Courses"),
    "kitchen": N_("Kitchen"),
    "print": N_("Printing"),
    "checklist": N_("Checklists"),
    "bill": N_("Bills"),
    "payment": N_("Payments"),
    "account": N_("House accounts"),
    "drawer": N_("Cash drawers"),
    "cash": N_("Cash settings"),
    "demo": N_("Demo"),
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
        people.values = [tr("Everyone")] + [person_name(name) for _, name in self.people]
        names = {i: person_name(name) for i, name in self.people}
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
                Plural(
                    "{count} event shown. Tap it to see it all.",
                    "{count} events shown, newest first. Tap one to see it all.",
                    "count",
                ),
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
            text += space + loc._("Approved by {manager}.", manager=person_name(entry.approver))
        return text

    def who(self, entry: AuditEntry) -> str:
        tr = self.app.localizer._
        if entry.actor_id is None and entry.actor == "console":
            return tr("The console")  # admin commands run on the server (main.py)
        return person_name(entry.actor) if entry.actor else tr("Someone")

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

    def _detail_words(self) -> DetailWords:
        store = self.app.store
        return DetailWords(
            self.app.localizer,
            money_text,
            self.zone,
            services=named(service_periods(store)),
            methods=named(payment_methods(store)),
        )

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
            facts.append(tr("Approved by {manager}.", manager=person_name(entry.approver)))
        facts.append(tr("Event number {number}", number=entry.id))
        # Each stored fact under a label in words, never its key or code (issue 12).
        facts += self._detail_words().lines(entry)
        popup = AuditEventPopup(title=tr("Event details"))
        popup.ids.facts.text = "\n".join(facts)
        popup.open()
