"""How an order reads on screen: money, seats, allergens, and a line as Kivy markup. Shared
by the order screen, its dialogs and the read-back, so a line reads the same everywhere."""

from __future__ import annotations

from typing import Any

from kivy.app import App

from screens.widgets.table_look import person_name
from screens.widgets.theme import TYPE
from services.i18n import Plural
from services.menu.catalog import ALLERGEN_NAMES, MenuItemView
from services.orders.views import LineView
from services.printing.paper import money, printable

# The head of an order, on the order screen and the read-back.
ORDER_HEADER = Plural(
    "Table {table} · {guests} guest · Waiter {waiter} · {date}",
    "Table {table} · {guests} guests · Waiter {waiter} · {date}",
    "guests",
)


def tr(sentence: str, **params: Any) -> str:
    return str(App.get_running_app().localizer._(sentence, **params))


def pick(en: str, zh: str) -> str:
    return str(App.get_running_app().localizer.pick(en, zh))


def money_text(minor: int) -> str:
    restaurant = App.get_running_app().restaurant
    return money(minor, restaurant.currency_exponent if restaurant else 2)


def seat_word(seat: int | None) -> str:
    return tr("Table (shared)") if seat is None else tr("Seat {seat}", seat=seat)


def escape(text: str) -> str:
    """Kivy markup is on for these labels: a "[" typed in a note must stay a "["."""
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


def shown(text: str) -> str:
    """Typed words as the screen can draw them: the bundled font has no emoji, so an emoji
    is named ("[hot pepper]"), as on the kitchen's paper, instead of drawn as an empty box.
    The store keeps the words exactly as typed."""
    return escape(printable(text, "gb18030"))


def allergen_words(allergens: Any, loc: Any) -> str:
    return ("、" if loc.lang == "zh" else ", ").join(
        loc.pick(*ALLERGEN_NAMES[a]) for a in allergens
    )


def dish_text(item: MenuItemView, loc: Any) -> str:
    """A dish on the menu: its name, its price or that it is sold out, its allergens."""
    tr = loc._
    lines = [f"[b]{escape(loc.pick(item.name_en, item.name_zh))}[/b]"]
    if item.in_stock:
        lines.append(money_text(item.price_minor))
    else:
        sold_out = tr("SOLD OUT (86)")
        lines.append(f"[b][color=ff7366]{sold_out}[/color][/b]")
    if item.allergens:
        words = tr("Allergens: {list}", list=allergen_words(item.allergens, loc))
        lines.append(f"[size={TYPE.small}]{escape(words)}[/size]")
    return "\n".join(lines)


def line_text(line: LineView, loc: Any, place: bool = True) -> tuple[str, str]:
    """(the line in large type, its facts in smaller type), as Kivy markup; `place` adds the
    seat and course (the read-back has them as headings). A voided line is struck through,
    as on paper (第7条 ⑤), with who voided it, who approved and why."""
    tr = loc._
    name = escape(loc.pick(line.name_en, line.name_zh))
    main = f"[b]{line.quantity} × {name}[/b]"
    facts = [seat_word(line.seat), loc.pick(line.course_name_en, line.course_name_zh)]
    facts = facts if place else []
    facts += [escape(loc.pick(m.name_en, m.name_zh)) for m in line.modifiers]
    if line.note:
        facts.append(tr("Note: {note}", note=shown(line.note)))
    if line.allergens:
        facts.append(escape(tr("Allergens: {list}", list=allergen_words(line.allergens, loc))))
    text = " · ".join(facts)
    if not line.voided:
        return main, text
    void = tr(
        "VOID: {reason} · by {who}, approved by {manager}",
        reason=shown(line.void_reason),
        who=escape(person_name(line.voided_by)),
        manager=escape(person_name(line.void_approved_by)),
    )
    return f"[s]{main}[/s]", f"[s]{text}[/s]\n[color=ff7366]{void}[/color]"
