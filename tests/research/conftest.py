"""Fixtures of the research tests."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def page() -> Callable[[Any], Client]:
    """page(user) — a Django test client with the user logged in through the session."""

    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
