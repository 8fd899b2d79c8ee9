"""Chinese text helpers: names sort by pinyin, as a clerk's list does."""

from luzhi.activities.seating import name_key
from luzhi.core.text import pinyin_key


def test_names_sort_by_pinyin_not_by_code_point():
    names = ["周敏", "张伟", "安然", "李娜", "陈静"]
    assert sorted(names) != ["安然", "陈静", "李娜", "张伟", "周敏"]  # code-point order is not the clerk's
    assert sorted(names, key=pinyin_key) == ["安然", "陈静", "李娜", "张伟", "周敏"]


def test_same_pinyin_falls_back_to_the_characters_and_seats_use_the_same_order():
    assert pinyin_key("张伟") != pinyin_key("章伟")
    assert sorted(["周敏", "安然"], key=name_key) == ["安然", "周敏"]
