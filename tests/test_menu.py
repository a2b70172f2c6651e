"""The menu at the table: reading it, searching it, 86-ing dishes, and the checks every order
line must pass (quantities, sold-out dishes, required and foreign choices, notes)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from db.store import Store
from models import AuditEvent, MenuItem
from services.errors import DomainError, NotAllowed, NotFound
from services.menu import catalog as menu
from tests.demo_data import MANAGER, SUPERVISOR, WAITER, demo, item_id, modifier_id, staff_id

_ = demo  # a fixture: imported so that pytest finds it here


def check(store: Store, code: str, quantity: object = 1, *modifiers: int) -> menu.CheckedLine:
    with store.read() as s:
        return menu.check_line_choice(s, item_id(store, code), quantity, list(modifiers))


def refusal(store: Store, code: str, quantity: object = 1, *modifiers: int) -> str:
    with pytest.raises(DomainError) as caught:
        check(store, code, quantity, *modifiers)
    return str(caught.value)


# ---- reading the menu ------------------------------------------------------------------------


def test_menu_lists_categories_in_order_with_prices_courses_allergens_and_choices(
    demo: Store,
) -> None:
    categories = menu.menu(demo)
    assert [c.code for c in categories] == ["cold", "soup", "main", "staple", "dessert", "drink"]
    assert [c.station for c in categories][:2] == ["cold_kitchen", "hot_kitchen"]
    staples = {i.code: i for i in categories[3].items}
    dumplings = staples["xiaolongbao"]
    assert (dumplings.name_zh, dumplings.price_minor) == ("鲜肉小笼包（8只）", 3200)
    assert (dumplings.course_code, dumplings.course_name_zh) == ("staple", "主食")
    assert [a.value for a in dumplings.allergens] == ["gluten", "soy"]
    sauce = dumplings.modifier_groups[0]
    assert (sauce.code, sauce.required, sauce.max_choices) == ("dipping_sauce", True, 1)
    assert [m.code for m in sauce.modifiers][:2] == ["ginger_vinegar", "chili_oil"]
    noodles = staples["dan_dan_noodles"]
    assert [(g.code, g.required) for g in noodles.modifier_groups] == [
        ("spice_level", True),
        ("noodle_extras", False),
    ]
    assert all(i.in_stock for c in categories for i in c.items)
    assert set(menu.ALLERGEN_NAMES) == set(type(dumplings.allergens[0]))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("chicken", {"mouth_watering_chicken", "drunken_chicken", "kung_pao_chicken"}),
        ("CHICKEN chongqing", {"chongqing_chili_chicken"}),
        ("鸡", {"mouth_watering_chicken", "drunken_chicken", "kung_pao_chicken"}),
        ("小笼", {"xiaolongbao"}),
        ("Ｂｅｅｆ ｓｏｕｐ", {"west_lake_beef_soup"}),  # full-width, as a Chinese keyboard types
        ("  ", set()),
        ("'; DROP TABLE menu_item; --", set()),
        ("%", set()),
        ("_", set()),
        ("🌶️🍜", set()),
    ],
)
def test_search_by_english_or_chinese_name_any_case(
    demo: Store, typed: str, expected: set[str]
) -> None:
    found = {i.code for i in menu.search_menu(demo, typed)}
    if typed in ("chicken", "鸡"):
        assert expected <= found
    else:
        assert found == expected
    with demo.read() as s:  # SQL typed into the box was only ever text
        rows = s.scalar(select(func.count()).select_from(MenuItem))
    assert rows == sum(len(c.items) for c in menu.menu(demo)) > 50


def test_search_of_a_huge_string_is_cut_not_refused(demo: Store) -> None:
    assert menu.search_menu(demo, "x" * 100_000) == []


# ---- 86 ----------------------------------------------------------------------------------------


def test_supervisor_86s_a_dish_and_brings_it_back_audited(demo: Store) -> None:
    li_na = staff_id(demo, SUPERVISOR)
    duck = item_id(demo, "peking_duck_half")
    view = menu.set_in_stock(
        demo,
        li_na,
        menu.SetInStock(item_id=duck, in_stock=False, reason="last duck went at 19:40"),
    )
    assert view.in_stock is False
    assert refusal(demo, "peking_duck_half") == "Peking duck, half, with pancakes is sold out (86)."
    # Still on the menu (marked), so the waiter can tell the guest.
    mains = next(c for c in menu.menu(demo) if c.code == "main")
    assert not next(i for i in mains.items if i.id == duck).in_stock

    menu.set_in_stock(demo, staff_id(demo, MANAGER), menu.SetInStock(item_id=duck, in_stock=True))
    assert check(demo, "peking_duck_half").quantity == 1
    with demo.read() as s:
        actions = s.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "menu_item")
            .order_by(AuditEvent.id)
        ).all()
        detail = s.scalar(select(AuditEvent.detail).where(AuditEvent.action == "menu.sold_out"))
    assert actions == ["menu.sold_out", "menu.back_in_stock"]
    assert "last duck went at 19:40" in (detail or "")


def test_86_twice_changes_nothing_the_second_time(demo: Store) -> None:
    li_na = staff_id(demo, SUPERVISOR)
    duck = item_id(demo, "peking_duck_half")
    sold_out = menu.SetInStock(item_id=duck, in_stock=False)
    menu.set_in_stock(demo, li_na, sold_out)
    menu.set_in_stock(demo, li_na, sold_out)
    with demo.read() as s:
        count = s.scalar(select(func.count()).where(AuditEvent.action == "menu.sold_out"))
    assert count == 1


def test_a_waiter_may_not_86_and_nothing_changes(demo: Store) -> None:
    duck = item_id(demo, "peking_duck_half")
    with pytest.raises(NotAllowed):
        menu.set_in_stock(
            demo, staff_id(demo, WAITER), menu.SetInStock(item_id=duck, in_stock=False)
        )
    assert check(demo, "peking_duck_half").quantity == 1


def test_86_of_an_unknown_dish_or_with_an_endless_reason(demo: Store) -> None:
    li_na = staff_id(demo, SUPERVISOR)
    with pytest.raises(NotFound):
        menu.set_in_stock(demo, li_na, menu.SetInStock(item_id=999_999, in_stock=False))
    # A Reason, as everywhere: at most 500 characters (it was 200 here before issue 8).
    with pytest.raises(DomainError, match="at most 500 characters"):
        menu.SetInStock(item_id=item_id(demo, "mapo_tofu"), in_stock=False, reason="x" * 501)
    tofu = menu.SetInStock(item_id=item_id(demo, "mapo_tofu"), in_stock=False, reason="x" * 500)
    assert menu.set_in_stock(demo, li_na, tofu).in_stock is False


@pytest.mark.parametrize("loose", ["false", "False", 0, 1, None, "yes"])
def test_86_takes_only_a_real_yes_or_no(demo: Store, loose: object) -> None:
    # set_in_stock(in_stock="false") used to put the dish IN stock (a non-empty string).
    duck = item_id(demo, "peking_duck_half")
    with pytest.raises(DomainError, match="Only yes or no"):
        menu.SetInStock(item_id=duck, in_stock=loose)
    assert check(demo, "peking_duck_half").quantity == 1


# ---- checking an order line --------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [0, -1, 100, 10_000])
def test_quantities_outside_1_to_99_are_refused_clearly(demo: Store, quantity: int) -> None:
    assert refusal(demo, "mapo_tofu", quantity, modifier_id(demo, "spice_level", "mild")) == (
        f"Quantity {quantity} is not possible: enter 1 to 99."
    )


@pytest.mark.parametrize("quantity", ["3", 2.5, True, None])
def test_quantities_that_are_not_whole_numbers_are_refused(demo: Store, quantity: object) -> None:
    assert refusal(demo, "steamed_rice", quantity) == (
        "The quantity must be a whole number from 1 to 99."
    )


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_any_integer_quantity_is_accepted_exactly_when_1_to_99(quantity: int) -> None:
    try:
        assert menu.check_quantity(quantity) == quantity
        assert 1 <= quantity <= 99
    except DomainError:
        assert not 1 <= quantity <= 99


def test_a_good_line_comes_back_priced_with_its_station_and_course(demo: Store) -> None:
    line = check(demo, "xiaolongbao", 2, modifier_id(demo, "dipping_sauce", "sesame_paste"))
    assert (line.station, line.course_code, line.quantity) == ("hot_kitchen", "staple", 2)
    assert [m.name_zh for m in line.modifiers] == ["芝麻酱"]
    assert (line.unit_price_minor, line.line_total_minor) == (3500, 7000)

    noodles = check(
        demo,
        "dan_dan_noodles",
        1,
        modifier_id(demo, "noodle_extras", "fried_egg"),
        modifier_id(demo, "spice_level", "hot"),
        modifier_id(demo, "noodle_extras", "braised_beef"),
    )
    # Choices come back grouped in the menu's order, whatever order they were tapped in.
    assert [m.group_code for m in noodles.modifiers] == [
        "spice_level",
        "noodle_extras",
        "noodle_extras",
    ]
    assert noodles.line_total_minor == 2400 + 300 + 1500


def test_unknown_and_retired_dishes_are_refused(demo: Store) -> None:
    with demo.read() as s, pytest.raises(NotFound, match="not on the menu"):
        menu.check_line_choice(s, 999_999, 1, [])
    with demo.write() as s:
        tofu = s.scalar(select(MenuItem).where(MenuItem.code == "century_egg_tofu"))
        assert tofu is not None
        tofu.active = False
    assert refusal(demo, "century_egg_tofu") == (
        "Century egg with silken tofu is no longer on the menu."
    )


def test_a_required_choice_must_be_made_and_the_message_names_it(demo: Store) -> None:
    assert refusal(demo, "xiaolongbao") == "Choose Dipping sauce for Shanghai soup dumplings (8)."
    assert refusal(demo, "black_pepper_beef") == (
        "Choose Doneness for Wok-fried beef cubes with black pepper."
    )
    # The Chinese names come as fields of their own, for a Chinese screen to show
    # (issue 12: never "Choose 蘸料 Dipping sauce for…" in one sentence).
    with demo.read() as s, pytest.raises(DomainError) as caught:
        menu.check_line_choice(s, item_id(demo, "xiaolongbao"), 1, [])
    fields = caught.value.params
    assert (fields["group"], fields["group_zh"]) == ("Dipping sauce", "蘸料")
    assert (fields["name"], fields["name_zh"]) == (
        "Shanghai soup dumplings (8)",
        "鲜肉小笼包（8只）",
    )


def test_a_choice_belonging_to_another_dish_is_refused(demo: Store) -> None:
    sauce = modifier_id(demo, "dipping_sauce", "chili_oil")
    spice = modifier_id(demo, "spice_level", "mild")
    assert refusal(demo, "xiaolongbao", 1, sauce, spice) == (
        "Mild does not go with Shanghai soup dumplings (8)."
    )
    with demo.read() as s, pytest.raises(NotFound, match="That choice is not on the menu"):
        menu.check_line_choice(s, item_id(demo, "steamed_rice"), 1, [999_999])


def test_too_many_or_repeated_choices_are_refused(demo: Store) -> None:
    chili = modifier_id(demo, "dipping_sauce", "chili_oil")
    vinegar = modifier_id(demo, "dipping_sauce", "ginger_vinegar")
    assert refusal(demo, "shengjian_bao", 1, chili, vinegar) == (
        "Choose at most 1 of Dipping sauce for Pan-fried pork buns (4)."
    )
    assert refusal(demo, "shengjian_bao", 1, chili, chili) == (
        "Chili oil was chosen twice for Pan-fried pork buns (4)."
    )


def test_an_optional_choice_may_be_left_out(demo: Store) -> None:
    assert check(demo, "coca_cola", 3).line_total_minor == 3600


# ---- notes ---------------------------------------------------------------------------------------


def test_notes_take_chinese_and_emoji_up_to_1000_characters() -> None:
    # A Note of services/text.py: 1000 characters (it was 500 for kitchen notes before).
    assert menu.check_note("  少辣，不要香菜 🌶️ no coriander  ") == "少辣，不要香菜 🌶️ no coriander"
    assert menu.check_note("鸡" * 1000) == "鸡" * 1000
    assert menu.check_note(None) == ""
    assert menu.check_note("no ice\r\nthanks\tplease") == "no ice\nthanks please"
    with pytest.raises(DomainError) as caught:
        menu.check_note("x" * 5000)
    assert str(caught.value) == "That is too long: at most 1000 characters (this has 5000)."


@pytest.mark.parametrize("note", ["no ice\x1b@", "\x1dV cut", "no\x00ice", "x\x7f"])
def test_a_note_with_printer_commands_is_refused_not_cleaned(note: str) -> None:
    # ESC @ would reset the printer and GS V cut the paper mid-ticket. Dropping them in
    # silence (as before) wrote something other than what was typed: now it is refused.
    with pytest.raises(DomainError, match="invisible control characters"):
        menu.check_note(note)


def test_a_note_must_be_text() -> None:
    with pytest.raises(DomainError, match="Only text can be written here"):
        menu.check_note(42)
