"""One way to write a day on pages, in messages and documents: 2026年12月3日 (clock.cn_date)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone

from luzhi.core.clock import cn_date


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.date(2026, 12, 3), "2026年12月3日"),
        (dt.date(2026, 3, 5), "2026年3月5日"),
        ("2026-03-05", "2026年3月5日"),  # as JSON fields keep a day
        ("2026-03-05T10:00:00", "2026年3月5日"),
        ("未定", "未定"),
        (None, ""),
        ("", ""),
    ],
)
def test_a_day_is_written_without_leading_zeros(value, text):
    assert cn_date(value) == text


def test_a_moment_is_written_in_local_time():
    moment = timezone.make_aware(dt.datetime(2026, 12, 3, 9, 5))
    assert cn_date(moment, with_time=True) == "2026年12月3日 09:05"
    assert cn_date(moment) == "2026年12月3日"


def test_the_template_filter_is_the_same_function():
    html = Template("{% load luzhi %}{{ a|cn_date }} {{ b|cn_date }}").render(
        Context({"a": dt.date(2026, 1, 2), "b": "2026-04-30"})
    )
    assert html == "2026年1月2日 2026年4月30日"
