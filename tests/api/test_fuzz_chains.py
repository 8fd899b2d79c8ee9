"""Schemathesis, stateful: chains over the links inferred from the schema, per resource (tests/api/fuzzing.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from schemathesis.core.errors import NoLinksFound

from tests.api.fuzzing import (
    CHECKS,
    KNOWN,
    STATEFUL_ROLES,
    STATEFUL_SCENARIOS,
    STATEFUL_STEPS,
    _first_line,
    _resources,
    _schema,
    _Tokens,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", STATEFUL_ROLES)
def test_linked_operations_chained_answer_as_documented(role, demo_users, wsgi_app):
    """Chains over the links schemathesis infers (list or create → read → update → act → delete), per resource.

    One state machine per resource, so that its few rules are chained rather than lost among the
    whole API's; the ids come from earlier answers, and the demo rows give the lists something to link.
    """
    user = demo_users[role]
    schema, headers = _schema(user, wsgi_app)
    tokens = _Tokens(user)
    failures: dict[str, str] = {}
    calls: list[str] = []
    linked: list[str] = []

    def check(response: Any, case: Any) -> None:
        label = f"{case.operation.method.upper()} {case.operation.path}"
        calls.append(label)
        if label in KNOWN:
            return
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 — all failures reported together
            failures.setdefault(label, _first_line(error))

    hypothesis_settings = settings(
        max_examples=STATEFUL_SCENARIOS,
        stateful_step_count=STATEFUL_STEPS,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    for prefix in _resources(schema):

        class Chains(schema.include(path_regex=f"^{re.escape(prefix)}").as_state_machine()):  # type: ignore[misc, valid-type]
            def step(self, input: Any) -> Any:
                if input.transition is not None and input.is_applied:
                    linked.append(input.case.operation.label)
                return super().step(input)

            def get_call_kwargs(self, case: Any) -> dict[str, Any]:
                # A chain may log its device out (auth/logout/, auth/devices/{id}/): then a new token.
                return {"headers": tokens.headers()}

            def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
                check(response, case)

        try:
            Chains.run(settings=hypothesis_settings)
        except NoLinksFound:
            continue  # a resource with one operation has nothing to chain
    print(f"{role}: {len(calls)} calls, {len(set(calls))} operations, {len(linked)} by a link to {len(set(linked))}")
    assert len(set(linked)) >= 20, f"the chains hardly followed a link: {sorted(set(linked))}"
    assert not failures, f"{len(failures)} operations fail in chains for {role}:\n" + "\n".join(
        f"{label}: {error}" for label, error in failures.items()
    )
