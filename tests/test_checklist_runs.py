"""Checklist runs: start, tick, fail with a note and fixed/escalated, photos, sign-off with
the supervisor's own PIN, corrections, escalations resolved by the manager, and refusals
that leave the store exactly as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from models import AuditEvent, ChecklistTick
from services.checklists.escalations import (
    ResolveEscalation,
    open_escalations,
    resolve_escalation,
)
from services.checklists.runs import (
    CorrectItem,
    FailAction,
    Result,
    StartRun,
    TickItem,
    correct_item,
    start_run,
    tick_item,
)
from services.checklists.sign_off import SignOff, sign_off_run
from services.checklists.views import checklist_board, run_view
from services.errors import DomainError, NotAllowed, NotFound
from tests.checklist_support import BEFORE_LUNCH, INSPECTION, Kitchen, first, kitchen, tiny_png

_ = kitchen  # a fixture, used by name


def _refused(kitchen: Kitchen, error: type[Exception], match: str, action) -> None:  # type: ignore[no-untyped-def]
    before = kitchen.counts()
    with pytest.raises(error, match=match):
        action()
    kitchen.assert_unchanged(before)


def test_a_run_copies_its_template_and_starting_again_opens_the_same_run(kitchen: Kitchen) -> None:
    template = kitchen.templates.templates[INSPECTION]
    run = kitchen.start()
    assert [i.code for i in run.items] == [i.code for i in template.items]
    assert run.items[0].text_zh == template.items[0].text_zh and run.total == len(template.items)
    assert (run.done, run.started_by, run.service_code) == (0, "李娜 Li Na", "lunch")
    again = start_run(
        kitchen.store,
        kitchen.ids["S02"],
        StartRun(template_code=INSPECTION),
        kitchen.templates,
        at=BEFORE_LUNCH,
    )
    assert again.id == run.id
    with kitchen.store.read() as s:
        started = s.scalar(select(func.count()).where(AuditEvent.action == "checklist.run_started"))
    assert started == 1


def test_only_supervisors_and_managers_run_checklists(kitchen: Kitchen) -> None:
    _refused(
        kitchen,
        NotAllowed,
        "needs the role",
        lambda: start_run(
            kitchen.store, kitchen.waiter, StartRun(template_code=INSPECTION), kitchen.templates
        ),
    )
    _refused(
        kitchen,
        NotFound,
        "No usable checklist template",
        lambda: start_run(
            kitchen.store, kitchen.supervisor, StartRun(template_code="nope"), kitchen.templates
        ),
    )


def test_ticking_shows_progress_and_a_new_answer_keeps_the_old_one(kitchen: Kitchen) -> None:
    run = kitchen.start()
    item = run.items[0]
    run = tick_item(
        kitchen.store,
        kitchen.supervisor,
        TickItem(run_id=run.id, item_id=item.id, result=Result.NOT_APPLICABLE),
    )
    assert (run.done, run.items[0].result) == (1, "na")
    run = kitchen.fail(run, 1, FailAction.FIXED, note="Two forks crooked; straightened")
    assert run.done == 1
    assert run.items[0].result == "fail" and run.items[0].fail_action == "fixed"
    assert run.items[0].earlier_ticks == 1
    with kitchen.store.read() as s:
        assert s.scalar(select(func.count()).select_from(ChecklistTick)) == 2
    board = checklist_board(kitchen.store, kitchen.templates, at=BEFORE_LUNCH)
    entry = next(e for e in board.entries if e.template_code == INSPECTION)
    assert (entry.run_id, entry.done, entry.total) == (run.id, 1, run.total)
    assert board.entries[0].kind == "pre_service_inspection"


@pytest.mark.parametrize(
    ("note", "action", "message"),
    [
        ("", FailAction.FIXED, "A fail needs a note"),
        ("   \n ", FailAction.ESCALATED, "A fail needs a note"),
        ("x" * 5000, FailAction.FIXED, "at most 1000 characters"),
        ("nul\x00byte", FailAction.FIXED, "control character"),
        ("lone \ud800 surrogate", FailAction.FIXED, "broken character"),
        ("Chipped plate", None, "Fixed on the spot"),
    ],
)
def test_a_fail_needs_a_note_and_a_choice(
    kitchen: Kitchen, note: str, action: FailAction | None, message: str
) -> None:
    run = kitchen.start()

    def tick() -> None:
        # The note is checked as the command is made (services/text.py), the rest by the
        # service: either way before anything is written.
        command = TickItem(
            run_id=run.id,
            item_id=run.items[0].id,
            result=Result.FAIL,
            note=note,
            fail_action=action,
        )
        tick_item(kitchen.store, kitchen.supervisor, command)

    _refused(kitchen, DomainError, message, tick)


def test_a_pass_cannot_be_escalated(kitchen: Kitchen) -> None:
    run = kitchen.start()
    command = TickItem(
        run_id=run.id,
        item_id=run.items[0].id,
        result=Result.PASS,
        fail_action=FailAction.ESCALATED,
    )
    _refused(
        kitchen,
        DomainError,
        "Only a fail",
        lambda: tick_item(kitchen.store, kitchen.supervisor, command),
    )


@pytest.mark.parametrize(
    "note",
    [
        "Vase cracked 🏺💥 — 花瓶裂了",
        "'; DROP TABLE checklist_tick; --",
        'Robert"); DELETE FROM staff WHERE ("1"="1',
        "line one\nline two\ttabbed",
    ],
)
def test_notes_are_kept_exactly_as_typed(kitchen: Kitchen, note: str) -> None:
    run = kitchen.fail(kitchen.start(), 1, FailAction.FIXED, note=note)
    assert run_view(kitchen.store, run.id).items[0].note == note


def test_unknown_runs_and_items_are_refused(kitchen: Kitchen) -> None:
    run = kitchen.start()
    other = kitchen.start("closing")
    store, who = kitchen.store, kitchen.supervisor
    for run_id, item_id, message in [
        (999_999, run.items[0].id, "Unknown checklist run"),
        (run.id, 999_999, "not on this checklist"),
        (run.id, other.items[0].id, "not on this checklist"),
    ]:
        command = TickItem(run_id=run_id, item_id=item_id, result=Result.PASS)
        _refused(kitchen, NotFound, message, lambda c=command: tick_item(store, who, c))
    with pytest.raises(NotFound):
        run_view(store, 999_999)


def test_an_item_needing_a_photo_takes_a_copy_of_the_image(
    kitchen: Kitchen, tmp_path: Path
) -> None:
    run = kitchen.start()
    position = first(run, critical=True, photo=True)
    _refused(
        kitchen,
        DomainError,
        "needs a photo",
        lambda: kitchen.fail(run, position, FailAction.FIXED),
    )
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("just text")
    _refused(
        kitchen,
        DomainError,
        "must be an image",
        lambda: kitchen.fail(run, position, FailAction.FIXED, photo=not_an_image),
    )
    photo = tiny_png(tmp_path / "chip.png")
    run = kitchen.fail(run, position, FailAction.FIXED, photo=photo)
    kept = run.items[position - 1].photo
    assert kept is not None and kept.endswith(".png")
    copy = Path(os.environ["TABLESIDE_DATA_DIR"]) / "photos" / kept
    assert copy.read_bytes() == photo.read_bytes()


def test_sign_off_needs_every_item_and_the_supervisors_own_pin(kitchen: Kitchen) -> None:
    store = kitchen.store
    run = kitchen.start()
    _refused(
        kitchen,
        DomainError,
        "are not answered yet",
        lambda: sign_off_run(store, kitchen.supervisor, SignOff(run_id=run.id, pin="8888")),
    )
    run = kitchen.pass_all(run)
    # A waiter's PIN typed on the supervisor's sign-off is refused, as is the waiter.
    _refused(
        kitchen,
        DomainError,
        "not the PIN of",
        lambda: sign_off_run(store, kitchen.supervisor, SignOff(run_id=run.id, pin="1111")),
    )
    _refused(
        kitchen,
        NotAllowed,
        "needs the role",
        lambda: sign_off_run(store, kitchen.waiter, SignOff(run_id=run.id, pin="1111")),
    )
    _refused(
        kitchen,
        DomainError,
        "4 to 8 digits",
        lambda: sign_off_run(store, kitchen.supervisor, SignOff(run_id=run.id, pin="")),
    )
    signed = sign_off_run(store, kitchen.supervisor, SignOff(run_id=run.id, pin="8888"))
    assert signed.signed and signed.signed_by == "李娜 Li Na"


def test_an_open_critical_fail_blocks_sign_off_until_the_manager_resolves_it(
    kitchen: Kitchen,
) -> None:
    store = kitchen.store
    run = kitchen.start()
    position = first(run, critical=True, photo=False)
    run = kitchen.fail(run, position, FailAction.ESCALATED, note="Dishwasher broken")
    run = kitchen.pass_all(run)
    sign = SignOff(run_id=run.id, pin="8888")
    _refused(
        kitchen,
        DomainError,
        f"critical item {position} failed",
        lambda: sign_off_run(store, kitchen.supervisor, sign),
    )
    # While it waits for the manager, the supervisor cannot quietly tick it as a pass.
    again = TickItem(run_id=run.id, item_id=run.items[position - 1].id, result=Result.PASS)
    _refused(
        kitchen,
        DomainError,
        "waiting for the manager",
        lambda: tick_item(store, kitchen.supervisor, again),
    )

    waiting = open_escalations(store, kitchen.manager)
    assert [(e.item_position, e.note, e.critical) for e in waiting] == [
        (position, "Dishwasher broken", True)
    ]
    with pytest.raises(NotAllowed):
        open_escalations(store, kitchen.supervisor)
    escalation = waiting[0].id
    for who, note, error, message in [
        (kitchen.supervisor, "done", NotAllowed, "needs the role"),
        (kitchen.manager, "  ", DomainError, "how it was resolved"),
        (kitchen.manager, "y" * 5000, DomainError, "at most 1000"),
    ]:
        _refused(
            kitchen,
            error,
            message,
            lambda w=who, n=note: resolve_escalation(
                store, w, ResolveEscalation(escalation_id=escalation, note=n)
            ),
        )
    _refused(
        kitchen,
        NotFound,
        "Unknown escalation",
        lambda: resolve_escalation(
            store, kitchen.manager, ResolveEscalation(escalation_id=999_999, note="x")
        ),
    )

    done = resolve_escalation(
        store, kitchen.manager, ResolveEscalation(escalation_id=escalation, note="Spare racks")
    )
    assert done.resolved_by == "王建国 Wang Jianguo" and done.resolution_note == "Spare racks"
    assert open_escalations(store, kitchen.manager) == []
    _refused(
        kitchen,
        DomainError,
        "already resolved",
        lambda: resolve_escalation(
            store, kitchen.manager, ResolveEscalation(escalation_id=escalation, note="again")
        ),
    )
    assert sign_off_run(store, kitchen.supervisor, sign).signed


def test_a_critical_fail_fixed_on_the_spot_does_not_block_sign_off(kitchen: Kitchen) -> None:
    run = kitchen.start()
    position = first(run, critical=True, photo=False)
    run = kitchen.pass_all(kitchen.fail(run, position, FailAction.FIXED, note="Re-washed"))
    signed = sign_off_run(kitchen.store, kitchen.supervisor, SignOff(run_id=run.id, pin="8888"))
    assert signed.signed and signed.items[position - 1].result == "fail"


def test_a_signed_run_is_read_only_and_corrected_by_a_linked_tick(kitchen: Kitchen) -> None:
    store = kitchen.store
    run = kitchen.pass_all(kitchen.start())
    run = sign_off_run(store, kitchen.supervisor, SignOff(run_id=run.id, pin="8888"))
    item = run.items[3]
    tick = TickItem(
        run_id=run.id, item_id=item.id, result=Result.FAIL, note="x", fail_action=FailAction.FIXED
    )
    _refused(
        kitchen, DomainError, "signed off by", lambda: tick_item(store, kitchen.supervisor, tick)
    )
    _refused(
        kitchen,
        DomainError,
        "signed off by",
        lambda: sign_off_run(store, kitchen.supervisor, SignOff(run_id=run.id, pin="8888")),
    )
    fix = CorrectItem(
        run_id=run.id,
        item_id=item.id,
        result=Result.FAIL,
        note="Stain found after sign-off",
        fail_action=FailAction.FIXED,
    )
    _refused(
        kitchen, DomainError, "needs a reason", lambda: correct_item(store, kitchen.supervisor, fix)
    )
    corrected = correct_item(
        store, kitchen.supervisor, fix.model_copy(update={"reason": "Missed it on the round"})
    )
    assert corrected.signed and corrected.signed_by == "李娜 Li Na"
    line = corrected.items[3]
    assert (line.result, line.correction, line.correction_reason, line.earlier_ticks) == (
        "fail",
        True,
        "Missed it on the round",
        1,
    )
    with store.read() as s:
        ticks = s.scalars(
            select(ChecklistTick).where(ChecklistTick.item_id == item.id).order_by(ChecklistTick.id)
        ).all()
    assert ticks[1].replaces_tick_id == ticks[0].id and ticks[0].result == "pass"


def test_a_correction_is_only_for_signed_runs(kitchen: Kitchen) -> None:
    run = kitchen.start()
    fix = CorrectItem(run_id=run.id, item_id=run.items[0].id, result=Result.PASS, reason="Because")
    _refused(
        kitchen,
        DomainError,
        "not signed off yet",
        lambda: correct_item(kitchen.store, kitchen.supervisor, fix),
    )


def test_ticks_cannot_be_edited_or_deleted_in_the_database(kitchen: Kitchen) -> None:
    kitchen.pass_all(kitchen.start())
    for statement in ("UPDATE checklist_tick SET result = 'fail'", "DELETE FROM checklist_tick"):
        with pytest.raises(Exception, match="append-only"), kitchen.store.write() as s:
            s.execute(text(statement))
