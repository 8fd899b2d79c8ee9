"""Page-test helpers: a logged-in browser client per user."""

from collections.abc import Callable

import pytest
from django.test import Client

from luzhi.accounts.models import User
from tests.conftest import verified_login


@pytest.fixture
def page() -> Callable[[User], Client]:
    """page(user) — a Django test client with the user logged in through the session."""

    def make(user: User) -> Client:
        return verified_login(Client(), user)

    return make
