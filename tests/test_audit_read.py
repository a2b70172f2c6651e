"""Reading the audit log back (issue 12, point 14): filtered by person, kind and local
day, each event's object named as a manager names it, and only for a manager."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.store import Store
from services.audit import AuditQuery, audit_choices, audit_events
from services.errors import NotAllowed
from services.service_day import local_today
from tests.demo_data import MANAGER
from tests.order_support import Dining, dining  # noqa: F401 - fixture


def _manager(d: Dining) -> int:
    return d.staff[MANAGER]


def test_events_name_the_table_the_dish_and_the_person(dining: Dining) -> None:  # noqa: F811
    dining.add("smashed_cucumber")
    events = audit_events(dining.store, _manager(dining), AuditQuery())
    added = next(e for e in events if e.action == "order.line_added")
    assert (added.subject_en, added.subject_zh) == (
        "Smashed cucumber with garlic, table 1",
        "蒜泥拍黄瓜，1号桌",
    )
    assert added.actor == "张伟 Zhang Wei" and added.kind == "order"
    seated = next(e for e in events if e.action == "party.seated")
    assert (seated.subject_en, seated.subject_zh) == ("table 1", "1号桌")
    assert seated.detail["size"] == 4
    created = next(e for e in events if e.action == "staff.created")
    assert created.subject_en == created.subject_zh and " " in created.subject_en


def test_filters_by_person_kind_and_day(dining: Dining) -> None:  # noqa: F811
    store: Store = dining.store
    dining.add("smashed_cucumber")
    manager, waiter = _manager(dining), dining.waiter
    mine = audit_events(store, manager, AuditQuery(actor_id=waiter))
    assert mine and all(e.actor_id == waiter for e in mine)
    orders = audit_events(store, manager, AuditQuery(kind="order"))
    assert orders and {e.action for e in orders} == {"order.line_added"}
    with store.read() as s:
        today = local_today(s)
    assert audit_events(store, manager, AuditQuery(day=today, kind="order"))
    assert audit_events(store, manager, AuditQuery(day=today - timedelta(days=2))) == []
    choices = audit_choices(store, manager)
    assert "order" in choices.kinds and "party" in choices.kinds
    assert waiter in [person_id for person_id, _ in choices.people]


def test_only_a_manager_reads_the_log(dining: Dining) -> None:  # noqa: F811
    with pytest.raises(NotAllowed):
        audit_events(dining.store, dining.waiter, AuditQuery())
    with pytest.raises(NotAllowed):
        audit_choices(dining.store, dining.waiter)
