"""A tablet never stays signed in as someone whose session ended on another tablet.

The waiter's session ends while their tablet shows a screen: by a lockout (someone guessed
their PIN elsewhere) the tablet goes back to the sign-in pad by itself; by a PIN reset,
the next thing they tap is refused and the pad says why. Nothing is done in their name.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import func, select

from models import AuditEvent
from screens.app import SESSION_CHECK_SECONDS
from services.errors import DomainError
from services.people import staff as staff_service
from services.people.staff import ResetPin, SignIn
from tests.ui.conftest import Driver

WAITER = ("Zhang Wei", "1111")


def test_a_lockout_elsewhere_sends_the_tablet_back_to_sign_in(ui: Driver) -> None:
    ui.sign_in(*WAITER)
    assert ui.screen.name == "home"
    waiter = int(ui.app.user.staff_id)
    for _ in range(5):  # someone at the door's tablet guessing Zhang Wei's PIN
        with contextlib.suppress(DomainError):
            staff_service.sign_in(ui.app.store, SignIn(staff_id=waiter, pin="0000"))
    ui.let_time_pass(SESSION_CHECK_SECONDS)  # the once-a-second check asks the store
    assert ui.screen.name == "login"
    assert "too many wrong PINs locked you out" in ui.message()
    assert ui.app.user is None
    # Said in amber: not green, since nothing went well, and not red, since the person at
    # this tablet did nothing wrong.
    from screens.widgets import theme
    from screens.widgets.message_line import MessageLine

    line = ui.find(MessageLine)[0]
    assert tuple(line.color) == theme.NOTICE
    ui.tap(ui.button_with_text("Wang Fang"))  # the next person taps their name
    assert ui.message() == ""
    ui.sign_in("Wang Fang", "9876")  # and mistypes: that is refused, in red
    assert "Wrong PIN" in ui.message() and tuple(line.color) == theme.ERROR


def test_a_tap_after_a_pin_reset_is_refused_and_the_pad_says_why(ui: Driver) -> None:
    ui.sign_in(*WAITER)
    ui.tap(ui.button_with_text("My tables"))
    assert ui.screen.name == "my_tables"
    staff_service.reset_pin(ui.app.store, ResetPin(number="W01", pin="4321"))
    waiter = int(ui.app.user.staff_id)
    by_waiter = select(func.count()).where(AuditEvent.actor_id == waiter)
    with ui.app.store.read() as s:
        before = s.scalar(by_waiter)
    ui.tap(ui.ids("check_in_button"))
    assert ui.screen.name == "login"
    assert "your PIN was reset" in ui.message()
    with ui.app.store.read() as s:
        assert s.scalar(by_waiter) == before  # nothing was done, or audited, in their name
    ui.screenshot("session-ended-en")
