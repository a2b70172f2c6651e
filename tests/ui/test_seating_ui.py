"""Seating through the real app, with taps: the supervisor puts waiters on sections, the
greeter seats a party of four at a proposed table, and that section's waiter sees the new
table on their own screen. Plus the floor plan with many states, in English and Chinese."""

from __future__ import annotations

from kivy.uix.label import Label
from sqlalchemy import select

from models import Party, PartyStage, TableOccupancy
from screens.floor.greeting import WaitingRow
from screens.home import HomeTile
from services.floor.guest_input import PartyDetails
from services.floor.seating import SeatParty, seat_party
from tests.ui.conftest import Driver
from tests.ui.seating_setup import (
    busy_floor,
    open_gate_today,
    out_of_service,
    staff_ids,
    staff_sections,
    table_ids,
)

GREETER = ("Liu Yang", "5555")  # 刘洋, G01
SUPERVISOR = ("Chen Hao", "7777")  # 陈浩, S02
WAITERS = {"W01": ("Zhang Wei", "1111"), "W02": ("Wang Fang", "2222"), "W03": ("Sun Lei", "3333")}


def _home_tiles(ui: Driver) -> list[str]:
    return [t.text for t in ui.find(HomeTile)]


def _sign_out(ui: Driver) -> None:
    ui.tap(ui.header("sign_out_button"))
    assert ui.screen.name == "login"


def test_the_greeter_seats_four_and_the_sections_waiter_sees_the_table(ui: Driver) -> None:
    store = ui.app.store
    open_gate_today(store)
    # The supervisor puts the waiters on their sections for this service, by tapping.
    ui.sign_in(*SUPERVISOR)
    ui.tap(ui.button_with_text("Sections for the service"))
    assert ui.screen.name == "stations"
    sections = {line.section_en: line.section_id for line in ui.screen.roster.lines}
    for section, waiter in (("Main hall", "W01"), ("Window", "W02"), ("Private rooms", "W03")):
        ui.tap(ui.ids(f"assign_{sections[section]}_{waiter}"))
    assert "has Private rooms" in ui.message()
    assert [line.waiter_number for line in ui.screen.roster.lines] == ["W01", "W02", "W03"]
    ui.screenshot("stations-en")
    _sign_out(ui)

    # The greeter: "how many?" - four; the best table is proposed first; one tap seats them.
    ui.sign_in(*GREETER)
    assert _home_tiles(ui)[:2] == ["Greet a party", "Floor plan"]  # the greeter's main job first
    ui.tap(ui.button_with_text("Greet a party"))
    assert ui.screen.name == "greeting"
    ui.tap(ui.ids("size_4"))
    first = ui.screen.proposals.tables[0]
    assert (first.number, first.seats, first.waiter_number) == ("1", 4, "W01")
    assert "Table 1" in ui.ids("proposal_0").text and "Zhang Wei" in ui.ids("proposal_0").text
    ui.screenshot("greeting-en")
    ui.tap(ui.ids("proposal_0"))
    assert "Party of 4 seated at table 1" in ui.message() and "(W01)" in ui.message()
    with store.read() as s:
        party = s.scalar(select(Party))
        occupancy = s.scalar(select(TableOccupancy))
    assert party is not None and party.size == 4 and party.stage == PartyStage.SEATED
    assert occupancy is not None and occupancy.table_id == table_ids(store)["1"]
    assert party.waiter_id == staff_ids(store)["W01"]
    # The greeter's floor shows it, in colour and in words.
    ui.tap(ui.header("home_button"))
    ui.tap(ui.button_with_text("Floor plan"))
    tile = ui.screen.ids.plan.tiles[table_ids(store)["1"]]
    assert "Seated" in tile.text and "4 guests" in tile.text and "Zhang Wei" in tile.text
    _sign_out(ui)

    # Zhang Wei, the hall's waiter, sees the new table on his own screen.
    ui.sign_in(*WAITERS["W01"])
    assert "My tables" in _home_tiles(ui)
    ui.tap(ui.button_with_text("My tables"))
    assert ui.screen.name == "my_tables"
    row = ui.ids("table_1")
    assert "NEW" in row.facts.text and "4 guests" in row.facts.text
    assert "Main hall" in ui.ids("sections_line").text
    ui.tap(ui.ids("check_in_button"))
    assert "Checked in at" in ui.message()
    ui.screenshot("my-tables-en")
    _sign_out(ui)
    # Wang Fang (window) has nothing of it.
    ui.sign_in(*WAITERS["W02"])
    ui.tap(ui.button_with_text("My tables"))
    assert "table_1" not in ui.screen.ids
    assert "No guests at your tables yet." in [w.text for w in ui.screen.ids.tables.children]


def test_a_table_taken_on_another_tablet_is_refused_and_the_floor_is_fresh(ui: Driver) -> None:
    store = ui.app.store
    open_gate_today(store)
    staff_sections(store, {"hall": "W01", "window": "W02", "private": "W03"})
    ui.sign_in(*GREETER)
    ui.tap(ui.button_with_text("Greet a party"))
    ui.tap(ui.ids("size_4"))
    assert ui.screen.proposals.tables[0].number == "1"
    # Meanwhile the greeter's other tablet seats a couple at table 1.
    seat_party(
        store,
        staff_ids(store)["G01"],
        SeatParty(table_ids=[table_ids(store)["1"]], guests=PartyDetails(size=2)),
    )
    ui.tap(ui.ids("proposal_0"))
    assert "Table 1 is taken" in ui.message()
    # The proposals were read again: table 1 is no longer offered.
    assert "1" not in [t.number for t in ui.screen.proposals.tables]
    with store.read() as s:
        assert len(s.scalars(select(Party)).all()) == 1


def test_a_large_party_waits_in_line_and_is_seated_at_joined_tables(ui: Driver) -> None:
    store = ui.app.store
    open_gate_today(store)
    staff_sections(store, {"hall": "W01", "window": "W02", "private": "W03"})
    ui.sign_in(*GREETER)
    ui.tap(ui.button_with_text("Greet a party"))
    ui.tap(ui.ids("size_12"))
    ui.tap(ui.ids("size_up"))
    ui.tap(ui.ids("size_up"))  # fourteen: no single table fits, neighbours to join do
    assert ui.screen.guests == 14 and ui.screen.proposals.tables == []
    assert "Table 5 + 9" in ui.ids("proposal_0").text
    # They would rather wait (a private room may free up): name kept exactly as typed.
    ui.ids("name_input").insert_text("林 🎂'; DROP TABLE party;--")
    ui.tap(ui.ids("waitlist_button"))
    assert "is number 1 on the waitlist" in ui.message()
    with store.read() as s:
        waiting = s.scalar(select(Party))
    assert waiting is not None and waiting.name == "林 🎂'; DROP TABLE party;--"
    assert waiting.stage == PartyStage.WAITING
    texts = [w.text for w in ui.screen.ids.line.walk() if isinstance(w, Label)]
    assert any("waiting 0 min" in text for text in texts)
    ui.screenshot("waitlist-en")
    # The line offers them the joined tables; one tap seats them there, in turn.
    # The line is a RecycleView: its rows are found by the party they show.
    (row,) = ui.find(WaitingRow, lambda r: r.party_id == waiting.id)
    seat = row.ids.seat_button
    assert "5 + 9" in seat.text
    ui.tap(seat)
    assert "Party of 14 seated at table 5 + 9" in ui.message()
    with store.read() as s:
        party = s.get(Party, waiting.id)
        tables = s.scalars(select(TableOccupancy.table_id)).all()
    assert party is not None and party.stage == PartyStage.SEATED
    assert sorted(tables) == sorted([table_ids(store)["5"], table_ids(store)["9"]])
    assert "Nobody is waiting." in [
        w.text for w in ui.screen.ids.line.walk() if isinstance(w, Label)
    ]


def test_the_floor_shows_every_state_in_words_and_colour_in_both_languages(ui: Driver) -> None:
    store = ui.app.store
    open_gate_today(store)
    staff_sections(store, {"hall": "W01", "window": "W02", "private": "W03"})
    busy_floor(
        store,
        [
            ("1", 4, 12, None),
            ("2", 3, 35, PartyStage.ORDERED),
            ("5", 6, 48, PartyStage.EATING),
            ("7", 5, 70, PartyStage.BILL_REQUESTED),
            ("9", 8, 85, PartyStage.PAID),
            ("11", 2, 95, PartyStage.LEFT),
            ("21", 2, 20, PartyStage.EATING),
            ("23", 4, 5, None),
            ("VIP1", 11, 60, PartyStage.EATING),
        ],
    )
    out_of_service(store, "16", "wobbly leg")
    ui.sign_in(*SUPERVISOR)
    ui.tap(ui.button_with_text("Floor plan"))
    tiles = {t.number: ui.screen.ids.plan.tiles[t.id] for t in ui.screen.view.tables}
    expected = {
        "1": "Seated",
        "2": "Ordered",
        "5": "Eating",
        "7": "Bill requested",
        "9": "Paid",
        "11": "Needs reset",
        "16": "Out of service",
        "3": "Free",
    }
    for number, word in expected.items():
        assert word in tiles[number].text, (number, tiles[number].text)
    assert tiles["7"].fill != tiles["5"].fill != tiles["3"].fill
    ui.tap(tiles["7"])
    assert "Table 7" in ui.screen.title_text and "party of 5" in ui.screen.detail_text
    ui.screenshot("floor-en")
    ui.tap(ui.header("lang_button"))
    assert "要结账" in tiles["7"].text and "待翻台" in tiles["11"].text
    ui.screenshot("floor-zh")
    ui.tap(ui.header("lang_button"))

    # Paid guests leave; the table needs a reset; the reset confirms the belongings check
    # and logs what was found.
    ui.tap(tiles["9"])
    ui.tap(ui.button_with_text("Guests have left"))
    assert "Needs reset" in tiles["9"].text
    ui.tap(ui.button_with_text("Reset table"))  # table 9 is still the one tapped
    assert ui.screen.name == "reset_tables"
    ui.tap(ui.ids("reset_button"))
    assert "forgotten belongings first" in ui.message()
    ui.ids("found_input").insert_text("black umbrella")
    ui.tap(ui.ids("keeper_S01"))
    ui.tap(ui.ids("add_found_button"))
    ui.tap(ui.ids("reset_button"))
    assert "Table 9 is ready for the next party" in ui.message()
    assert "1 found items logged" in ui.message()
    ui.screenshot("reset-en")
    ui.tap(ui.header("home_button"))
    ui.tap(ui.button_with_text("Lost and found"))
    item = next(w for name, w in ui.screen.ids.items() if name.startswith("item_"))
    assert "black umbrella" in item.text and "Li Na" in item.text
    ui.tap(item)
    ui.ids("returned_to_input").insert_text("Mr Lin")
    ui.tap(ui.ids("return_button"))
    assert "given back to Mr Lin" in ui.message()
    ui.screenshot("lost-and-found-en")


def test_moving_a_party_on_the_floor_keeps_the_party(ui: Driver) -> None:
    store = ui.app.store
    open_gate_today(store)
    staff_sections(store, {"hall": "W01", "window": "W02", "private": "W03"})
    busy_floor(store, [("2", 3, 10, PartyStage.ORDERED)])
    ui.sign_in(*GREETER)
    ui.tap(ui.button_with_text("Floor plan"))
    tables = table_ids(store)
    plan = ui.screen.ids.plan
    ui.tap(plan.tiles[tables["2"]])
    ui.tap(ui.button_with_text("Move party"))
    assert "Tap the free table" in ui.screen.ids.actions.children[-1].text
    ui.tap(plan.tiles[tables["3"]])
    assert "now at table 3" in ui.message()
    assert "Ordered" in plan.tiles[tables["3"]].text
    assert "Needs reset" in plan.tiles[tables["2"]].text
    with store.read() as s:
        assert len(s.scalars(select(Party)).all()) == 1


def test_a_supervisor_takes_a_table_out_of_service_and_back(ui: Driver) -> None:
    store = ui.app.store
    open_gate_today(store)
    ui.sign_in(*SUPERVISOR)
    ui.tap(ui.button_with_text("Floor plan"))
    tile = ui.screen.ids.plan.tiles[table_ids(store)["8"]]
    ui.tap(tile)
    ui.ids("reason_input").insert_text("leak from the ceiling")
    ui.screen.refresh()  # the floor refreshing by itself must not lose what is being typed
    assert ui.ids("reason_input").text == "leak from the ceiling"
    ui.tap(ui.button_with_text("Out of service"))
    assert "Table 8 is out of service." in ui.message()
    assert "Out of service" in tile.text and "leak from the ceiling" in tile.text
    ui.tap(ui.button_with_text("Back in service"))
    assert "Table 8 is back in service." in ui.message()
    assert "Free" in tile.text
