"""第9条 ①: the bill is made ready after the last course has been served (read from the
serving capability), on SQLite and PostgreSQL."""

from __future__ import annotations

from services.billing.bills import bill_ready
from tests.test_serving_support import Serving, at, serving

_ = serving  # a fixture, used by name


def test_the_bill_is_ready_once_every_course_sent_is_served(serving: Serving) -> None:
    assert not bill_ready(serving.store, serving.party_id)  # nothing sent yet
    serving.add("jasmine_tea")
    serving.add("smashed_cucumber")
    serving.send_at(at(1))
    assert not bill_ready(serving.store, serving.party_id)
    for course in ("drinks", "cold"):
        serving.bump_all(course, at(5))
        serving.serve(course, at(6))
    assert bill_ready(serving.store, serving.party_id)
