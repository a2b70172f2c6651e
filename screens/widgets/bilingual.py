"""A pair of names (a section, a service, a reason) given to a sentence as one field: it
is drawn in the reader's language each time the sentence is formatted, so a message shown
before the language changed reads right after it ("孙磊 Sun Lei负责午市的包间。", never
"…负责Lunch的Private rooms。")."""

from __future__ import annotations

from kivy.app import App


class Both(str):
    """The English name as a str (logs, comparisons); its Chinese one when the screen is in
    Chinese. `format()` asks for it at drawing time, through __format__."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Both:
        made = super().__new__(cls, en)
        made.zh = zh
        return made

    def __format__(self, spec: str) -> str:
        app = App.get_running_app()
        lang = app.localizer.lang if app is not None else "en"
        return format(self.zh if lang == "zh" and self.zh else str(self), spec)
