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


ALL_ROLES: frozenset[Role] = frozenset()

HOME_TILES: tuple[ScreenEntry, ...] = (
    ScreenEntry("audit_log", "Audit log", frozenset({Role.MANAGER}), "audit_log", "AuditLogScreen"),
    ScreenEntry("change_pin", "Change my PIN", ALL_ROLES, "change_pin", "ChangePinScreen"),
)


def tiles_for(roles: frozenset[Role]) -> list[ScreenEntry]:
    return [t for t in HOME_TILES if not t.roles or t.roles & roles]
