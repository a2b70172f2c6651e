"""Signing a checklist run off: the supervisor's own PIN, entered now (第3条), refused while
an item is unanswered or a critical fail still waits for the manager."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm.exc import StaleDataError

from db.store import Store
from models import utcnow
from services import audit
from services.checklists.runs import find_run, refuse_if_signed, stale_run
from services.checklists.views import RunView, build_run_view
from services.errors import DomainError
from services.i18n import N_, Plural
from services.people.approvals import confirm_own_pin
from services.permissions import Action, require
from services.text import RecordId


class SignOff(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: RecordId
    pin: str


def sign_off_run(
    store: Store, actor_id: int, command: SignOff, at: datetime | None = None
) -> RunView:
    """The supervisor signs with their own PIN, entered now. Refused while items are
    unanswered or a critical fail is still with the manager."""
    # The PIN is a PIN route like sign-in: counted before the Argon2 check, which runs
    # outside the write transaction; a wrong one is audited and can lock the person out.
    confirm_own_pin(
        store,
        actor_id,
        command.pin,
        purpose="checklist_sign_off",
        refused=N_("That is not the PIN of {name}: the checklist was not signed off."),
        refused_action="checklist.sign_off_pin_refused",
    )
    try:
        with store.write() as s:
            actor = require(s, actor_id, Action.RUN_CHECKLIST)
            run = find_run(s, command.run_id)
            refuse_if_signed(s, run)
            view = build_run_view(s, run)
            if view.done < view.total:
                raise DomainError(
                    Plural(
                        "{left} of {total} items is not answered yet: answer every item "
                        "before signing off.",
                        "{left} of {total} items are not answered yet: answer every item "
                        "before signing off.",
                        "left",
                    ),
                    left=view.total - view.done,
                    total=view.total,
                )
            blocking = view.open_critical
            if blocking:
                raise DomainError(
                    "Cannot sign off: critical item {items} failed and is still waiting for "
                    "the manager.",
                    items=", ".join(str(i.position) for i in blocking),
                )
            run.signed_by_id = actor.id
            run.signed_at = at or utcnow()
            s.flush()
            audit.record(
                s,
                action="checklist.run_signed",
                object_type="checklist_run",
                object_id=run.id,
                actor_id=actor.id,
                template=run.template_code,
                fails=sum(1 for i in view.items if i.result == "fail"),
                escalations_open=view.escalations_open,
            )
            return build_run_view(s, run)
    except StaleDataError as exc:
        raise stale_run() from exc
