"""The demo restaurant for service tests, and ways to name its people, dishes and choices.

Test modules import the `demo` fixture from here (`from tests.demo_data import demo`).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.store import Store
from models import MenuItem, Modifier, ModifierGroup, Staff
from services.people import sessions
from services.people.sessions import Acting
from tests.database_support import SESSIONS, install_demo

SUPERVISOR = "S01"  # 李娜 Li Na, supervisor and cashier
MANAGER = "M01"
WAITER = "W01"


@pytest.fixture
def demo(store: Store) -> Store:
    """The demo restaurant: loaded once a run (Argon2 is slow on purpose), copied for
    each test (tests/database_support.py)."""
    install_demo(store)
    return store


def signed_in(store: Store, *ids: int) -> dict[int, Acting]:
    """A live session for each of these staff ids (every active person if none is named),
    opened in one transaction as sign-in opens them, without the Argon2 check each test
    would otherwise pay for (the PIN routes have their own tests). They are kept per store
    (SESSIONS), and a scene's copy brings the ones its build opened."""
    known = SESSIONS.setdefault(store, {})
    with store.read() as s:
        wanted = list(ids) or list(s.scalars(select(Staff.id).where(Staff.active)))
    missing = [i for i in wanted if i not in known or not _live(store, known[i])]
    if missing:
        with store.write() as s:
            for staff in s.scalars(select(Staff).where(Staff.id.in_(missing))):
                known[staff.id] = sessions.start(s, staff)
    return {i: known[i] for i in wanted}


def _live(store: Store, actor: Acting) -> bool:
    with store.read() as s:
        return sessions.is_live(s, actor)


def acting(store: Store, staff: int) -> Acting:
    """One person, signed in (see `signed_in`)."""
    return signed_in(store, staff)[staff]


def staff_id(store: Store, number: str) -> Acting:
    """The person with this staff number, signed in."""
    with store.read() as s:
        found = s.scalar(select(Staff.id).where(Staff.number == number))
        assert found is not None
    return acting(store, found)


def staff_by_number(store: Store) -> dict[str, Acting]:
    """Everyone on the staff list, by number, signed in."""
    with store.read() as s:
        rows = s.execute(select(Staff.id, Staff.number).where(Staff.active)).all()
        numbers = {staff: number for staff, number in rows}
    return {numbers[i]: a for i, a in signed_in(store, *numbers).items()}


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
