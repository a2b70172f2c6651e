"""English and Simplified Chinese, switchable while the app runs.

Sentences are looked up by their English text (as gettext does) in the catalogues under
assets/i18n/<lang>/*.json: one file per capability, merged. kv rules bind to `l._`, which
is replaced by a new function when the language changes, so every bound label redraws.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.event import EventDispatcher
from kivy.properties import ObjectProperty, StringProperty

from services.errors import DomainError

I18N_FOLDER = Path(__file__).resolve().parent.parent / "assets" / "i18n"
LANGUAGES = ("en", "zh")


def load_catalogue(lang: str, folder: Path = I18N_FOLDER) -> dict[str, str]:
    catalogue: dict[str, str] = {}
    for path in sorted((folder / lang).glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        catalogue.update({k: v for k, v in entries.items() if not k.startswith("//")})
    return catalogue


class Localizer(EventDispatcher):
    lang = StringProperty("en")
    _ = ObjectProperty(None)

    def __init__(self, **kwargs: Any) -> None:
        self._catalogues = {lang: load_catalogue(lang) for lang in LANGUAGES if lang != "en"}
        super().__init__(**kwargs)
        self._ = self._translator()

    def on_lang(self, _instance: Any, _value: str) -> None:
        self._ = self._translator()

    def _translator(self) -> Callable[..., str]:
        catalogue = self._catalogues.get(self.lang, {})

        def translate(text: str, **params: Any) -> str:
            sentence = catalogue.get(text, text)
            return sentence.format(**params) if params else sentence

        return translate

    def toggle(self) -> None:
        self.lang = "zh" if self.lang == "en" else "en"

    def pick(self, en: str, zh: str) -> str:
        """The right one of a bilingual pair of data fields (a dish name, a section name)."""
        return zh if self.lang == "zh" and zh else en

    def error(self, error: DomainError) -> str:
        return self._(error.message, **error.params)
