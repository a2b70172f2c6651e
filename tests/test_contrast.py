"""Text stays readable on what it is drawn on: at least 4.5:1 (WCAG 2 AA for normal text),
so "Not answered" and "Out of service" no longer read grey on grey (issue 12)."""

from __future__ import annotations

import pytest

from screens.widgets import table_look, theme
from services.floor.plan import TableState

AA = 4.5


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _luminance(colour: tuple[float, ...]) -> float:
    r, g, b = (_linear(c) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_formula_gives_the_known_extremes() -> None:
    assert contrast((1, 1, 1), (0, 0, 0)) == pytest.approx(21)
    assert contrast((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)) == pytest.approx(1)


@pytest.mark.parametrize("ground", ["BACKGROUND", "PANEL", "BUTTON", "SELECTED", "HEADER"])
@pytest.mark.parametrize("ink", ["TEXT", "MUTED"])
def test_text_and_muted_text_read_on_every_surface(ink: str, ground: str) -> None:
    assert contrast(getattr(theme, ink), getattr(theme, ground)) >= AA


@pytest.mark.parametrize("ink", ["OK", "ERROR", "NOTICE"])
def test_the_message_line_reads_on_the_background(ink: str) -> None:
    assert contrast(getattr(theme, ink), theme.BACKGROUND) >= AA


@pytest.mark.parametrize("state", list(TableState))
def test_every_table_state_s_words_read_on_its_colour(state: TableState) -> None:
    ink = table_look.text_colour(state)
    assert contrast(ink, table_look.STATE_COLOURS[state]) >= AA
