"""Lay tickets out for a thermal printer, as ESC/POS bytes made with python-escpos.

Chinese: python-escpos's own text encoder only knows single-byte code pages, which hold no
Chinese. Printers sold for Chinese kitchens (Xprinter, Gprinter, Sunmi, Epson's Chinese
models) carry a GB18030/GBK font instead: after `FS &` (Chinese character mode) a lead byte
0x81-0xFE and the next byte are one Chinese character, and ASCII stays ASCII. So for a
printer set up as "gb18030" the text is encoded by us as GB18030 and written raw; styles,
sizes and the cut still come from python-escpos.

Only characters whose GB18030 form is one or two bytes are in those fonts; the rest
(emoji, which GB18030 would write as four bytes) become a readable placeholder such as
"[hot pepper]". Control characters are dropped, so no text can smuggle a printer command.
A printer set up as "ascii" gets English names only and placeholders for everything else.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from itertools import groupby

from models import PrintKind
from services.menu.catalog import ALLERGEN_NAMES
from services.printing.escpos_cache import dummy_printer
from services.printing.printers import PrinterConfig
from services.printing.tickets import (
    DispatchSlip,
    KitchenTicket,
    MovedTicket,
    TicketLine,
    VoidTicket,
)

CHINESE_MODE_ON = b"\x1c&"  # FS &
# Joiners, variation selectors, skin tones: parts of an emoji that print as nothing.
_SILENT = {0x200C, 0x200D, 0xFE0E, 0xFE0F, 0x20E3, *range(0x1F3FB, 0x1F400)}
# Chinese words longer than this (in columns) may be broken across lines.
LONG_CHINESE_COLUMNS = 8


def _fits(ch: str, charset: str) -> bool:
    if charset == "ascii":
        return 0x20 <= ord(ch) < 0x7F
    if ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0:
        return False
    try:
        return len(ch.encode("gb18030")) <= 2
    except UnicodeEncodeError:  # a lone surrogate
        return False


def printable(text: str, charset: str) -> str:
    """The text as this printer's font can show it (one line: no newlines)."""
    out: list[str] = []
    for ch in text:
        plain = _plain(ch) if charset == "ascii" else ""
        if ord(ch) in _SILENT or unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
            out.append(" " if ch in "\n\t" else "")
        elif _fits(ch, charset):
            out.append(ch)
        elif plain and all(_fits(c, charset) for c in plain):
            out.append(plain)
        elif unicodedata.category(ch) in ("So", "Sk") and unicodedata.name(ch, ""):
            out.append(f"[{unicodedata.name(ch).lower()}]")
        else:
            out.append("?")
    return "".join(out)


def _plain(ch: str) -> str:
    """é -> e, ½ -> 1/2: what an English-only printer can show of a Latin character."""
    decomposed = unicodedata.normalize("NFKD", ch).replace("\u2044", "/")
    return "".join(c for c in decomposed if not unicodedata.combining(c)) or "?"


def width(text: str, charset: str) -> int:
    """Columns taken on paper: a Chinese character is as wide as two Latin ones."""
    if charset == "ascii":
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def wrap(text: str, columns: int, charset: str) -> list[str]:
    """Fill lines up to `columns`, breaking at spaces; a long run of Chinese (which has no
    spaces) fills the line and goes on to the next, a short one ("芝麻") stays whole."""
    rows: list[str] = []
    row = ""
    for token in re.findall(r" *[^ ]+| +$", text):
        if width(row + token, charset) <= columns:
            row += token
            continue
        word = token.lstrip()
        long_chinese = width(word, charset) > max(len(word), LONG_CHINESE_COLUMNS)
        if row.strip() and not long_chinese:
            rows.append(row)
            row = word
        else:
            row = row + token if row.strip() else word
        while width(row, charset) > columns:
            cut = 1
            while width(row[: cut + 1], charset) <= columns:
                cut += 1
            rows.append(row[:cut])
            row = row[cut:].lstrip()
    rows.append(row)
    return rows


def money(minor: int, exponent: int) -> str:
    sign = "-" if minor < 0 else ""
    units, fraction = divmod(abs(minor), 10**exponent)
    return f"{sign}{units}.{fraction:0{exponent}d}" if exponent else f"{sign}{units}"


class Paper:
    """One piece of paper being laid out: text in the printer's encoding, sizes, a cut."""

    def __init__(self, printer: PrinterConfig) -> None:
        self.charset = printer.charset
        self.columns = printer.columns
        self._p = dummy_printer()
        self._p.hw("INIT")
        if self.charset == "gb18030":
            self._p._raw(CHINESE_MODE_ON)

    def both(self, en: str, zh: str) -> str:
        """A label in both languages where the printer has Chinese, else in English."""
        return f"{en} {zh}" if self.charset == "gb18030" and zh else en

    def name(self, en: str, zh: str) -> tuple[str, str]:
        """A dish's name: (first line, second line). Chinese leads where it can be printed."""
        if self.charset == "gb18030" and zh:
            return zh, en
        return en, ""

    def text(
        self,
        text: str,
        *,
        size: int = 1,
        bold: bool = False,
        invert: bool = False,
        align: str = "left",
        indent: int = 0,
    ) -> None:
        # GS ! sizes Chinese characters too (ESC ! only touches the Latin font on many).
        self._p.set(
            align=align, bold=bold, invert=invert, custom_size=True, width=size, height=size
        )
        for paragraph in text.split("\n"):
            line = printable(paragraph, self.charset)
            for row in wrap(line, self.columns // size - indent, self.charset):
                self._write(" " * indent + row + "\n")
        self._p.set(align="left", bold=False, invert=False, custom_size=True, width=1, height=1)

    def banner(self, text: str) -> None:
        """White on black, double size: RUSH, REPRINT, VOID."""
        self.text(f" {text} ", size=2, bold=True, invert=True, align="center")

    def priced(self, left: str, price: str, *, bold: bool = False, indent: int = 0) -> None:
        """Text on the left, the price flush right on the first row."""
        room = self.columns - indent - width(price, self.charset) - 1
        rows = wrap(printable(left, self.charset), room, self.charset)
        self._p.set(bold=bold)
        for i, row in enumerate(rows):
            pad = self.columns - indent - width(row, self.charset)
            tail = price.rjust(pad) if i == 0 else ""
            self._write(" " * indent + row + tail + "\n")
        self._p.set(bold=False)

    def rule(self, char: str = "-") -> None:
        self._write(char * self.columns + "\n")

    def finish(self) -> bytes:
        self._p.cut()  # feeds past the cutter first, then GS V 0
        return self._p.output

    def _write(self, text: str) -> None:
        encoding = "gb18030" if self.charset == "gb18030" else "ascii"
        self._p._raw(text.encode(encoding))


def _heading(
    paper: Paper, doc: KitchenTicket | DispatchSlip | VoidTicket | MovedTicket, at: str
) -> None:
    paper.text(f"{paper.both('Table', '桌号')} {doc.table_number}", size=2, bold=True)
    guests = f"   {paper.both('Guests', '人数')} {doc.guests}" if doc.guests else ""
    paper.text(f"{paper.both('Order', '单号')} {doc.order_ref}{guests}")
    paper.text(at)


def _reprint_mark(paper: Paper, reprint_of: int | None) -> None:
    if reprint_of is not None:
        paper.banner(paper.both("REPRINT", "重印"))
        paper.text(f"{paper.both('Copy of job', '原单')} #{reprint_of}", align="center")


def _line(
    paper: Paper, line: TicketLine, *, minus: bool = False, exponent: int | None = None
) -> None:
    first, second = paper.name(line.name_en, line.name_zh)
    quantity = f"-{line.quantity}" if minus else str(line.quantity)
    if exponent is None:
        paper.text(f"{quantity} x {first}", size=2, bold=True)
    else:
        paper.priced(f"{quantity} x {first}", money(line.line_total_minor, exponent), bold=True)
    if second:
        paper.text(second, indent=4)
    if line.seat is not None:
        paper.text(f"{paper.both('Seat', '座位')} {line.seat}", indent=4)
    for modifier in line.modifiers:
        label = "+ " + " ".join(n for n in paper.name(modifier.name_en, modifier.name_zh) if n)
        if exponent is not None and modifier.price_delta_minor:
            paper.priced(label, money(modifier.price_delta_minor, exponent), indent=4)
        else:
            paper.text(label, bold=True, indent=4)
    if line.note:
        paper.text(f"{paper.both('Note', '备注')}: {line.note}", bold=True, indent=4)
    if line.allergens and exponent is None:
        names = ", ".join(paper.both(*ALLERGEN_NAMES[a]) for a in line.allergens)
        paper.text(f"!! {paper.both('ALLERGENS', '过敏原')}: {names}", invert=True, indent=4)


def _by_course(lines: Iterable[TicketLine]) -> Iterable[tuple[TicketLine, list[TicketLine]]]:
    ordered = sorted(lines, key=lambda line: line.course_sort)  # stable: send order kept
    for _sort, group in groupby(ordered, key=lambda line: line.course_sort):
        members = list(group)
        yield members[0], members


def kitchen_ticket(
    doc: KitchenTicket, printer: PrinterConfig, job_id: int, reprint_of: int | None = None
) -> bytes:
    paper = Paper(printer)
    paper.text(paper.both(*printer.names), size=2, bold=True, align="center")
    _reprint_mark(paper, reprint_of)
    if doc.rush:
        paper.banner(paper.both("RUSH", "加急"))
    sent = f"{paper.both('Sent', '下单')} {doc.local(doc.sent_at)}  {doc.sent_by.label()}"
    _heading(paper, doc, sent)
    for first, lines in _by_course(doc.lines):
        paper.rule()
        course = paper.both(first.course_name_en, first.course_name_zh)
        paper.text(f"== {course} ==", bold=True, align="center")
        for line in lines:
            _line(paper, line)
    paper.rule("=")
    if doc.rush:  # tickets hang on a rail by their bottom edge: say it there too
        paper.banner(paper.both("RUSH", "加急"))
    paper.text(f"#{job_id}", align="right")
    return paper.finish()


def dispatch_slip(
    doc: DispatchSlip, printer: PrinterConfig, job_id: int, reprint_of: int | None = None
) -> bytes:
    paper = Paper(printer)
    paper.text(paper.both("DISPATCH SLIP", "出菜凭单"), size=2, bold=True, align="center")
    _reprint_mark(paper, reprint_of)
    if doc.rush:
        paper.banner(paper.both("RUSH", "加急"))
    sent = f"{paper.both('Sent', '下单')} {doc.local(doc.sent_at)}  {doc.sent_by.label()}"
    _heading(paper, doc, sent)
    paper.rule()
    for line in doc.lines:
        _line(paper, line, exponent=doc.currency_exponent)
    paper.rule("=")
    total = f"{doc.currency} {money(doc.total_minor, doc.currency_exponent)}"
    paper.priced(paper.both("Total", "合计"), total, bold=True)
    paper.text(f"#{job_id}", align="right")
    return paper.finish()


def void_ticket(
    doc: VoidTicket, printer: PrinterConfig, job_id: int, reprint_of: int | None = None
) -> bytes:
    paper = Paper(printer)
    paper.banner(paper.both("VOID", "退菜"))
    paper.text(paper.both(*printer.names), size=2, bold=True, align="center")
    _reprint_mark(paper, reprint_of)
    _heading(paper, doc, f"{paper.both('Voided', '退菜时间')} {doc.local(doc.voided_at)}")
    paper.rule()
    for line in doc.lines:
        _line(paper, line, minus=True)
    paper.rule()
    paper.text(f"{paper.both('Voided by', '退菜人')}: {doc.voided_by.label()}", bold=True)
    if doc.approved_by is not None:
        paper.text(f"{paper.both('Approved by', '批准人')}: {doc.approved_by.label()}", bold=True)
    paper.text(f"{paper.both('Reason', '原因')}: {doc.reason}", bold=True)
    paper.banner(paper.both("VOID", "退菜"))
    paper.text(paper.both("Do not make", "停止制作"), bold=True, align="center")
    paper.text(f"#{job_id}", align="right")
    return paper.finish()


def moved_ticket(
    doc: MovedTicket, printer: PrinterConfig, job_id: int, reprint_of: int | None = None
) -> bytes:
    """Where the dishes now go, and loudly that nothing new is to be cooked: a cook who
    reads only the banner must not make the course twice."""
    paper = Paper(printer)
    paper.banner(paper.both("MOVED", "换桌"))
    paper.text(paper.both(*printer.names), size=2, bold=True, align="center")
    _reprint_mark(paper, reprint_of)
    table = paper.both("table", "桌")
    arrow = "→" if paper.charset == "gb18030" else "->"  # GB18030 fonts have the arrow
    paper.text(f"{table} {doc.from_table} {arrow} {table} {doc.table_number}", size=2, bold=True)
    paper.text(f"{paper.both('Order', '单号')} {doc.order_ref}")
    paper.text(
        f"{paper.both('Moved', '换桌时间')} {doc.local(doc.moved_at)}  {doc.moved_by.label()}"
    )
    paper.rule()
    for course in doc.courses:
        name = paper.both(course.course_name_en, course.course_name_zh)
        paper.text(f"{course.order_ref}  {name}", bold=True)
    paper.rule()
    paper.banner(paper.both("NOT A NEW ORDER", "不是新单"))
    where = doc.table_number
    paper.text(f"Nothing new to cook: send the dishes to table {where}", bold=True, align="center")
    if paper.charset == "gb18030":
        paper.text(f"无需加做，菜品送至 {where} 号桌", bold=True, align="center")
    paper.text(f"#{job_id}", align="right")
    return paper.finish()


def render(
    kind: str, payload: str, printer: PrinterConfig, job_id: int, reprint_of: int | None = None
) -> bytes:
    """The bytes for a stored job; bills and receipts are laid out by printing.receipts."""
    data = json.loads(payload)
    if kind == PrintKind.KITCHEN_TICKET:
        return kitchen_ticket(KitchenTicket.model_validate(data), printer, job_id, reprint_of)
    if kind == PrintKind.DISPATCH_SLIP:
        return dispatch_slip(DispatchSlip.model_validate(data), printer, job_id, reprint_of)
    if kind == PrintKind.VOID_TICKET:
        return void_ticket(VoidTicket.model_validate(data), printer, job_id, reprint_of)
    if kind == PrintKind.MOVED_TICKET:
        return moved_ticket(MovedTicket.model_validate(data), printer, job_id, reprint_of)
    if kind == PrintKind.RECEIPT:  # laid out by billing; imported late: receipts uses Paper
        from services.printing.receipts import BillDocument, bill_paper

        return bill_paper(BillDocument.model_validate(data), printer, job_id)
    if kind == PrintKind.DAY_REPORT:  # laid out in services.printing.reports
        from services.printing.reports import DayReportDocument, day_report_paper

        return day_report_paper(DayReportDocument.model_validate(data), printer, job_id, reprint_of)
    raise ValueError(f"no paper layout for {kind!r} yet")
