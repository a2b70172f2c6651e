"""Marks for sentences that are translated later, where they are shown (gettext).

Services hold English sentences (errors, state words) but never translate: the screens
do, through screens.localizer. These marks only tell the extractor (tools/translations.py,
Babel) that a string is a sentence a person will read, and carry what the translation
needs besides the English text:

- `N_("Free")` marks a sentence held in a constant (a tuple, a dict of state words, a
  default argument) and returns it unchanged;
- `NP_("table state", "Open")` marks a word whose Chinese depends on its sense (the
  context of pgettext);
- `Plural("{n} guest", "{n} guests", "n")` is a sentence with a singular and a plural,
  chosen by the number in its field `n` (ngettext).

`Plural` and the context mark are `str` subclasses, so they travel wherever a sentence
already does (a DomainError, `screen.say()`, a message line's StringProperty) and the
localizer recognises them when it translates. No Kivy here: services import this.
"""

from __future__ import annotations

from typing import Any, Self


def N_(sentence: str) -> str:
    """A sentence to be translated where it is shown; returned as it is."""
    return sentence


class InContext(str):
    """An English word or sentence with the sense it has here (gettext's msgctxt).

    The text is the English; `context` tells the translator which sense, so that "Open"
    as a table's state and "Open" as a button can have two Chinese words.
    """

    context: str

    def __new__(cls, context: str, text: str) -> Self:
        value = super().__new__(cls, text)
        value.context = context
        return value

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return (self.context, str(self))


def NP_(context: str, text: str) -> InContext:
    """Mark a word or sentence with its context, for a constant (pgettext)."""
    return InContext(context, text)


class Plural(str):
    """A sentence whose English changes with a number: "1 try left", "2 tries left".

    The str value is the plural form (so comparing a message with the usual English still
    works); `format()` picks the form by the field named `count`, as English does, and the
    localizer asks gettext's ngettext for the form the reader's language needs.
    """

    singular: str
    plural: str
    count: str

    def __new__(cls, singular: str, plural: str, count: str) -> Self:
        value = super().__new__(cls, plural)
        value.singular, value.plural, value.count = singular, plural, count
        return value

    def __getnewargs__(self) -> tuple[str, str, str]:  # type: ignore[override]
        return (self.singular, self.plural, self.count)

    def number(self, params: dict[str, Any]) -> int:
        """The number that chooses the form; a missing field is a programming error."""
        if self.count not in params:
            raise KeyError(f"{self.plural!r} is chosen by {{{self.count}}}, which is not given")
        return int(params[self.count])

    def format(self, *args: Any, **params: Any) -> str:
        english = self.singular if self.number(params) == 1 else self.plural
        return english.format(*args, **params)
