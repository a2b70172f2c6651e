"""The dialogs of a checklist run: what is wrong with a failed item (note, fixed or
escalated, photo), choosing the photo, and signing off with a PIN. Their kv rules are in
checklist_run.kv."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.popup import Popup
from platformdirs import user_pictures_dir

from services.checklists.files import IMAGE_SUFFIXES
from services.checklists.runs import FailAction, Result
from services.errors import DomainError

IMAGE_FILTERS = [f"*{suffix}" for suffix in IMAGE_SUFFIXES] + [
    f"*{suffix.upper()}" for suffix in IMAGE_SUFFIXES
]


def pictures_folder() -> str:
    """Where the tablet's camera app puts its pictures; TABLESIDE_PICTURES_DIR moves it."""
    for candidate in (os.environ.get("TABLESIDE_PICTURES_DIR"), user_pictures_dir()):
        if candidate and Path(candidate).is_dir():
            return candidate
    return str(Path.home())


class SignedInPopup(Popup):
    """A dialog of a signed-in person. Like every dialog, it closes when they are signed out
    (idle or by hand): the app closes them all (TablesideApp.close_dialogs), so a PIN pad or
    a half-written note is never left over the sign-in screen for the next person."""


class PhotoChooserPopup(SignedInPopup):
    """Pictures on the tablet, image files only, as large icons."""

    def __init__(self, on_chosen: Callable[[Path], None], **kwargs: Any) -> None:
        self.on_chosen = on_chosen
        self.folder = pictures_folder()
        self.filters = IMAGE_FILTERS
        super().__init__(**kwargs)

    def use_selected(self) -> None:
        chosen = self.ids.chooser.selection
        if not chosen:
            return
        self.dismiss()
        self.on_chosen(Path(chosen[0]))


class AnswerPopup(SignedInPopup):
    """The answer for one item when it needs words: a fail (note + fixed or escalated,
    and a photo when the template asks), or a correction of a signed run (with a reason)."""

    item_text = StringProperty("")
    correction = BooleanProperty(False)
    result = StringProperty(Result.FAIL.value)
    fail_action = StringProperty("")
    needs_photo = BooleanProperty(False)
    photo_name = StringProperty("")
    message = StringProperty("")

    def __init__(self, save: Callable[[AnswerPopup], DomainError | None], **kwargs: Any) -> None:
        self._save = save
        self.photo: Path | None = None
        super().__init__(**kwargs)

    @property
    def failing(self) -> bool:
        return self.result == Result.FAIL.value

    def choose_result(self, result: str) -> None:
        self.result = result
        self.message = ""

    def choose_action(self, action: str) -> None:
        self.fail_action = action
        self.message = ""

    def pick_photo(self) -> None:
        PhotoChooserPopup(self._photo_chosen).open()

    def _photo_chosen(self, path: Path) -> None:
        self.photo = path
        self.photo_name = path.name
        self.message = ""  # an earlier "needs a photo" no longer applies

    def answer(self) -> tuple[Result, FailAction | None, Path | None]:
        result = Result(self.result)
        if result is not Result.FAIL:
            return result, None, None
        action = FailAction(self.fail_action) if self.fail_action else None
        return result, action, self.photo

    def save(self) -> None:
        error = self._save(self)
        if error is None:
            self.dismiss()
            return
        self.message = App.get_running_app().localizer.error(error)


class SignOffPopup(SignedInPopup):
    """The supervisor's own PIN, entered at the moment of signing."""

    message = StringProperty("")

    def __init__(self, sign: Callable[[str], DomainError | None], **kwargs: Any) -> None:
        self._sign = sign
        super().__init__(**kwargs)

    def confirm(self) -> None:
        pad = self.ids.pad
        pin, pad.pin = pad.pin, ""
        error = self._sign(pin)
        if error is None:
            self.dismiss()
            return
        self.message = App.get_running_app().localizer.error(error)
