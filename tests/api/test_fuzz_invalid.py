"""Schemathesis, negative: invalid input refused with a documented 4xx, never a 5xx (tests/api/fuzzing.py)."""

from __future__ import annotations

import pytest
from schemathesis.generation import GenerationMode

from tests.api.fuzzing import NEGATIVE_ROLES, _check_every_operation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", NEGATIVE_ROLES)
def test_invalid_input_is_refused_as_documented_never_a_500(role, demo_users, wsgi_app):
    failures = _check_every_operation(demo_users[role], wsgi_app, GenerationMode.NEGATIVE)
    assert not failures, f"{len(failures)} operations fail on invalid input for {role}:\n" + "\n".join(failures)
