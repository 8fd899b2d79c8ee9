"""N+1 detection (django-zeal) for the whole test run — never in production.

zeal is not in INSTALLED_APPS: `install()` (from conftest's pytest_configure) does its app's
ready() by hand and adds the checks for the test run only.

Each request (the unit of work: `per_request`, first in MIDDLEWARE) runs in its own zeal context
with every detection on. Inside one, the same line of code lazily loading the same relation for a second row raises
zeal.NPlusOneError and fails the test.

The test body itself is not a unit of work: a test that logs in several clients or calls a service
once per row it sets up does several units of work on purpose. Nor are management commands and
jobs as a whole: the demo and scale loaders and the reminders call a service once per row by design.
A test checks any other code with `with unit_of_work(): …`. conftest's autouse fixture turns
detection on for the test (`test_context`) and ignores what the body does outside the units.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from zeal import zeal_context, zeal_ignore
from zeal.constants import initialize_app_registry
from zeal.listeners import NPlusOneContext, _nplusone_context
from zeal.patch import patch

# Relations that may be loaded row by row; each entry says why.
ALLOWLIST: list[dict[str, str]] = [
    # zeal also flags a second `.get()` of one model from one line. In a request that is mostly two
    # different links looked up once each (a liaison's two members, a proposal's lead and co-units by
    # access_by_id); lists of ids go through one query (core.api.ScopedManyRelatedField), and the
    # query-count tests (tests/api/test_query_discipline.py) catch a lookup per row shown.
    {"model": "*", "field": "get()"},
    # Deleting a plan item deletes its progress reports by cascade; the audit entry of each names the
    # report (str(): "<item> · 50%"), so each loads the item again. A dozen reports a year per item,
    # on a rare delete — not worth a different audit text.
    {"model": "ledger.ProgressReport", "field": "item"},
]

_TEST_BODY = {"model": "*", "field": "*"}


def install() -> None:
    initialize_app_registry()
    patch()
    settings.ZEAL_RAISE = True
    settings.ZEAL_ALLOWLIST = ALLOWLIST
    settings.MIDDLEWARE = ["tests.nplusone.per_request", *settings.MIDDLEWARE]


@contextmanager
def test_context() -> Iterator[None]:
    """The context a whole test runs in: detection on, the body's own reads ignored."""
    with zeal_context(), zeal_ignore([_TEST_BODY]):
        yield


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Full detection, counted afresh, when the test turned detection on (never in other threads)."""
    outer = _nplusone_context.get()
    allowlist = [entry for entry in outer.allowlist if entry is not _TEST_BODY]
    token = _nplusone_context.set(NPlusOneContext(enabled=outer.enabled, allowlist=allowlist))
    try:
        yield
    finally:
        _nplusone_context.reset(token)


def per_request(get_response: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Middleware: each request is its own unit of work."""

    def middleware(request: Any) -> Any:
        with unit_of_work():
            return get_response(request)

    return middleware
