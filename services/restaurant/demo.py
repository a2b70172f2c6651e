"""The demo restaurant loaded into an empty store, once its files are read and valid
(`services.restaurant.demo_files`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.store import Store
from models import (
    Course,
    DiningTable,
    MenuCategory,
    MenuItem,
    Modifier,
    ModifierGroup,
    Restaurant,
    Section,
    ServicePeriod,
    Staff,
    StaffRole,
)
from services.audit import record
from services.errors import DomainError
from services.people.pins import hash_pin
from services.restaurant.demo_files import DEMO_FOLDER, DemoRestaurant, read_demo


class DemoSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    service_periods: int
    sections: int
    tables: int
    courses: int
    categories: int
    modifier_groups: int
    items: int
    staff: int


# ---- loading --------------------------------------------------------------------------------


def load_demo(
    store: Store, folder: Path = DEMO_FOLDER, actor_label: str = "console"
) -> DemoSummary:
    """Fill an empty store with the demo restaurant, all in one transaction."""
    demo = read_demo(folder)
    # Argon2id is slow on purpose; hash before the transaction so the write lock is held
    # only for the inserts.
    pin_hashes = {p.number: hash_pin(p.pin) for p in demo.staff.staff}
    with store.write() as session:
        if session.scalar(select(func.count()).select_from(Restaurant)):
            raise DomainError(
                "This database already holds a restaurant; the demo is loaded only into an "
                "empty one."
            )
        return _insert(session, demo, pin_hashes, actor_label)


def _insert(
    session: Session, demo: DemoRestaurant, pin_hashes: dict[str, str], actor_label: str
) -> DemoSummary:
    r = demo.restaurant
    session.add(Restaurant(id=1, **r.model_dump(exclude={"service_periods"})))
    session.add_all(ServicePeriod(**p.model_dump()) for p in r.service_periods)

    sections = {s.code: Section(**s.model_dump()) for s in demo.floor.sections}
    session.add_all(sections.values())
    session.add_all(
        DiningTable(**t.model_dump(exclude={"section"}), section=sections[t.section])
        for t in demo.floor.tables
    )

    menu = demo.menu
    courses = {c.code: Course(**c.model_dump()) for c in menu.courses}
    categories = {c.code: MenuCategory(**c.model_dump()) for c in menu.categories}
    groups = {
        g.code: ModifierGroup(
            **g.model_dump(exclude={"modifiers"}),
            modifiers=[Modifier(**m.model_dump()) for m in g.modifiers],
        )
        for g in menu.modifier_groups
    }
    session.add_all([*courses.values(), *categories.values(), *groups.values()])
    session.add_all(
        MenuItem(
            code=item.code,
            category=categories[item.category],
            course=courses[item.course],
            name_en=item.name_en,
            name_zh=item.name_zh,
            price_minor=item.price_minor,
            allergens=",".join(sorted(a.value for a in item.allergens)),
            modifier_groups=[groups[code] for code in item.modifier_groups],
        )
        for item in menu.items
    )

    people = [
        Staff(
            number=p.number,
            name=p.name,
            pin_hash=pin_hashes[p.number],
            roles=[StaffRole(role=role.value) for role in p.roles],
        )
        for p in demo.staff.staff
    ]
    session.add_all(people)
    session.flush()  # the audit events name the new staff rows by id

    for person in people:
        record(
            session,
            action="staff.created",
            object_type="staff",
            object_id=person.id,
            actor_label=actor_label,
            number=person.number,
            name=person.name,
            roles=sorted(r.role for r in person.roles),
        )
    summary = DemoSummary(
        service_periods=len(r.service_periods),
        sections=len(sections),
        tables=len(demo.floor.tables),
        courses=len(courses),
        categories=len(categories),
        modifier_groups=len(groups),
        items=len(menu.items),
        staff=len(people),
    )
    record(
        session,
        action="demo.loaded",
        object_type="restaurant",
        object_id=1,
        actor_label=actor_label,
        **summary.model_dump(),
    )
    return summary
