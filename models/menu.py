"""The menu: courses, categories (each cooked at one station), items, modifiers, allergens."""

from __future__ import annotations

import enum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base


class Allergen(enum.StrEnum):
    """The fourteen allergens a menu in the EU or UK must declare (Reg. 1169/2011, Annex II)."""

    GLUTEN = "gluten"
    CRUSTACEANS = "crustaceans"
    EGGS = "eggs"
    FISH = "fish"
    PEANUTS = "peanuts"
    SOY = "soy"
    MILK = "milk"
    TREE_NUTS = "tree_nuts"
    CELERY = "celery"
    MUSTARD = "mustard"
    SESAME = "sesame"
    SULPHITES = "sulphites"
    LUPIN = "lupin"
    MOLLUSCS = "molluscs"


class Course(Base):
    """A step in the order dishes go out (第8条 ①): cold dishes, soup, mains, staples, dessert."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str] = mapped_column(String(80))
    sort: Mapped[int] = mapped_column(Integer)


class MenuCategory(Base):
    __tablename__ = "menu_category"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str] = mapped_column(String(80))
    # Where tickets for this category go: cold_kitchen, hot_kitchen, bar, pastry...
    station: Mapped[str] = mapped_column(String(32))
    sort: Mapped[int] = mapped_column(Integer, default=0)

    items: Mapped[list[MenuItem]] = relationship(back_populates="category")


class MenuItem(Base):
    __tablename__ = "menu_item"
    __table_args__ = (CheckConstraint("price_minor >= 0", name="price_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("menu_category.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    name_en: Mapped[str] = mapped_column(String(120))
    name_zh: Mapped[str] = mapped_column(String(120))
    price_minor: Mapped[int] = mapped_column(Integer)
    # Comma-separated Allergen values, sorted; empty when none.
    allergens: Mapped[str] = mapped_column(String(200), default="")
    # False when the kitchen has run out ("86'd").
    in_stock: Mapped[bool] = mapped_column(Boolean, default=True)
    # 第8条 ⑦: a hot dish (soup, sizzling plate, claypot): the guests are warned.
    hot: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    category: Mapped[MenuCategory] = relationship(back_populates="items")
    course: Mapped[Course] = relationship()
    modifier_groups: Mapped[list[ModifierGroup]] = relationship(
        secondary="menu_item_modifier_group", order_by="ModifierGroup.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def allergen_list(self) -> list[Allergen]:
        return [Allergen(a) for a in self.allergens.split(",") if a]


class ModifierGroup(Base):
    """A choice made per line: the dipping sauce, the doneness, the spice level (第6条 ⑩)."""

    __tablename__ = "modifier_group"
    __table_args__ = (
        CheckConstraint("min_choices >= 0", name="min_not_negative"),
        CheckConstraint("max_choices >= min_choices AND max_choices >= 1", name="max_fits_min"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str] = mapped_column(String(80))
    # min_choices >= 1 makes the choice required.
    min_choices: Mapped[int] = mapped_column(Integer, default=0)
    max_choices: Mapped[int] = mapped_column(Integer, default=1)

    modifiers: Mapped[list[Modifier]] = relationship(back_populates="group", order_by="Modifier.id")


class Modifier(Base):
    __tablename__ = "modifier"
    __table_args__ = (UniqueConstraint("group_id", "code", name="uq_modifier_group_id_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("modifier_group.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name_en: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str] = mapped_column(String(80))
    price_delta_minor: Mapped[int] = mapped_column(Integer, default=0)

    group: Mapped[ModifierGroup] = relationship(back_populates="modifiers")


class MenuItemModifierGroup(Base):
    __tablename__ = "menu_item_modifier_group"

    item_id: Mapped[int] = mapped_column(ForeignKey("menu_item.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("modifier_group.id"), primary_key=True)
