"""Schemathesis, positive: valid input to every operation for every role (tests/api/fuzzing.py)."""

from __future__ import annotations

import pytest
from schemathesis.generation import GenerationMode

from tests.api.fuzzing import ROLES, _check_every_operation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_documented(role, demo_users, wsgi_app):
    failures = _check_every_operation(demo_users[role], wsgi_app, GenerationMode.POSITIVE)
    assert not failures, f"{len(failures)} operations fail for {role}:\n" + "\n".join(failures)
