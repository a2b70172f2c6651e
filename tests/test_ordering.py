"""Taking the order at the table (第7条): lines per seat and course, choices, notes, allergens,
changing and removing new lines, and every bad input refused with a clear message and
nothing changed. On SQLite and on PostgreSQL (the `store` fixture)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from models import AuditEvent, PartyStage
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.menu.catalog import SetInStock, set_in_stock
from services.orders.taking import ChangeLine, RemoveLine, change_line, remove_line
from services.orders.views import course_choices
from tests.order_support import Dining, dining, new_id

_ = dining  # a fixture, used by name


def test_lines_per_seat_and_course_with_choices_note_and_allergens(dining: Dining) -> None:
    sauce = dining.modifiers[("dipping_sauce", "sesame_paste")]
    dining.add("xiaolongbao", seat=1, modifier_ids=(sauce,), note="少放醋 🥟 please")
    dining.add("mouth_watering_chicken", quantity=2)  # for the table
    view = dining.add(
        "mapo_tofu", seat=3, modifier_ids=(dining.modifiers[("spice_level", "mild")],)
    )

    assert (view.table_label, view.guests) == ("1", 4)
    assert (view.waiter_name, view.waiter_number) == ("张伟 Zhang Wei", "W01")
    assert view.stage == PartyStage.SEATED and view.sends == 0
    dumplings, chicken, tofu = view.lines
    assert (dumplings.seat, dumplings.course_code, dumplings.quantity) == (1, "staple", 1)
    assert [m.name_zh for m in dumplings.modifiers] == ["芝麻酱"]
    assert dumplings.unit_price_minor == 3200 + 300  # the sesame paste costs 3 yuan more
    assert dumplings.note == "少放醋 🥟 please"  # verbatim
    assert [a.value for a in dumplings.allergens] == ["gluten", "soy"]
    assert chicken.seat is None and chicken.course_code == "cold"
    assert chicken.total_minor == 2 * chicken.unit_price_minor
    assert tofu.station == "hot_kitchen" and not tofu.sent and not tofu.voided
    assert view.new_lines == view.lines
    assert view.total_minor == sum(line.total_minor for line in view.lines)
    assert dumplings.added_by == "张伟 Zhang Wei (W01)"


def test_a_line_can_go_out_with_another_course(dining: Dining) -> None:
    courses = {c.code: c.id for c in course_choices(dining.store)}
    assert list(courses) == ["drinks", "cold", "soup", "main", "staple", "dessert"]
    # Dumplings for seat 2, who wants them with the cold dishes.
    view = dining.add(
        "xiaolongbao",
        seat=2,
        course_id=courses["cold"],
        modifier_ids=(dining.modifiers[("dipping_sauce", "chili_oil")],),
    )
    assert view.lines[0].course_code == "cold"


def test_the_read_back_groups_new_lines_by_course_then_seat(dining: Dining) -> None:
    dining.add("mapo_tofu", seat=2, modifier_ids=(dining.modifiers[("spice_level", "hot")],))
    dining.add("smashed_cucumber")  # the table's
    dining.add("jasmine_tea", seat=1)
    dining.add("steamed_sea_bass", seat=1)
    view = dining.add("wood_ear_salad", seat=4)
    groups = view.read_back()
    assert [g.course_code for g in groups] == ["drinks", "cold", "main"]
    cold = groups[1]
    assert [s.seat for s in cold.seats] == [4, None]  # the shared dishes after the seats
    assert [s.seat for s in groups[2].seats] == [1, 2]
    dining.send(view)
    view = dining.add("egg_tarts", seat=3)
    assert [g.course_code for g in view.read_back()] == ["dessert"]  # only what is new


def test_changing_a_new_line_keeps_it_new_and_audited(dining: Dining) -> None:
    line = dining.add("jasmine_tea", seat=1).lines[0]
    view = change_line(
        dining.store,
        dining.waiter,
        ChangeLine(
            line_id=line.id,
            version=line.version,
            quantity=3,
            seat=None,
            course_id=line.course_id,
            note="一壶 one pot",
        ),
    )
    changed = view.lines[0]
    assert (changed.quantity, changed.seat, changed.note) == (3, None, "一壶 one pot")
    assert changed.version == line.version + 1 and not changed.sent
    with dining.store.read() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "order.line_changed"))
        assert event is not None and json.loads(event.detail)["before"]["quantity"] == 1


def test_removing_a_new_line_deletes_it_and_keeps_an_audit_record(dining: Dining) -> None:
    line = dining.add("jasmine_tea", seat=1).lines[0]
    view = remove_line(
        dining.store, dining.waiter, RemoveLine(line_id=line.id, version=line.version)
    )
    assert view.lines == ()
    with dining.store.read() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "order.line_removed"))
        assert event is not None and event.actor_id == dining.waiter
        assert json.loads(event.detail)["name"] == "Jasmine tea, pot"


def test_a_sent_line_cannot_be_removed_or_changed(dining: Dining) -> None:
    line = dining.add("jasmine_tea", seat=1).lines[0]
    dining.send()
    line = dining.order().lines[0]
    before = dining.snapshot()
    with pytest.raises(DomainError, match="void it instead"):
        remove_line(dining.store, dining.waiter, RemoveLine(line_id=line.id, version=line.version))
    with pytest.raises(DomainError, match="void it and add the right one"):
        change_line(
            dining.store,
            dining.waiter,
            ChangeLine(line_id=line.id, version=line.version, quantity=2, course_id=line.course_id),
        )
    assert dining.snapshot() == before


def test_an_add_retried_with_the_same_id_is_one_line(dining: Dining) -> None:
    client_line_id = new_id()
    first = dining.add("jasmine_tea", seat=1, client_line_id=client_line_id)
    again = dining.add("jasmine_tea", seat=1, client_line_id=client_line_id)
    assert first == again and len(again.lines) == 1


def test_a_greeter_or_cashier_does_not_take_orders(dining: Dining) -> None:
    before = dining.snapshot()
    for number in ("G01", "C01"):
        with pytest.raises(NotAllowed):
            dining.add("jasmine_tea", by=number)
    assert dining.snapshot() == before


# ---- bad input: a clear message, and nothing changed ------------------------------------


def _sold_out(dining: Dining) -> dict[str, Any]:
    set_in_stock(
        dining.store,
        dining.staff["S01"],
        SetInStock(item_id=dining.items["peking_duck_half"], in_stock=False),
    )
    return {"code": "peking_duck_half"}


BAD_INPUT: list[tuple[str, dict[str, Any], str]] = [
    ("quantity 0", {"quantity": 0}, "Quantity 0 is not possible: enter 1 to 99."),
    ("negative", {"quantity": -2}, "Quantity -2 is not possible: enter 1 to 99."),
    ("absurd", {"quantity": 10_000}, "Quantity 10000 is not possible: enter 1 to 99."),
    ("text", {"quantity": "2"}, "The quantity must be a whole number from 1 to 99."),
    ("emoji quantity", {"quantity": "🍜"}, "The quantity must be a whole number from 1 to 99."),
    ("seat 5 of 4", {"seat": 5}, "Seat 5 is not at this table: the party has 4 guests."),
    ("seat 0", {"seat": 0}, "A seat is a guest's number from 1, or the whole table."),
    ("emoji seat", {"seat": "🪑"}, "A seat is a guest's number from 1, or the whole table."),
    (
        "long note",
        {"note": "辣" * 5000},
        "That is too long: at most 1000 characters (this has 5000).",
    ),
    (
        "printer command in note",
        {"note": "no ice\x1b@"},
        "The text holds invisible control characters: type it again.",
    ),
    ("no sauce", {"code": "xiaolongbao"}, "Choose Dipping sauce for Shanghai soup dumplings (8)."),
    ("unknown dish", {"code": "__unknown__"}, "That dish is not on the menu."),
    (
        "86",
        {"sold_out": True},
        "Peking duck, half, with pancakes is sold out (86).",
    ),
    ("foreign choice", {"foreign": True}, "does not go with"),
    ("unknown course", {"course_id": 9999}, "That course is not on the menu."),
]


@pytest.mark.parametrize(("case", "fields", "message"), BAD_INPUT, ids=[c for c, _, _ in BAD_INPUT])
def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(
    dining: Dining, case: str, fields: dict[str, Any], message: str
) -> None:
    dining.add("jasmine_tea", seat=1)  # something on the order already
    fields = dict(fields)
    code = fields.pop("code", "mapo_tofu")
    if fields.pop("sold_out", False):
        code = _sold_out(dining)["code"]
    if fields.pop("foreign", False):
        fields["modifier_ids"] = (dining.modifiers[("ice", "no_ice")],)
    if code == "mapo_tofu" and "modifier_ids" not in fields:
        fields["modifier_ids"] = (dining.modifiers[("spice_level", "mild")],)
    before = dining.snapshot()
    with pytest.raises(DomainError) as refused:
        if code == "__unknown__":
            dining.items[code] = 999_999
        dining.add(code, **fields)
    assert message in str(refused.value), case
    assert dining.snapshot() == before


def test_a_party_that_is_not_at_a_table_cannot_order(dining: Dining) -> None:
    with pytest.raises(NotFound):
        dining.add("jasmine_tea", party_id=999_999)


def test_a_change_made_on_a_stale_copy_is_refused(dining: Dining) -> None:
    line = dining.add("jasmine_tea", seat=1).lines[0]
    stale = ChangeLine(line_id=line.id, version=line.version, quantity=2, course_id=line.course_id)
    change_line(dining.store, dining.waiter, stale)
    before = dining.snapshot()
    with pytest.raises(Conflict, match="just changed on another tablet"):
        change_line(dining.store, dining.waiter, stale.model_copy(update={"quantity": 5}))
    with pytest.raises(Conflict, match="just changed on another tablet"):
        remove_line(dining.store, dining.waiter, RemoveLine(line_id=line.id, version=line.version))
    assert dining.snapshot() == before


def test_changing_the_choices_of_a_new_line_reprices_it(dining: Dining) -> None:
    mods = dining.modifiers
    line = dining.add("xiaolongbao", seat=1, modifier_ids=(mods[("dipping_sauce", "chili_oil")],))
    line = line.lines[0]
    assert line.unit_price_minor == 3200
    command = ChangeLine(
        line_id=line.id,
        version=line.version,
        quantity=2,
        seat=1,
        course_id=line.course_id,
        modifier_ids=(mods[("dipping_sauce", "sesame_paste")],),
    )
    view = change_line(dining.store, dining.waiter, command)
    changed = view.lines[0]
    assert [m.name_en for m in changed.modifiers] == ["Sesame paste"]
    assert (changed.unit_price_minor, changed.total_minor) == (3500, 7000)
    before = dining.snapshot()
    with pytest.raises(DomainError, match="Choose Dipping sauce for Shanghai soup dumplings"):
        change_line(
            dining.store,
            dining.waiter,
            command.model_copy(update={"version": changed.version, "modifier_ids": ()}),
        )
    assert dining.snapshot() == before
