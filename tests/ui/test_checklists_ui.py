"""Checklists on the real app, by touch: a supervisor works through the pre-service
inspection with one fail (note, escalation, photo), signs off with her PIN; the manager
resolves the escalation from home and reads the history. A malformed template is refused
at start with its reason while the others load."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.store import Store
from models import ChecklistEscalation, ChecklistRun, ChecklistTick
from services.checklists.templates import DEFAULT_FOLDER
from tests.checklist_support import tiny_png
from tests.ui.conftest import Driver, FakeClock

CUSHIONS = 6  # "Seat cushions are unstained": not critical, needs a photo when it fails
NOTE = "Cushion at table 7 stained 🍷; no spare cushion — \"[x]\" 'quote'"


def _popup() -> Any:
    from kivy.core.window import Window
    from kivy.uix.popup import Popup

    popups = [w for w in Window.children if isinstance(w, Popup)]
    assert popups, "no dialog is open"
    return popups[0]


def _no_popup(ui: Driver, left: int = 0) -> bool:
    """True once all dialogs but `left` have closed (closing fades out for a moment)."""

    from kivy.core.window import Window
    from kivy.uix.popup import Popup

    return ui.wait_until(lambda: sum(isinstance(w, Popup) for w in Window.children) <= left)


def _open_inspection(ui: Driver) -> None:
    from screens.checklists.board import BoardRow

    ui.tap(ui.button_with_text("Checklists"))
    assert ui.screen.name == "checklists"
    row = ui.find(BoardRow, lambda r: r.template_code == "pre_service_inspection")[0]
    ui.tap(row.ids.open_button)
    assert ui.screen.name == "checklist_run"


def _choose_photo(ui: Driver, photo: Path) -> None:
    ui.tap(_popup().ids.photo_button)
    chooser_popup = _popup()
    chooser = chooser_popup.ids.chooser
    entry = None
    for _ in range(40):  # the chooser lists the folder a few entries per frame
        ui.idle(2)
        found = [w for w in chooser.walk() if getattr(w, "path", None) == str(photo)]
        if found:
            entry = found[0]
            break
    assert entry is not None, "the photo is not offered in the chooser"
    ui.tap(entry)
    assert chooser.selection == [str(photo)]
    ui.tap(chooser_popup.ids.use_button)
    assert _no_popup(ui, left=1)


def _fail_with_escalation(ui: Driver, photo: Path) -> None:
    ui.tap(ui.ids("fail_button"))
    answer = _popup()
    ui.tap(answer.ids.save_button)  # nothing written yet: the note is missing
    assert "A fail needs a note" in answer.message
    answer.ids.note.insert_text(NOTE)
    ui.tap(answer.ids.escalate_button)
    ui.tap(answer.ids.save_button)
    assert "needs a photo" in answer.message
    _choose_photo(ui, photo)
    assert answer.photo_name == photo.name
    ui.screenshot("checklist-fail-en")
    ui.tap(answer.ids.save_button)
    assert _no_popup(ui)


def _sign_off(ui: Driver, pin: str) -> Any:
    ui.tap(ui.ids("sign_off_button"))
    popup = _popup()
    for digit in pin:
        ui.tap(popup.ids.pad.ids[f"key_{digit}"])
    ui.tap(popup.ids.confirm_button)
    return popup


def test_a_supervisor_runs_the_inspection_and_the_manager_resolves_the_escalation(
    ui: Driver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pictures = tmp_path / "Pictures"
    pictures.mkdir()
    photo = tiny_png(pictures / "cushion.png")
    (pictures / "menu.pdf").write_bytes(b"%PDF-1.4")  # not an image: never offered
    monkeypatch.setenv("TABLESIDE_PICTURES_DIR", str(pictures))

    ui.sign_in("Li Na", "8888")
    _open_inspection(ui)
    assert ui.ids("progress").text == "0 of 16 answered"
    assert "Item 1 of 16" in ui.ids("item_header").text

    while True:
        header = ui.ids("item_header").text
        if header.startswith(f"Item {CUSHIONS} of"):
            _fail_with_escalation(ui, photo)
        else:
            ui.tap(ui.ids("pass_button"))
        if ui.ids("progress").text == "9 of 16 answered":
            ui.screenshot("checklist-run-en")
            ui.tap(ui.header("lang_button"))
            assert ui.ids("progress").text == "已检查 9 / 16 项"
            ui.screenshot("checklist-run-zh")
            ui.tap(ui.header("lang_button"))
        if ui.ids("progress").text == "16 of 16 answered":
            break
    assert "Every item is answered" in ui.message()

    # A waiter's PIN cannot sign; her own can.
    refused = _sign_off(ui, "1111")
    assert "not the PIN of" in refused.message
    ui.screenshot("checklist-sign-off-en")
    ui.tap(refused.ids.cancel_button)
    assert _no_popup(ui)
    _sign_off(ui, "8888")
    assert _no_popup(ui)
    assert "signed off" in ui.message()
    assert ui.ids("correct_button").opacity == 1 and ui.ids("pass_button").disabled

    # Signed is read-only: a mistake is put right by a linked correction, with a reason.
    ui.tap(ui.ids("correct_button"))
    fix = _popup()
    ui.tap(fix.ids.result_na)
    ui.tap(fix.ids.save_button)
    assert "needs a reason" in fix.message
    fix.ids.reason.insert_text("AC was off for repair; fans in use, so not applicable")
    ui.tap(fix.ids.save_button)
    assert _no_popup(ui)
    assert "correction was added" in ui.message()
    assert "Corrected after sign-off" in ui.ids("answer").text

    store: Store = ui.app.store
    with store.read() as s:
        run = s.scalar(select(ChecklistRun))
        assert run is not None and run.signed_at is not None
        fail = s.scalar(select(ChecklistTick).where(ChecklistTick.result == "fail"))
        assert fail is not None and fail.note == NOTE and fail.fail_action == "escalated"
        assert fail.photo_path is not None
        corrections = s.scalars(select(ChecklistTick).where(ChecklistTick.correction)).all()
        assert len(corrections) == 1 and corrections[0].replaces_tick_id is not None
    assert (Path(store.url.removeprefix("sqlite:///")).parent / "photos" / fail.photo_path).exists()

    ui.tap(ui.header("sign_out_button"))
    ui.sign_in("Wang Jianguo", "9999")
    from screens.widgets.attention import AttentionRow

    rows = ui.find(AttentionRow)
    assert len(rows) == 1 and NOTE in rows[0].text and "Li Na" in rows[0].text
    ui.screenshot("home-attention-en")
    ui.tap(rows[0].ids.action_button)
    resolve = _popup()
    ui.tap(resolve.ids.resolve_button)
    assert "how it was resolved" in resolve.message
    resolve.ids.note.insert_text("Ordered two spare cushions; stained one sent to laundry")
    ui.tap(resolve.ids.resolve_button)
    assert _no_popup(ui) and ui.find(AttentionRow) == []
    with store.read() as s:
        escalation = s.scalar(select(ChecklistEscalation))
        assert escalation is not None and escalation.resolved_at is not None

    ui.tap(ui.button_with_text("Checklist history"))
    assert ui.screen.name == "checklist_history"
    lines = ui.ids("rows").data
    inspection = next(d for d in lines if d["checklist"] == "Pre-service inspection")
    assert "Signed: 李娜 Li Na" in inspection["who"] and "escalated 1" in inspection["findings"]
    ui.tap(ui.ids("export_button"))
    assert "Exported to" in ui.message()
    exported = Path(ui.message().split("Exported to ", 1)[1].strip())
    assert exported.exists() and "Pre-service inspection" in exported.read_text("utf-8-sig")


def test_seating_gate_override_needs_a_manager_pin_and_a_reason(ui: Driver) -> None:
    ui.sign_in("Chen Hao", "7777")
    ui.tap(ui.button_with_text("Checklists"))
    assert "Seating is closed" in ui.ids("gate").text
    ui.tap(ui.ids("override_button"))
    popup = _popup()
    popup.ids.reason.insert_text("Wedding party early; AC engineer on the way")
    for digit in "7777":  # his own PIN: he is no manager
        ui.tap(popup.ids.pad.ids[f"key_{digit}"])
    ui.tap(popup.ids.confirm_button)
    assert "not a manager's" in popup.message
    ui.screenshot("checklists-override-en")
    for digit in "9999":
        ui.tap(popup.ids.pad.ids[f"key_{digit}"])
    ui.tap(popup.ids.confirm_button)
    assert _no_popup(ui)
    assert "overrode" in ui.ids("gate").text and ui.ids("override_button").disabled
    ui.screenshot("checklists-en")


def test_an_open_dialog_closes_when_the_supervisor_is_signed_out_for_idling(ui: Driver) -> None:
    ui.sign_in("Chen Hao", "7777")
    _open_inspection(ui)
    ui.tap(ui.ids("fail_button"))
    _popup().ids.note.insert_text("half-written")
    ui.clock.now += 10_000
    ui.app.check_idle()
    assert _no_popup(ui) and ui.screen.name == "login"
    with ui.app.store.read() as s:
        assert s.scalar(select(ChecklistTick)) is None


def test_a_waiter_has_no_checklist_tiles(ui: Driver) -> None:
    from screens.home import HomeTile

    ui.sign_in("Zhang Wei", "1111")
    assert not [t for t in ui.find(HomeTile) if "Checklist" in t.text]


@pytest.fixture
def ui_with_bad_template(demo_store: Store, tmp_path: Path) -> Iterator[Driver]:
    """The real app started over a checklist folder holding one malformed template."""
    from kivy.base import EventLoop

    from screens.app import TablesideApp

    folder = tmp_path / "checklists"
    shutil.copytree(DEFAULT_FOLDER, folder)
    text = (folder / "closing.toml").read_text(encoding="utf-8")
    bad = text.replace('code = "closing"', 'code = "closing_v2"', 1).replace(
        "critical = true\nphoto_on_fail", 'critical = "yes"\nphoto_on_fail', 1
    )
    (folder / "closing_v2.toml").write_text(bad, encoding="utf-8")
    clock = FakeClock()
    app = TablesideApp(demo_store, animate=False, clock=clock, checklist_folder=folder)
    app._run_prepare()
    EventLoop.start()
    driver = Driver(app, clock)
    driver.idle(4)
    yield driver
    app.stop()
    driver.idle(1)


def test_a_malformed_template_is_refused_at_start_with_its_reason(
    ui_with_bad_template: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    ui = ui_with_bad_template
    assert set(ui.app.checklist_templates.templates) == {
        "closing",
        "pre_service_cleaning",
        "pre_service_inspection",
    }
    ui.sign_in("Li Na", "8888")
    from screens.checklists.board import BoardRow

    ui.tap(ui.button_with_text("Checklists"))
    refusal = ui.ids("refusals").text
    assert "closing_v2.toml" in refusal
    assert 'code "glasses_not_nested"' in refusal and "critical" in refusal
    assert "valid boolean" in refusal
    assert len(ui.find(BoardRow)) == 3  # the good templates still load
    ui.screenshot("checklists-refused-en")
    ui.tap(ui.header("lang_button"))
    assert "检查表模板 closing_v2.toml" in ui.ids("refusals").text


def test_the_refusal_is_logged_at_start(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from screens.checklists.board import load_checklist_templates

    (tmp_path / "broken.toml").write_text("code = [", encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        templates = load_checklist_templates(tmp_path)
    assert templates.templates == {}
    assert any("broken.toml" in r.getMessage() and "TOML" in r.getMessage() for r in caplog.records)


def _seed_past_days(store: Store) -> None:
    """Two earlier days of the demo restaurant, made through the services (setup, not the
    thing under test): on-time, late and missing lists, a fail, an escalation, an override."""
    from datetime import UTC, datetime, timedelta

    from services.checklists.escalations import (
        ResolveEscalation,
        open_escalations,
        resolve_escalation,
    )
    from services.checklists.gate import OverrideSeatingGate, override_seating_gate
    from services.checklists.runs import (
        FailAction,
        Result,
        StartRun,
        TickItem,
        start_run,
        tick_item,
    )
    from services.checklists.sign_off import SignOff, sign_off_run
    from services.checklists.templates import load_templates
    from services.service_day import local_today
    from tests.demo_data import staff_by_number

    ids = staff_by_number(store)
    templates = load_templates()
    with store.read() as s:
        today = local_today(s)

    def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
        day = today - timedelta(days=days_ago)
        local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
        return local - timedelta(hours=8)  # Asia/Shanghai

    def run(code: str, started: datetime, signed: datetime | None, fail: FailAction | None = None):
        who = ids["S02"]
        view = start_run(store, who, StartRun(template_code=code), templates, at=started)
        for item in view.items:
            if fail is not None and item.position == 1:
                command = TickItem(
                    run_id=view.id,
                    item_id=item.id,
                    result=Result.FAIL,
                    note="Two forks bent",
                    fail_action=fail,
                )
            else:
                command = TickItem(run_id=view.id, item_id=item.id, result=Result.PASS)
            tick_item(store, who, command, at=started)
        for e in open_escalations(store, ids["M01"]):
            resolve_escalation(store, ids["M01"], ResolveEscalation(escalation_id=e.id, note="ok"))
        if signed is not None:
            sign_off_run(store, who, SignOff(run_id=view.id, pin="7777"), at=signed)

    run("pre_service_inspection", at(2, 10, 0), at(2, 10, 20))
    run("pre_service_cleaning", at(2, 9, 40), at(2, 10, 15))
    run("closing", at(2, 14, 10), at(2, 14, 40))
    run("pre_service_inspection", at(2, 16, 20), at(2, 16, 50), fail=FailAction.FIXED)
    late = OverrideSeatingGate(manager_pin="9999", reason="Dishwasher repair ran late")
    override_seating_gate(store, ids["S02"], late, at(1, 11, 5))
    run("pre_service_inspection", at(1, 16, 0), at(1, 16, 25), fail=FailAction.ESCALATED)


def test_history_shows_late_and_missing_lists_and_overrides(ui: Driver) -> None:
    _seed_past_days(ui.app.store)
    ui.sign_in("Wang Jianguo", "9999")
    ui.tap(ui.button_with_text("Checklist history"))
    statuses = [d["status"].split("\n")[0] for d in ui.ids("rows").data]
    assert "Signed 15 min late" in statuses and "Signed 20 min late" in statuses
    assert "Missing" in statuses and "On time" in statuses
    assert "Dishwasher repair ran late" in ui.ids("overrides").children[-1].text
    ui.screenshot("checklist-history-en")
    ui.tap(ui.header("lang_button"))
    assert "迟签 15 分钟" in [d["status"].split("\n")[0] for d in ui.ids("rows").data]
    ui.screenshot("checklist-history-zh")
