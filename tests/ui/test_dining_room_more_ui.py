"""The rest of the dining room's defects of issue 12 (points 13-16 and 20), found by touch
on the real app: Chinese screens in Chinese, an audit log a manager can read, nothing
clipped, dialogs without empty halves, notes the kitchen cannot miss, and honest words
when a search, a photo or an export finds nothing or lands somewhere."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from kivy.core.text import Label as CoreLabel
from kivy.metrics import dp
from kivy.uix.spinner import Spinner

from screens.audit_log import AuditEventPopup, AuditRow
from screens.checklists.run import RunItemRow
from screens.floor.greeting import WaitingRow
from screens.home import HomeTile
from screens.orders.order import MenuItemButton, OrderLineRow
from screens.orders.popups import NOTE_INK
from screens.orders.read_back import ReadBackRow
from screens.widgets.cjk_wrap import WrappedLabel, starts_badly, wrap_text
from services.floor.guest_input import PartyDetails
from services.floor.waitlist import add_to_waitlist, waitlist
from services.orders.taking import AddLine, add_line
from tests.ui.conftest import Driver
from tests.ui.dining_support import (
    dialogs,
    item,
    open_inspection,
    open_order,
    seated_table_one,
    void_first_line,
    wait,
)
from tests.ui.seating_setup import open_gate_today, staff_ids

MANAGER = ("Wang Jianguo", "9999")


def _both(ui: Driver, name: str) -> None:
    """Screenshots in English and in Chinese, back in English afterwards."""
    ui.screenshot(f"{name}-en")
    ui.tap(ui.header("lang_button"))
    ui.screenshot(f"{name}-zh")
    ui.tap(ui.header("lang_button"))


def _pick(ui: Driver, spinner: Spinner, text: str) -> None:
    """Open the filter and tap one of its choices, as a person does."""
    ui.tap(spinner)
    option = next(b for b in spinner._dropdown.container.children if b.text == text)
    ui.tap(option)


def _rows(ui: Driver) -> list[str]:
    ui.idle()
    return [row["what"] for row in ui.ids("rows").data]


def test_the_audit_log_reads_as_sentences_with_filters_and_details(ui: Driver) -> None:
    seated_table_one(ui.app.store)
    ui.sign_in(*MANAGER)
    ui.tap(ui.button_with_text("Audit log"))
    rows = _rows(ui)
    assert any(r.endswith("Wang Jianguo signed in.") for r in rows)
    assert not any("staff.signed_in" in r or "menu_item" in r for r in rows)
    assert any(
        r.endswith("added Smashed cucumber with garlic, table 1 to the order.") for r in rows
    )
    _pick(ui, ui.ids("kind_filter"), "Orders")
    rows = _rows(ui)
    assert rows and all("to the order." in r for r in rows)
    _pick(ui, ui.ids("kind_filter"), "Every kind")
    _pick(
        ui,
        ui.ids("person_filter"),
        next(n for n in ui.ids("person_filter").values if "Liu Yang" in n),
    )
    rows = _rows(ui)
    assert rows and all(r.startswith(ui.ids("person_filter").text) for r in rows)
    _pick(ui, ui.ids("person_filter"), "Everyone")
    today = next(v for v in ui.ids("day_filter").values if v.startswith("Today"))
    _pick(ui, ui.ids("day_filter"), today)
    assert _rows(ui)
    _both(ui, "audit-log")
    ui.tap(ui.header("lang_button"))
    rows = _rows(ui)
    assert any("在点单中加入蒜泥拍黄瓜，1号桌" in r for r in rows), rows
    ui.tap(ui.header("lang_button"))
    row = next(w for w in ui.find(AuditRow) if "to the order" in w.what)
    ui.tap(row)
    (popup,) = dialogs()
    assert isinstance(popup, AuditEventPopup)
    assert "to the order." in popup.ids.facts.text and "When: " in popup.ids.facts.text
    ui.screenshot("audit-log-event-en")
    ui.tap(popup.ids.close_button)
    assert wait(ui, lambda: dialogs() == [])


# ---- 15: nothing clipped or hidden --------------------------------------------------------


def _inside(widget: Any, view: Any) -> bool:
    _x, bottom = widget.to_window(widget.x, widget.y)
    _x, top = widget.to_window(widget.x, widget.top)
    _x, view_bottom = view.to_window(view.x, view.y)
    _x, view_top = view.to_window(view.x, view.top)
    return bottom >= view_bottom - 1 and top <= view_top + 1


def test_every_home_tile_of_the_manager_is_in_sight(ui: Driver) -> None:
    ui.sign_in(*MANAGER)
    ui.idle()
    tiles = ui.find(HomeTile)
    assert len(tiles) >= 16
    view = ui.ids("tile_view")
    assert all(_inside(t, view) for t in tiles), [t.text for t in tiles if not _inside(t, view)]
    assert all(t.height >= dp(72) for t in tiles)
    _both(ui, "home-manager")


def test_a_waiting_party_reads_whole_and_gone_asks_first(ui: Driver) -> None:
    store = ui.app.store
    open_gate_today(store)
    staff = staff_ids(store)
    add_to_waitlist(store, staff["G01"], PartyDetails(size=6, name="Wang", high_chair=True))
    ui.sign_in("Liu Yang", "5555")
    ui.tap(ui.button_with_text("Greet a party"))
    row = ui.find(WaitingRow)[0]
    facts = row.facts
    assert facts.text == "6 guests · waiting 0 min · high chair"
    # Drawn whole: the text fits the label, nothing shortened to "...".
    assert facts.texture_size[0] <= facts.width
    _both(ui, "greeting-waitlist")
    ui.tap(row.ids.gone_button)
    (ask,) = dialogs()
    assert ask.title == "Has this party gone?"
    ui.tap(ask.keep_button)
    assert wait(ui, lambda: dialogs() == [])
    assert waitlist(store) and ui.find(WaitingRow)
    ui.tap(ui.find(WaitingRow)[0].ids.gone_button)
    (ask,) = dialogs()
    ui.screenshot("greeting-gone-ask-en")
    ui.tap(ask.gone_button)
    assert wait(ui, lambda: dialogs() == [])
    assert waitlist(store) == [] and "Wang left the waitlist." in ui.message()


def _five_lines(store: Any) -> None:
    """Table 1's usual order: five dishes over two courses, one with a kitchen note."""
    party_id = seated_table_one(store, empty=True)
    waiter = staff_ids(store)["W01"]
    for code, seat, note in (
        ("smashed_cucumber", 1, ""),
        ("wood_ear_salad", 2, ""),
        ("mouth_watering_chicken", None, "No coriander, less chilli"),
        ("steamed_sea_bass", 3, ""),
        ("yuxiang_aubergine", 4, ""),
    ):
        command = AddLine(
            client_line_id=str(uuid.uuid4()),
            party_id=party_id,
            item_id=item(store, code),
            seat=seat,
            note=note,
        )
        add_line(store, waiter, command)


def test_the_read_back_shows_five_lines_without_scrolling(ui: Driver) -> None:
    _five_lines(ui.app.store)
    open_order(ui)
    ui.tap(ui.ids("read_back_button"))
    assert ui.screen.name == "read_back"
    ui.idle()
    rows = ui.find(ReadBackRow)
    assert len(rows) == 5
    view = ui.ids("groups").parent
    assert all(_inside(r, view) for r in rows)
    noted = next(r for r in rows if "No coriander" in r.text)
    assert "KITCHEN NOTE: No coriander, less chilli" in noted.text
    _both(ui, "read-back-five")


def test_a_chinese_checklist_row_never_starts_a_line_with_punctuation(ui: Driver) -> None:
    open_inspection(ui)
    ui.tap(ui.header("lang_button"))
    ui.idle()
    labels = [w for r in ui.find(RunItemRow) for w in r.walk() if isinstance(w, WrappedLabel)]
    assert labels and any("\n" in w.text for w in labels)  # some rows do wrap
    assert not any(starts_badly(w.text) for w in labels)
    # The rule itself, on a width where Kivy alone put "。" at the start of the line.
    text = "检查所有餐桌的桌布是否干净平整无污渍。"
    width = CoreLabel(font_size=40).get_extents(text[:-1])[0] + 1
    wrapped = wrap_text(text, width, 40)
    assert not starts_badly(wrapped) and wrapped.replace("\n", "") == text
    ui.screenshot("checklist-run-rows-zh")
    ui.tap(ui.header("lang_button"))


# ---- 16: dialogs without empty halves; the kitchen note stands out --------------------------


def _noted_row(ui: Driver) -> Any:
    ui.idle()
    return next(r for r in ui.find(OrderLineRow) if "No coriander" in r.text)


def test_the_kitchen_note_stands_out_on_the_order_and_in_the_dialogs(ui: Driver) -> None:
    _five_lines(ui.app.store)
    open_order(ui)
    ui.idle()
    row = next(r for r in ui.find(OrderLineRow) if "No coriander" in r.text)
    # On a line of its own, in bold amber, not in the small facts between choices and allergens.
    note_line = row.text.split("\n")[-1]
    assert note_line.startswith(f"[b][color={NOTE_INK}]KITCHEN NOTE: No coriander")
    assert "Note: " not in row.text
    _both(ui, "order-note")
    ui.tap(ui.ids("read_back_button"))
    ui.tap(ui.ids("send_button"))
    assert ui.screen.name == "order"
    ui.idle()
    ui.tap(_noted_row(ui))
    (line,) = dialogs()
    assert "KITCHEN NOTE: No coriander, less chilli" in line.ids.line_note.text
    # A sent line's dialog is as tall as what it shows, not 400 dp of mostly nothing.
    content = sum(c.height for c in line.walk(restrict=True) if c is line.ids.facts)
    assert line.height <= content + line.ids.line_note.height + dp(300)
    line = _both_dialog(ui, "order-sent-line", lambda: ui.tap(_noted_row(ui)))
    ui.tap(line.ids.void_button)
    assert wait(ui, lambda: type(dialogs()[-1]).__name__ == "VoidPopup")
    void = dialogs()[-1]
    assert "KITCHEN NOTE" in void.ids.void_note.text
    ui.screenshot("order-void-note-en")


def _both_dialog(ui: Driver, name: str, reopen: Callable[[], Any]) -> Any:
    """A dialog in both languages. The header is under it, so it is closed, the language
    switched on the header and the dialog opened again by `reopen` (as a person would);
    back in English, the dialog open again, at the end."""
    ui.screenshot(f"{name}-en")
    for _language in ("zh", "en"):
        for shown in dialogs():
            shown.dismiss(animation=False)
        assert wait(ui, lambda: dialogs() == [])
        ui.tap(ui.header("lang_button"))
        reopen()
        if _language == "zh":
            ui.screenshot(f"{name}-zh")
    return dialogs()[0]


def test_the_choices_dialog_is_as_tall_as_its_choices(ui: Driver) -> None:
    seated_table_one(ui.app.store)
    open_order(ui)
    ui.ids("search").insert_text("mapo")
    ui.idle()
    tofu = item(ui.app.store, "mapo_tofu")

    def open_choices() -> None:
        ui.tap(ui.find(MenuItemButton, lambda b: b.item_id == tofu)[0])

    open_choices()
    (choices,) = dialogs()
    ui.idle()
    assert choices.height <= choices.ids.choices.height + dp(240)
    assert choices.height < dp(560)
    _both_dialog(ui, "order-choices-compact", open_choices)


# ---- 20: honest words when nothing is found, asked first, or saved somewhere ---------------


def test_a_search_without_a_hit_says_so(ui: Driver) -> None:
    seated_table_one(ui.app.store)
    open_order(ui)
    ui.ids("search").insert_text("pizza")
    ui.idle()
    assert ui.find(MenuItemButton) == []
    assert ui.ids("no_match").text.startswith("No dish matches “pizza”.")
    _both(ui, "order-search-no-hit")
    ui.ids("search").text = ""
    ui.idle()
    assert ui.ids("no_match").text == "" and ui.find(MenuItemButton)


def test_the_photo_chooser_says_plainly_there_is_no_camera_and_no_picture(
    ui: Driver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pictures = tmp_path / "Pictures"
    pictures.mkdir()
    monkeypatch.setenv("TABLESIDE_PICTURES_DIR", str(pictures))
    monkeypatch.setenv("TABLESIDE_NO_CAMERA", "1")
    open_inspection(ui)
    ui.tap(ui.ids("fail_button"))
    answer = dialogs()[0]
    ui.tap(answer.ids.photo_button)
    chooser = dialogs()[0]  # the newest dialog is on top
    assert "no camera" in chooser.notice and "no pictures in" in chooser.notice
    assert chooser.ids.chooser.disabled and chooser.ids.use_button.disabled
    ui.screenshot("photo-none-en")
    ui.tap(chooser.ids.cancel_button)
    assert wait(ui, lambda: len(dialogs()) == 1)
    # With a picture there, the chooser opens on that folder and no higher.
    (pictures / "cushion.png").write_bytes(_PNG)
    ui.tap(answer.ids.photo_button)
    chooser = dialogs()[0]
    assert "Choose a picture taken with the camera app" in chooser.notice
    assert chooser.ids.chooser.rootpath == str(pictures) and not chooser.ids.chooser.disabled

    def reopen() -> None:
        ui.tap(ui.ids("fail_button"))
        ui.tap(dialogs()[0].ids.photo_button)

    chooser = _both_dialog(ui, "photo-pictures", reopen)
    assert "Choose a picture taken with the camera app" in chooser.notice


_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def test_the_stations_message_follows_the_language(ui: Driver) -> None:
    open_gate_today(ui.app.store)
    ui.sign_in("Chen Hao", "7777")
    ui.tap(ui.button_with_text("Sections for the service"))
    button = next(v for k, v in ui.screen.ids.items() if k.startswith("assign_") and "W02" in k)
    ui.tap(button)
    assert " has " in ui.message() and " for " in ui.message()
    ui.tap(ui.header("lang_button"))
    said = ui.message()
    assert "负责" in said
    # Chinese names of the section and the service; the person as stored.
    assert not any(word in said for word in ("Lunch", "Dinner", "Hall", "Private rooms"))
    ui.screenshot("stations-assigned-zh")
    ui.tap(ui.header("lang_button"))
    ui.screenshot("stations-assigned-en")


def test_a_listed_void_reason_reads_in_the_screen_s_language(ui: Driver) -> None:
    store = ui.app.store
    party_id = seated_table_one(store, sent=True)
    void_first_line(store, party_id)
    open_order(ui)
    ui.idle()
    (row,) = ui.find(OrderLineRow)
    assert "Guest changed their mind" in row.text and "客人改变主意" not in row.text
    ui.tap(ui.header("lang_button"))
    (row,) = ui.find(OrderLineRow)
    assert "客人改变主意" in row.text and "Guest changed" not in row.text
    _both(ui, "order-voided-reason")
    ui.tap(ui.header("lang_button"))


def test_the_history_export_is_named_by_the_local_date(
    ui: Driver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TABLESIDE_EXPORTS_DIR", str(tmp_path / "Documents"))
    ui.sign_in(*MANAGER)
    ui.tap(ui.button_with_text("Checklist history"))
    ui.tap(ui.ids("export_button"))
    said = ui.message()
    assert said.startswith("Exported to ")
    path = Path(said.removeprefix("Exported to ").strip())
    assert path.parent == tmp_path / "Documents" and path.exists()
    zone = ZoneInfo(ui.app.restaurant.timezone)
    today = datetime.now(zone).strftime("%Y-%m-%d")
    assert re.search(rf"-{today}-\d{{6}}\.csv$", path.name), path.name
    _both(ui, "checklist-history-exported")
