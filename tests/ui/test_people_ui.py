"""Staff management on the real app, by touch: the lockout message says "ask a manager to
reset the PIN", and now the manager can: lift the lockout, reset a PIN, add a person with
their roles, deactivate someone who left. Each change asks for the manager's own PIN."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models import AuditEvent
from screens.home import HomeTile
from tests.ui.conftest import Driver

MANAGER = ("Wang Jianguo", "9999")


def _person(ui: Driver, number: str) -> Any:
    from screens.people.staff import PersonButton

    ui.idle()
    found = ui.find(PersonButton, lambda b: b.text.startswith(f"{number} ·"))
    assert found, f"{number} is not listed"
    # The team is longer than the screen: scroll to the person, as a finger would.
    ui.ids("people_view").scroll_to(found[0], animate=False)
    ui.idle()
    return found[0]


def _role(ui: Driver, role: str) -> Any:
    from screens.people.staff import RoleButton

    return ui.find(RoleButton, lambda b: b.role == role)[0]


def _manager_pin(ui: Driver, pin: str = "9999") -> None:
    ui.ids("manager_pin").insert_text(pin)


def _sign_out(ui: Driver) -> None:
    ui.tap(ui.header("sign_out_button"))
    ui.idle()


def _open_staff(ui: Driver) -> None:
    ui.sign_in(*MANAGER)
    ui.tap(ui.button_with_text("Staff"))
    assert ui.screen.name == "staff"


def _actions(ui: Driver) -> list[str]:
    with ui.app.store.read() as s:
        return list(
            s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("staff.%"))).all()
        )


def test_a_locked_out_waiter_is_let_back_in_by_the_manager(ui: Driver) -> None:
    for _attempt in range(5):
        ui.sign_in("Zhang Wei", "0000")
    assert "locked out" in ui.message()
    _open_staff(ui)
    assert "LOCKED OUT" in _person(ui, "W01").text
    ui.tap(_person(ui, "W01"))
    assert "Locked out" in ui.ids("state_line").text
    ui.screenshot("staff-locked-en")
    ui.tap(ui.ids("lift_button"))  # no manager PIN typed: refused, nothing changes
    assert "A PIN is 4 to 8 digits." in ui.message()
    _manager_pin(ui, "1234")
    ui.tap(ui.ids("lift_button"))
    assert "not a manager's" in ui.message()
    _manager_pin(ui)
    ui.tap(ui.ids("lift_button"))
    assert "张伟 Zhang Wei may sign in again." in ui.message()
    assert "LOCKED OUT" not in _person(ui, "W01").text
    assert "staff.lockout_lifted" in _actions(ui)
    _sign_out(ui)
    ui.sign_in("Zhang Wei", "1111")
    assert ui.screen.name == "home"


def test_the_manager_adds_a_person_resets_a_pin_and_deactivates_who_left(ui: Driver) -> None:
    _open_staff(ui)
    ui.tap(ui.ids("new_button"))
    ui.ids("number").insert_text("W05")
    ui.ids("name").insert_text("吴静 Wu Jing")
    ui.tap(_role(ui, "waiter"))
    ui.tap(_role(ui, "greeter"))
    ui.ids("pin").insert_text("5050")
    _manager_pin(ui)
    ui.screenshot("staff-add-en")
    ui.tap(ui.ids("add_button"))
    assert "吴静 Wu Jing was added and can sign in now." in ui.message()
    assert "Greeter · Waiter" in _person(ui, "W05").text

    # 孙磊 Sun Lei has forgotten his PIN; the manager gives him a new one.
    ui.tap(_person(ui, "W03"))
    ui.ids("pin").insert_text("3030")
    _manager_pin(ui)
    ui.tap(ui.ids("reset_button"))
    assert "The PIN of 孙磊 Sun Lei was reset" in ui.message()

    # 周婷 Zhou Ting has left.
    ui.tap(_person(ui, "W04"))
    _manager_pin(ui)
    ui.tap(ui.ids("deactivate_button"))
    assert "周婷 Zhou Ting was deactivated" in ui.message()
    assert "has left" in _person(ui, "W04").text
    assert ui.ids("reset_button").disabled  # nothing more to do for someone who left

    ui.tap(ui.header("lang_button"))
    assert ui.header("who").text and "已离职" in _person(ui, "W04").text
    ui.screenshot("staff-zh")
    ui.tap(ui.header("lang_button"))
    ui.screenshot("staff-en")
    assert {"staff.created", "staff.pin_reset", "staff.deactivated"} <= set(_actions(ui))

    _sign_out(ui)
    names = [b.text for b in ui.find(type(ui.button_with_text("Wu Jing")))]
    assert any("Wu Jing" in n for n in names) and not any("Zhou Ting" in n for n in names)
    ui.sign_in("Sun Lei", "3333")
    assert ui.screen.name == "login"
    ui.sign_in("Sun Lei", "3030")
    assert ui.screen.name == "home"
    _sign_out(ui)
    ui.sign_in("Wu Jing", "5050")
    assert ui.screen.name == "home"
    assert next(t.text for t in ui.find(HomeTile)) == "Greet a party"


def test_only_a_manager_sees_the_staff_screen(ui: Driver) -> None:
    ui.sign_in("Li Na", "8888")
    assert "Staff" not in [t.text for t in ui.find(HomeTile)]
