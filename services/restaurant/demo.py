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
    Role,
    Section,
    SectionAssignment,
    ServicePeriod,
    Staff,
    StaffRole,
)
from services.audit import record
from services.billing.setup import add_billing_setup
from services.errors import DomainError
from services.people.pins import hash_pin
from services.restaurant.demo_files import (
    DEMO_FOLDER,
    FLOOR_FILE,
    RESTAURANT_FILE,
    STAFF_FILE,
    DemoDataError,
    DemoRestaurant,
    read_demo,
)
from services.service_day import current_slot, local_today, slots_on


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
    restaurant = Restaurant(id=1, **r.model_dump(exclude={"service_periods", "billing"}))
    session.add(restaurant)
    session.add_all(ServicePeriod(**p.model_dump()) for p in r.service_periods)

    sections = {s.code: Section(**s.model_dump(exclude={"waiter"})) for s in demo.floor.sections}
    session.add_all(sections.values())
    problems = add_billing_setup(session, r.billing, restaurant, sections)
    if problems:
        raise DemoDataError(RESTAURANT_FILE, problems[0], "billing.section_service_charges")
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
            hot=item.hot,
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
    _staff_sections(session, demo, sections, people, actor_label)
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


def _staff_sections(
    session: Session,
    demo: DemoRestaurant,
    sections: dict[str, Section],
    people: list[Staff],
    actor_label: str,
) -> None:
    """Each section's demo waiter (floor.toml) is put on it for every service of today, and
    for the one under way if it began yesterday: on a fresh demo the greeter can seat at
    once (第5条) instead of waiting for a supervisor to assign the sections."""
    by_number = {p.number: p for p in people}
    assigner = next((p for p in people if Role.SUPERVISOR in p.role_set), None)
    slots = {(x.period_id, x.service_date): x for x in slots_on(session, local_today(session))}
    now = current_slot(session)
    if now is not None:
        slots[(now.period_id, now.service_date)] = now
    for i, data in enumerate(demo.floor.sections):
        if data.waiter is None:
            continue
        waiter = by_number.get(data.waiter)
        if waiter is None or Role.WAITER not in waiter.role_set or assigner is None:
            reason = f"{data.waiter} is not a waiter in {STAFF_FILE}, or nobody is a supervisor"
            raise DemoDataError(FLOOR_FILE, reason, f"sections[{i}].waiter")
        for slot in slots.values():
            row = SectionAssignment(
                service_date=slot.service_date,
                service_period_id=slot.period_id,
                section_id=sections[data.code].id,
                waiter_id=waiter.id,
                assigned_by_id=assigner.id,
            )
            session.add(row)
            session.flush()
            record(
                session,
                action="station.assigned",
                object_type="section_assignment",
                object_id=row.id,
                actor_label=actor_label,
                section=data.code,
                waiter=waiter.number,
                service=slot.code,
                service_date=slot.service_date.isoformat(),
            )
