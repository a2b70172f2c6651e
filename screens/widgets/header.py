"""The bar at the top of every screen: where you are, who is signed in, language, sign out."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout


class HeaderBar(BoxLayout):
    title = StringProperty("")
    who = StringProperty("")
    show_home = BooleanProperty(True)
    show_sign_out = BooleanProperty(True)
