"""Fixtures of the ledger tests: "today" moved to a fixed day."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def today(monkeypatch: Any) -> Callable[[date], None]:
    """today(date) — make the app believe it is that day (luzhi.core.clock) (default 2026-11-25)."""

    def set_today(day: date) -> None:
        monkeypatch.setattr("luzhi.core.clock.today", lambda: day)

    set_today(date(2026, 11, 25))
    return set_today


@pytest.fixture
def page() -> Callable[[Any], Client]:
    """page(user) — a Django test client with the user logged in through the session."""

    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
