"""A write that loses the race for the database lock is 503 "busy, retry" with nothing saved, never a 500.

The real race is run in tests/deploy/test_sqlite_writers.py; here the lock error is raised at the
moment the write would commit, so every front door's answer is checked on its own.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, transaction
from django.test import Client

from luzhi.core.errors import BUSY_MESSAGE, is_database_busy
from luzhi.opinions import services
from luzhi.opinions.models import GrassrootsRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_user(committee: Any, make_user: Any) -> Any:
    return make_user("member", committee)


def _failing_commit(message: str) -> Any:
    """grassroots_record_create that saves its row, then fails as SQLite does when the lock wait runs out."""
    create = services.grassroots_record_create

    def create_then_fail(**kwargs: Any) -> Any:
        with transaction.atomic():
            create(**kwargs)
            raise OperationalError(message)

    return create_then_fail


def test_the_api_answers_503_with_retry_after_and_saves_nothing(api: Any, member_user: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "grassroots_record_create", _failing_commit("database is locked"))
    response = api(member_user).post("/api/v1/grassroots-records/", {"citizen": "赵大爷", "demand": "桥坏了。"})
    assert response.status_code == 503
    assert response.json() == {"detail": BUSY_MESSAGE}
    assert response["Retry-After"] == "5"
    assert not GrassrootsRecord.objects.exists()


def test_other_database_errors_are_not_passed_off_as_busy(api: Any, member_user: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "grassroots_record_create", _failing_commit("no such table: opinions_x"))
    with pytest.raises(OperationalError, match="no such table"):
        api(member_user).post("/api/v1/grassroots-records/", {"citizen": "赵大爷", "demand": "桥坏了。"})


def _page_client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_a_page_shows_the_busy_message_with_503_and_saves_nothing(member_user: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "grassroots_record_create", _failing_commit("database is locked"))
    response = _page_client(member_user).post("/opinions/grassroots/new/", {"citizen": "赵大爷", "demand": "桥坏了。"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert BUSY_MESSAGE in response.content.decode()
    assert not GrassrootsRecord.objects.exists()


def test_a_locked_session_save_after_the_view_is_503_too(member_user: Any, monkeypatch: Any) -> None:
    client = _page_client(member_user)

    def locked(self: Any, must_create: bool = False) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(SessionStore, "save", locked)
    response = client.get("/opinions/grassroots/")
    assert response.status_code == 503
    assert BUSY_MESSAGE in response.content.decode()


def test_any_other_crash_still_shows_the_500_page(member_user: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "grassroots_record_create", _failing_commit("disk I/O error"))
    response = _page_client(member_user).post("/opinions/grassroots/new/", {"citizen": "赵大爷", "demand": "桥坏了。"})
    assert response.status_code == 500
    assert "系统出错（500）" in response.content.decode()


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    "sqlstate,busy", [("40001", True), ("40P01", True), ("55P03", True), ("53100", False), (None, False)]
)
def test_postgresql_serialization_failures_and_deadlocks_count_as_busy(sqlstate: str | None, busy: bool) -> None:
    error = OperationalError("could not serialize access")
    error.__cause__ = _PgError(sqlstate) if sqlstate else None
    assert is_database_busy(error) is busy
