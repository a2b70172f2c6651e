"""Tickets on paper, checked as the ESC/POS bytes a printer receives: the reset, Chinese mode
and GB18030 text, sizes, the RUSH, REPRINT and VOID marks, prices, emoji and the cut."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from models import PrintKind
from services.printing import paper as ticket_paper
from services.printing.printers import PrinterConfig
from services.printing.tickets import MovedCourse, MovedTicket, Person
from tests.ticket_samples import dispatch_slip, kitchen_ticket, void_ticket

ESC_INIT = b"\x1b@"
CHINESE_MODE = b"\x1c&"
FEED_AND_CUT = b"\x1bd\x06\x1dV\x00"  # ESC d 6 (past the cutter), GS V 0 (full cut)
DOUBLE_SIZE = b"\x1d!\x11"  # GS ! : double width and height, Chinese included
INVERT_ON = b"\x1dB\x01"

CHINESE = PrinterConfig(station="hot_kitchen", address="file:unused.prn")
ENGLISH_ONLY = PrinterConfig(station="hot_kitchen", address="file:unused.prn", charset="ascii")


def gb(text: str) -> bytes:
    return text.encode("gb18030")


def text_of(data: bytes) -> str:
    """The printed words, command bytes taken out and wrapped rows joined again (so that an
    assertion does not depend on where a row broke)."""
    without = re.sub(rb"\x1b@|\x1c[&.]|\x1b[Ea\-d].|\x1d[!BV].", b"", data)
    return re.sub(r"\n {4}(?=\S)(?!Mouth|Shanghai|Seat|\+|Note|!!)", " ", without.decode("gb18030"))


def test_kitchen_ticket_starts_with_reset_and_chinese_mode_and_ends_with_the_cut() -> None:
    data = ticket_paper.kitchen_ticket(kitchen_ticket(), CHINESE, job_id=7)
    assert data.startswith(ESC_INIT + CHINESE_MODE)
    assert data.endswith(FEED_AND_CUT)
    assert data.count(ESC_INIT) == 1 and data.count(FEED_AND_CUT) == 1


def test_chinese_names_go_out_as_gb18030_in_double_size() -> None:
    data = ticket_paper.kitchen_ticket(kitchen_ticket(), CHINESE, job_id=7)
    # 口水鸡 in GB18030 is BF DA CB AE BC A6: two bytes a character, as the printer's font wants.
    assert gb("口水鸡") == b"\xbf\xda\xcb\xae\xbc\xa6"
    assert DOUBLE_SIZE + b"\x1bE\x01\x1ba\x00\x1dB\x00" + gb("2 x 口水鸡\n") in data
    assert gb("    Mouth-watering chicken\n") in data
    assert gb("热菜厨房") in data and gb("== Staples 主食 ==") in gb(text_of(data))
    assert b"\xe5" not in data.replace(gb("口水鸡"), b"")  # no UTF-8 slipped through


def test_ticket_says_table_seat_course_time_sender_modifiers_notes_and_allergens() -> None:
    words = text_of(ticket_paper.kitchen_ticket(kitchen_ticket(), CHINESE, job_id=7))
    assert "Table 桌号 12" in words
    assert "Order 单号 A-0012   Guests 人数 4" in words
    # Local time of the restaurant (Asia/Shanghai), not UTC, and who sent it.
    assert "Sent 下单 2026-11-28 19:42  张伟 Zhang Wei (W01)" in words
    assert "Seat 座位 2" in words and "Seat 座位 1" in words
    assert "+ 芝麻酱 Sesame paste" in words
    assert "Note 备注: 少辣 [hot pepper] no coriander" in words
    assert "!! ALLERGENS 过敏原: Peanuts 花生, Sesame 芝麻" in words
    # Courses in the order they go out: cold dishes before staples, whatever the send order.
    assert words.index("== Cold dishes 冷菜 ==") < words.index("== Staples 主食 ==")
    assert words.rstrip().endswith("#7")


def test_rush_is_marked_large_and_inverted_at_top_and_bottom() -> None:
    plain = ticket_paper.kitchen_ticket(kitchen_ticket(), CHINESE, job_id=7)
    rush = ticket_paper.kitchen_ticket(kitchen_ticket(rush=True), CHINESE, job_id=7)
    banner = DOUBLE_SIZE + b"\x1bE\x01\x1ba\x01" + INVERT_ON + gb(" RUSH 加急 \n")
    assert rush.count(banner) == 2
    assert b"RUSH" not in plain


def test_reprint_is_marked_and_names_the_original() -> None:
    data = ticket_paper.kitchen_ticket(kitchen_ticket(), CHINESE, job_id=9, reprint_of=7)
    assert INVERT_ON + gb(" REPRINT 重印 \n") in data
    assert "Copy of job 原单 #7" in text_of(data)
    first = ticket_paper.kitchen_ticket(kitchen_ticket(), CHINESE, job_id=7)
    assert b"REPRINT" not in first


def test_emoji_become_readable_placeholders_and_control_bytes_never_reach_the_printer() -> None:
    ticket = kitchen_ticket()
    line = ticket.lines[1].model_copy(update={"note": "生日🎂 👍🏽 \x1b@\x1dV\x00 thanks"})
    data = ticket_paper.kitchen_ticket(ticket.model_copy(update={"lines": (line,)}), CHINESE, 7)
    assert "生日[birthday cake] [thumbs up sign] @V thanks" in text_of(data)
    assert data.count(ESC_INIT) == 1 and data.count(b"\x1dV") == 1  # only ours


def test_a_printer_without_chinese_gets_english_and_plain_ascii_only() -> None:
    data = ticket_paper.kitchen_ticket(kitchen_ticket(rush=True), ENGLISH_ONLY, job_id=7)
    assert data.startswith(ESC_INIT) and CHINESE_MODE not in data
    assert all(b < 0x80 for b in data)
    words = text_of(data)
    assert "2 x Mouth-watering\nchicken" in words and " RUSH " in words  # double size: 24 a row
    assert "Note: ?? [hot pepper] no coriander" in words


def test_dispatch_slip_lists_every_line_with_prices_and_the_total() -> None:
    data = ticket_paper.dispatch_slip(dispatch_slip(), CHINESE, job_id=8)
    words = text_of(data).splitlines()
    assert "DISPATCH SLIP 出菜凭单" in words[0]
    chicken = next(w for w in words if w.startswith("2 x 口水鸡"))
    assert chicken.endswith(" 96.00") and ticket_paper.width(chicken, "gb18030") == 48
    assert any(w.startswith("    + 芝麻酱 Sesame paste") and w.endswith("3.00") for w in words)
    assert any(w.startswith("Total 合计") and w.endswith("CNY 131.00") for w in words)
    assert data.endswith(FEED_AND_CUT)


def test_void_ticket_says_void_with_who_approved_and_why() -> None:
    data = ticket_paper.void_ticket(void_ticket(), CHINESE, job_id=10)
    assert data.startswith(ESC_INIT + CHINESE_MODE + DOUBLE_SIZE)
    assert INVERT_ON + gb(" VOID 退菜 \n") in data
    words = text_of(data)
    assert "-2 x 口水鸡" in words
    assert "Voided by 退菜人: 张伟 Zhang Wei (W01)" in words
    assert "Approved by 批准人: 王建国 Wang Jianguo (M01)" in words
    assert "Reason 原因: Guest changed their mind 客人改单" in words
    assert words.count(" VOID 退菜 ") == 2 and "Do not make 停止制作" in words


def test_money_is_laid_out_from_minor_units_without_floats() -> None:
    assert ticket_paper.money(13100, 2) == "131.00"
    assert ticket_paper.money(5, 2) == "0.05"
    assert ticket_paper.money(-300, 2) == "-3.00"
    assert ticket_paper.money(1200, 0) == "1200"


@given(st.text(max_size=300), st.sampled_from(["gb18030", "ascii"]))
def test_any_text_comes_out_printable_one_or_two_bytes_a_character(text: str, charset: str) -> None:
    shown = ticket_paper.printable(text, charset)
    for ch in shown:
        assert ord(ch) >= 0x20 and not 0x7F <= ord(ch) < 0xA0
        encoded = ch.encode("gb18030" if charset == "gb18030" else "ascii")
        assert len(encoded) <= 2


@given(st.text(alphabet=st.sampled_from("ab 口水鸡🌶,x"), max_size=200), st.integers(8, 48))
def test_wrapped_rows_fit_the_paper_and_keep_every_word(text: str, columns: int) -> None:
    shown = ticket_paper.printable(text, "gb18030")
    rows = ticket_paper.wrap(shown, columns, "gb18030")
    assert all(ticket_paper.width(row, "gb18030") <= columns for row in rows)
    assert "".join(rows).replace(" ", "") == shown.replace(" ", "")


def _moved() -> MovedTicket:
    return MovedTicket(
        order_ref="3-1",
        table_number="5",
        guests=4,
        timezone="Asia/Shanghai",
        station="hot_kitchen",
        from_table="12",
        courses=(
            MovedCourse(order_ref="3-1", course_name_en="Mains", course_name_zh="主菜"),
            MovedCourse(order_ref="3-2", course_name_en="Staples", course_name_zh="主食"),
        ),
        moved_at=datetime(2026, 11, 28, 11, 50, tzinfo=UTC),
        moved_by=Person(name="张伟 Zhang Wei", number="W01"),
    )


def test_moved_paper_says_where_the_dishes_go_and_that_it_is_not_a_new_order() -> None:
    data = ticket_paper.render(
        PrintKind.MOVED_TICKET, _moved().model_dump_json(), CHINESE, job_id=31
    )
    words = " ".join(text_of(data).split())  # rows joined, wherever they broke
    assert data.startswith(ESC_INIT + CHINESE_MODE) and data.endswith(FEED_AND_CUT)
    assert INVERT_ON + DOUBLE_SIZE in data or data.count(INVERT_ON) >= 2  # the banners
    assert "MOVED 换桌" in words and "NOT A NEW ORDER 不是新单" in words
    assert "table 桌 12 → table 桌 5" in words
    assert "3-1 Mains 主菜" in words and "3-2 Staples 主食" in words
    assert "Moved 换桌时间 2026-11-28 19:50 张伟 Zhang Wei (W01)" in words
    assert "Nothing new to cook: send the dishes to table 5" in words
    assert "无需加做，菜品送至 5 号桌" in words and " x " not in words  # no dish to make


def test_moved_paper_on_an_english_only_printer() -> None:
    data = ticket_paper.moved_ticket(_moved(), ENGLISH_ONLY, job_id=31)
    words = " ".join(text_of(data).split())
    assert "MOVED" in words and "table 12 -> table 5" in words
    assert "NOT A NEW ORDER" in words and "Nothing new to cook: send the dishes to table 5" in words
