"""Use cases, one module per capability. Plain Python: nothing here imports Kivy."""
