"""A pair of names (a section, a service, a reason) given to a sentence as one field: it
is drawn in the reader's language each time the sentence is formatted, so a message shown
before the language changed reads right after it ("孙磊 Sun Lei负责午市的包间。", never
"…负责Lunch的Private rooms。")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kivy.app import App

from services.errors import DomainError


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


def paired(params: Mapping[str, Any]) -> dict[str, Any]:
    """A service's fields with each bilingual name made one Both: it gives a name as
    `{field}` (English) and `{field}_zh` (services.text.both), never glued into one
    sentence, and the screen shows the reader's half of it."""
    made = dict(params)
    for key, en in params.items():
        zh = params.get(f"{key}_zh")
        if isinstance(en, str) and isinstance(zh, str) and not isinstance(en, Both):
            made[key] = Both(en, zh)
    return made


def error_text(error: DomainError) -> str:
    """A refusal in the reader's language, its bilingual names picked (for a popup's own
    message line; screens show theirs through TablesideScreen.fail)."""
    app = App.get_running_app()
    params = paired(error.params)
    if app is None:
        return error.message.format(**params)
    return str(app.localizer._(error.message, **params))
