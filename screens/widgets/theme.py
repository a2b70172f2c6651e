"""Colours and the type scale, in one place. States are never shown by colour alone: text
always says them."""

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
# Neither done nor refused: the sign-in pad saying why someone was signed out.
NOTICE = (1.0, 0.78, 0.35, 1)


class TypeScale:
    """The sizes text comes in, by what the text is, so that a screen never picks a size of
    its own: nine steps where the screens had fifteen sizes a point or two apart.

    Use the name, not the size (`font_size: C.TYPE.body`, `font_size=TYPE.label`): the
    step a piece of text belongs to says why it is that big, and a size changed here
    changes every screen alike.
    """

    small = "14sp"  # the fine print of a menu button: its allergens
    caption = "16sp"  # secondary facts under a line: times, who, a dish's source
    body = "18sp"  # running text, list rows, messages
    label = "20sp"  # buttons, field labels, inputs: the default for what a finger taps
    title = "22sp"  # a panel's or a dialog's title, a party's size
    heading = "24sp"  # a screen's heading, a primary action, a ticket's table
    display = "30sp"  # the one figure a screen is about: a count, a stepper's − and +
    pad = "34sp"  # the digits of a PIN or cash pad
    amount = "44sp"  # the amount to pay, read from across the counter


TYPE = TypeScale()
