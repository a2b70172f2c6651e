"""Colours, in one place. States are never shown by colour alone: text always says them."""

BACKGROUND = (0.11, 0.12, 0.14, 1)
PANEL = (0.17, 0.18, 0.21, 1)
HEADER = (0.08, 0.22, 0.30, 1)
TEXT = (0.95, 0.95, 0.95, 1)
# Secondary text: at least 4.5:1 (WCAG AA) on every background and button colour below
# but the pressed one; "Not answered" and the like must not read grey on grey.
MUTED = (0.80, 0.82, 0.85, 1)
BUTTON = (0.27, 0.29, 0.34, 1)
BUTTON_DOWN = (0.40, 0.43, 0.50, 1)
# Dark enough that white text on it reaches about 7:1 and muted text 5:1.
SELECTED = (0.10, 0.33, 0.56, 1)
PRIMARY = (0.13, 0.52, 0.33, 1)
PRIMARY_DOWN = (0.20, 0.66, 0.43, 1)
DANGER = (0.70, 0.20, 0.18, 1)
DANGER_DOWN = (0.85, 0.30, 0.28, 1)
ERROR = (1.0, 0.45, 0.40, 1)
OK = (0.55, 0.90, 0.60, 1)
