"""English and Simplified Chinese, switchable while the app runs (gettext).

Sentences are written in English in the code and looked up by that text in the compiled
catalogue assets/locale/<lang>/LC_MESSAGES/tableside.mo, read with the standard library's
gettext (Babel is only a development tool: tools/translations.py extracts, updates and
compiles). English needs no catalogue.

kv rules bind to `l._`, `l.ngettext` and `l.pgettext`; all three are replaced by new
functions when the language changes, so every bound label redraws. Each takes the
sentence's {fields} as keyword arguments and fills them in after translating.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.event import EventDispatcher
from kivy.properties import ObjectProperty, StringProperty

from services.errors import DomainError
from services.i18n import InContext, Plural

LOCALE_FOLDER = Path(__file__).resolve().parent.parent / "assets" / "locale"
DOMAIN = "tableside"
LANGUAGES = ("en", "zh")


class _Missing(gettext.NullTranslations):
    """The last fallback of a catalogue: shows the English and remembers that a sentence
    had no translation (the UI tests read `Localizer.missing`)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def gettext(self, message: str) -> str:
        self.seen.add(message)
        return message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self.seen.add(msgid2)
        return super().ngettext(msgid1, msgid2, n)

    def pgettext(self, context: str, message: str) -> str:
        self.seen.add(f"{context}|{message}")
        return message

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        self.seen.add(f"{context}|{msgid2}")
        return super().ngettext(msgid1, msgid2, n)


def load_translations(lang: str, folder: Path = LOCALE_FOLDER) -> gettext.NullTranslations:
    """The compiled catalogue of a language; English (the source) translates to itself."""
    if lang == "en":
        return gettext.NullTranslations()
    # fallback=False: a missing .mo is a broken install, not a reason to show English.
    return gettext.translation(DOMAIN, localedir=folder, languages=[lang], fallback=False)


def _filled(sentence: str, params: dict[str, Any]) -> str:
    return sentence.format(**params) if params else sentence


class Localizer(EventDispatcher):
    lang = StringProperty("en")
    _ = ObjectProperty(None)
    ngettext = ObjectProperty(None)
    pgettext = ObjectProperty(None)

    def __init__(self, **kwargs: Any) -> None:
        self._catalogues = {lang: load_translations(lang) for lang in LANGUAGES}
        self._missing = _Missing()
        for lang, catalogue in self._catalogues.items():
            if lang != "en":
                catalogue.add_fallback(self._missing)
        super().__init__(**kwargs)
        self._swap()

    def on_lang(self, _instance: Any, _value: str) -> None:
        self._swap()

    def _swap(self) -> None:
        catalogue = self._catalogues[self.lang]
        self.ngettext = self._plural_translator(catalogue)
        self.pgettext = self._context_translator(catalogue)
        self._ = self._translator(catalogue)

    @staticmethod
    def _translator(catalogue: gettext.NullTranslations) -> Callable[..., str]:
        def translate(text: str, **params: Any) -> str:
            if not text:
                return text  # gettext("") is the catalogue's header, never a sentence
            # A sentence carried from a service knows whether it has plural forms or a
            # context; a plain str is looked up as it is.
            if isinstance(text, Plural):
                n = text.number(params)
                return _filled(catalogue.ngettext(text.singular, text.plural, n), params)
            if isinstance(text, InContext):
                return _filled(catalogue.pgettext(text.context, text), params)
            return _filled(catalogue.gettext(text), params)

        return translate

    @staticmethod
    def _plural_translator(catalogue: gettext.NullTranslations) -> Callable[..., str]:
        def translate_plural(singular: str, plural: str, n: int, **params: Any) -> str:
            return _filled(catalogue.ngettext(singular, plural, n), params)

        return translate_plural

    @staticmethod
    def _context_translator(catalogue: gettext.NullTranslations) -> Callable[..., str]:
        def translate_in_context(context: str, text: str, **params: Any) -> str:
            return _filled(catalogue.pgettext(context, text), params)

        return translate_in_context

    @property
    def missing(self) -> set[str]:
        """Sentences shown in a language whose catalogue has no translation for them."""
        return set(self._missing.seen)

    def toggle(self) -> None:
        self.lang = "zh" if self.lang == "en" else "en"

    def pick(self, en: str, zh: str) -> str:
        """The right one of a bilingual pair of data fields (a dish name, a section name)."""
        return zh if self.lang == "zh" and zh else en

    def error(self, error: DomainError) -> str:
        return self._(error.message, **error.params)
