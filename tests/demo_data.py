"""The demo restaurant for service tests, and ways to name its people, dishes and choices.

Test modules import the `demo` fixture from here (`from tests.demo_data import demo`).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.store import Store
from models import MenuItem, Modifier, ModifierGroup, Staff
from tests.database_support import install_demo

SUPERVISOR = "S01"  # 李娜 Li Na, supervisor and cashier
MANAGER = "M01"
WAITER = "W01"


@pytest.fixture
def demo(store: Store) -> Store:
    """The demo restaurant: loaded once a run (Argon2 is slow on purpose), copied for
    each test (tests/database_support.py)."""
    install_demo(store)
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
