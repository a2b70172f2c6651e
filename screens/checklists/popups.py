"""The dialogs of a checklist run: what is wrong with a failed item (note, fixed or
escalated, photo), choosing the photo, and signing off with a PIN. Their kv rules are in
checklist_run.kv."""

from __future__ import annotations

import os
import tempfile
import uuid
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
    """Where the tablet's camera app puts its pictures; TABLESIDE_PICTURES_DIR moves it.
    "" when there is none: the chooser is never opened on the whole file system."""
    for candidate in (os.environ.get("TABLESIDE_PICTURES_DIR"), user_pictures_dir()):
        if candidate and Path(candidate).is_dir():
            return candidate
    return ""


def has_pictures(folder: str) -> bool:
    """Any image file in the folder or one level below (where camera apps put them)."""
    if not folder:
        return False
    root = Path(folder)
    try:
        files = [*root.iterdir(), *(f for d in root.iterdir() if d.is_dir() for f in d.iterdir())]
    except OSError:
        return False
    return any(f.suffix.lower() in IMAGE_SUFFIXES and f.is_file() for f in files)


def camera_provider() -> Any:
    """Kivy's camera provider, or None: on many tablets and desktops none is installed
    (it needs OpenCV, GStreamer or Android's camera); TABLESIDE_NO_CAMERA=1 hides one."""
    if os.environ.get("TABLESIDE_NO_CAMERA"):
        return None
    try:
        from kivy.core.camera import Camera as CoreCamera
    except Exception:  # a broken provider is no camera, not a crash
        return None
    return CoreCamera


class SignedInPopup(Popup):
    """A dialog of a signed-in person. Like every dialog, it closes when they are signed out
    (idle or by hand): the app closes them all (TablesideApp.close_dialogs), so a PIN pad or
    a half-written note is never left over the sign-in screen for the next person."""


class PhotoChooserPopup(SignedInPopup):
    """The camera, where the tablet has one Kivy can use; else the pictures in the pictures
    folder only (image files, as large icons), or plain words that there are none."""

    notice = StringProperty("")
    can_choose = BooleanProperty(False)
    camera_on = BooleanProperty(False)

    def __init__(self, on_chosen: Callable[[Path], None], **kwargs: Any) -> None:
        self.on_chosen = on_chosen
        self.folder = pictures_folder()
        self.filters = IMAGE_FILTERS
        self.can_choose = has_pictures(self.folder)
        super().__init__(**kwargs)
        self.camera: Any = None
        if camera_provider() is not None:
            self._start_camera()
        tr = App.get_running_app().localizer._
        if self.camera is not None:
            self.notice = tr("Point the camera at the problem and tap “Take the photo”.")
        elif self.can_choose:
            self.notice = tr(
                "This tablet has no camera Tableside can use. Choose a picture taken with "
                "the camera app, from {folder}.",
                folder=self.folder,
            )
        elif self.folder:
            self.notice = tr(
                "This tablet has no camera Tableside can use, and there are no pictures in "
                "{folder}. Take one with the camera app, then try again.",
                folder=self.folder,
            )
        else:
            self.notice = tr(
                "This tablet has no camera Tableside can use, and no pictures folder. Take "
                "the photo with another device and tell the manager."
            )

    def _start_camera(self) -> None:
        from kivy.uix.camera import Camera

        try:
            camera = Camera(play=True, resolution=(1280, 720))
        except Exception:  # a provider without a working device
            return
        if camera._camera is None:
            return
        self.camera = camera
        self.camera_on = True
        self.ids.camera_box.add_widget(camera)

    def take_photo(self) -> None:
        """Save what the camera shows into the pictures folder (or the temporary folder
        when there is none) and use it."""
        camera = self.camera
        if camera is None:
            return
        folder = Path(self.folder or tempfile.gettempdir())
        target = folder / f"tableside-{uuid.uuid4().hex[:12]}.png"
        camera.export_to_png(str(target))
        camera.play = False
        self.dismiss()
        self.on_chosen(target)

    def on_dismiss(self) -> None:
        if self.camera is not None:
            self.camera.play = False

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
