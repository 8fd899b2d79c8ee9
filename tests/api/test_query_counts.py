"""Every list costs the same number of queries for a handful of rows as for many (no N+1).

The pinned numbers are for a page of JSON and for the whole XLSX export; a change that adds a
query per row, or a query per request, fails here.
"""

from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luzhi.accounts.models import User
from luzhi.org.models import Committee
from tests import factories as f

pytestmark = pytest.mark.django_db


def _members(committee: Committee, n: int) -> None:
    sector, sc = f.SectorFactory(committee=committee), f.SpecialCommitteeFactory(committee=committee)
    group, term = f.MemberGroupFactory(committee=committee), f.TermFactory(committee=committee)
    for _ in range(n):
        f.MemberFactory(committee=committee, sector=sector, special_committee=sc, group=group, term=term)


def _party_orgs(committee: Committee, n: int) -> None:
    top = f.PartyOrganizationFactory(committee=committee, kind="party_group")
    for _ in range(n):
        org = f.PartyOrganizationFactory(committee=committee, parent=top)
        org.members.set(f.MemberFactory.create_batch(2, committee=committee, party="cpc"))


def _lockouts(committee: Committee, n: int) -> None:
    for user in f.UserFactory.create_batch(n, committee=committee):
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


def _counties(committee: Committee, n: int) -> None:
    for _ in range(n):
        f.CommitteeFactory(level=Committee.Level.COUNTY, parent=committee.parent)


ROWS: dict[str, Callable[[Committee, int], Any]] = {
    "committees": _counties,
    "terms": lambda c, n: f.TermFactory.create_batch(n, committee=c),
    "sectors": lambda c, n: f.SectorFactory.create_batch(n, committee=c),
    "special-committees": lambda c, n: f.SpecialCommitteeFactory.create_batch(n, committee=c),
    "member-groups": lambda c, n: f.MemberGroupFactory.create_batch(n, committee=c),
    "units": lambda c, n: f.UnitFactory.create_batch(n, committee=c),
    "stations": lambda c, n: f.StationFactory.create_batch(n, committee=c),
    "members": _members,
    "liaisons": lambda c, n: f.LiaisonFactory.create_batch(n, committee=c),
    "party-organizations": _party_orgs,
    "users": lambda c, n: f.UserFactory.create_batch(n, committee=c),
    "audit": lambda c, n: f.SectorFactory.create_batch(n, committee=c),
    "lockouts": _lockouts,
}

# resource, reader (of the province for committees, so that new counties are visible), queries for
# a JSON page, queries for the XLSX export.
PINNED = [
    ("committees", "office", 3, 2),
    ("terms", "office", 2, 1),
    ("sectors", "office", 2, 1),
    ("special-committees", "office", 2, 1),
    ("member-groups", "office", 2, 1),
    ("units", "office", 2, 1),
    ("stations", "office", 2, 1),
    ("members", "office", 2, 1),
    ("liaisons", "office", 2, 1),
    ("party-organizations", "office", 3, 2),
    ("users", "sysadmin", 2, 1),
    ("audit", "auditor", 2, 2),  # the export reads the committees' names once (committee_id is no foreign key)
    ("lockouts", "secadmin", 2, 1),
]


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:200]
    return len(queries)


@pytest.mark.parametrize(("resource", "role", "page_queries", "export_queries"), PINNED)
def test_list_queries_do_not_grow_with_rows(
    committee, make_user, api, django_assert_num_queries, resource, role, page_queries, export_queries
):
    reader = make_user(role, committee.parent.parent if resource == "committees" else committee)

    def measure() -> tuple[int, int]:
        # A fresh user each time, so nothing is cached from an earlier request.
        page = _count(api(User.objects.get(pk=reader.pk)), f"/api/v1/{resource}/")
        export = _count(api(User.objects.get(pk=reader.pk)), f"/api/v1/{resource}/?format=xlsx")
        return page, export

    ROWS[resource](committee, 2)
    few = measure()
    ROWS[resource](committee, 25)
    many = measure()
    assert few == many == (page_queries, export_queries)
    client = api(User.objects.get(pk=reader.pk))
    with django_assert_num_queries(page_queries):
        assert len(client.get(f"/api/v1/{resource}/?page_size=200").json()["results"]) > 25
