"""Signing in on the real PIN pad, wrong PINs, lockout, languages and signing out."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from models import AuditEvent, Role, Staff
from screens.localizer import load_translations
from screens.registry import tiles_for
from tests.ui.conftest import Driver

# Demo staff (assets/demo/staff.toml; the README lists them).
MANAGER = ("Zhou Min", "9999")


def _titles_for(role: Role) -> list[str]:
    """What home should offer a person with this one role, per the screen registry."""
    return sorted(entry.title for entry in tiles_for(frozenset({role})))


def _audit_count(ui: Driver, action: str) -> int:
    with ui.app.store.read() as s:
        return s.scalar(select(func.count()).where(AuditEvent.action == action)) or 0


def test_right_pin_reaches_home_with_the_screens_the_roles_allow(ui: Driver) -> None:
    assert ui.screen.name == "login"
    ui.screenshot("login-en")
    ui.sign_in("Wang Jianguo", "9999")
    assert ui.screen.name == "home"
    from screens.home import HomeTile

    tiles = sorted(t.text for t in ui.find(HomeTile))
    assert tiles == _titles_for(Role.MANAGER)
    assert {"Audit log", "Change my PIN", "Checklists"} <= set(tiles)
    assert "Wang Jianguo" in ui.header("who").text and "Manager" in ui.header("who").text
    ui.screenshot("home-en")
    assert _audit_count(ui, "staff.signed_in") == 1


def test_a_waiter_sees_no_manager_screens(ui: Driver) -> None:
    ui.sign_in("Zhang Wei", "1111")
    assert ui.screen.name == "home"
    from screens.home import HomeTile

    tiles = sorted(t.text for t in ui.find(HomeTile))
    assert tiles == _titles_for(Role.WAITER)
    assert "Change my PIN" in tiles and "My tables" in tiles
    assert not {"Audit log", "Checklists", "Checklist history"} & set(tiles)


def test_wrong_pin_is_refused_with_tries_left(ui: Driver) -> None:
    ui.sign_in("Zhang Wei", "1234")
    assert ui.screen.name == "login"
    assert "Wrong PIN. 4 tries left." in ui.message()
    assert ui.ids("pad").pin == ""
    assert _audit_count(ui, "staff.sign_in_failed") == 1
    assert _audit_count(ui, "staff.signed_in") == 0


def test_pin_without_a_name_asks_for_the_name_first(ui: Driver) -> None:
    ui.type_pin("1111")
    ui.tap(ui.ids("sign_in_button"))
    assert ui.screen.name == "login"
    assert "Tap your name first." in ui.message()


def test_too_short_a_pin_is_not_counted_as_a_guess(ui: Driver) -> None:
    ui.sign_in("Zhang Wei", "11")
    assert "A PIN is 4 to 8 digits." in ui.message()
    assert _audit_count(ui, "staff.sign_in_failed") == 0


def test_fifth_wrong_pin_locks_the_person_out(ui: Driver) -> None:
    for attempt in range(1, 6):
        ui.sign_in("Zhang Wei", "0000")
        assert ui.screen.name == "login", f"attempt {attempt}"
    assert "locked out" in ui.message()
    # Even the right PIN is refused while locked, and that try is audited too.
    ui.sign_in("Zhang Wei", "1111")
    assert ui.screen.name == "login"
    assert "locked out" in ui.message()
    assert _audit_count(ui, "staff.sign_in_failed") == 5
    assert _audit_count(ui, "staff.locked_out") == 1
    assert _audit_count(ui, "staff.sign_in_refused_locked") == 1
    with ui.app.store.read() as s:
        staff = s.scalar(select(Staff).where(Staff.number == "W01"))
        assert staff is not None and staff.locked_until is not None
    # Somebody else can still sign in on the same tablet.
    ui.sign_in("Wang Fang", "2222")
    assert ui.screen.name == "home"


def test_language_switches_on_every_screen_at_run_time(ui: Driver) -> None:
    ui.tap(ui.header("lang_button"))
    assert ui.app.localizer.lang == "zh"
    assert ui.ids("sign_in_button").text == "登录"
    assert ui.header("lang_button").text == "English"
    ui.screenshot("login-zh")
    ui.sign_in("Wang Jianguo", "0001")
    assert "PIN错误" in ui.message()
    ui.sign_in("Wang Jianguo", "9999")
    assert ui.screen.name == "home"
    from screens.home import HomeTile

    zh = load_translations("zh")
    assert sorted(t.text for t in ui.find(HomeTile)) == sorted(
        zh.gettext(title) for title in _titles_for(Role.MANAGER)
    )
    assert {"审计日志", "修改我的PIN"} <= {t.text for t in ui.find(HomeTile)}
    assert "经理" in ui.header("who").text
    ui.screenshot("home-zh")
    ui.tap(ui.header("lang_button"))
    assert sorted(t.text for t in ui.find(HomeTile)) == _titles_for(Role.MANAGER)


def test_chinese_glyphs_are_real_not_boxes(ui: Driver) -> None:
    """Two different characters must give different pixels; a missing glyph gives a box."""
    from kivy.core.text import Label as CoreLabel

    def pixels(text: str) -> bytes:
        label = CoreLabel(text=text, font_size=40)
        label.refresh()
        return bytes(label.texture.pixels)

    assert pixels("餐") != pixels("桌")
    assert pixels("餐") != pixels("□")


def test_sign_out_returns_to_the_pad(ui: Driver) -> None:
    ui.sign_in("Liu Yang", "5555")
    assert ui.screen.name == "home"
    ui.tap(ui.header("sign_out_button"))
    assert ui.screen.name == "login"
    assert ui.app.user is None
    assert _audit_count(ui, "staff.signed_out") == 1


def test_idle_tablet_signs_out_by_itself(ui: Driver) -> None:

    ui.sign_in("Zhang Wei", "1111")
    assert ui.screen.name == "home"
    ui.clock.now += 60  # a minute is not enough (the demo sets 120 s)
    ui.app.check_idle()  # what Kivy's clock calls each second
    assert ui.screen.name == "home"
    ui.clock.now += 61
    # Now Kivy's own clock, which checks once a second, signs the waiter out.
    assert ui.wait_until(lambda: ui.screen.name == "login")
    assert "Signed out after 2 min without a touch." in ui.message()
    with ui.app.store.read() as s:
        reasons = s.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "staff.signed_out")
        ).all()
    assert [json.loads(r)["reason"] for r in reasons] == ["idle"]


def test_manager_reads_the_audit_log(ui: Driver) -> None:
    ui.sign_in("Zhang Wei", "0000")  # one wrong try, to be seen in the log
    ui.sign_in("Wang Jianguo", "9999")
    ui.tap(ui.button_with_text("Audit log"))
    assert ui.screen.name == "audit_log"
    rows = ui.ids("rows").data
    # What the manager reads: sentences, not codes.
    shown = [r["what"] for r in rows]
    assert shown[0] == "王建国 Wang Jianguo signed in."
    assert "A wrong PIN was entered for 张伟 Zhang Wei." in shown
    assert not any(line.startswith("staff.") for line in shown)
    ui.screenshot("audit-log-en")


def test_change_my_pin_on_the_pad(ui: Driver) -> None:
    ui.sign_in("Wang Fang", "2222")
    ui.tap(ui.button_with_text("Change my PIN"))
    assert ui.screen.name == "change_pin"
    for pin in ("2222", "2468", "2468"):
        ui.type_pin(pin)
        ui.tap(ui.ids("next_button"))
    assert "Your PIN was changed." in ui.message()
    ui.tap(ui.header("sign_out_button"))
    ui.sign_in("Wang Fang", "2222")
    assert ui.screen.name == "login"
    ui.sign_in("Wang Fang", "2468")
    assert ui.screen.name == "home"
