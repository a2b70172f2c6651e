"""The demo restaurant for service tests, and ways to name its people, dishes and choices.

Test modules import the `demo` fixture from here (`from tests.demo_data import demo`).
"""

from __future__ import annotations

import functools

import pytest
from sqlalchemy import select

from db.store import Store
from models import MenuItem, Modifier, ModifierGroup, Staff
from services.people.pins import hash_pin
from services.restaurant import demo as demo_loader
from services.restaurant.demo import load_demo

SUPERVISOR = "S01"  # 李娜 Li Na, supervisor and cashier
MANAGER = "M01"
WAITER = "W01"


@functools.cache
def _hash_once(pin: str) -> str:
    return hash_pin(pin)


@pytest.fixture
def demo(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The demo restaurant. Argon2 is slow on purpose; each demo PIN is hashed once a run."""
    monkeypatch.setattr(demo_loader, "hash_pin", _hash_once)
    load_demo(store)
    return store


def staff_id(store: Store, number: str) -> int:
    with store.read() as s:
        found = s.scalar(select(Staff.id).where(Staff.number == number))
        assert found is not None
        return found


def item_id(store: Store, code: str) -> int:
    with store.read() as s:
        found = s.scalar(select(MenuItem.id).where(MenuItem.code == code))
        assert found is not None
        return found


def modifier_id(store: Store, group: str, code: str) -> int:
    with store.read() as s:
        found = s.scalar(
            select(Modifier.id)
            .join(ModifierGroup)
            .where(ModifierGroup.code == group, Modifier.code == code)
        )
        assert found is not None
        return found
