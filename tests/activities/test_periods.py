"""Period arithmetic of luzhi.core.periods: boundaries, ISO weeks across new year, leap days."""

from datetime import date

import pytest

from luzhi.core.periods import period, period_of, periods_of_year, weeks_in_year, year_span


def test_months_end_on_their_last_day_including_leap_february():
    months = periods_of_year("month", 2024)
    assert len(months) == 12
    assert months[1].start == date(2024, 2, 1) and months[1].end == date(2024, 2, 29)
    assert period("month", 2025, 2).end == date(2025, 2, 28)
    assert months[11].end == date(2024, 12, 31)


def test_quarters_and_half_years():
    assert [(q.start, q.end) for q in periods_of_year("quarter", 2025)] == [
        (date(2025, 1, 1), date(2025, 3, 31)),
        (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 9, 30)),
        (date(2025, 10, 1), date(2025, 12, 31)),
    ]
    halves = periods_of_year("half_year", 2025)
    assert [(h.start, h.end) for h in halves] == [
        (date(2025, 1, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 12, 31)),
    ]
    assert periods_of_year("year", 2025)[0].end == date(2025, 12, 31)


@pytest.mark.parametrize(
    ("day", "kind", "expected"),
    [
        (date(2025, 3, 31), "quarter", 1),
        (date(2025, 4, 1), "quarter", 2),
        (date(2025, 6, 30), "half_year", 1),
        (date(2025, 7, 1), "half_year", 2),
        (date(2024, 2, 29), "month", 2),
        (date(2024, 2, 29), "quarter", 1),
    ],
)
def test_which_period_a_day_falls_in(day, kind, expected):
    assert period_of(kind, day).index == expected
    assert period_of(kind, day).year == day.year


def test_iso_weeks_belong_to_the_year_of_their_thursday():
    # 2024-12-30 (Mon) .. 2025-01-05: Thursday is 2025-01-02, so it is week 1 of 2025.
    week = period_of("week", date(2024, 12, 30))
    assert (week.year, week.index, week.start, week.end) == (2025, 1, date(2024, 12, 30), date(2025, 1, 5))
    # 2027-01-01 is a Friday: it belongs to the last week (53) of 2026.
    last = period_of("week", date(2027, 1, 1))
    assert (last.year, last.index) == (2026, 53)
    assert weeks_in_year(2026) == 53 and weeks_in_year(2025) == 52
    assert year_span("week", 2025) == (date(2024, 12, 30), date(2025, 12, 28))
    assert year_span("week", 2026) == (date(2025, 12, 29), date(2027, 1, 3))


def test_weeks_tile_the_year_without_gaps():
    weeks = periods_of_year("week", 2026)
    assert all((b.start - a.end).days == 1 for a, b in zip(weeks, weeks[1:], strict=False))
    assert all((w.end - w.start).days == 6 and w.start.weekday() == 0 for w in weeks)


def test_bad_periods_are_refused():
    with pytest.raises(ValueError):
        period("week", 2025, 53)
    with pytest.raises(ValueError):
        period("fortnight", 2025, 1)
    with pytest.raises(ValueError):
        period("quarter", 2025, 5)


def test_overlap_days():
    march = period("month", 2025, 3)
    assert march.days_overlap(date(2025, 3, 30), date(2025, 4, 2)) == 2
    assert march.days_overlap(date(2025, 4, 1), date(2025, 4, 2)) == 0
