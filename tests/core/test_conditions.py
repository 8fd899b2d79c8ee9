"""q_matches evaluates a rule's Q in Python as the database does — or refuses."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.db.models import Q

from luzhi.core.conditions import q_matches

row = SimpleNamespace(progress=40, deadline=date(2026, 10, 31), last_report_at=None)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Q(progress=40), True),
        (Q(progress__gte=40), True),
        (Q(progress__gt=40), False),
        (Q(progress__lt=100, deadline__lt=date(2026, 11, 1)), True),
        (Q(progress__lt=100, deadline__lt=date(2026, 10, 31)), False),
        (Q(progress__gte=100) | Q(deadline__lte=date(2026, 10, 31)), True),
        (Q(last_report_at__isnull=True), True),
        (Q(last_report_at=None), True),
        (Q(last_report_at__lt=date(2026, 5, 1)), False),  # NULL matches no comparison, as in SQL
        (Q(last_report_at__gte=date(2026, 5, 1)), False),
        (Q(progress__lt=100) & (Q(last_report_at__isnull=True) | Q(last_report_at__lt=date(2026, 5, 1))), True),
    ],
)
def test_conditions_evaluate_like_sql(condition, expected):
    assert q_matches(row, condition) is expected


@pytest.mark.parametrize("condition", [~Q(progress=40), Q(plan__year=2026), Q(title__contains="x")])
def test_what_it_cannot_evaluate_faithfully_raises(condition):
    row_with_title = SimpleNamespace(progress=40, plan=None, title="x")
    with pytest.raises(ValueError):
        q_matches(row_with_title, condition)
