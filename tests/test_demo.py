"""The demo restaurant: the shipped files are valid and complete, they load into an empty store
in one transaction, and a broken copy is refused with the file, the field and the reason."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.store import Store
from models import (
    AuditEvent,
    Base,
    Course,
    DiningTable,
    MenuCategory,
    MenuItem,
    MenuItemModifierGroup,
    Modifier,
    ModifierGroup,
    Restaurant,
    Role,
    Section,
    ServicePeriod,
    Staff,
    StaffRole,
)
from services.errors import DomainError
from services.people.pins import pin_matches
from services.restaurant import demo
from services.restaurant.demo import load_demo
from services.restaurant.demo_files import DEMO_FOLDER, DemoDataError, demo_pins, read_demo

CJK = re.compile(r"[\u4e00-\u9fff]")
ROW_TYPES: list[type[Base]] = [
    Restaurant,
    ServicePeriod,
    Section,
    DiningTable,
    Course,
    MenuCategory,
    ModifierGroup,
    Modifier,
    MenuItem,
    MenuItemModifierGroup,
    Staff,
    StaffRole,
    AuditEvent,
]


def _row_counts(store: Store) -> dict[str, int]:
    with store.read() as s:
        return {t.__name__: s.scalar(select(func.count()).select_from(t)) or 0 for t in ROW_TYPES}


# ---- the shipped files ----------------------------------------------------------------------


def test_shipped_demo_is_valid_and_big_enough() -> None:
    data = read_demo()
    assert len(data.floor.sections) >= 3
    assert len(data.floor.tables) >= 24
    assert {t.section for t in data.floor.tables} == {s.code for s in data.floor.sections}
    assert len(data.menu.items) >= 40
    categories = {c.code for c in data.menu.categories}
    assert len(categories) == 6
    assert {item.category for item in data.menu.items} == categories
    stations = {c.code: c.station for c in data.menu.categories}
    assert set(stations.values()) == {"cold_kitchen", "hot_kitchen", "pastry", "bar"}
    for item in data.menu.items:
        assert item.name_en.isascii() and item.name_en.strip(), item.code
        assert CJK.search(item.name_zh), item.code
    assert any(g.min_choices >= 1 for g in data.menu.modifier_groups)
    assert any(m.price_delta_minor for g in data.menu.modifier_groups for m in g.modifiers)
    held = [role for person in data.staff.staff for role in person.roles]
    assert set(held) == set(Role)
    assert held.count(Role.WAITER) >= 4
    assert any(len(person.roles) > 1 for person in data.staff.staff)


def test_demo_pins_are_distinct_and_well_formed() -> None:
    rows = demo_pins()
    pins = [pin for _number, _name, _roles, pin in rows]
    assert len(set(pins)) == len(pins)
    assert all(re.fullmatch(r"[0-9]{4}", pin) for pin in pins)
    assert ("M01", "王建国 Wang Jianguo", ["manager"], "9999") in rows


# ---- loading --------------------------------------------------------------------------------


def test_load_demo_fills_an_empty_store(store: Store) -> None:
    data = read_demo()
    summary = load_demo(store, actor_label="pytest")

    counts = _row_counts(store)
    assert summary.sections == counts["Section"] == len(data.floor.sections)
    assert summary.tables == counts["DiningTable"] == len(data.floor.tables)
    assert summary.items == counts["MenuItem"] == len(data.menu.items)
    assert summary.staff == counts["Staff"] == len(data.staff.staff)
    assert counts["Restaurant"] == 1
    assert counts["ServicePeriod"] == 2
    assert counts["StaffRole"] == sum(len(p.roles) for p in data.staff.staff)

    with store.read() as s:
        restaurant = s.get(Restaurant, 1)
        assert restaurant is not None and restaurant.currency == "CNY"
        dumplings = s.scalars(select(MenuItem).where(MenuItem.code == "pork_chive_dumplings")).one()
        assert [g.code for g in dumplings.modifier_groups] == ["dipping_sauce"]
        assert dumplings.allergens == "gluten,soy"
        assert dumplings.category.station == "hot_kitchen"
        s01 = s.scalars(select(Staff).where(Staff.number == "S01")).one()
        assert s01.role_set == {Role.SUPERVISOR, Role.CASHIER}
        assert pin_matches(s01.pin_hash, "8888") and s01.pin_hash != "8888"

        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = [e.action for e in events]
    assert actions.count("staff.created") == len(data.staff.staff)
    assert actions.count("demo.loaded") == 1
    assert all(e.actor_label == "pytest" for e in events)
    loaded = next(e for e in events if e.action == "demo.loaded")
    assert json.loads(loaded.detail)["items"] == len(data.menu.items)
    pins = {person.pin for person in data.staff.staff}
    for event in events:
        assert "pin" not in json.loads(event.detail)
        assert not any(pin in event.detail for pin in pins)


def test_loading_twice_is_refused_and_changes_nothing(store: Store) -> None:
    load_demo(store)
    before = _row_counts(store)
    with pytest.raises(DomainError, match="already holds a restaurant"):
        load_demo(store)
    assert _row_counts(store) == before


def test_broken_demo_data_leaves_the_store_empty(store: Store, tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, "staff.toml", 'pin = "5555"', 'pin = "12a4"')
    with pytest.raises(DemoDataError, match=r"staff\.toml: staff\[4\]\.pin"):
        load_demo(store, folder)
    assert not any(_row_counts(store).values())


def test_a_failure_halfway_through_writes_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_record = demo.record

    def fail_on_the_last_event(session: Session, **kwargs: Any) -> AuditEvent:
        # demo.loaded is written last, so everything else is already in the transaction.
        if kwargs["action"] == "demo.loaded":
            raise RuntimeError("power cut")
        return real_record(session, **kwargs)

    monkeypatch.setattr(demo, "record", fail_on_the_last_event)
    with pytest.raises(RuntimeError, match="power cut"):
        load_demo(store)
    assert not any(_row_counts(store).values())


# ---- broken copies of the demo folder -------------------------------------------------------


def _broken_copy(tmp_path: Path, file: str, old: str, new: str, after: str = "") -> Path:
    """Copy the demo folder and replace the first `old` that follows `after` in one file."""
    folder = tmp_path / "demo"
    shutil.copytree(DEMO_FOLDER, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    at = text.index(old, start)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return folder


def _item_index(code: str) -> int:
    items = tomllib.loads((DEMO_FOLDER / "menu.toml").read_text(encoding="utf-8"))["items"]
    return [item["code"] for item in items].index(code)


def _item_edit(code: str, old: str, new: str) -> Callable[[Path], Path]:
    return lambda tmp: _broken_copy(tmp, "menu.toml", old, new, after=f'code = "{code}"')


def _delete(file: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        folder = _broken_copy(tmp, file, "", "")
        (folder / file).unlink()
        return folder

    return make


def _not_utf8(tmp: Path) -> Path:
    folder = _broken_copy(tmp, "floor.toml", "", "")
    text = (folder / "floor.toml").read_text(encoding="utf-8")
    (folder / "floor.toml").write_bytes(text.encode("gb18030"))
    return folder


BROKEN: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    # case: (how to break a copy, file:field the message must name, words of the reason)
    "item missing a field": (
        _item_edit("mapo_tofu", "price_minor = 3200\n", ""),
        f"menu.toml: items[{_item_index('mapo_tofu')}].price_minor",
        "Field required",
    ),
    "negative price": (
        _item_edit("egg_tarts", "price_minor = 1800", "price_minor = -1800"),
        f"menu.toml: items[{_item_index('egg_tarts')}].price_minor",
        "greater than or equal to 0",
    ),
    "price as text": (
        _item_edit("egg_tarts", "price_minor = 1800", 'price_minor = "1800"'),
        f"menu.toml: items[{_item_index('egg_tarts')}].price_minor",
        "valid integer",
    ),
    "unknown category": (
        _item_edit("xiaolongbao", 'category = "staple"', 'category = "dim_sum"'),
        f"menu.toml: items[{_item_index('xiaolongbao')}].category",
        "No category has the code 'dim_sum'",
    ),
    "unknown modifier group": (
        _item_edit("mapo_tofu", '["spice_level"]', '["spice_level", "numbing"]'),
        f"menu.toml: items[{_item_index('mapo_tofu')}].modifier_groups[1]",
        "No modifier group",
    ),
    "unknown allergen": (
        _item_edit("egg_tarts", '"milk"]', '"lactose"]'),
        f"menu.toml: items[{_item_index('egg_tarts')}].allergens[2]",
        "Input should be",
    ),
    "unexpected field": (
        _item_edit("egg_tarts", "price_minor = 1800", "price_minor = 1800\nspicy = true"),
        f"menu.toml: items[{_item_index('egg_tarts')}].spicy",
        "Extra inputs are not permitted",
    ),
    "duplicate table number": (
        lambda tmp: _broken_copy(tmp, "floor.toml", 'number = "2",', 'number = "1",'),
        "floor.toml: tables[1].number",
        "Repeats the value of tables[0].number",
    ),
    "overlapping tables": (
        lambda tmp: _broken_copy(
            tmp, "floor.toml", "x = 6, y = 5", "x = 2, y = 5", after='number = "2"'
        ),
        "floor.toml: tables[1]",
        "Overlaps table 1",
    ),
    "unknown role": (
        lambda tmp: _broken_copy(tmp, "staff.toml", '["greeter"]', '["host"]'),
        "staff.toml: staff[4].roles[0]",
        "Input should be",
    ),
    "bad PIN": (
        lambda tmp: _broken_copy(tmp, "staff.toml", 'pin = "5555"', 'pin = "12a4"'),
        "staff.toml: staff[4].pin",
        "A PIN is 4 to 8 digits",
    ),
    "shared PIN": (
        lambda tmp: _broken_copy(tmp, "staff.toml", 'pin = "5555"', 'pin = "9999"'),
        "staff.toml: staff[4].pin",
        "Repeats the value of staff[0].pin",
    ),
    "closing before opening": (
        lambda tmp: _broken_copy(tmp, "restaurant.toml", "21:30:00", "16:30:00"),
        "restaurant.toml: service_periods[1].closes_at",
        "later than opens_at",
    ),
    "invalid TOML": (
        lambda tmp: _broken_copy(tmp, "restaurant.toml", 'currency = "CNY"', 'currency = "CNY'),
        "restaurant.toml",
        "Not valid TOML",
    ),
    "not UTF-8": (_not_utf8, "floor.toml", "Not UTF-8"),
    "missing file": (_delete("menu.toml"), "menu.toml", "File not found"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_demo_data_is_refused_with_file_field_and_reason(case: str, tmp_path: Path) -> None:
    make, where, reason = BROKEN[case]
    folder = make(tmp_path)
    with pytest.raises(DemoDataError) as caught:
        read_demo(folder)
    message = str(caught.value)
    assert message.startswith(f"Demo data {where}"), message
    assert reason in message, message
    # The PIN itself never appears in an error: messages reach logs and screens.
    assert "12a4" not in message
