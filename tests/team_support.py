"""A restaurant of a few people and nothing else, for the tests of PINs, sessions, roles and
the staff list: added through the real `add_staff` (real Argon2 PIN hashes, about 30 ms
each) once per backend and list of people, then copied (a scene, tests/database_support.py).
"""

from __future__ import annotations

from db.store import Store
from models import Restaurant, Role
from services.people import staff as staff_service
from services.people.staff import NewStaff
from tests.database_support import scene
from tests.demo_data import acting

# (staff number, name, roles, PIN) of each person.
Person = tuple[str, str, tuple[Role, ...], str]


class Team:
    """`people` added in order; `ids` maps each staff number to the id, signed in on one
    tablet (`signed_in`) or not."""

    @scene
    def __init__(self, store: Store, people: tuple[Person, ...], signed_in: bool = True) -> None:
        with store.write() as s:
            s.add(Restaurant(name="Test", currency="CNY", timezone="Asia/Shanghai"))
        self.ids: dict[str, int] = {}
        for number, name, roles, pin in people:
            command = NewStaff(number=number, name=name, roles=list(roles), pin=pin)
            card = staff_service.add_staff(store, command)
            self.ids[number] = acting(store, card.id) if signed_in else card.id
