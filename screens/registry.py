"""The screens a person can open from home, and the roles that may open each.

Only screens that exist and work are listed; each capability adds its own entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.staff import Role


@dataclass(frozen=True)
class ScreenEntry:
    name: str  # the Screen's name in the ScreenManager
    title: str  # English; translated through the catalogue
    roles: frozenset[Role]  # empty: everyone signed in
    module: str  # screens.<module> holds the class and its .kv file
    class_name: str
    # False for a screen reached from another screen (a run opened from its list), not home.
    on_home: bool = True


ALL_ROLES: frozenset[Role] = frozenset()
CHECKLIST_ROLES: frozenset[Role] = frozenset({Role.SUPERVISOR, Role.MANAGER})

SEATING_ROLES: frozenset[Role] = frozenset({Role.GREETER, Role.SUPERVISOR, Role.MANAGER})
ORDER_ROLES: frozenset[Role] = frozenset({Role.WAITER, Role.SUPERVISOR, Role.MANAGER})

HOME_TILES: tuple[ScreenEntry, ...] = (
    ScreenEntry("floor", "Floor plan", SEATING_ROLES, "floor", "FloorScreen"),
    ScreenEntry("greeting", "Greet a party", SEATING_ROLES, "greeting", "GreetingScreen"),
    ScreenEntry("my_tables", "My tables", frozenset({Role.WAITER}), "my_tables", "MyTablesScreen"),
    # A party's order, opened from its table on the floor plan or on "My tables".
    ScreenEntry("order", "Order", ORDER_ROLES, "order", "OrderScreen", on_home=False),
    ScreenEntry(
        "read_back", "Read back", ORDER_ROLES, "read_back", "ReadBackScreen", on_home=False
    ),
    ScreenEntry(
        "reset_tables",
        "Reset tables",
        SEATING_ROLES | {Role.WAITER},
        "reset_tables",
        "ResetTablesScreen",
    ),
    ScreenEntry(
        "lost_and_found",
        "Lost and found",
        frozenset({Role.SUPERVISOR, Role.MANAGER}),
        "lost_and_found",
        "LostAndFoundScreen",
    ),
    ScreenEntry(
        "stations",
        "Sections for the service",
        frozenset({Role.SUPERVISOR}),
        "stations",
        "StationsScreen",
    ),
    ScreenEntry("audit_log", "Audit log", frozenset({Role.MANAGER}), "audit_log", "AuditLogScreen"),
    ScreenEntry("change_pin", "Change my PIN", ALL_ROLES, "change_pin", "ChangePinScreen"),
    ScreenEntry(
        "menu_stock",
        "Sold out (86)",
        frozenset({Role.SUPERVISOR, Role.MANAGER}),
        "menu_stock",
        "MenuStockScreen",
    ),
    ScreenEntry(
        "print_queue",
        "Print queue",
        frozenset({Role.SUPERVISOR, Role.CASHIER, Role.MANAGER}),
        "print_queue",
        "PrintQueueScreen",
    ),
    ScreenEntry("checklists", "Checklists", CHECKLIST_ROLES, "checklists", "ChecklistsScreen"),
    ScreenEntry(
        "checklist_run",
        "Checklist",
        CHECKLIST_ROLES,
        "checklist_run",
        "ChecklistRunScreen",
        on_home=False,
    ),
    ScreenEntry(
        "checklist_history",
        "Checklist history",
        CHECKLIST_ROLES,
        "checklist_history",
        "ChecklistHistoryScreen",
    ),
)


@dataclass(frozen=True)
class AttentionSource:
    """Something that may need this person now, shown in the attention panel on home:
    screens.<module>.<function>(app, refresh) returns a list of widgets.attention items."""

    module: str
    function: str
    roles: frozenset[Role]  # empty: everyone signed in


ATTENTION_SOURCES: tuple[AttentionSource, ...] = (
    AttentionSource("checklist_attention", "escalations", frozenset({Role.MANAGER})),
)


def tiles_for(roles: frozenset[Role]) -> list[ScreenEntry]:
    return [t for t in HOME_TILES if t.on_home and (not t.roles or t.roles & roles)]
