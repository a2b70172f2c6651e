"""The screens a person can open from home, and the roles that may open each.

Only screens that exist and work are listed; each capability adds its own entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.i18n import N_
from services.permissions import Action, Role, allowed, roles_for


@dataclass(frozen=True)
class ScreenEntry:
    name: str  # the Screen's name in the ScreenManager
    title: str  # English; translated through the catalogue
    action: Action | None  # what the screen is for, from the permissions table; None: everyone
    module: str  # screens.<module> holds the class, with its .kv file beside it
    class_name: str
    # False for a screen reached from another screen (a run opened from its list), not home.
    on_home: bool = True

    @property
    def roles(self) -> frozenset[Role]:
        """The roles that may open it; empty for everyone signed in."""
        return frozenset() if self.action is None else roles_for(self.action)


HOME_TILES: tuple[ScreenEntry, ...] = (
    ScreenEntry("floor", N_("Floor plan"), Action.SEAT_PARTY, "floor.plan", "FloorScreen"),
    ScreenEntry(
        "greeting", N_("Greet a party"), Action.SEAT_PARTY, "floor.greeting", "GreetingScreen"
    ),
    ScreenEntry(
        "my_tables", N_("My tables"), Action.SERVE_TABLES, "floor.my_tables", "MyTablesScreen"
    ),
    # 第8条: fired tickets in turn, per station or all of them at the pass.
    ScreenEntry(
        "kitchen", N_("Kitchen display"), Action.WORK_KITCHEN, "serving.kitchen", "KitchenScreen"
    ),
    # A party's order, opened from its table on the floor plan or on "My tables".
    ScreenEntry(
        "order", N_("Order"), Action.TAKE_ORDER, "orders.order", "OrderScreen", on_home=False
    ),
    ScreenEntry(
        "read_back",
        N_("Read back"),
        Action.TAKE_ORDER,
        "orders.read_back",
        "ReadBackScreen",
        on_home=False,
    ),
    ScreenEntry(
        "reset_tables",
        N_("Reset tables"),
        Action.RESET_TABLE,
        "floor.reset_tables",
        "ResetTablesScreen",
    ),
    ScreenEntry(
        "lost_and_found",
        N_("Lost and found"),
        Action.KEEP_LOST_PROPERTY,
        "floor.lost_and_found",
        "LostAndFoundScreen",
    ),
    ScreenEntry(
        "stations",
        N_("Sections for the service"),
        Action.ASSIGN_SECTIONS,
        "floor.stations",
        "StationsScreen",
    ),
    # 第9条: the bills asked for, presented, split and paid, at the cashier's desk.
    ScreenEntry("cashier", N_("Bills"), Action.TAKE_PAYMENT, "billing.cashier", "CashierScreen"),
    # 第9条 ③: the accounts guests sign to (签单), their signers, limits and statements.
    ScreenEntry(
        "house_accounts",
        N_("House accounts"),
        Action.MANAGE_ACCOUNTS,
        "billing.accounts",
        "HouseAccountsScreen",
    ),
    ScreenEntry("audit_log", N_("Audit log"), Action.READ_AUDIT_LOG, "audit_log", "AuditLogScreen"),
    ScreenEntry("staff", N_("Staff"), Action.MANAGE_STAFF, "people.staff", "StaffScreen"),
    ScreenEntry("change_pin", N_("Change my PIN"), None, "people.change_pin", "ChangePinScreen"),
    ScreenEntry(
        "menu_stock",
        N_("Sold out (86)"),
        Action.MARK_SOLD_OUT,
        "menu.stock",
        "MenuStockScreen",
    ),
    ScreenEntry(
        "print_queue",
        N_("Print queue"),
        Action.MANAGE_PRINT_QUEUE,
        "printing.queue",
        "PrintQueueScreen",
    ),
    ScreenEntry(
        "checklists", N_("Checklists"), Action.RUN_CHECKLIST, "checklists.board", "ChecklistsScreen"
    ),
    ScreenEntry(
        "checklist_run",
        N_("Checklist"),
        Action.RUN_CHECKLIST,
        "checklists.run",
        "ChecklistRunScreen",
        on_home=False,
    ),
    ScreenEntry(
        "checklist_history",
        N_("Checklist history"),
        Action.READ_CHECKLIST_HISTORY,
        "checklists.history",
        "ChecklistHistoryScreen",
    ),
    # 第9条 ②: the cashier's drawer, counted in and out; the end of a service or a day.
    ScreenEntry(
        "cash_drawer", N_("Cash drawer"), Action.WORK_DRAWER, "cash.drawer", "CashDrawerScreen"
    ),
    ScreenEntry(
        "end_of_day", N_("End of day"), Action.READ_REPORTS, "reports.end_of_day", "EndOfDayScreen"
    ),
)


@dataclass(frozen=True)
class AttentionSource:
    """Something that may need this person now, shown in the attention panel on home:
    screens.<module>.<function>(app, refresh) returns a list of widgets.attention items."""

    module: str
    function: str
    action: Action


ATTENTION_SOURCES: tuple[AttentionSource, ...] = (
    AttentionSource("checklists.attention", "escalations", Action.RESOLVE_ESCALATION),
)


# Each role's main job comes first on home, so nobody hunts for what they are there for:
# the greeter greets (第5条), the waiter serves their tables (第6–8条), the supervisor runs
# the checklists before service (第3–4条). Screens named here that this tablet does not
# have are skipped; everything else follows in the order of HOME_TILES.
MAIN_JOBS: dict[Role, tuple[str, ...]] = {
    Role.GREETER: ("greeting", "floor"),
    Role.WAITER: ("my_tables",),
    Role.SUPERVISOR: ("checklists", "floor", "stations"),
    Role.CASHIER: ("cashier", "print_queue"),
    Role.MANAGER: ("floor", "checklists", "staff"),
}


def tiles_for(roles: frozenset[Role]) -> list[ScreenEntry]:
    """The tiles a person may open: their roles' main jobs first (in the order of the roles),
    then the rest."""
    shown = [t for t in HOME_TILES if t.on_home and (t.action is None or allowed(roles, t.action))]
    first = [name for role in Role if role in roles for name in MAIN_JOBS.get(role, ())]
    rank = {name: i for i, name in reversed(list(enumerate(first)))}
    return sorted(shown, key=lambda t: rank.get(t.name, len(rank)))
