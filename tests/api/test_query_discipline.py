"""Query discipline on every list: N+1 detection is on, and no list's query count grows with its rows.

- Every list endpoint of the DRF router is read by a role that sees at least two rows of it on the
  demo committee, once with `page_size=1` and once with `page_size=200`: both must cost the same
  number of queries (a query per row shows up as a difference of at least one).
- Every list page (the pages without arguments that each app serves under /<app>/) is read by a
  role that may see it, with pages cut to one row and to their usual size: same number of queries
  again, and no more than the pinned number (pages that show all their rows at once are held by the
  pin: an N+1 over the demo committee's rows would add dozens).
- zeal (tests/nplusone.py) raises on a relation loaded row by row, in a test and in a request.
"""

from __future__ import annotations

import re
from datetime import date
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from rest_framework.test import APIClient
from zeal import NPlusOneError

from luzhi.accounts.models import User
from luzhi.core import api as core_api
from luzhi.org.demo import COUNTY_NAME
from luzhi.org.models import Committee, Member
from luzhi.urls import router
from tests import factories as f
from tests import nplusone
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db

# Who reads a list, in order of preference: the first role that sees two rows is used.
READERS = ["office", "leader", "committee_staff", "member", "unit", "sysadmin", "secadmin", "auditor"]
# Lists that answer all their rows at once (no pages) → the most queries they may take on the demo committee.
UNPAGED = {"scores": 2}
LIST_ENDPOINTS = sorted(prefix for prefix, viewset, _ in router.registry if hasattr(viewset, "list"))

# Every list page (no arguments; not a form, a download or an action) → the most queries it may take
# on the demo committee for its reader (the first role of READERS that may open it).
PAGES: dict[str, int] = {
    "accounts:audit": 10,  # auditor
    "accounts:recycle": 8,  # office
    "accounts:security": 10,  # secadmin (+1: the top bar's unread badge)
    "accounts:user-list": 9,  # sysadmin
    "accounts:member-accounts": 8,  # sysadmin: the form and the letters of the day
    "accounts:sms-outbox": 6,  # office: the committee's text messages, failures first
    "activities:activity-list": 8,  # office
    "activities:cadence": 12,  # office
    "activities:leave-list": 8,  # office
    "activities:mine": 9,  # leader
    "activities:reading": 9,  # office
    "ledger:board": 20,  # office
    "ledger:monthly": 10,  # office
    "ledger:plan": 11,  # office
    "notifications:channels": 9,  # office
    "notifications:deliveries": 9,  # office
    "notifications:inbox": 10,  # office
    "notifications:settings": 9,  # office
    "opinions:bulletins": 9,  # office
    "opinions:grassroots": 9,  # office
    "opinions:list": 11,  # office
    "opinions:mine": 8,  # leader
    "opinions:queue": 15,  # office
    "opinions:statistics": 13,  # office
    "org:committee": 9,  # office
    "org:liaison-list": 18,  # office
    "org:member-groups-list": 9,  # office
    "org:member-list": 13,  # office
    "org:party-list": 11,  # office
    "org:sectors-list": 9,  # office
    "org:special-committees-list": 9,  # office
    "org:stations-list": 9,  # office
    "org:terms-list": 9,  # office
    "org:units-list": 9,  # office
    "participation:guests": 10,  # office
    "participation:library": 10,  # office
    "participation:notices": 9,  # office
    "participation:reports": 10,  # office
    "participation:topics": 9,  # office
    "proposals:compilation": 8,  # office
    "proposals:list": 13,  # office
    "proposals:reminders": 9,  # office
    "proposals:stats": 13,  # office
    "research:year": 9,  # office
    "scoring:appeals": 9,  # office
    "scoring:mine": 19,  # leader
    "scoring:rules": 8,  # office
    "scoring:scores": 13,  # office
}
# Pages whose query count grows with their rows today: a bug to fix, held here so that it is seen.
KNOWN_GROWTH: dict[str, str] = {}
NOT_LISTS = re.compile(r"(^|[-:])(new|create|import|template|pdf|read-all|appeal-create)$")
REDIRECTS = {"participation:home"}  # sends each role on to its own list
OWN_DEVICE = {"accounts:otp", "accounts:otp-remove"}  # the caller's own two-factor device, no list
# The caller's own password form, and a button's POST target: neither lists anything.
# The look-alike panels are POSTed by htmx (the text is too long for a GET) and show five rows at most.
NO_ROWS = {"accounts:password", "accounts:sms-retry", "proposals:similar", "opinions:similar"}


def _list_pages() -> list[str]:
    found = []
    for app in settings.LUZHI_DOMAIN_APPS:
        namespace = app.rsplit(".", 1)[1]
        resolver = get_resolver(import_module(f"{app}.urls"))
        for name, entries in resolver.reverse_dict.lists():
            if (
                not isinstance(name, str)
                or NOT_LISTS.search(name)
                or f"{namespace}:{name}" in REDIRECTS | OWN_DEVICE | NO_ROWS
            ):
                continue
            if all(not params for possibility, *_ in entries for _, params in possibility):
                found.append(f"{namespace}:{name}")
    return sorted(set(found))


@pytest.fixture(scope="module")
def _demo(demo_database: Any, django_db_blocker: Any) -> Any:
    """The demo committee (loaded once per process) with more rows, rolled back after the module."""
    with django_db_blocker.unblock(), demo_database.use():
        _more_rows(Committee.objects.get(name=COUNTY_NAME))
        yield


def _more_rows(county: Committee) -> None:
    """Two rows at least of the lists the demo committee has fewer of."""
    from axes.models import AccessAttempt

    from luzhi.accounts.services import device_token_create
    from luzhi.core.audit import audit_office_grant
    from luzhi.notifications.models import Delivery, Notification
    from luzhi.opinions.models import Bulletin
    from luzhi.participation.models import Material, StudyEntry, Theme, Topic
    from tests.ledger.factories import PlanFactory

    f.TermFactory(committee=county, number=99)
    for year in (2023, 2024):
        PlanFactory(committee=county, year=year)
        Bulletin.objects.create(committee=county, year=year, number=1)
    topic = Topic.objects.filter(committee=county).first()
    material = Material.objects.filter(committee=county).first()
    member_user = User.objects.filter(committee=county, role="member").first()
    for n in range(2):
        Theme.objects.create(committee=county, topic=topic, name=f"主题{n}")
        StudyEntry.objects.create(
            committee=county, material=material, member=member_user.member, kind="read", date=date(2026, 3, n + 1)
        )
    office = User.objects.filter(committee=county, role="office").first()
    for _ in range(2):
        audit_office_grant(actor=None, account=office, old_role="member")
    for user in User.objects.filter(committee=county):
        for device in ("手机", "电脑"):
            device_token_create(user=user, name=device)
        Notification.objects.bulk_create(
            [Notification(user=user, kind="demo", title=f"通知{n}", key=f"demo:{n}") for n in range(2)]
        )
        Delivery.objects.bulk_create(
            [
                Delivery(
                    committee=county, user=user, channel="sms", kind="demo", title=f"通知{n}", key=f"{user.pk}:{n}"
                )
                for n in range(2)
            ]
        )
        AccessAttempt.objects.create(
            username=user.username,
            ip_address="10.0.0.1",
            user_agent="t",
            failures_since_start=1,
            get_data="",
            post_data="",
            http_accept="",
            path_info="/login/",
        )


@pytest.fixture
def readers(_demo: Any, db: Any) -> dict[str, User]:
    users: dict[str, User] = {}
    for user in User.objects.exclude(role="").order_by("pk"):
        users.setdefault(user.role, user)
    return users


def _queries(client: Any, url: str) -> tuple[int, Any]:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), response


def _api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))  # no relation cached from an earlier request
    return client


def _rows(body: Any) -> list[Any]:
    return body if isinstance(body, list) else body["results"]


@pytest.mark.parametrize("prefix", LIST_ENDPOINTS)
def test_every_list_endpoint_costs_the_same_for_one_row_as_for_many(readers, prefix):
    url = f"/api/v1/{prefix}/?page_size="
    reader = next(
        (
            user
            for role in READERS
            if (user := readers.get(role))
            and (response := _api(user).get(url + "200")).status_code == 200
            and len(_rows(response.json())) >= 2
        ),
        None,
    )
    assert reader is not None, f"/api/v1/{prefix}/: no role sees two rows on the demo committee — add demo rows"
    _queries(_api(reader), url + "1")  # process caches (content types, rules) warm once
    one, _ = _queries(_api(reader), url + "1")
    many, response = _queries(_api(reader), url + "200")
    rows = len(_rows(response.json()))
    if isinstance(response.json(), list):  # not paged: held by its pin
        assert many <= UNPAGED[prefix], f"/api/v1/{prefix}/ as {reader.role}: {many} queries, pinned {UNPAGED[prefix]}"
        return
    assert many == one, f"/api/v1/{prefix}/ as {reader.role}: {one} queries for 1 row, {many} for {rows} rows"


def _page_client(user: User) -> Client:
    return verified_login(Client(), User.objects.get(pk=user.pk))


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GROWTH[n])) if n in KNOWN_GROWTH else n
        for n in _list_pages()
    ],
)
def test_every_list_page_costs_the_same_for_one_row_as_for_a_page(readers, monkeypatch, name):
    url = reverse(name)
    reader = next(
        (user for role in READERS if (user := readers.get(role)) and _page_client(user).get(url).status_code == 200),
        None,
    )
    assert reader is not None, f"{url}: no role may open it"
    client = _page_client(reader)
    full, _ = _queries(client, url)
    full, _ = _queries(client, url)
    paginator_init = Paginator.__init__

    def one_per_page(self: Paginator, object_list: Any, per_page: int, *args: Any, **kwargs: Any) -> None:
        paginator_init(self, object_list, 1, *args, **kwargs)

    monkeypatch.setattr(Paginator, "__init__", one_per_page)
    one, _ = _queries(client, url)
    assert one == full, f"{url} as {reader.role}: {one} queries for one row a page, {full} for a whole page"
    assert name in PAGES, f"{url}: a new list page — pin its query count in PAGES ({full} as {reader.role})"
    assert full <= PAGES[name], f"{url} as {reader.role}: {full} queries, pinned {PAGES[name]}"


def test_an_n_plus_one_in_a_unit_of_work_raises(committee):
    for _ in range(3):
        f.MemberFactory(committee=committee, sector=f.SectorFactory(committee=committee))
    with nplusone.unit_of_work(), pytest.raises(NPlusOneError, match="org.Member.sector"):
        [member.sector.name for member in Member.objects.filter(committee=committee)]  # noqa: B018
    # The same loop with the relation fetched in the same query is fine.
    with nplusone.unit_of_work():
        assert len([m.sector.name for m in Member.objects.filter(committee=committee).select_related("sector")]) == 3


def test_an_n_plus_one_in_a_request_fails_the_test(committee, make_user, monkeypatch):
    """An export that forgot to fetch the foreign keys it shows by name raises inside the request."""
    for _ in range(3):
        f.MemberFactory(committee=committee, sector=f.SectorFactory(committee=committee))
    client = _api(make_user("office", committee))
    assert client.get("/api/v1/members/?format=xlsx").status_code == 200
    monkeypatch.setattr(core_api.XLSXListMixin, "xlsx_related", lambda self: [])
    with pytest.raises(NPlusOneError, match="org.Member"):
        client.get("/api/v1/members/?format=xlsx")
