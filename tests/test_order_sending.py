"""Sending the order after the read-back (第7条 ④, 第8条): one transaction records the send,
queues the dispatch slip and a kitchen ticket per station, and moves the party to "ordered";
the same send tried twice is one send. On SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Course, OrderSend, PartyStage, PrintJob
from services.errors import Conflict, DomainError
from services.menu.catalog import SetInStock, set_in_stock
from services.orders.sending import LineSeen, SendOrder, send_order
from services.printing.spooler import PrintSpooler
from tests.order_support import Dining, dining, new_id
from tests.ticket_samples import file_setup

_ = dining  # a fixture, used by name


def _four_guests(dining: Dining) -> None:
    """Drinks, a shared cold dish, mains for two seats, dumplings with a sauce and a note."""
    mods = dining.modifiers
    dining.add("jasmine_tea")
    dining.add("mouth_watering_chicken", note="少辣 🌶️ no coriander")
    dining.add("mapo_tofu", seat=2, modifier_ids=(mods[("spice_level", "hot")],))
    dining.add("steamed_sea_bass", seat=3)
    dining.add(
        "xiaolongbao", seat=4, quantity=2, modifier_ids=(mods[("dipping_sauce", "chili_oil")],)
    )


def _course_ids(dining: Dining, *codes: str) -> tuple[int, ...]:
    with dining.store.read() as s:
        return tuple(s.scalar(select(Course.id).where(Course.code == code)) for code in codes)


def test_a_send_queues_the_slip_and_one_ticket_per_station_in_one_go(dining: Dining) -> None:
    _four_guests(dining)
    # Mains and staples would be held for later (第8条 ①); the waiter sends them "fire now",
    # so every course goes at once: one ticket per station.
    view = dining.order()
    sent = send_order(
        dining.store,
        dining.waiter,
        SendOrder(
            client_send_id=new_id(),
            party_id=dining.party_id,
            lines=tuple(LineSeen(line_id=li.id, version=li.version) for li in view.new_lines),
            rush=True,
            fire_now=_course_ids(dining, "main", "staple"),
        ),
    )

    assert sent.number == 1 and sent.order_ref == f"{dining.party_id}-1" and sent.rush
    assert set(sent.print_jobs) == {"cashier", "bar", "cold_kitchen", "hot_kitchen"}
    view = dining.order()
    assert view.stage == PartyStage.ORDERED and view.sends == 1
    assert all(line.sent and line.send_number == 1 for line in view.lines)
    assert view.new_lines == ()

    jobs = dining.jobs()
    assert [(station, kind) for station, kind, _ in jobs] == [
        ("cashier", "dispatch_slip"),
        ("bar", "kitchen_ticket"),
        ("cold_kitchen", "kitchen_ticket"),
        ("hot_kitchen", "kitchen_ticket"),
    ]
    slip = jobs[0][2]
    assert len(slip["lines"]) == 5 and slip["table_number"] == "1" and slip["guests"] == 4
    assert sum(line["line_total_minor"] for line in slip["lines"]) == view.total_minor
    hot = jobs[3][2]
    assert hot["rush"] and hot["sent_by"] == {"name": "张伟 Zhang Wei", "number": "W01"}
    assert datetime.fromisoformat(hot["sent_at"]) == sent.sent_at
    # Course order, then seat; every line with its seat, quantity, choices and allergens.
    assert [(line["name_en"][:8], line["seat"], line["quantity"]) for line in hot["lines"]] == [
        ("Mapo tof", 2, 1),
        ("Steamed ", 3, 1),
        ("Shanghai", 4, 2),
    ]
    assert hot["lines"][2]["modifiers"][0]["name_zh"] == "红油"
    assert "soy" in hot["lines"][2]["allergens"]
    cold = jobs[2][2]
    assert cold["lines"][0]["note"] == "少辣 🌶️ no coriander" and cold["lines"][0]["seat"] is None


def test_the_same_send_tried_twice_is_one_send_with_one_set_of_tickets(dining: Dining) -> None:
    _four_guests(dining)
    seen = dining.order()
    client_send_id = new_id()
    first = dining.send(seen, client_send_id=client_send_id)
    # A double tap, or a retry after a time-out: the same id, the same lines.
    again = dining.send(seen, client_send_id=client_send_id)
    assert again.repeated and not first.repeated
    assert again.model_dump(exclude={"repeated"}) == first.model_dump(exclude={"repeated"})
    with dining.store.read() as s:
        assert s.scalar(select(func.count()).select_from(OrderSend)) == 1
        # The slip, the bar and the cold kitchen: the hot mains are held for later, so the
        # hot kitchen's ticket prints when the waiter fires them (services/serving/).
        assert s.scalar(select(func.count()).select_from(PrintJob)) == 3


def test_a_second_round_is_send_two_and_leaves_the_first_alone(dining: Dining) -> None:
    dining.add("jasmine_tea")
    dining.send()
    dining.add("egg_tarts", seat=1)
    sent = dining.send()
    assert sent.number == 2 and set(sent.print_jobs) == {"cashier", "pastry"}
    view = dining.order()
    assert [line.send_number for line in view.lines] == [1, 2]
    assert view.stage == PartyStage.ORDERED


def test_lines_sent_already_cannot_be_sent_again_under_another_id(dining: Dining) -> None:
    dining.add("jasmine_tea")
    seen = dining.order()
    dining.send(seen)
    before = dining.snapshot()
    with pytest.raises(Conflict, match="just changed on another tablet"):
        dining.send(seen)  # a new id, but the read-back it was built on is stale
    assert dining.snapshot() == before


def test_nothing_new_to_send_is_said_plainly(dining: Dining) -> None:
    before = dining.snapshot()
    with pytest.raises(DomainError, match="nothing new to send"):
        dining.send()
    assert dining.snapshot() == before


def test_a_dish_86d_after_it_was_added_is_not_sent(dining: Dining) -> None:
    dining.add("jasmine_tea")
    dining.add("peking_duck_half", seat=1)
    set_in_stock(
        dining.store,
        dining.staff["S01"],
        SetInStock(item_id=dining.items["peking_duck_half"], in_stock=False),
    )
    before = dining.snapshot()
    with pytest.raises(DomainError, match=r"sold out \(86\)"):
        dining.send()
    assert dining.snapshot() == before  # not even the tea went: the send is all or nothing


def test_only_the_lines_read_back_are_sent(dining: Dining) -> None:
    dining.add("jasmine_tea")
    read_back = dining.order()
    dining.add("coca_cola", seat=2, by="W02")  # another waiter adds meanwhile
    sent = dining.send(read_back)
    view = dining.order()
    assert len(sent.line_ids) == 1
    assert [line.name_en for line in view.new_lines] == ["Coca-Cola, can"]


def test_a_line_of_another_table_cannot_ride_along(dining: Dining) -> None:
    other = dining.floor.seat(2, "2")
    line = dining.add("jasmine_tea", party_id=other.party_id).lines[0]
    before = dining.snapshot()
    command = SendOrder(
        client_send_id=new_id(),
        party_id=dining.party_id,
        lines=(LineSeen(line_id=line.id, version=line.version),),
    )
    with pytest.raises(DomainError, match="another table"):
        send_order(dining.store, dining.waiter, command)
    assert dining.snapshot() == before


def test_chinese_and_emoji_notes_print_with_a_placeholder_for_the_emoji(
    dining: Dining, tmp_path: Path
) -> None:
    dining.add("smashed_cucumber", note="不要香菜 🎂 birthday")
    dining.send()
    stored = dining.order().lines[0].note
    assert stored == "不要香菜 🎂 birthday"
    spooler = PrintSpooler(dining.store, file_setup(tmp_path, "cashier", "cold_kitchen"))
    assert len(spooler.run_once()) == 2
    paper = (tmp_path / "cold_kitchen.prn").read_bytes()
    assert "不要香菜".encode("gb18030") in paper
    assert b"[birthday cake]" in paper and b"birthday" in paper
