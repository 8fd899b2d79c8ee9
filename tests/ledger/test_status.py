"""Overdue and stale at the deadline and month boundaries, in Python and in SQL alike."""

from datetime import date

import pytest

from luzhi.ledger.models import PlanItem
from tests.ledger.factories import PlanItemFactory

pytestmark = pytest.mark.django_db


def _sql(item: PlanItem, today: date) -> tuple[str, bool]:
    row = PlanItem.objects.with_status(today).get(pk=item.pk)
    return row.state, row.is_stale


@pytest.mark.parametrize(
    ("progress", "today", "expected"),
    [
        (40, date(2026, 10, 31), "in_progress"),  # on the deadline day: not yet overdue
        (40, date(2026, 11, 1), "overdue"),  # the day after
        (0, date(2026, 10, 31), "not_started"),
        (0, date(2026, 11, 1), "overdue"),
        (99, date(2026, 11, 1), "overdue"),
        (100, date(2026, 11, 1), "done"),  # done late is still done
        (100, date(2026, 3, 1), "done"),
    ],
)
def test_status_at_the_deadline(committee, progress, today, expected):
    item = PlanItemFactory(committee=committee, deadline=date(2026, 10, 31), progress=progress)
    assert item.status_on(today) == expected
    assert _sql(item, today)[0] == expected


@pytest.mark.parametrize(
    ("last_report", "progress", "today", "stale"),
    [
        (None, 0, date(2026, 5, 1), True),  # never reported
        (date(2026, 5, 1), 30, date(2026, 5, 1), False),  # reported on the first of the month
        (date(2026, 4, 30), 30, date(2026, 4, 30), False),
        (date(2026, 4, 30), 30, date(2026, 5, 1), True),  # last day of April does not count for May
        (date(2026, 5, 31), 30, date(2026, 5, 31), False),
        (date(2026, 5, 31), 30, date(2026, 6, 1), True),
        (date(2025, 12, 31), 30, date(2026, 1, 1), True),  # across the year
        (date(2026, 3, 3), 100, date(2026, 6, 1), False),  # a done item needs no more reports
    ],
)
def test_stale_at_month_boundaries(committee, last_report, progress, today, stale):
    item = PlanItemFactory(committee=committee, last_report_at=last_report, progress=progress)
    assert item.stale_on(today) is stale
    assert _sql(item, today)[1] is stale
