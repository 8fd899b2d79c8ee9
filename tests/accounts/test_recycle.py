"""The office's recycle bin: deleted records of its committee, and putting one back."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from luzhi.core.audit import delete_as
from luzhi.core.models import AuditEntry
from luzhi.org.models import Member, Sector
from tests import factories as f
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return verified_login(Client(), user)


def _delete(obj: Any, actor: Any) -> AuditEntry:
    """Delete through the app's write path and return the deletion's audit entry."""
    label, pk = obj._meta.label_lower, obj.pk
    delete_as(obj, actor=actor)
    return AuditEntry.objects.get(action="delete", model=label, object_id=str(pk))


def test_the_office_restores_a_deleted_member_as_it_was(committee: Any, users: dict) -> None:
    sector = f.SectorFactory(committee=committee, name="教育界")
    member = f.MemberFactory(committee=committee, name="王建国", sector=sector, workplace="县一中")
    pk = member.pk
    entry = _delete(member, users["office"])
    office = _client(users["office"])

    html = office.get("/accounts/recycle/").content.decode()
    assert "王建国" in html and "委员" in html and "恢复</button>" in html

    response = office.post(f"/accounts/recycle/{entry.pk}/restore/", follow=True)
    assert "已恢复委员“王建国”" in response.content.decode()
    back = Member.objects.get(pk=pk)
    assert (back.name, back.sector_id, back.workplace) == ("王建国", sector.pk, "县一中")
    assert AuditEntry.objects.filter(action="restore", object_id=str(pk), username=users["office"].username).exists()
    assert "已恢复</span>" in office.get("/accounts/recycle/").content.decode()

    # A second restore of the same deletion changes nothing.
    again = office.post(f"/accounts/recycle/{entry.pk}/restore/", follow=True)
    assert "已经恢复过了" in again.content.decode() and Member.objects.filter(pk=pk).count() == 1


def test_a_restore_that_breaks_todays_rules_saves_nothing(committee: Any, users: dict) -> None:
    sector = f.SectorFactory(committee=committee, name="经济界")
    entry = _delete(sector, users["office"])
    f.SectorFactory(committee=committee, name="经济界")  # the name is taken again meanwhile
    response = _client(users["office"]).post(f"/accounts/recycle/{entry.pk}/restore/", follow=True)
    assert "未恢复" in response.content.decode()
    assert Sector.objects.filter(committee=committee, name="经济界").count() == 1
    assert not AuditEntry.objects.filter(action="restore").exists()


def test_other_committees_and_other_roles_see_nothing(
    committee: Any, other_committee: Any, users: dict, make_user: Any
) -> None:
    member = f.MemberFactory(committee=committee, name="李秀英")
    pk = member.pk
    entry = _delete(member, users["office"])
    stranger = _client(make_user("office", other_committee))
    assert "李秀英" not in stranger.get("/accounts/recycle/").content.decode()
    assert stranger.post(f"/accounts/recycle/{entry.pk}/restore/").status_code == 404
    for role in ("member", "leader", "auditor", "sysadmin", "unit"):
        assert _client(users[role]).get("/accounts/recycle/").status_code == 403, role
        assert _client(users[role]).post(f"/accounts/recycle/{entry.pk}/restore/").status_code == 403, role
    assert not Member.objects.filter(pk=pk).exists()


def test_accounts_are_not_offered_and_a_get_cannot_restore(committee: Any, users: dict) -> None:
    account = f.UserFactory(role="member", committee=committee, member=f.MemberFactory(committee=committee))
    entry = _delete(account, users["office"])
    office = _client(users["office"])
    assert office.post(f"/accounts/recycle/{entry.pk}/restore/").status_code == 404
    member_entry = _delete(f.MemberFactory(committee=committee), users["office"])
    assert office.get(f"/accounts/recycle/{member_entry.pk}/restore/").status_code == 405


def test_the_bin_costs_the_same_queries_for_many_deletions(committee: Any, users: dict) -> None:
    office = _client(users["office"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office.get("/accounts/recycle/").status_code == 200
        return len(queries)

    for _ in range(2):
        delete_as(f.MemberFactory(committee=committee), actor=users["office"])
    few = count()
    for _ in range(12):
        delete_as(f.MemberFactory(committee=committee), actor=users["office"])
    delete_as(f.SectorFactory(committee=committee), actor=users["office"])
    assert count() <= few + 1  # one more kind on the page (sectors) is one more query
