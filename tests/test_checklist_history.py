"""History and compliance: on-time, late, overdue and missing lists against the service's
opening time, overrides beside them, and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from services.checklists.gate import OverrideSeatingGate, override_seating_gate
from services.checklists.history import checklist_history, export_history_csv, history_csv
from services.checklists.runs import FailAction
from services.checklists.sign_off import SignOff, sign_off_run
from services.errors import DomainError, NotAllowed
from tests.checklist_support import Kitchen, first, kitchen

_ = kitchen  # a fixture, used by name

DAY = date(2026, 3, 3)


def _at(hour: int, minute: int = 0) -> datetime:
    """A local Shanghai time on DAY, as UTC."""
    return datetime(2026, 3, 3, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def _a_day(kitchen: Kitchen) -> None:
    store, who = kitchen.store, kitchen.supervisor
    # Lunch: inspection signed at 10:10, due 10:30 (第3条 ⑥: half an hour before opening).
    inspection = kitchen.start(at=_at(10, 0))
    position = first(inspection, critical=True, photo=False)
    inspection = kitchen.fail(inspection, position, FailAction.ESCALATED, note="AC noisy")
    inspection = kitchen.pass_all(inspection, at=_at(10, 5))
    resolve_all(kitchen)
    sign_off_run(store, who, SignOff(run_id=inspection.id, pin="8888"), at=_at(10, 10))
    # Cleaning: due an hour before opening (10:00), signed at 10:20.
    cleaning = kitchen.pass_all(kitchen.start("pre_service_cleaning", at=_at(9, 50)))
    sign_off_run(store, who, SignOff(run_id=cleaning.id, pin="8888"), at=_at(10, 20))
    # Dinner: inspection started at 16:40, not signed at 17:10: overdue since 16:30.
    kitchen.start(at=_at(16, 40))
    override_seating_gate(
        store,
        kitchen.manager,
        OverrideSeatingGate(manager_pin="9999", reason="=Wedding party arriving"),
        _at(17, 5),
    )


def resolve_all(kitchen: Kitchen) -> None:
    from services.checklists.escalations import (
        ResolveEscalation,
        open_escalations,
        resolve_escalation,
    )

    for e in open_escalations(kitchen.store, kitchen.manager):
        resolve_escalation(
            kitchen.store, kitchen.manager, ResolveEscalation(escalation_id=e.id, note="Fixed")
        )


def test_history_marks_on_time_late_overdue_and_missing_lists(kitchen: Kitchen) -> None:
    _a_day(kitchen)
    history = checklist_history(
        kitchen.store, kitchen.manager, DAY - timedelta(days=2), DAY, kitchen.templates, _at(17, 10)
    )
    got = [(r.service_code, r.template_code, r.status, r.late_minutes) for r in history.rows]
    assert got == [
        ("dinner", "pre_service_inspection", "overdue", 40),
        ("lunch", "pre_service_inspection", "on_time", 0),
        ("lunch", "pre_service_cleaning", "signed_late", 20),
        # Lunch closing was due by 15:00; dinner's lists are not missing while dinner runs.
        ("lunch", "closing", "missing", 0),
    ]
    lunch = history.rows[1]
    assert (lunch.fails, lunch.escalations, lunch.escalations_open) == (1, 1, 0)
    assert lunch.started_by == lunch.signed_by == "李娜 Li Na"
    assert lunch.duration_minutes == 10
    assert lunch.due_at == _at(10, 30)
    assert [(o.manager, o.reason) for o in history.overrides] == [
        ("王建国 Wang Jianguo", "=Wedding party arriving")
    ]


def test_the_csv_has_every_row_and_defuses_formulas(kitchen: Kitchen) -> None:
    _a_day(kitchen)
    history = checklist_history(
        kitchen.store, kitchen.supervisor, DAY, DAY, kitchen.templates, _at(17, 10)
    )
    rows = list(csv.DictReader(io.StringIO(history_csv(history))))
    assert [r["status"] for r in rows] == [
        "Overdue",
        "On time",
        "Signed late",
        "Missing",
        "Overridden",
    ]
    assert rows[1]["due"] == "2026-03-03 10:30" and rows[1]["signed"] == "2026-03-03 10:10"
    assert rows[1]["service"] == "Lunch 午市" and rows[1]["fails"] == "1"
    assert rows[4]["approved_by"] == "王建国 Wang Jianguo"
    # A reason starting with "=" must not run as a spreadsheet formula.
    assert rows[4]["reason"] == "'=Wedding party arriving"

    path = export_history_csv(kitchen.store, history, at=_at(18))
    assert path.parent.name == "exports" and path.suffix == ".csv"
    assert path.read_bytes() == history_csv(history).encode("utf-8-sig")


def test_history_is_for_supervisors_and_managers_over_a_sane_range(kitchen: Kitchen) -> None:
    with pytest.raises(NotAllowed):
        checklist_history(kitchen.store, kitchen.waiter, DAY, DAY, kitchen.templates)
    with pytest.raises(DomainError, match="not be after"):
        checklist_history(
            kitchen.store, kitchen.manager, DAY, DAY - timedelta(1), kitchen.templates
        )
    with pytest.raises(DomainError, match="at most 366 days"):
        checklist_history(
            kitchen.store, kitchen.manager, DAY - timedelta(400), DAY, kitchen.templates
        )


def test_a_new_install_shows_no_wall_of_missing_lists(kitchen: Kitchen) -> None:
    history = checklist_history(
        kitchen.store, kitchen.manager, DAY - timedelta(days=30), DAY, kitchen.templates, _at(23)
    )
    # Only the day the app is looked at counts: three lists for each of two services.
    assert len(history.rows) == 6 and {r.status for r in history.rows} == {"missing"}
