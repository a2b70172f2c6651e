"""Issue 12 points 13 and 14, by touch: one language per screen, one way to show a person,
and an audit log whose details a manager reads.

A Chinese screen names sections, services, dishes, choice groups and void reasons in
Chinese only; an English screen in English only. A person is shown whole, as the staff
list holds them ("张伟 Zhang Wei"), in both languages and on every screen. The audit
event's details are labelled facts in words: no action code, no stored key.
"""

from __future__ import annotations

import re
from typing import Any

from screens.audit_log import AuditEventPopup, AuditRow
from tests.ui.conftest import Driver
from tests.ui.dining_support import (
    SUPERVISOR,
    dialogs,
    open_order,
    seated_table_one,
    void_first_line,
    wait,
)
from tests.ui.seating_setup import table_ids
from tests.ui.test_serving_ui import Kitchen

MANAGER = ("Wang Jianguo", "9999")
COOK = ("Chen Shifu", "0000")
ZHANG_WEI = "张伟 Zhang Wei"
# What a raw code looks like: "party.seated", "waited_seconds", "menu_item".
CODE = re.compile(r"\b[a-z]+(?:[._][a-z]+)+\b")


def _to(ui: Driver, lang: str) -> None:
    if ui.app.localizer.lang != lang:
        ui.tap(ui.header("lang_button"))
    ui.idle()


def _english_only(pairs: list[tuple[str, str]]) -> list[str]:
    """The English names that a Chinese screen must not show (those with a Chinese one)."""
    return [en for en, zh in pairs if zh and zh != en]


def _texts(widget: Any) -> str:
    return " | ".join(
        str(w.text) for w in widget.walk() if isinstance(getattr(w, "text", None), str)
    )


def test_the_floor_names_sections_and_services_in_one_language_and_people_one_way(
    ui: Driver,
) -> None:
    kitchen = Kitchen(ui.app.store)  # seating open, the three sections staffed
    kitchen.seat("1", 4)
    ui.sign_in(*SUPERVISOR)
    ui.tap(ui.button_with_text("Floor plan"))
    view = ui.screen.view
    names = [(s.name_en, s.name_zh) for s in view.sections]
    names.append((view.service.name_en, view.service.name_zh))
    table = table_ids(ui.app.store)["1"]

    _to(ui, "zh")
    roster = _texts(ui.ids("roster"))
    assert not [en for en in _english_only(names) if en in roster], roster
    assert all(zh in roster for _, zh in names), roster
    assert ZHANG_WEI in roster  # the section's waiter, whole, on a Chinese chip
    tile = ui.screen.ids.plan.tiles[table]
    assert ZHANG_WEI in tile.text or "W01" in tile.text, tile.text
    ui.tap(tile)
    about = f"{ui.screen.title_text}\n{ui.screen.detail_text}"
    assert not [en for en in _english_only(names) if en in about], about
    assert f"{ZHANG_WEI} (W01)" in about
    ui.screenshot("languages-floor-zh")

    _to(ui, "en")
    roster = _texts(ui.ids("roster"))
    assert not [zh for _, zh in names if zh in roster], roster
    assert ZHANG_WEI in roster  # the same person, the same way, in English
    about = f"{ui.screen.title_text}\n{ui.screen.detail_text}"
    assert f"{ZHANG_WEI} (W01)" in about
    ui.screenshot("languages-floor-en")


def test_a_kitchen_ticket_shows_its_choice_and_course_in_the_reader_s_language(
    ui: Driver,
) -> None:
    kitchen = Kitchen(ui.app.store)
    party = kitchen.seat("3", 2)
    kitchen.send(party, [("kung_pao_chicken", 1, "", (("spice_level", "mild"),))])
    ui.sign_in(*COOK)
    ui.tap(ui.button_with_text("Kitchen display"))
    (ticket,) = [t for t in ui.screen.board.tickets if t.table_label == "3"]

    _to(ui, "zh")
    card = _texts(ui.screen.ids[f"ticket_{ticket.id}"])
    assert "微辣" in card and "Mild" not in card, card
    assert ticket.course_name_zh in card and ticket.course_name_en not in card, card
    assert ZHANG_WEI in card, card  # who sent it: whole, as everywhere
    ui.screenshot("languages-ticket-zh")

    _to(ui, "en")
    card = _texts(ui.screen.ids[f"ticket_{ticket.id}"])
    assert "Mild" in card and "微辣" not in card, card
    assert ticket.course_name_en in card and ticket.course_name_zh not in card, card
    assert ZHANG_WEI in card, card


def test_a_refused_dish_names_the_dish_and_its_choice_group_in_one_language(
    ui: Driver,
) -> None:
    from screens.orders.order import MenuItemButton
    from tests.ui.dining_support import item

    seated_table_one(ui.app.store, empty=True)
    open_order(ui)
    ui.tap(ui.button_with_text("Seat 1"))
    ui.ids("search").insert_text("mapo")
    mapo = item(ui.app.store, "mapo_tofu")
    _to(ui, "zh")
    ui.tap(ui.find(MenuItemButton, lambda b: b.item_id == mapo)[0])
    (choices,) = dialogs()
    ui.tap(choices.ids.add_button)  # the spice level is required: refused
    said = choices.message
    assert "辣度" in said and "麻婆豆腐" in said, said
    assert "Spice level" not in said and "Mapo tofu" not in said, said
    ui.screenshot("languages-choices-refused-zh")
    ui.tap(choices.ids.cancel_button)
    assert wait(ui, lambda: dialogs() == [])
    _to(ui, "en")


def _event(ui: Driver, action: str, screenshot: str = "") -> str:
    """Tap the newest event of that action; the popup's text, closed again."""
    ui.idle()
    row = next(r for r in ui.find(AuditRow) if r.action == action)
    ui.tap(row)
    (popup,) = dialogs()
    assert isinstance(popup, AuditEventPopup)
    text = str(popup.ids.facts.text)
    if screenshot:
        ui.screenshot(screenshot)
    ui.tap(popup.ids.close_button)
    assert wait(ui, lambda: dialogs() == [])
    return text


def test_an_audit_event_s_details_are_labelled_in_words_in_both_languages(
    ui: Driver,
) -> None:
    store = ui.app.store
    party = seated_table_one(store, sent=True)
    void_first_line(store, party)
    ui.sign_in(*MANAGER)
    ui.tap(ui.button_with_text("Audit log"))

    seated = _event(ui, "party.seated")
    assert "Guests: 4" in seated and "Waited: " in seated, seated
    assert not CODE.findall(seated), seated
    voided = _event(ui, "order.line_voided", "languages-audit-event-en")
    assert "Reason: Guest changed their mind" in voided and "客人" not in voided, voided
    assert "Send number: 1" in voided and not CODE.findall(voided), voided

    _to(ui, "zh")
    seated = _event(ui, "party.seated")
    assert "人数：4" in seated and "等候时长：" in seated, seated
    assert not CODE.findall(seated) and "Guests" not in seated, seated
    voided = _event(ui, "order.line_voided", "languages-audit-event-zh")
    assert "原因：客人改变主意" in voided and "Guest changed" not in voided, voided
    assert not CODE.findall(voided), voided
    _to(ui, "en")


def test_resetting_a_table_and_the_lost_and_found_show_people_whole_in_chinese(
    ui: Driver,
) -> None:
    from models import PartyStage
    from tests.ui.seating_setup import busy_floor, open_gate_today

    store = ui.app.store
    open_gate_today(store)
    busy_floor(store, [("2", 2, 50, PartyStage.LEFT)])
    ui.sign_in(*SUPERVISOR)
    ui.tap(ui.button_with_text("Reset tables"))
    _to(ui, "zh")
    ui.tap(ui.ids("reset_choice_2"))
    keeper = ui.ids("keeper_S02")
    assert keeper.text == "陈浩 Chen Hao"  # as on every screen, in Chinese too
    ui.ids("found_input").insert_text("黑色雨伞")
    ui.tap(keeper)
    ui.tap(ui.ids("add_found_button"))
    assert "陈浩 Chen Hao" in ui.message() and "陈浩 Chen Hao" in ui.ids("found_line").text
    ui.tap(ui.ids("reset_button"))
    ui.screenshot("languages-reset-zh")
    ui.tap(ui.header("home_button"))
    ui.tap(ui.button_with_text("失物招领"))
    found = next(w for name, w in ui.screen.ids.items() if name.startswith("item_"))
    assert "黑色雨伞" in found.text
    assert "李娜 Li Na" in found.text and "陈浩 Chen Hao" in found.text, found.text
    ui.screenshot("languages-lost-and-found-zh")
    _to(ui, "en")
    found = next(w for name, w in ui.screen.ids.items() if name.startswith("item_"))
    assert "李娜 Li Na" in found.text and "陈浩 Chen Hao" in found.text, found.text


def test_a_screen_seen_before_a_switch_speaks_the_new_language_when_shown_again(
    ui: Driver,
) -> None:
    """The switch redraws only the screen in view; the others catch up when shown."""
    ui.sign_in(*MANAGER)
    ui.tap(ui.button_with_text("Floor plan"))
    assert "Free" in _texts(ui.screen)
    ui.tap(ui.header("home_button"))
    _to(ui, "zh")
    # Built and out of view, so not redrawn yet; home, in view, is.
    assert {"floor", "login"} == ui.app._language_behind
    ui.tap(ui.button_with_text("楼面图"))
    assert ui.screen.name == "floor"
    assert "空闲" in _texts(ui.screen) and "Free" not in _texts(ui.screen)
    assert ui.app._language_behind == {"login"}
