"""Every sentence a person can see has a Chinese translation, with the same {fields}.

The sentences are those Babel extracts from the .py and .kv files (tools/translations.py):
the arguments of the translation calls, DomainError and its kin, `say()`, and every
sentence held in a constant, which is marked with N_() (or NP_() with a context, or is a
Plural) where it is written. The catalogue is assets/locale/zh/LC_MESSAGES/tableside.po;
the app reads its compiled .mo.
"""

from __future__ import annotations

import ast
import io
import re
import string
import textwrap
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message

from tools.kv_extract import extract_kv
from tools.translations import (
    REPO,
    compiled,
    extract,
    keywords,
    mo_path,
    po_path,
    read_catalogue,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
TEMPLATE = extract()
ZH = read_catalogue("zh")


def _english(message: Message) -> str:
    """The form that names every field: the plural of a plural entry."""
    return message.id if isinstance(message.id, str) else message.id[-1]


def _label(message: Message) -> str:
    return f"{message.context}|{_english(message)}" if message.context else _english(message)


def _fields(sentence: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(sentence) if f}


def problem(message: Message, catalog: Catalog) -> str:
    """Why the sentence has no usable Chinese entry; empty when it has one."""
    english = _english(message)
    entry = catalog.get(message.id, context=message.context)
    if entry is None or entry.id != message.id:
        return f"no Chinese for {_label(message)!r}"
    if entry.fuzzy:
        return f"{english!r} has only a fuzzy guess"
    strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
    if not all(strings):
        return f"no Chinese for {_label(message)!r}"
    for chinese in strings:
        if not CJK.search(chinese):
            return f"{english!r} -> {chinese!r}"
        if _fields(chinese) != _fields(english):
            return f"{english!r} and {chinese!r} name different fields"
    if not isinstance(message.id, str) and not _fields(message.id[0]) <= _fields(english):
        return f"the singular of {english!r} names a field its plural does not"
    return ""


def _extracted(python: str = "", kv: str = "") -> dict[tuple[str | None, str], object]:
    """(context, id) -> id of what the extractor finds in a source (tests of the rules)."""
    found: dict[tuple[str | None, str], object] = {}
    from babel.messages.extract import extract as babel_extract

    for method, source in (("python", python), (extract_kv, kv)):
        if not source:
            continue
        data = io.BytesIO(textwrap.dedent(source).encode())
        for _line, message, _comments, context in babel_extract(method, data, keywords()):
            key = message if isinstance(message, str) else message[0]
            found[(context, key)] = message
    return found


def test_sentences_were_found() -> None:
    ids = {_english(m) for m in TEMPLATE if m.id}
    assert "Sign in" in ids
    assert TEMPLATE.get("Wrong PIN. {left} try left.").id == (
        "Wrong PIN. {left} try left.",
        "Wrong PIN. {left} tries left.",
    )
    # Held in constants and marked: a table's state words, the change-PIN steps, a role.
    assert {"Needs reset", "Enter the new PIN again", "Greet a party"} <= ids
    assert TEMPLATE.get("Kitchen", context="staff role") is not None


def test_marked_sentences_are_found_and_unmarked_constants_are_not() -> None:
    found = _extracted(
        python="""
        STATE_WORDS = {1: N_("Free"), 2: N_("Needs reset")}
        STEPS = (N_("Current PIN"), N_("New PIN"))
        UNMARKED = ("Looks like a sentence",)
        ROLE = NP_("staff role", "Kitchen")
        Reason = Annotated[str, required_text(500, required=N_("Write a reason."))]
        TRIES = Plural("Wrong PIN. {left} try left.", "Wrong PIN. {left} tries left.", "left")

        def check(value, tr, loc):
            if not value:
                raise DomainError("That party is not at a table.")
            raise NotFound(Plural("{n} guest", "{n} guests", "n"), n=value)
            tr(N_("Drawers are blind.") if value else N_("Drawers show it."))
            loc.ngettext("{count} child", "{count} children", value, count=value)
            loc.pgettext("noun: the order of a table", "Order")
            self.say("Table {table}: visit made.", table=1)
        """,
        kv="""
        #:import STEPS screens.people.change_pin.STEPS
        <Plan>:
            Label:
                text: l._('Seat party')
            Label:
                text: l.ngettext('{count} ticket', '{count} tickets', root.n,
                    count=root.n)
            Label:
                title: l.pgettext('noun: the order of a table', 'Order')
        """,
    )
    assert set(found) == {
        (None, "Free"),
        (None, "Needs reset"),
        (None, "Current PIN"),
        (None, "New PIN"),
        ("staff role", "Kitchen"),
        (None, "Write a reason."),
        (None, "Wrong PIN. {left} try left."),
        (None, "That party is not at a table."),
        (None, "{n} guest"),
        (None, "Drawers are blind."),
        (None, "Drawers show it."),
        (None, "{count} child"),
        ("noun: the order of a table", "Order"),
        (None, "Table {table}: visit made."),
        (None, "Seat party"),
        (None, "{count} ticket"),
    }
    # A plural keeps both forms; an unmarked constant is not seen: mark it with N_().
    assert found[(None, "{count} ticket")] == ("{count} ticket", "{count} tickets")


def test_a_sentence_without_chinese_fails() -> None:
    catalog = Catalog(locale="zh")
    catalog.add("Free", "空闲")
    catalog.add("Paid", "Paid")
    catalog.add("Table {number}", "{table}号桌")
    catalog.add(("{n} guest", "{n} guests"), ("{n}位客人",))
    catalog.add(("{n} seat", "{n} seats"), ("",))
    catalog.add("Order", "订单", context="noun")
    assert problem(Message("Free"), catalog) == ""
    assert problem(Message("Needs reset"), catalog) == "no Chinese for 'Needs reset'"
    assert problem(Message("Paid"), catalog) == "'Paid' -> 'Paid'"
    assert "different fields" in problem(Message("Table {number}"), catalog)
    assert problem(Message(("{n} guest", "{n} guests")), catalog) == ""
    assert problem(Message(("{n} seat", "{n} seats")), catalog) == "no Chinese for '{n} seats'"
    assert problem(Message("Order", context="noun"), catalog) == ""
    assert problem(Message("Order", context="verb"), catalog) == "no Chinese for 'verb|Order'"


@pytest.mark.parametrize("message", [m for m in TEMPLATE if m.id], ids=_label)
def test_sentence_has_chinese(message: Message) -> None:
    found = problem(message, ZH)
    assert not found, found


def test_every_catalogue_entry_is_used() -> None:
    """An entry no code shows any more is stale: `python -m tools.translations refresh`
    drops it (a plural changed in the code also leaves its old entry behind)."""
    stale = [
        _label(m)
        for m in ZH
        if m.id and getattr(TEMPLATE.get(m.id, context=m.context), "id", None) != m.id
    ]
    assert not stale, f"not used by the code: {stale}"


def test_the_compiled_catalogue_is_up_to_date() -> None:
    assert mo_path("zh").read_bytes() == compiled(read_catalogue("zh")), (
        f"{mo_path('zh').name} is older than {po_path('zh').name}: "
        "run python -m tools.translations compile"
    )


def test_no_translation_call_hides_in_an_f_string() -> None:
    """Babel reads an f-string as one token: a tr("...") inside it is never extracted."""
    calls = set(keywords())
    hidden = []
    for folder in ("screens", "services"):
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.JoinedStr):
                    continue
                for inner in ast.walk(node):
                    func = getattr(inner, "func", None)
                    name = getattr(func, "attr", None) or getattr(func, "id", None)
                    literal = isinstance(inner, ast.Call) and any(
                        isinstance(a, ast.Constant) and isinstance(a.value, str) for a in inner.args
                    )
                    if literal and name in calls:
                        hidden.append(f"{Path(path).relative_to(REPO)}:{inner.lineno}")
    assert not hidden, f"take these calls out of their f-strings: {hidden}"


def test_the_localizer_reads_the_compiled_catalogue() -> None:
    from screens.localizer import Localizer
    from services.errors import DomainError
    from services.i18n import NP_
    from services.people.approvals import TRIES_LEFT

    loc = Localizer(lang="en")
    english = loc._
    assert loc.error(DomainError(TRIES_LEFT, left=1)) == "Wrong PIN. 1 try left."
    assert loc.error(DomainError(TRIES_LEFT, left=4)) == "Wrong PIN. 4 tries left."
    assert str(DomainError(TRIES_LEFT, left=1)) == "Wrong PIN. 1 try left."
    assert loc.ngettext("{count} child", "{count} children", 1, count=1) == "1 child"
    loc.toggle()
    # A new function after the switch: that is what makes kv rules bound to l._ redraw.
    assert loc._ is not english
    assert loc._("Sign in") == "登录"
    assert loc.error(DomainError(TRIES_LEFT, left=1)) == "PIN错误，还可尝试 1 次。"
    assert loc.ngettext("{count} child", "{count} children", 3, count=3) == "3名儿童"
    assert loc.pgettext("noun: the order of a table", "Order") == "订单"
    assert loc._("Order") == "点菜"
    assert loc._(NP_("staff role", "Kitchen")) == "厨房人员"
    assert loc._("") == ""  # gettext("") would be the catalogue's header
    # A sentence the catalogue lacks reads in English and is remembered for the UI tests.
    assert loc.missing == set()
    assert loc._("A sentence nobody wrote") == "A sentence nobody wrote"
    assert loc.missing == {"A sentence nobody wrote"}
