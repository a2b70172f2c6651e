"""SQLAlchemy ORM entities. Importing this package registers every table on Base.metadata."""

from models.audit import AuditEvent, LineSeal
from models.base import Base, UTCDateTime, utcnow
from models.billing import Bill, BillPart, Discount, InvoiceCounter
from models.cash import CashDrawer, CashMovement, CashSetting
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
from models.payments import AccountSigner, HouseAccount, Payment, PaymentMethod
from models.printing import PrintJob, PrintKind, PrintState
from models.restaurant import Restaurant, ServicePeriod
from models.seals import RecordSeal
from models.seating import AT_TABLE, Party, PartyStage, TableClosure, TableOccupancy
from models.serving import (
    CourseStage,
    KitchenMarker,
    PartyCourse,
    StationTicket,
    StationTicketLine,
    StationTiming,
    TableMark,
    TableMarkKind,
)
from models.staff import Role, Staff, StaffRole, StaffSession
from models.stations import SectionAssignment

__all__ = [
    "AT_TABLE",
    "AccountSigner",
    "Allergen",
    "AuditEvent",
    "Base",
    "Bill",
    "BillPart",
    "CashDrawer",
    "CashMovement",
    "CashSetting",
    "ChecklistEscalation",
    "ChecklistRun",
    "ChecklistRunItem",
    "ChecklistTick",
    "Course",
    "CourseStage",
    "DiningTable",
    "Discount",
    "FoundItem",
    "HouseAccount",
    "InvoiceCounter",
    "KitchenMarker",
    "LineSeal",
    "MenuCategory",
    "MenuItem",
    "MenuItemModifierGroup",
    "Modifier",
    "ModifierGroup",
    "OrderLine",
    "OrderSend",
    "Party",
    "PartyCourse",
    "PartyStage",
    "Payment",
    "PaymentMethod",
    "PrintJob",
    "PrintKind",
    "PrintState",
    "RecordSeal",
    "Restaurant",
    "Role",
    "SeatingGateOverride",
    "Section",
    "SectionAssignment",
    "ServicePeriod",
    "Staff",
    "StaffRole",
    "StaffSession",
    "StationTicket",
    "StationTicketLine",
    "StationTiming",
    "TableClosure",
    "TableMark",
    "TableMarkKind",
    "TableOccupancy",
    "UTCDateTime",
    "utcnow",
]
