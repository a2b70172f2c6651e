"""Line breaking for Chinese in labels: no line may start with closing punctuation
(。，、；：？！）」』 and their kin), the rule of GB/T 15834 and of every printed page.

Kivy breaks a run of Chinese wherever the width runs out, so "。" can land alone at the
start of a line. `wrap_text` breaks the lines itself (measuring with Kivy's own text
renderer) and carries the last character down with any punctuation that would start a
line; `WrappedLabel` is a Label that does it whenever its text, width or font changes.
"""

from __future__ import annotations

import re
from typing import Any

from kivy.core.text import Label as CoreLabel
from kivy.properties import StringProperty
from kivy.uix.label import Label

# Characters that may not begin a line (closing punctuation, full and half width).
NO_LINE_START = set("。，、；：？！）」』】》〉”’…·,.;:?!)]}%")
_CJK_CLASS = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK = re.compile(f"[{_CJK_CLASS}]")
# A token is one CJK character, one punctuation mark, a run of spaces, or a Latin word.
_TOKEN = re.compile(f"[{_CJK_CLASS}]|\\s+|[^\\s{_CJK_CLASS}]+")


def _width(text: str, measure: CoreLabel) -> float:
    return float(measure.get_extents(text)[0])


def _wrap_paragraph(paragraph: str, width: float, measure: CoreLabel) -> list[str]:
    tokens = _TOKEN.findall(paragraph)
    lines: list[list[str]] = [[]]
    for token in tokens:
        line = lines[-1]
        if not line and token.isspace():
            continue  # a new line never starts with the space it broke at
        if not line or _width("".join(line) + token, measure) <= width:
            line.append(token)
            continue
        moved: list[str] = []
        if token[0] in NO_LINE_START:
            # Carry the last character down with the mark: "…检查" / "。" becomes "…检" / "查。"
            # (and a mark before it too, so "！」" never starts a line either).
            while len(line) > 1 and (not moved or moved[0][0] in NO_LINE_START):
                moved.insert(0, line.pop())
        while line and line[-1].isspace():
            line.pop()
        lines.append([*moved, token] if not token.isspace() else moved)
    return ["".join(line).rstrip() for line in lines]


def wrap_text(text: str, width: float, font_size: float, font_name: str = "Roboto") -> str:
    """`text` with line breaks put in so that it fits `width` pixels and no line starts
    with closing punctuation."""
    if width <= 0 or not text:
        return text
    measure = CoreLabel(font_size=font_size, font_name=font_name)
    wrapped = []
    for paragraph in text.split("\n"):
        wrapped.extend(_wrap_paragraph(paragraph, width, measure))
    return "\n".join(wrapped)


def starts_badly(text: str) -> bool:
    """True when a line of `text` starts with punctuation that may not start one."""
    return any(line[:1] in NO_LINE_START for line in text.split("\n")[1:])


class WrappedLabel(Label):
    """A Label whose `source` text is broken into lines by the rules above. Set `source`,
    not `text`; `text_size` is kept to the label's width so Kivy does not break again."""

    source = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bind(
            source=self._rewrap,
            width=self._rewrap,
            font_size=self._rewrap,
            font_name=self._rewrap,
            padding=self._rewrap,
        )
        self._rewrap()

    def _rewrap(self, *_args: Any) -> None:
        padding = self.padding
        left_right = padding[0] * 2 if len(padding) == 2 else padding[0] + padding[2]
        usable = max(0.0, self.width - left_right - 2)
        has_cjk = bool(_CJK.search(self.source))
        self.text = (
            wrap_text(self.source, usable, self.font_size, self.font_name)
            if has_cjk
            else self.source
        )
