"""One helper each: today's date, the ?year= of a request, an error as one line, links by URL name."""

import ast
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from luzhi.core import clock
from luzhi.core.errors import WorkflowError
from luzhi.core.pages import error_text
from luzhi.core.periods import year_of_request

LUZHI = Path(__file__).resolve().parents[2] / "luzhi"


def _modules():
    for path in sorted(LUZHI.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(LUZHI).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def test_today_comes_from_core_clock_only():
    callers = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        if name != "core/clock.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "localdate"
        and not node.args
    ]
    assert callers == []


def test_links_in_python_are_reversed_not_written_out():
    written = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.keyword)
        and node.arg == "link"
        and (
            (isinstance(node.value, ast.Constant) and str(node.value.value).startswith("/"))
            or (
                isinstance(node.value, ast.JoinedStr)
                and isinstance(node.value.values[0], ast.Constant)
                and str(node.value.values[0].value).startswith("/")
            )
        )
    ]
    assert written == []


def test_clock_today_can_be_moved_for_every_caller(monkeypatch):
    monkeypatch.setattr("luzhi.core.clock.today", lambda: date(2030, 1, 2))
    from luzhi.scoring.api import year_param

    assert clock.today() == date(2030, 1, 2)
    assert year_param(RequestFactory().get("/")) == 2030


@pytest.mark.parametrize(
    ("query", "default", "expected"),
    [("", 2026, 2026), ("?year=2024", 2026, 2024), ("?year=%20", 0, 0), ("?year=1999", None, 1999)],
)
def test_the_year_of_a_request(query, default, expected):
    assert year_of_request(RequestFactory().get(f"/{query}"), default=default) == expected


@pytest.mark.parametrize(
    ("query", "default", "message"),
    [
        ("?year=二〇二六", 2026, "年份无效（1900—2999）。"),
        ("?year=26", 0, "年份无效（1900—2999）。"),
        ("", None, "请提供年份，如 2026。"),
    ],
)
def test_a_bad_or_missing_required_year_is_a_validation_error(query, default, message):
    with pytest.raises(ValidationError) as caught:
        year_of_request(RequestFactory().get(f"/{query}"), default=default)
    assert caught.value.message_dict == {"year": [message]}


def test_an_error_as_one_line():
    assert error_text(ValidationError({"a": ["一"], "b": ["二", "三"]})) == "一；二；三"
    assert error_text(ValidationError("只此一条")) == "只此一条"
    assert error_text(WorkflowError("不能这样做。")) == "不能这样做。"
