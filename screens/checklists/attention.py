"""The checklist's items for the manager's attention panel: escalated fails (第3条 ⑦),
each resolved from home with a note."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.properties import StringProperty

from screens.checklists.popups import SignedInPopup
from screens.widgets.attention import AttentionItem
from screens.widgets.table_look import person_name
from services.checklists.escalations import (
    EscalationView,
    ResolveEscalation,
    open_escalations,
    resolve_escalation,
)
from services.errors import DomainError


class ResolvePopup(SignedInPopup):
    """What the manager did about an escalation; its rule is in checklists.kv."""

    details = StringProperty("")
    message = StringProperty("")

    def __init__(
        self, app: Any, escalation: EscalationView, done: Callable[[], None], **kwargs: Any
    ) -> None:
        self.app = app
        self.escalation = escalation
        self.done = done
        super().__init__(**kwargs)

    def resolve(self) -> None:
        try:
            # Inside the try: a blank note is refused by the command itself.
            command = ResolveEscalation(escalation_id=self.escalation.id, note=self.ids.note.text)
            resolve_escalation(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self.message = self.app.localizer.error(error)
            return
        self.dismiss()
        self.done()


def escalations(app: Any, refresh: Callable[[], None]) -> list[AttentionItem]:
    loc = app.localizer
    tr = loc._
    found = []
    for e in open_escalations(app.store, app.user.staff_id):
        fields = {
            "name": person_name(e.raised_by),
            "item": f"{e.item_position}. {loc.pick(e.item_text_en, e.item_text_zh)}",
            "checklist": loc.pick(e.run_title_en, e.run_title_zh),
            "service": loc.pick(e.service_name_en, e.service_name_zh),
            "date": e.service_date.isoformat(),
            "note": e.note,
        }
        if e.critical:
            text = tr(
                "Critical fail escalated by {name}: {item} ({checklist}, {service} {date}). "
                "Note: {note}",
                **fields,
            )
        else:
            text = tr(
                "Fail escalated by {name}: {item} ({checklist}, {service} {date}). Note: {note}",
                **fields,
            )

        def act(e: EscalationView = e, text: str = text) -> None:
            ResolvePopup(app, e, refresh, details=text).open()

        found.append(
            AttentionItem(
                key=f"checklist_escalation:{e.id}",
                text=text,
                action_label=tr("Resolve"),
                act=act,
                urgent=e.critical,
            )
        )
    return found
