"""三员分立: nobody changes their own account or an administrator's through the API or the pages.

The sweep: every caller (the eight roles and a bootstrap superuser) × every target (the caller's
own account, a system administrator, a security administrator, a security auditor, an ordinary
office account) × every change (role, password, active flag, committee), plus creating an account
with each administrator role — through the API and through the users page. Only the sysadmin (and
the superuser, who acts as one) reach the accounts at all, and they may change ordinary accounts only.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from luzhi.accounts.models import User
from luzhi.accounts.services import user_create
from luzhi.core.models import AuditEntry
from luzhi.core.roles import Role
from tests import factories as f
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Neu#Kennwort2026"
CALLERS = [r.value for r in Role] + ["superuser"]
TARGETS = ["own", "sysadmin", "secadmin", "auditor", "ordinary"]
ADMIN_TARGETS = {"sysadmin", "secadmin", "auditor"}
CHANGES = ["role", "password", "is_active", "committee"]
KEEPERS = {"sysadmin", "superuser"}


@pytest.fixture
def cast(committee, other_committee, users, superuser, make_user) -> dict[str, Any]:
    """The callers, and targets apart from them: a second sysadmin so that 'sysadmin' is never 'own'."""
    return {
        "callers": {**users, "superuser": superuser},
        "targets": {
            "sysadmin": make_user("sysadmin", committee),
            "secadmin": users["secadmin"],
            "auditor": users["auditor"],
            "ordinary": users["office"],
        },
        "other_committee": other_committee,
    }


def _target(cast: dict[str, Any], caller: str, target: str) -> User:
    return cast["callers"][caller] if target == "own" else cast["targets"][target]


def _state(user: User) -> tuple[Any, ...]:
    user.refresh_from_db()
    return (user.role, user.is_active, user.committee_id, user.check_password(NEW_PASSWORD), user.password)


def _api_body(change: str, target: User, cast: dict[str, Any]) -> dict[str, Any]:
    if change == "role":
        # An administrator or one's own account may not even be moved to an ordinary role; an
        # ordinary account may not be raised to an administrator's.
        return {
            "role": Role.AUDITOR if target.role not in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR) else Role.OFFICE
        }
    if change == "password":
        return {"password": NEW_PASSWORD}
    if change == "is_active":
        return {"is_active": False}
    return {"committee": cast["other_committee"].pk}


def _expected(caller: str, target: str, change: str, target_user: User) -> int:
    if caller not in KEEPERS:
        return 403  # the users endpoint is the sysadmin's
    if target == "own" and caller == "superuser":
        return 404  # bootstrap superusers are not among the accounts
    if target == "own" or target in ADMIN_TARGETS:
        return 403
    if change == "role":
        return 403  # ordinary → auditor
    if change == "committee" and caller == "sysadmin":
        return 400  # another committee's id is no choice of a sysadmin's (the page has no such field)
    return 200


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("caller", CALLERS)
def test_api_account_changes_by_every_caller(cast, api, caller, target):
    client = api(cast["callers"][caller])
    account = _target(cast, caller, target)
    outcomes = {}
    for change in CHANGES:
        with transaction.atomic():
            before = _state(account)
            response = client.patch(f"/api/v1/users/{account.pk}/", _api_body(change, account, cast), format="json")
            outcomes[change] = response.status_code
            after = _state(account)
            if response.status_code != 200:
                assert after == before, (change, response.json())
            if response.status_code == 403 and caller in KEEPERS:
                assert "管理命令" in response.json()["detail"]
            if response.status_code == 200 and change == "committee" and caller == "sysadmin":
                assert after[2] == before[2]  # a sysadmin keeps accounts in the own committee only
            transaction.set_rollback(True)
    assert outcomes == {c: _expected(caller, target, c, account) for c in CHANGES}


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
@pytest.mark.parametrize("caller", CALLERS)
def test_api_refuses_to_create_an_administrator(cast, api, committee, caller, role):
    body = {"username": "newadmin", "password": NEW_PASSWORD, "role": role, "committee": committee.pk}
    response = api(cast["callers"][caller]).post("/api/v1/users/", body, format="json")
    assert response.status_code == 403
    if caller in KEEPERS:
        assert "管理命令" in response.json()["detail"]
    assert not User.objects.filter(username="newadmin").exists()


def test_the_probe_sysadmin_cannot_make_itself_auditor_or_office_or_take_the_auditor_over(api, users):
    sysadmin, auditor = users["sysadmin"], users["auditor"]
    client = api(sysadmin)
    for role in ("auditor", "office"):
        assert client.patch(f"/api/v1/users/{sysadmin.pk}/", {"role": role}, format="json").status_code == 403
    assert client.patch(f"/api/v1/users/{auditor.pk}/", {"password": NEW_PASSWORD}, format="json").status_code == 403
    sysadmin.refresh_from_db()
    auditor.refresh_from_db()
    assert sysadmin.role == "sysadmin" and not auditor.check_password(NEW_PASSWORD)
    assert client.get("/api/v1/audit/").status_code == 403


def test_api_restore_cannot_bring_back_an_administrator_role(api, users, make_user, committee):
    account = users["office"]
    account.role = Role.AUDITOR
    account.save()  # an old version with an administrator's role, as if made before this rule
    old = account.history.order_by("-history_id").first().history_id
    account.role = Role.OFFICE
    account.save()
    response = api(users["sysadmin"]).post(f"/api/v1/users/{account.pk}/restore/", {"history_id": old}, format="json")
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.role == Role.OFFICE
    auditor = users["auditor"]
    first = auditor.history.order_by("history_id").first().history_id
    response = api(users["sysadmin"]).post(f"/api/v1/users/{auditor.pk}/restore/", {"history_id": first}, format="json")
    assert response.status_code == 403


# ---- the users page ---------------------------------------------------------------------------


def _page(user: User) -> Client:
    return verified_login(Client(), user)


def _form(change: str, target: User, cast: dict[str, Any], caller: str) -> dict[str, Any]:
    data: dict[str, Any] = {"username": target.username, "role": target.role, "is_active": "on"}
    for link in ("member", "unit", "special_committee"):
        if getattr(target, f"{link}_id"):
            data[link] = getattr(target, f"{link}_id")
    if caller == "superuser" and target.committee_id:
        data["committee"] = target.committee_id
    body = _api_body(change, target, cast)
    if change == "is_active":
        del data["is_active"]  # an unticked box
    else:
        data.update(body)
    return data


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("caller", CALLERS)
def test_page_account_changes_by_every_caller(cast, caller, target):
    client = _page(cast["callers"][caller])
    account = _target(cast, caller, target)
    outcomes = {}
    for change in CHANGES:
        with transaction.atomic():
            before = _state(account)
            response = client.post(f"/accounts/users/{account.pk}/edit/", _form(change, account, cast, caller))
            outcomes[change] = response.status_code
            after = _state(account)
            if response.status_code != 302:
                assert after == before, change
            if response.status_code == 403 and caller in KEEPERS:
                assert "管理命令" in response.content.decode()
            if response.status_code == 302 and change == "committee" and caller == "sysadmin":
                assert after[2] == before[2]
            transaction.set_rollback(True)
    # Saved: a redirect. A sysadmin's form has no committee field, so that change is left out and the rest saved.
    page_status = {200: 302, 400: 302}
    expected = {c: page_status.get(code, code) for c in CHANGES if (code := _expected(caller, target, c, account))}
    assert outcomes == expected


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
@pytest.mark.parametrize("caller", CALLERS)
def test_page_refuses_to_create_an_administrator(cast, committee, caller, role):
    data = {
        "username": "newadmin",
        "password": NEW_PASSWORD,
        "role": role,
        "is_active": "on",
        "committee": committee.pk,
    }
    response = _page(cast["callers"][caller]).post("/accounts/users/new/", data)
    assert response.status_code == 403
    if caller in KEEPERS:
        assert "管理命令" in response.content.decode()
    assert not User.objects.filter(username="newadmin").exists()


def test_the_users_page_offers_no_administrator_role_and_no_edit_of_administrators(users, make_user, committee):
    client = _page(users["sysadmin"])
    form = client.get("/accounts/users/new/").content.decode()
    assert 'value="office"' in form and 'value="auditor"' not in form and 'value="sysadmin"' not in form
    listing = client.get("/accounts/users/").content.decode()
    assert f"/accounts/users/{users['auditor'].pk}/edit/" not in listing
    assert f"/accounts/users/{users['sysadmin'].pk}/edit/" not in listing
    assert f"/accounts/users/{users['office'].pk}/edit/" in listing
    assert client.get(f"/accounts/users/{users['auditor'].pk}/edit/").status_code == 403


def test_the_django_admin_shows_accounts_but_changes_none(superuser, users):
    client = _page(superuser)
    auditor = users["auditor"]
    assert client.get("/admin/accounts/user/").status_code == 200
    response = client.post(
        f"/admin/accounts/user/{auditor.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 403
    response = client.post(
        f"/admin/accounts/user/{auditor.pk}/change/", {"username": auditor.username, "role": "office"}
    )
    assert response.status_code == 403
    assert client.post("/admin/accounts/user/add/", {"username": "x", "password1": NEW_PASSWORD}).status_code == 403
    auditor.refresh_from_db()
    assert auditor.role == "auditor" and not auditor.check_password(NEW_PASSWORD)


# ---- office grants ----------------------------------------------------------------------------


def test_every_grant_of_office_is_audited_and_shown_to_the_secadmin(api, users, committee, other_committee):
    sysadmin = users["sysadmin"]
    created = api(sysadmin).post(
        "/api/v1/users/", {"username": "clerk", "password": NEW_PASSWORD, "role": "office"}, format="json"
    )
    assert created.status_code == 201
    member = users["committee_staff"]
    changed = _page(sysadmin).post(
        f"/accounts/users/{member.pk}/edit/",
        {
            "username": member.username,
            "role": "office",
            "is_active": "on",
            "special_committee": member.special_committee_id,
        },
    )
    assert changed.status_code == 302
    # Renaming an office account again grants nothing.
    assert (
        api(sysadmin).patch(f"/api/v1/users/{created.json()['id']}/", {"username": "clerk2"}, format="json").status_code
        == 200
    )
    their_sysadmin = f.UserFactory(committee=other_committee, role="sysadmin")
    elsewhere = user_create(
        actor=their_sysadmin,
        data={"username": "their-clerk", "password": NEW_PASSWORD, "role": "office", "committee": other_committee},
    )
    grants = AuditEntry.objects.filter(action="grant_office", committee_id=committee.pk).order_by("id")
    assert [(g.object_repr, g.via, g.user, g.changes["role"]) for g in grants] == [
        ("clerk", "api", sysadmin, [None, "office"]),
        (member.username, "page", sysadmin, ["committee_staff", "office"]),
    ]
    listed = api(users["secadmin"]).get("/api/v1/office-grants/")
    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert [(r["account"], r["granted_by"], r["previous_role"]) for r in rows] == [
        (member.username, sysadmin.username, "committee_staff"),
        ("clerk", sysadmin.username, None),
    ]
    for role in ("sysadmin", "auditor", "office", "member"):
        assert api(users[role]).get("/api/v1/office-grants/").status_code == 403
    html = _page(users["secadmin"]).get("/accounts/security/").content.decode()
    assert "办公室角色授予记录" in html and member.username in html and "专委会工作人员" in html
    assert elsewhere.username not in html
