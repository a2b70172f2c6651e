"""Toggle-button groups that a garbage collection in the middle of a tap cannot break.

Kivy (2.3, kivy/uix/behaviors/togglebutton.py) keeps each group as a list of weak
references; a reference's callback takes it out of the list when its button is freed.
`_release_group`, run on every tap of a grouped button, walks a copy of that list and sets
the other buttons to "normal". Setting a state runs Python code, which can start a cyclic
garbage collection; a button dropped earlier (a list of choices drawn again, a closed
dialog, the app of the last sign-in) is then freed halfway through the walk, its callback
takes it out of the list, and when the walk reaches it in the copy, Kivy removes it again:
`ValueError: list.remove(x): x not in list`, and the tap is lost. (Had it been still in
the list, the next line would set a state on None.) Kivy's docs warn that freed buttons can
linger in a group (ToggleButtonBehavior.get_widgets); the walk does not allow for it.

Seen here: tests/ui/test_dining_room_ui.py failed once this way on a loaded machine.

The walk below holds every button of the group for its length, so none is freed during it,
and leaves dead references to the callbacks that remove them. `install()` puts it in
place of Kivy's once, when the app's screens are imported.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.behaviors.togglebutton import ToggleButtonBehavior

# Kivy's group table (a name-mangled class attribute).
_GROUPS: dict[Any, list[Any]] = ToggleButtonBehavior._ToggleButtonBehavior__groups  # type: ignore[attr-defined]


def _release_group(self: ToggleButtonBehavior, current: Any) -> None:
    if self.group is None:
        return
    # Strong references for the whole walk: nothing in `alive` can be freed meanwhile.
    alive = [w for w in (ref() for ref in _GROUPS.get(self.group, ())) if w is not None]
    for widget in alive:
        if widget is not current:
            widget.state = "normal"


def install() -> None:
    ToggleButtonBehavior._release_group = _release_group  # type: ignore[method-assign]
