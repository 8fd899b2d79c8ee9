import datetime as dt

from luzhi.core.workdays import KNOWN_YEARS, add_workdays, calendar_known, is_workday, workdays_between

D = dt.date


def test_national_day_holiday_and_make_up_workday() -> None:
    # 2024: 10月1–7日 holiday; Sunday 9月29日 and Saturday 10月12日 are make-up workdays.
    assert not is_workday(D(2024, 10, 1))
    assert not is_workday(D(2024, 10, 4))  # a Friday inside the holiday
    assert is_workday(D(2024, 9, 29))  # a Sunday worked
    assert is_workday(D(2024, 10, 12))  # a Saturday worked


def test_add_workdays_skips_holidays() -> None:
    # Assigned Monday 2024-09-30: the 5th working day after is 10-12 (Sat, make-up), not 10-07.
    assert add_workdays(D(2024, 9, 30), 5) == D(2024, 10, 12)
    assert add_workdays(D(2024, 9, 27), 1) == D(2024, 9, 29)
    assert add_workdays(D(2024, 10, 8), -1) == D(2024, 9, 30)
    assert add_workdays(D(2024, 10, 12), 0) == D(2024, 10, 12)


def test_workdays_between_counts_after_start_up_to_end() -> None:
    assert workdays_between(D(2024, 9, 30), D(2024, 10, 12)) == 5
    assert workdays_between(D(2024, 10, 12), D(2024, 9, 30)) == -5
    assert workdays_between(D(2024, 5, 6), D(2024, 5, 6)) == 0


def test_spring_festival() -> None:
    assert not is_workday(D(2025, 1, 29))  # 春节
    assert is_workday(D(2025, 1, 26))  # Sunday make-up


def test_outside_known_years_falls_back_to_monday_to_friday() -> None:
    far = D(KNOWN_YEARS.stop + 5, 1, 1)
    assert not calendar_known(far)
    assert calendar_known(D(2024, 1, 1))
    monday = far + dt.timedelta(days=(7 - far.weekday()) % 7)
    assert is_workday(monday)
    assert not is_workday(monday + dt.timedelta(days=5))
    assert add_workdays(monday, 5) == monday + dt.timedelta(days=7)
