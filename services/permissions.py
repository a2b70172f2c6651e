"""Who may do what: the one table of actions and the roles allowed each.

Services enforce it (`require`), the home screen reads it (`allowed`) to offer only the
tiles a person can use, and a test tries every action as every role. A capability that
adds a thing people do adds its action here, nowhere else.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from models import Role, Staff
from services.errors import NotAllowed
from services.i18n import NP_
from services.people.sessions import acting_staff

G, W, S, C, M = Role.GREETER, Role.WAITER, Role.SUPERVISOR, Role.CASHIER, Role.MANAGER
K = Role.KITCHEN

# Each role as a person reads it; the screens translate it (a new role needs its word).
# In the "staff role" context: the role Kitchen is the people (厨房人员), not the place.
ROLE_WORDS: dict[Role, str] = {
    G: NP_("staff role", "Greeter"),
    W: NP_("staff role", "Waiter"),
    S: NP_("staff role", "Supervisor"),
    C: NP_("staff role", "Cashier"),
    M: NP_("staff role", "Manager"),
    K: NP_("staff role", "Kitchen"),
}


class Action(StrEnum):
    # floor and seating (第5条, 第10条)
    SEAT_PARTY = "seat_party"  # greet, seat, keep the waitlist
    MOVE_PARTY = "move_party"  # transfer, join, split tables
    RESET_TABLE = "reset_table"  # belongings check and reset after the guests leave
    CLOSE_TABLE = "close_table"  # out of service and back
    SEE_GUESTS_OFF = "see_guests_off"  # the paid party has left
    ASSIGN_SECTIONS = "assign_sections"
    KEEP_LOST_PROPERTY = "keep_lost_property"
    # ordering (第7条)
    SERVE_TABLES = "serve_tables"  # look after the tables of one's own section
    TAKE_ORDER = "take_order"  # add, change, send and void lines
    ADVANCE_MEAL = "advance_meal"  # move a party on: ordered, eating, bill, paid
    MARK_SOLD_OUT = "mark_sold_out"
    # billing (第6条 13, 第9条)
    REQUEST_BILL = "request_bill"  # the guest asked for the bill
    PRESENT_BILL = "present_bill"  # print or show it, reprint it, split it
    TAKE_PAYMENT = "take_payment"  # cash, card, wallets, signed charges, refunds
    DISCOUNT = "discount"  # give a discount or comp (a manager's PIN approves it)
    REOPEN_BILL = "reopen_bill"
    MANAGE_ACCOUNTS = "manage_accounts"  # house accounts, their signers and statements
    # printing
    QUEUE_PRINT = "queue_print"  # a piece of paper on its own (a reprint of a bill, say)
    MANAGE_PRINT_QUEUE = "manage_print_queue"
    # checklists (第3条, 第4条, 第11–13条)
    RUN_CHECKLIST = "run_checklist"
    READ_CHECKLIST_HISTORY = "read_checklist_history"
    RESOLVE_ESCALATION = "resolve_escalation"
    # serving (第8条)
    FIRE_COURSE = "fire_course"  # fire the next course, or one "now"
    SERVE_COURSE = "serve_course"  # a course served, a refill, a visit
    WORK_KITCHEN = "work_kitchen"  # the kitchen screens: bump, recall
    RUSH = "rush"  # guests in a hurry: the only way a ticket jumps the queue
    SEE_ALL_TABLES = "see_all_tables"  # every table's needs, not only one's own
    READ_SERVICE_TIMINGS = "read_service_timings"
    SET_KITCHEN_TIMES = "set_kitchen_times"  # when a station's tickets turn amber and red
    # cash and the end of the day (第9条 ②)
    WORK_DRAWER = "work_drawer"  # open, pay in / out and count one's own cash drawer
    READ_REPORTS = "read_reports"  # the end-of-day report and its export
    SET_CASH_RULES = "set_cash_rules"  # whether drawers are counted blind
    # the record
    READ_AUDIT_LOG = "read_audit_log"
    # people: add staff, set roles, reset PINs, lift lockouts, deactivate who left
    MANAGE_STAFF = "manage_staff"


ROLES_FOR: dict[Action, frozenset[Role]] = {
    Action.SEAT_PARTY: frozenset({G, S, M}),
    Action.MOVE_PARTY: frozenset({G, W, S, M}),
    Action.RESET_TABLE: frozenset({G, W, S, M}),
    Action.CLOSE_TABLE: frozenset({S, M}),
    Action.SEE_GUESTS_OFF: frozenset({G, W, S, C, M}),
    Action.ASSIGN_SECTIONS: frozenset({S, M}),
    Action.KEEP_LOST_PROPERTY: frozenset({S, M}),
    Action.SERVE_TABLES: frozenset({W}),
    Action.TAKE_ORDER: frozenset({W, S, M}),
    Action.ADVANCE_MEAL: frozenset({W, C, S, M}),
    Action.MARK_SOLD_OUT: frozenset({S, M}),
    Action.REQUEST_BILL: frozenset({W, S, C, M}),
    Action.PRESENT_BILL: frozenset({W, S, C, M}),
    Action.TAKE_PAYMENT: frozenset({S, C, M}),
    Action.DISCOUNT: frozenset({W, S, C, M}),
    Action.REOPEN_BILL: frozenset({M}),
    Action.MANAGE_ACCOUNTS: frozenset({M}),
    Action.QUEUE_PRINT: frozenset({W, S, C, M}),
    Action.MANAGE_PRINT_QUEUE: frozenset({S, C, M}),
    Action.RUN_CHECKLIST: frozenset({S, M}),
    Action.READ_CHECKLIST_HISTORY: frozenset({S, M}),
    Action.RESOLVE_ESCALATION: frozenset({M}),
    Action.FIRE_COURSE: frozenset({W, S, M}),
    Action.SERVE_COURSE: frozenset({W, S, M}),
    Action.WORK_KITCHEN: frozenset({K, S, M}),
    Action.RUSH: frozenset({W, S, M, K}),
    Action.SEE_ALL_TABLES: frozenset({S, M}),
    Action.READ_SERVICE_TIMINGS: frozenset({S, M}),
    Action.SET_KITCHEN_TIMES: frozenset({S, M}),
    Action.WORK_DRAWER: frozenset({C, M}),
    Action.READ_REPORTS: frozenset({S, M}),
    Action.SET_CASH_RULES: frozenset({M}),
    Action.READ_AUDIT_LOG: frozenset({M}),
    Action.MANAGE_STAFF: frozenset({M}),
}


def allowed(roles: frozenset[Role] | set[Role], action: Action) -> bool:
    return bool(ROLES_FOR[action] & set(roles))


def roles_for(action: Action) -> frozenset[Role]:
    return ROLES_FOR[action]


def require(session: Session, staff_id: int, action: Action) -> Staff:
    """The acting person, if `staff_id` is a live signed-in session of theirs
    (services/people/sessions.py) and one of their roles allows the action; else
    NotAllowed."""
    staff = acting_staff(session, staff_id)
    if not staff.role_set & ROLES_FOR[action]:
        raise NotAllowed(
            "{name} may not do this: it needs the role {roles}.",
            name=staff.name,
            roles=" / ".join(r.value for r in Role if r in ROLES_FOR[action]),
        )
    return staff
