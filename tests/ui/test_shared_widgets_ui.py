"""The shared widgets every screen builds on (screens/widgets/): a block that comes and
goes, the − value + stepper, and a choice list fed by data, tapped as a person would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.ui.conftest import Driver

KV = """
BoxLayout:
    orientation: 'vertical'
    BoxLayout:
        size_hint_y: None
        height: dp(64)
        # `shown` before `collapse` on purpose: the order of a rule's lines must not matter.
        ShowPrimary:
            id: save
            text: 'Save'
            shown: False
            collapse: 'width'
        Button:
            id: close
            text: 'Close'
    ShowBox:
        id: quantity_row
        open_size: dp(64)
        Stepper:
            id: stepper
            names: 'minus', 'count', 'plus'
            text: '2'
    ChoiceList:
        id: seats
        allow_none: False
    Widget:
"""


@pytest.fixture
def panel(ui: Driver) -> Iterator[Any]:
    from kivy.core.window import Window
    from kivy.lang import Builder

    root = Builder.load_string(KV)
    Window.add_widget(root)
    ui.idle()
    yield root
    Window.remove_widget(root)


def test_a_hidden_block_takes_no_room_and_no_tap(ui: Driver, panel: Any) -> None:
    from kivy.metrics import dp

    save, close, row = panel.ids.save, panel.ids.close, panel.ids.quantity_row
    assert save.width == 0 and save.opacity == 0 and save.disabled
    assert close.width == panel.width and close.height == dp(64)
    assert row.height == dp(64) and row.opacity == 1 and not row.disabled
    row.shown = False
    ui.idle()
    assert row.height == 0 and row.opacity == 0 and row.disabled
    assert panel.ids.stepper.ids.up.disabled  # what is inside a hidden block is not tappable
    row.shown, save.shown = True, True
    ui.idle()
    assert row.height == dp(64) and not row.disabled
    # Shown again, the button is as tall as its row and shares it with its neighbour.
    assert save.height == close.height and save.width == pytest.approx(close.width, abs=1)
    assert not save.disabled and save.opacity == 1


def test_the_stepper_steps_and_its_parts_keep_their_owners_ids(ui: Driver, panel: Any) -> None:
    from screens.widgets.stepper import lift_ids

    steps: list[int] = []
    stepper = panel.ids.stepper
    stepper.bind(on_step=lambda _s, step: steps.append(step))
    lift_ids(panel)
    assert panel.ids.count.text == "2"
    ui.tap(panel.ids.plus)
    ui.tap(panel.ids.minus)
    ui.tap(panel.ids.plus)
    assert steps == [1, -1, 1]
    assert panel.ids.minus.text == "−" and panel.ids.plus.text == "+"


def test_a_choice_list_shows_its_data_and_says_what_was_chosen(ui: Driver, panel: Any) -> None:
    from screens.widgets.choice_list import Choice

    chosen: list[Any] = []
    seats = panel.ids.seats
    seats.bind(on_choose=lambda _l, key: chosen.append(key))
    ids = panel.ids
    seats.show(
        [Choice(None, "Table (shared)", "seat_shared")]
        + [Choice(n, f"Seat {n}", f"seat_{n}") for n in (1, 2, 3)],
        selected=None,
        ids=ids,
    )
    ui.idle()
    assert [b.text for b in reversed(seats.children)] == [
        "Table (shared)",
        "Seat 1",
        "Seat 2",
        "Seat 3",
    ]
    assert ids.seat_shared.state == "down" and seats.chosen("none") is None
    ui.tap(ids.seat_2)
    ui.tap(ids.seat_2)  # radio buttons: a second tap keeps it chosen
    assert chosen == [2, 2] and seats.chosen() == 2
    assert [b.state for b in (ids.seat_shared, ids.seat_1, ids.seat_3)] == ["normal"] * 3
    # Drawn again from new data: a choice that is gone cannot be found any more.
    seats.show([Choice(1, "Seat 1", "seat_1", enabled=False)], selected=1, ids=ids)
    ui.idle()
    assert "seat_2" not in ids and "seat_shared" not in ids
    assert ids.seat_1.disabled and seats.chosen() == 1


def test_a_tap_in_a_group_survives_a_button_freed_during_it(ui: Driver) -> None:
    """A grouped button dropped earlier and freed by a garbage collection that runs while a
    tap lets the group's other buttons go (screens/widgets/toggle_groups.py): the tap
    still goes through. Kivy's own walk raised ValueError here."""
    import gc

    from kivy.uix.togglebutton import ToggleButton

    class Collecting(ToggleButton):
        def on_state(self, _button: Any, state: str) -> None:
            if state == "normal":
                gc.collect()  # what any allocation in Python code may set off

    group = "freed_during_a_tap"
    gc.disable()  # the dropped button must still be waiting for a collection
    try:
        first = Collecting(group=group, state="down")
        dropped = ToggleButton(group=group)
        dropped.cycle = dropped  # freed only by a collection, as a real widget tree is
        del dropped
        tapped = ToggleButton(group=group)
        tapped._do_press()
    finally:
        gc.enable()
    assert tapped.state == "down" and first.state == "normal"
