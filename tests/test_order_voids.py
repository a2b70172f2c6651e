"""A sent line is never erased (第7条 ⑤): it is voided, struck through, with who, when, why and
the approving manager, and its station gets a void ticket. The database itself refuses to
delete or rewrite a sent line. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from models import AuditEvent
from services.errors import Conflict, DomainError, NotAllowed
from services.orders.voids import VoidReason
from tests.order_support import Dining, dining, new_id

_ = dining  # a fixture, used by name


def _sent_tea_and_tofu(dining: Dining) -> tuple[int, int]:
    dining.add("jasmine_tea")
    dining.add("mapo_tofu", seat=2, modifier_ids=(dining.modifiers[("spice_level", "mild")],))
    dining.send()
    tea, tofu = dining.order().lines
    return tea.id, tofu.id


def test_a_voided_line_stays_struck_through_with_who_when_why_and_the_manager(
    dining: Dining,
) -> None:
    _tea, tofu = _sent_tea_and_tofu(dining)
    total_before = dining.order().total_minor
    view = dining.void(tofu, reason=VoidReason.WRONG_ENTRY, words="seat 2 wanted the fish")

    line = view.line(tofu)
    assert line is not None and line.voided and line.sent
    assert line.voided_by == "张伟 Zhang Wei (W01)"
    assert line.void_approved_by == "王建国 Wang Jianguo (M01)"
    assert line.void_reason == "Wrong entry 点错菜: seat 2 wanted the fish"
    assert len(view.lines) == 2  # still on the order
    assert view.total_minor == total_before - line.total_minor

    station, kind, ticket = dining.jobs("void_ticket")[0]
    assert (station, kind) == ("hot_kitchen", "void_ticket")
    assert ticket["voided_by"]["number"] == "W01" and ticket["approved_by"]["number"] == "M01"
    assert ticket["reason"] == line.void_reason and ticket["lines"][0]["seat"] == 2
    assert ticket["order_ref"] == f"{dining.party_id}-1"
    with dining.store.read() as s:
        event = s.query(AuditEvent).filter_by(action="order.line_voided").one()
        assert (event.actor_id, event.approver_id) == (dining.waiter, dining.staff["M01"])
        assert json.loads(event.detail)["reason"] == line.void_reason


def test_a_free_text_reason_alone_is_enough(dining: Dining) -> None:
    _tea, tofu = _sent_tea_and_tofu(dining)
    view = dining.void(tofu, reason=None, words="客人说太辣了")
    line = view.line(tofu)
    assert line is not None and line.void_reason == "客人说太辣了"


@pytest.mark.parametrize(
    ("pin", "reason", "words", "error", "message"),
    [
        ("1111", VoidReason.QUALITY, "", NotAllowed, "not a manager's"),  # a waiter's PIN
        ("0000", VoidReason.QUALITY, "", NotAllowed, "not a manager's"),
        ("12", VoidReason.QUALITY, "", DomainError, "4 to 8 digits"),
        ("9999", None, "   ", DomainError, "choose a reason or type one"),
        # The void_reason column holds 200 characters, the listed words included.
        ("9999", None, "x" * 201, DomainError, "at most 200 characters"),
        ("9999", VoidReason.QUALITY, "x" * 190, DomainError, "at most 200 characters"),
        ("9999", None, "cold\x00soup", DomainError, "invisible control characters"),
        ("9999", None, "cold\nsoup", DomainError, "invisible control characters"),
        ("9999", None, "\ud800", DomainError, "broken character"),
    ],
)
def test_a_void_without_approval_or_reason_changes_nothing(
    dining: Dining,
    pin: str,
    reason: VoidReason | None,
    words: str,
    error: type[DomainError],
    message: str,
) -> None:
    _tea, tofu = _sent_tea_and_tofu(dining)
    before = dining.snapshot()
    with pytest.raises(error, match=message):
        dining.void(tofu, reason=reason, words=words, pin=pin)
    dining.assert_unchanged(before)


def test_a_line_never_sent_is_removed_not_voided(dining: Dining) -> None:
    line = dining.add("jasmine_tea").lines[0]
    before = dining.snapshot()
    with pytest.raises(DomainError, match="remove it instead"):
        dining.void(line.id)
    assert dining.snapshot() == before


def test_a_void_retried_with_the_same_id_is_one_void_and_one_ticket(dining: Dining) -> None:
    _tea, tofu = _sent_tea_and_tofu(dining)
    version = dining.order().lines[1].version
    client_void_id = new_id()
    first = dining.void(tofu, version=version, client_void_id=client_void_id)
    again = dining.void(tofu, version=version, client_void_id=client_void_id)
    assert first == again
    assert len(dining.jobs("void_ticket")) == 1


def test_voiding_a_line_twice_is_refused(dining: Dining) -> None:
    _tea, tofu = _sent_tea_and_tofu(dining)
    stale_version = dining.order().lines[1].version
    dining.void(tofu, version=stale_version)
    before = dining.snapshot()
    with pytest.raises(Conflict, match="just changed on another tablet"):
        dining.void(tofu, version=stale_version)
    with pytest.raises(Conflict, match="just changed on another tablet"):
        dining.void(tofu)  # even with the fresh version: a line is voided once
    assert dining.snapshot() == before


# ---- the database's own guard --------------------------------------------------------------


def _raw(dining: Dining, sql: str, **params: object) -> None:
    engine = create_engine(dining.store.url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM order_line WHERE id = :id",
        "DELETE FROM order_line",
        "UPDATE order_line SET quantity = 1, version = version + 1 WHERE id = :id",
        "UPDATE order_line SET send_id = NULL WHERE id = :id",
        "UPDATE order_line SET note = 'changed' WHERE id = :id",
    ],
)
def test_the_database_refuses_to_erase_or_rewrite_a_sent_line(dining: Dining, sql: str) -> None:
    """Whatever the client (a console, a script, a bug), a sent line stays as it was sent."""
    dining.add("jasmine_tea", quantity=2)
    dining.send()
    line = dining.order().lines[0]
    before = dining.snapshot()
    with pytest.raises(DBAPIError, match="sent line is never"):
        _raw(dining, sql, id=line.id)
    assert dining.snapshot() == before


def test_the_database_refuses_to_undo_or_rewrite_a_void(dining: Dining) -> None:
    _tea, tofu = _sent_tea_and_tofu(dining)
    dining.void(tofu)
    before = dining.snapshot()
    for sql in (
        "UPDATE order_line SET voided_at = NULL WHERE id = :id",
        "UPDATE order_line SET void_reason = 'nothing happened' WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="sent line is never"):
            _raw(dining, sql, id=tofu)
    assert dining.snapshot() == before


def test_the_database_lets_a_new_line_go_and_a_sent_one_be_voided(dining: Dining) -> None:
    dining.add("jasmine_tea")
    dining.send()
    new = dining.add("coca_cola", seat=1).lines[1]
    _raw(dining, "DELETE FROM order_line WHERE id = :id", id=new.id)
    sent = dining.order().lines[0]
    _raw(
        dining,
        "UPDATE order_line SET voided_at = CURRENT_TIMESTAMP, voided_by_id = :who, "
        "void_approved_by_id = :who, void_reason = 'test', version = version + 1 WHERE id = :id",
        id=sent.id,
        who=dining.staff["M01"],
    )
    view = dining.order()
    assert len(view.lines) == 1 and view.lines[0].voided
