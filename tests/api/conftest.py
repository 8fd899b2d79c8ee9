"""Fixtures of the API tests: a populated committee A, a sibling committee B, XLSX helpers."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from openpyxl import Workbook, load_workbook

from luzhi.accounts.models import User
from luzhi.org.models import (
    Committee,
    Liaison,
    Member,
    MemberGroup,
    PartyOrganization,
    Sector,
    SpecialCommittee,
    Station,
    Term,
    Unit,
)
from tests import factories as f


@pytest.fixture(scope="module")
def _demo_committee(demo_database: Any, django_db_blocker: Any) -> Any:
    """The demo committee for the module (loaded once per process), rolled back after it; each test in a savepoint."""
    with django_db_blocker.unblock(), demo_database.use():
        yield


@pytest.fixture
def wsgi_app() -> Any:
    """The project's WSGI app, kept on the test's connection (a request must not close it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def demo_users(_demo_committee: Any, db: Any) -> dict[str, User]:
    """The first demo login of each role."""
    users: dict[str, User] = {}
    for user in User.objects.exclude(role="").order_by("pk"):
        users.setdefault(user.role, user)
    return users


@dataclass
class Org:
    """The organisation of one committee, one row of each kind."""

    committee: Committee
    term: Term
    sector: Sector
    special_committee: SpecialCommittee
    group: MemberGroup
    unit: Unit
    station: Station
    member: Member
    cpc_member: Member
    liaison: Liaison
    party_org: PartyOrganization


def build_org(committee: Committee) -> Org:
    sector = f.SectorFactory(committee=committee)
    cpc = f.MemberFactory(committee=committee, party="cpc", position=Member.Position.STANDING, sector=sector)
    member = f.MemberFactory(committee=committee, party="cdl", sector=sector, phone="13812341234")
    return Org(
        committee=committee,
        term=f.TermFactory(committee=committee),
        sector=sector,
        special_committee=f.SpecialCommitteeFactory(committee=committee),
        group=f.MemberGroupFactory(committee=committee),
        unit=f.UnitFactory(committee=committee),
        station=f.StationFactory(committee=committee),
        member=member,
        cpc_member=cpc,
        liaison=f.LiaisonFactory(committee=committee, from_member=cpc, to_member=member),
        party_org=f.PartyOrganizationFactory(committee=committee),
    )


@pytest.fixture
def org_a(committee: Committee) -> Org:
    return build_org(committee)


@pytest.fixture
def org_b(other_committee: Committee) -> Org:
    return build_org(other_committee)


@pytest.fixture
def fresh() -> Any:
    """fresh(user) — the user re-read from the database, with no cached relations."""

    def get(user: User) -> User:
        return User.objects.get(pk=user.pk)

    return get


def xlsx_file(rows: list[list[Any]], name: str = "roster.xlsx") -> io.BytesIO:
    """An in-memory XLSX with the given rows on its first sheet, ready to upload."""
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = name
    return out


def read_xlsx(content: bytes) -> list[list[Any]]:
    """The first sheet of an XLSX as rows of values."""
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]


def rewrite_part(upload: io.BytesIO, part: str, edit: Callable[[bytes], bytes]) -> io.BytesIO:
    """The same XLSX with one of its parts (e.g. xl/worksheets/sheet1.xml) replaced by edit(part)."""
    source = zipfile.ZipFile(io.BytesIO(upload.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, edit(data) if info.filename == part else data)
    out.seek(0)
    out.name = getattr(upload, "name", "roster.xlsx")
    return out
