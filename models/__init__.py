"""SQLAlchemy ORM entities. Importing this package registers every table on Base.metadata."""

from models.audit import AuditEvent
from models.base import Base, UTCDateTime, utcnow
from models.checklist import (
    ChecklistEscalation,
    ChecklistRun,
    ChecklistRunItem,
    ChecklistTick,
    SeatingGateOverride,
)
from models.floor import DiningTable, Section
from models.lost_and_found import FoundItem
from models.menu import (
    Allergen,
    Course,
    MenuCategory,
    MenuItem,
    MenuItemModifierGroup,
    Modifier,
    ModifierGroup,
)
from models.ordering import OrderLine, OrderSend
from models.printing import PrintJob, PrintKind, PrintState
from models.restaurant import Restaurant, ServicePeriod
from models.seating import AT_TABLE, Party, PartyStage, TableClosure, TableOccupancy
from models.staff import Role, Staff, StaffRole
from models.stations import SectionAssignment

__all__ = [
    "AT_TABLE",
    "Allergen",
    "AuditEvent",
    "Base",
    "ChecklistEscalation",
    "ChecklistRun",
    "ChecklistRunItem",
    "ChecklistTick",
    "Course",
    "DiningTable",
    "FoundItem",
    "MenuCategory",
    "MenuItem",
    "MenuItemModifierGroup",
    "Modifier",
    "ModifierGroup",
    "OrderLine",
    "OrderSend",
    "Party",
    "PartyStage",
    "PrintJob",
    "PrintKind",
    "PrintState",
    "Restaurant",
    "Role",
    "SeatingGateOverride",
    "Section",
    "SectionAssignment",
    "ServicePeriod",
    "Staff",
    "StaffRole",
    "TableClosure",
    "TableOccupancy",
    "UTCDateTime",
    "utcnow",
]
