"""SQLAlchemy ORM entities. Importing this package registers every table on Base.metadata."""

from models.audit import AuditEvent
from models.base import Base, UTCDateTime, utcnow
from models.floor import DiningTable, Section
from models.menu import (
    Allergen,
    Course,
    MenuCategory,
    MenuItem,
    MenuItemModifierGroup,
    Modifier,
    ModifierGroup,
)
from models.restaurant import Restaurant, ServicePeriod
from models.staff import Role, Staff, StaffRole

__all__ = [
    "Allergen",
    "AuditEvent",
    "Base",
    "Course",
    "DiningTable",
    "MenuCategory",
    "MenuItem",
    "MenuItemModifierGroup",
    "Modifier",
    "ModifierGroup",
    "Restaurant",
    "Role",
    "Section",
    "ServicePeriod",
    "Staff",
    "StaffRole",
    "UTCDateTime",
    "utcnow",
]
