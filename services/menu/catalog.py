"""The menu at the table (第7条: know the day's menu): categories, dishes, choices, allergens,
what is sold out ("86"), and the checks a line must pass before it can be sent.

Dish and choice names inside error messages are given as "中文 English", as staff names are:
the same message then reads right whichever language the screen shows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, computed_field
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from db.store import Store
from models import Allergen, MenuCategory, MenuItem, Modifier, ModifierGroup
from services import audit
from services.errors import Conflict, DomainError, NotFound
from services.permissions import Action, require
from services.text import NOTE_MAX, Flag, Reason, RecordId, both, checked_text

MIN_QUANTITY = 1
# A line of a hundred dishes is a typing slip (10 typed as 100), never an order.
MAX_QUANTITY = 99
# A kitchen note is a Note of services/text.py; tickets print what the order line holds.
MAX_NOTE_CHARS = NOTE_MAX
MAX_SEARCH_CHARS = 100

# The fourteen declarable allergens, as staff and guests read them in each language.
ALLERGEN_NAMES: dict[Allergen, tuple[str, str]] = {
    Allergen.GLUTEN: ("Gluten", "麸质"),
    Allergen.CRUSTACEANS: ("Crustaceans", "甲壳类"),
    Allergen.EGGS: ("Eggs", "蛋类"),
    Allergen.FISH: ("Fish", "鱼类"),
    Allergen.PEANUTS: ("Peanuts", "花生"),
    Allergen.SOY: ("Soy", "大豆"),
    Allergen.MILK: ("Milk", "奶类"),
    Allergen.TREE_NUTS: ("Tree nuts", "坚果"),
    Allergen.CELERY: ("Celery", "芹菜"),
    Allergen.MUSTARD: ("Mustard", "芥末"),
    Allergen.SESAME: ("Sesame", "芝麻"),
    Allergen.SULPHITES: ("Sulphites", "亚硫酸盐"),
    Allergen.LUPIN: ("Lupin", "羽扇豆"),
    Allergen.MOLLUSCS: ("Molluscs", "软体动物"),
}


class ModifierView(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)

    id: int
    code: str
    name_en: str
    name_zh: str
    price_delta_minor: int


class ModifierGroupView(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)

    id: int
    code: str
    name_en: str
    name_zh: str
    min_choices: int
    max_choices: int
    modifiers: tuple[ModifierView, ...]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def required(self) -> bool:
        return self.min_choices >= 1


class MenuItemView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    code: str
    category_id: int
    name_en: str
    name_zh: str
    price_minor: int
    course_id: int
    course_code: str
    course_name_en: str
    course_name_zh: str
    course_sort: int
    station: str
    allergens: tuple[Allergen, ...]
    in_stock: bool
    modifier_groups: tuple[ModifierGroupView, ...]


class MenuCategoryView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    code: str
    name_en: str
    name_zh: str
    station: str
    items: tuple[MenuItemView, ...]


class ChosenModifier(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    group_code: str
    name_en: str
    name_zh: str
    price_delta_minor: int


class CheckedLine(BaseModel):
    """A dish, a quantity and its choices that passed every menu rule: what the order
    service stores and the kitchen ticket prints. Prices are per unit and for the line."""

    model_config = ConfigDict(frozen=True)

    item_id: int
    item_code: str
    name_en: str
    name_zh: str
    station: str
    course_id: int
    course_code: str
    course_name_en: str
    course_name_zh: str
    course_sort: int
    quantity: int
    modifiers: tuple[ChosenModifier, ...]
    allergens: tuple[Allergen, ...]
    unit_price_minor: int
    line_total_minor: int


def _item_view(item: MenuItem) -> MenuItemView:
    return MenuItemView(
        id=item.id,
        code=item.code,
        category_id=item.category_id,
        name_en=item.name_en,
        name_zh=item.name_zh,
        price_minor=item.price_minor,
        course_id=item.course_id,
        course_code=item.course.code,
        course_name_en=item.course.name_en,
        course_name_zh=item.course.name_zh,
        course_sort=item.course.sort,
        station=item.category.station,
        allergens=tuple(item.allergen_list),
        in_stock=item.in_stock,
        modifier_groups=tuple(ModifierGroupView.model_validate(g) for g in item.modifier_groups),
    )


def _item_query() -> Select[tuple[MenuItem]]:
    return select(MenuItem).options(
        selectinload(MenuItem.course),
        selectinload(MenuItem.category),
        selectinload(MenuItem.modifier_groups).selectinload(ModifierGroup.modifiers),
    )


def menu(store: Store) -> list[MenuCategoryView]:
    """The menu for the order screen: categories in their order, dishes in menu-file order.
    Sold-out dishes stay listed (marked), so a waiter can tell the guest at once."""
    with store.read() as s:
        categories = s.scalars(select(MenuCategory).order_by(MenuCategory.sort, MenuCategory.id))
        items = s.scalars(_item_query().where(MenuItem.active).order_by(MenuItem.id)).all()
        by_category: dict[int, list[MenuItemView]] = {}
        for item in items:
            by_category.setdefault(item.category_id, []).append(_item_view(item))
        return [
            MenuCategoryView(
                id=c.id,
                code=c.code,
                name_en=c.name_en,
                name_zh=c.name_zh,
                station=c.station,
                items=tuple(by_category[c.id]),
            )
            for c in categories
            if by_category.get(c.id)
        ]


def _folded(text: str) -> str:
    # NFKC makes full-width Ｂｅｅｆ typed on a Chinese keyboard match "beef".
    return unicodedata.normalize("NFKC", text).casefold()


def search_menu(store: Store, text: str, limit: int = 50) -> list[MenuItemView]:
    """Dishes whose English or Chinese name holds every word typed, in any case.

    The menu is a few hundred rows at most, so matching happens in Python: the search text
    never reaches SQL, and case folding is right for every script, not just ASCII.
    """
    words = _folded(str(text)[:MAX_SEARCH_CHARS]).split()
    if not words:
        return []
    found: list[MenuItemView] = []
    for category in menu(store):
        for item in category.items:
            haystack = _folded(f"{item.name_en}\n{item.name_zh}")
            if all(word in haystack for word in words):
                found.append(item)
                if len(found) >= limit:
                    return found
    return found


class SetInStock(BaseModel):
    """A dish sold out ("86", in_stock False) or back, and why (optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item_id: RecordId
    # Only True or False: the text "false" is refused, never read as a yes.
    in_stock: Flag
    reason: Reason = ""


def set_in_stock(store: Store, actor_id: int, command: SetInStock) -> MenuItemView:
    """86 a dish (the kitchen ran out) or bring it back (第7条). Supervisors and managers."""
    with store.write() as s:
        require(s, actor_id, Action.MARK_SOLD_OUT)
        item = s.scalar(_item_query().where(MenuItem.id == command.item_id))
        if item is None:
            raise NotFound("That dish is not on the menu.")
        if item.in_stock != command.in_stock:
            item.in_stock = command.in_stock
            audit.record(
                s,
                action="menu.back_in_stock" if command.in_stock else "menu.sold_out",
                object_type="menu_item",
                object_id=item.id,
                actor_id=actor_id,
                code=item.code,
                reason=command.reason,
            )
            try:
                s.flush()
            except StaleDataError as exc:  # another tablet changed it first
                raise Conflict("Someone else just changed this dish; look again.") from exc
        return _item_view(item)


def check_quantity(quantity: object) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise DomainError(
            "The quantity must be a whole number from {low} to {high}.",
            low=MIN_QUANTITY,
            high=MAX_QUANTITY,
        )
    if not MIN_QUANTITY <= quantity <= MAX_QUANTITY:
        raise DomainError(
            "Quantity {quantity} is not possible: enter {low} to {high}.",
            quantity=quantity,
            low=MIN_QUANTITY,
            high=MAX_QUANTITY,
        )
    return quantity


def dishes_as_they_are(session: Session, item_ids: Iterable[int]) -> dict[int, MenuItem]:
    """The dishes, as the menu holds them now inside the caller's transaction: their
    course and category joined in (many-to-one), their choices in two more SELECTs, however
    many dishes. A send checks every line against these (bench/ counted a re-read per line)."""
    return {
        item.id: item
        for item in session.scalars(
            select(MenuItem)
            .options(
                joinedload(MenuItem.course),
                joinedload(MenuItem.category),
                selectinload(MenuItem.modifier_groups).selectinload(ModifierGroup.modifiers),
            )
            .where(MenuItem.id.in_(set(item_ids)))
        ).unique()
    }


def check_line_choice(
    session: Session,
    item_id: int,
    quantity: object,
    modifier_ids: Sequence[int] = (),
    *,
    dishes: Mapping[int, MenuItem] | None = None,
) -> CheckedLine:
    """Everything the menu demands of one order line, checked inside the caller's
    transaction (so a dish 86'd a moment ago on another tablet is refused). `dishes`: what
    `dishes_as_they_are` read in this transaction for every line being checked."""
    quantity = check_quantity(quantity)
    if dishes is None:
        dishes = dishes_as_they_are(session, (item_id,))
    item = dishes.get(item_id)
    if item is None:
        raise NotFound("That dish is not on the menu.")
    name = both("name", item.name_en, item.name_zh)
    if not item.active:
        raise DomainError("{name} is no longer on the menu.", **name)
    if not item.in_stock:
        raise DomainError("{name} is sold out (86).", **name)

    chosen_ids = list(modifier_ids)
    groups = {g.id: g for g in item.modifier_groups}
    by_id = {m.id: m for g in item.modifier_groups for m in g.modifiers}
    strays = [i for i in chosen_ids if i not in by_id]
    if strays:  # another dish's choice, or none at all: read them to say which
        by_id.update(
            (m.id, m) for m in session.scalars(select(Modifier).where(Modifier.id.in_(strays)))
        )
    seen: set[int] = set()
    for modifier_id in chosen_ids:
        modifier = by_id.get(modifier_id)
        if modifier is None:
            raise NotFound("That choice is not on the menu.")
        choice = both("choice", modifier.name_en, modifier.name_zh)
        if modifier.group_id not in groups:
            raise DomainError("{choice} does not go with {name}.", **choice, **name)
        if modifier_id in seen:
            raise DomainError("{choice} was chosen twice for {name}.", **choice, **name)
        seen.add(modifier_id)

    chosen: list[ChosenModifier] = []
    for group in item.modifier_groups:
        picked = [by_id[i] for i in chosen_ids if by_id[i].group_id == group.id]
        group_name = both("group", group.name_en, group.name_zh)
        if len(picked) < group.min_choices:
            if group.min_choices == 1:
                raise DomainError("Choose {group} for {name}.", **group_name, **name)
            raise DomainError(
                "Choose at least {count} of {group} for {name}.",
                count=group.min_choices,
                **group_name,
                **name,
            )
        if len(picked) > group.max_choices:
            raise DomainError(
                "Choose at most {count} of {group} for {name}.",
                count=group.max_choices,
                **group_name,
                **name,
            )
        chosen.extend(
            ChosenModifier(
                id=m.id,
                group_code=group.code,
                name_en=m.name_en,
                name_zh=m.name_zh,
                price_delta_minor=m.price_delta_minor,
            )
            for m in picked
        )

    unit_price = item.price_minor + sum(m.price_delta_minor for m in chosen)
    view = _item_view(item)
    return CheckedLine(
        item_id=item.id,
        item_code=item.code,
        name_en=item.name_en,
        name_zh=item.name_zh,
        station=view.station,
        course_id=view.course_id,
        course_code=view.course_code,
        course_name_en=view.course_name_en,
        course_name_zh=view.course_name_zh,
        course_sort=view.course_sort,
        quantity=quantity,
        modifiers=tuple(chosen),
        allergens=view.allergens,
        unit_price_minor=unit_price,
        line_total_minor=unit_price * quantity,
    )


def check_note(note: object) -> str:
    """A note for the kitchen ("no coriander", "少辣", "🎂 birthday"): a Note of
    services/text.py, any script or emoji. Control characters are refused, never dropped
    in silence: a note must not smuggle a printer command (ESC/POS is driven by such bytes)
    onto a ticket, and the waiter sees that the text was not taken. Line breaks and tabs
    are allowed and printed as one kind of line break and a space."""
    text = checked_text(note, max_length=NOTE_MAX, multi_line=True)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
