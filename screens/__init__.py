"""Kivy screens: one module and one .kv file per screen; shared pieces in widgets/."""
