"""Shared pieces for the checklist tests: the demo restaurant, fixed moments of its day,
and row counts to prove that a refusal changed nothing."""

from __future__ import annotations

import re
import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.store import Store
from models import (
    AuditEvent,
    ChecklistEscalation,
    ChecklistRun,
    ChecklistRunItem,
    ChecklistTick,
    SeatingGateOverride,
)
from services.checklists.runs import FailAction, Result, StartRun, TickItem, start_run, tick_item
from services.checklists.templates import TemplateSet, load_templates
from services.checklists.views import RunView
from tests.database_support import install_demo
from tests.demo_data import staff_by_number

# The demo restaurant is in Asia/Shanghai (UTC+8): lunch 11:00-14:00, dinner 17:00-21:30.
BEFORE_LUNCH = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)  # 10:00 local, inspection due 10:30
DURING_LUNCH = datetime(2026, 3, 3, 4, 0, tzinfo=UTC)  # 12:00 local
BETWEEN_SERVICES = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # 15:00 local
AFTER_DINNER = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)  # 22:30 local
INSPECTION = "pre_service_inspection"

TABLES = (
    ChecklistRun,
    ChecklistRunItem,
    ChecklistTick,
    ChecklistEscalation,
    SeatingGateOverride,
    AuditEvent,
)

# What a refused PIN leaves in the log (a sign-in, an approval, a sign-off refused).
REFUSAL = re.compile(r"refused|failed|locked")


class Kitchen:
    """The demo restaurant in a store, with its people's ids by staff number."""

    def __init__(self, store: Store, *, load: bool = True) -> None:
        self.store = store
        if load:
            install_demo(store)
        self.ids = staff_by_number(store)
        self.templates: TemplateSet = load_templates()

    @property
    def manager(self) -> int:
        return self.ids["M01"]

    @property
    def supervisor(self) -> int:
        return self.ids["S01"]

    @property
    def waiter(self) -> int:
        return self.ids["W01"]

    def counts(self) -> dict[str, int]:
        with self.store.read() as s:
            return {
                t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0 for t in TABLES
            }

    def assert_unchanged(self, before: dict[str, int]) -> None:
        """No checklist row changed; the only new audit events, if any, are the refusals
        services/people records for a wrong PIN (they stay in the log on purpose)."""
        after = self.counts()
        refusals = after.pop("audit_event") - before["audit_event"]
        assert after == {k: v for k, v in before.items() if k != "audit_event"}
        with self.store.read() as s:
            actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert refusals >= 0
        assert all(REFUSAL.search(a) for a in actions[len(actions) - refusals :])

    def start(self, code: str = INSPECTION, at: datetime = BEFORE_LUNCH) -> RunView:
        return start_run(
            self.store, self.supervisor, StartRun(template_code=code), self.templates, at=at
        )

    def pass_all(self, run: RunView, at: datetime = BEFORE_LUNCH) -> RunView:
        for item in run.items:
            if item.result is None:
                run = tick_item(
                    self.store,
                    self.supervisor,
                    TickItem(run_id=run.id, item_id=item.id, result=Result.PASS),
                    at=at,
                )
        return run

    def fail(
        self,
        run: RunView,
        position: int,
        action: FailAction,
        note: str = "Chipped rim on table 4",
        photo: Path | None = None,
    ) -> RunView:
        item = run.items[position - 1]
        return tick_item(
            self.store,
            self.supervisor,
            TickItem(
                run_id=run.id,
                item_id=item.id,
                result=Result.FAIL,
                note=note,
                fail_action=action,
                photo=photo,
            ),
            at=BEFORE_LUNCH,
        )


@pytest.fixture
def kitchen(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Kitchen:
    # Photos and exports go to this test's folder, also when the database is PostgreSQL.
    monkeypatch.setenv("TABLESIDE_DATA_DIR", str(tmp_path / "data"))
    return Kitchen(store)


def tiny_png(path: Path, colour: tuple[int, int, int] = (200, 40, 40)) -> Path:
    """A real 4x4 PNG, written by hand so the tests need no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(colour) * 4
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * 4))
        + chunk(b"IEND", b"")
    )
    path.write_bytes(png)
    return path


def first(run: RunView, *, critical: bool, photo: bool) -> int:
    """The position of the first item with these flags."""
    for item in run.items:
        if item.critical == critical and item.photo_on_fail == photo:
            return item.position
    raise AssertionError("no such item in the template")
