"""The 86 board: every dish by category, each with what it is now (available or sold out) and
one large button to change it. Supervisors and managers; the waiters' order screen shows the
result at once, and the order service refuses a sold-out dish."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.togglebutton import ToggleButton

from screens.widgets.base import TablesideScreen
from screens.widgets.choice_list import Choice
from services.errors import DomainError
from services.menu import catalog as menu_service
from services.menu.catalog import MenuCategoryView, MenuItemView
from services.text import both


class StockCategoryButton(ToggleButton):
    """A category on the sold-out screen, in its ChoiceList (its look is in stock.kv)."""


class StockRow(BoxLayout):
    """One dish: name in the chosen language (the other below it), price, state, button."""

    item_id = NumericProperty(0)
    name = StringProperty("")
    other_name = StringProperty("")
    price = StringProperty("")
    in_stock = BooleanProperty(True)
    state_text = StringProperty("")
    action_text = StringProperty("")


def price_text(minor: int, exponent: int) -> str:
    units, fraction = divmod(minor, 10**exponent)
    return f"{units}.{fraction:0{exponent}d}" if exponent else str(units)


class MenuStockScreen(TablesideScreen):
    sold_out_count = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._categories: list[MenuCategoryView] = []
        self._shown_category: int | None = None
        self._search = ""

    def on_pre_enter(self, *_args: Any) -> None:
        self.clear_message()
        self.ids.search.text = ""
        self._search = ""
        self.reload()

    def on_language(self) -> None:
        self._draw()

    def reload(self) -> None:
        self._categories = menu_service.menu(self.app.store)
        ids = [c.id for c in self._categories]
        if self._shown_category not in ids:
            self._shown_category = ids[0] if ids else None
        self._draw()

    def show_category(self, category_id: int) -> None:
        self._shown_category = category_id
        self.ids.search.text = ""
        self._search = ""
        self._draw()

    def search(self, text: str) -> None:
        self._search = text
        self._draw()

    def _items_shown(self) -> list[MenuItemView]:
        if self._search.strip():
            return menu_service.search_menu(self.app.store, self._search)
        chosen = next((c for c in self._categories if c.id == self._shown_category), None)
        return list(chosen.items) if chosen else []

    def _draw(self) -> None:
        loc = self.app.localizer
        tr = loc._
        self.sold_out_count = sum(not i.in_stock for c in self._categories for i in c.items)
        tabs = []
        for category in self._categories:
            out = sum(not i.in_stock for i in category.items)
            label = loc.pick(category.name_en, category.name_zh)
            words = label if not out else tr("{name} ({count} sold out)", name=label, count=out)
            tabs.append(Choice(category.id, words))
        searching = bool(self._search.strip())
        self.ids.categories.show(tabs, selected=None if searching else self._shown_category)

        exponent = self.app.restaurant.currency_exponent if self.app.restaurant else 2
        rows = self.ids.rows
        rows.clear_widgets()
        for item in self._items_shown():
            name = loc.pick(item.name_en, item.name_zh)
            row = StockRow(
                item_id=item.id,
                name=name,
                other_name=item.name_en if name != item.name_en else item.name_zh,
                price=price_text(item.price_minor, exponent),
                in_stock=item.in_stock,
                state_text=tr("Available") if item.in_stock else tr("SOLD OUT (86)"),
                action_text=tr("Mark sold out") if item.in_stock else tr("Back in stock"),
            )
            row.ids.toggle.bind(on_release=lambda _b, i=item: self.toggle(i))
            rows.add_widget(row)

    def toggle(self, item: MenuItemView) -> None:
        try:
            command = menu_service.SetInStock(item_id=item.id, in_stock=not item.in_stock)
            changed = menu_service.set_in_stock(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self.fail(error)
            self.reload()
            return
        # The dish in the reader's language only (the message line picks, issue 12).
        name = both("name", changed.name_en, changed.name_zh)
        if changed.in_stock:
            self.say("{name} is available again.", **name)
        else:
            self.say("{name} is now sold out (86).", **name)
        self.reload()
