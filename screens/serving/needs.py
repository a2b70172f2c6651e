"""What a table needs from its waiter, in words and as one-tap buttons (第8条): a course
ready at the pass is served (hot dishes come with a warning for the guests, 第8条 ⑦), the
next course is fired when the one before it has been served, drinks are refilled, the
table is visited. Shared by "My tables" and the order screen's course strip.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from kivy.factory import Factory
from kivy.metrics import dp

from screens.widgets import table_look
from screens.widgets.theme import TYPE
from services.errors import DomainError
from services.i18n import N_
from services.serving.courses import (
    CourseState,
    CourseView,
    FireCourse,
    MarkServed,
    fire_course,
    mark_served,
)
from services.serving.tables import MarkDone, Need, NeedKind, TableNeeds, mark_done

# Ink for a need's words: the loud ones are what the guests are waiting for now.
NEED_INK: dict[NeedKind, str] = {
    NeedKind.COURSE_READY: "7dff8a",
    NeedKind.NOT_DELIVERED: "ff7366",
    NeedKind.BILL_REQUESTED: "ffc83d",
    NeedKind.FIRE_NEXT: "8ecbff",
    NeedKind.REFILL: "8ecbff",
    NeedKind.VISIT: "c8ccd4",
    NeedKind.HIGH_CHAIR: "ffc83d",
    NeedKind.JUST_SEATED: "ffc83d",
}
HOT_INK = "ff8a3d"
STATE_WORDS: dict[CourseState, str] = {
    CourseState.HELD: N_("held"),
    CourseState.FIRED: N_("cooking"),
    CourseState.READY: N_("ready at the pass"),
    CourseState.SERVED: N_("served"),
}
# The marks a waiter makes with one tap, beside the course ones.
DONE_KINDS: dict[NeedKind, str] = {
    NeedKind.REFILL: "refill",
    NeedKind.VISIT: "visit",
    NeedKind.HIGH_CHAIR: "high_chair",
    NeedKind.JUST_SEATED: "visit",  # greeted at the table: the first visit
}


def course_name(loc: Any, en: str, zh: str) -> str:
    return str(loc.pick(en, zh))


def need_words(need: Need, loc: Any, now: datetime) -> str:
    """One need as Kivy markup, in its colour AND its words."""
    tr = loc._
    course = course_name(loc, need.course_name_en, need.course_name_zh)
    minutes = table_look.minutes_since(need.since, now)
    kind = need.kind
    if kind == NeedKind.COURSE_READY:
        text = tr("{course} ready at the pass, {minutes} min", course=course, minutes=minutes)
    elif kind == NeedKind.FIRE_NEXT:
        text = tr("Fire the next course: {course}", course=course)
    elif kind == NeedKind.BILL_REQUESTED:
        text = tr("Bill requested {minutes} min ago", minutes=minutes)
    elif kind == NeedKind.REFILL:
        text = tr("Drinks to refill")
    elif kind == NeedKind.VISIT:
        text = tr("Time to visit the table")
    elif kind == NeedKind.HIGH_CHAIR:
        text = tr("Bring a high chair")
    elif kind == NeedKind.JUST_SEATED:
        text = tr("Just seated {minutes} min ago: greet them", minutes=minutes)
    else:
        text = tr(
            "{course} not confirmed by any kitchen screen or printer for {minutes} min: "
            "tell the kitchen",
            course=course,
            minutes=minutes,
        )
    words = f"[b][color={NEED_INK[kind]}]{table_look.plain(text)}[/color][/b]"
    if need.hot and kind == NeedKind.COURSE_READY:
        warn = table_look.plain(tr("HOT: warn the guests"))
        words += f"  [b][color={HOT_INK}]{warn}[/color][/b]"
    return words


def courses_words(courses: list[CourseView], loc: Any) -> str:
    tr = loc._
    colon = "：" if loc.lang == "zh" else ": "  # punctuation, not a sentence to translate
    parts = [
        course_name(loc, c.course_name_en, c.course_name_zh) + colon + tr(STATE_WORDS[c.state])
        for c in courses
    ]
    return table_look.plain(" · ".join(parts))


def button_text(need: Need, loc: Any) -> str | None:
    """What the one tap for this need says; None when there is nothing to tap here."""
    tr = loc._
    course = course_name(loc, need.course_name_en, need.course_name_zh)
    if need.kind == NeedKind.COURSE_READY:
        return (
            tr("Served: {course} (HOT)", course=course)
            if need.hot
            else tr("Served: {course}", course=course)
        )
    if need.kind == NeedKind.FIRE_NEXT:
        return tr("Fire {course}", course=course)
    if need.kind == NeedKind.REFILL:
        return tr("Refilled")
    if need.kind == NeedKind.VISIT:
        return tr("Visited")
    if need.kind == NeedKind.HIGH_CHAIR:
        return tr("High chair brought")
    if need.kind == NeedKind.JUST_SEATED:
        return tr("Greeted")
    return None


def need_button(screen: Any, table: TableNeeds, need: Need, done: Callable[[], None]) -> Any | None:
    text = button_text(need, screen.app.localizer)
    if text is None:
        return None
    primary = need.kind in (NeedKind.COURSE_READY, NeedKind.FIRE_NEXT)
    button = (Factory.PrimaryButton if primary else Factory.Button)(
        text=text, font_size=TYPE.body, size_hint_x=None, width=dp(210)
    )
    button.need_kind = need.kind.value
    button.bind(on_release=lambda _b: act(screen, table, need, done))
    return button


def act(screen: Any, table: TableNeeds, need: Need, done: Callable[[], None]) -> None:
    """The one tap: the service does it, the screen says so and reads the store again."""
    app, loc = screen.app, screen.app.localizer
    store, me = app.store, app.user.staff_id
    course = course_name(loc, need.course_name_en, need.course_name_zh)
    try:
        if need.kind == NeedKind.COURSE_READY and need.course_id is not None:
            mark_served(store, me, MarkServed(party_id=table.party_id, course_id=need.course_id))
            sentence = N_("Table {table}: {course} served.")
        elif need.kind == NeedKind.FIRE_NEXT and need.course_id is not None:
            fire_course(store, me, FireCourse(party_id=table.party_id, course_id=need.course_id))
            sentence = N_("Table {table}: {course} fired, the kitchen has it.")
        elif need.kind in DONE_KINDS:
            kind = DONE_KINDS[need.kind]
            mark_done(store, me, MarkDone(party_id=table.party_id, kind=kind))  # type: ignore[arg-type]
            sentence = {
                "refill": N_("Table {table}: drinks refilled."),
                "visit": N_("Table {table}: visit made."),
                "high_chair": N_("Table {table}: high chair brought."),
            }[kind]
        else:
            return
    except DomainError as error:
        screen.fail(error)
        done()
        return
    screen.say(sentence, table=table.table_label, course=course)
    done()
