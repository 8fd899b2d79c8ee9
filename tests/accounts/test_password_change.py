"""Forced change of a password someone else set (pages and API) and the self-service change."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from luzhi.accounts.models import DeviceToken, User
from luzhi.core.models import AuditEntry
from luzhi.core.roles import Role
from tests import factories as f
from tests.conftest import otp_code, verified_login

pytestmark = pytest.mark.django_db

NEW = "Mein#Passwort2026"


def token_for(user: User, password: str = f.PASSWORD) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def forced(users: dict[str, User]) -> User:
    user = users["member"]
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    user.refresh_from_db()
    return user


def test_account_created_by_the_sysadmin_must_change_its_password(users, committee) -> None:
    admin = users["sysadmin"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for_admin(admin)}")
    member = f.MemberFactory(committee=committee)
    response = client.post(
        "/api/v1/users/",
        {"username": "newbie", "password": "Erst#Passwort1", "role": "member", "member": member.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    created = User.objects.get(username="newbie")
    assert created.must_change_password is True
    me = bearer(token_for(created, "Erst#Passwort1")).get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["must_change_password"] is True


def token_for_admin(admin: User) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": admin.username, "password": f.PASSWORD, "otp": otp_code(admin)},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_password_set_on_the_user_page_forces_a_change(users) -> None:
    admin, member = users["sysadmin"], users["member"]
    client = verified_login(Client(), admin)
    response = client.post(
        f"/accounts/users/{member.pk}/edit/",
        {
            "username": member.username,
            "role": "member",
            "member": member.member_id,
            "is_active": "on",
            "password": "Neu#Gesetzt2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert member.must_change_password is True and member.check_password("Neu#Gesetzt2026")


def test_api_refuses_everything_but_me_password_and_logout_until_changed(forced) -> None:
    client = bearer(token_for(forced))
    refused = client.get("/api/v1/proposals/")
    assert refused.status_code == 403
    assert refused.json() == {"detail": refused.json()["detail"], "code": "password_change_required"}
    assert "修改密码" in refused.json()["detail"]
    assert client.get("/api/v1/auth/devices/").status_code == 403
    me = client.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["must_change_password"] is True
    response = client.post("/api/v1/auth/password/", {"old_password": f.PASSWORD, "new_password": NEW}, format="json")
    assert response.status_code == 204
    assert client.get("/api/v1/proposals/").status_code == 200  # the same token goes on working
    forced.refresh_from_db()
    assert forced.must_change_password is False and forced.check_password(NEW)


def test_session_api_calls_are_refused_too(forced) -> None:
    client = Client()
    client.force_login(forced)
    response = client.get("/api/v1/proposals/")
    assert response.status_code == 403 and response.json()["code"] == "password_change_required"
    assert client.get("/api/v1/me/").status_code == 200


def test_pages_redirect_to_the_change_form_until_changed(forced) -> None:
    client = Client()
    client.force_login(forced)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    assert client.get("/proposals/", HTTP_HX_REQUEST="true").status_code == 403
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and "请先设置只有您自己知道的新密码" in page.content.decode()
    wrong = client.post("/accounts/password/", {"old_password": "nope", "new_password": NEW, "new_password2": NEW})
    assert wrong.status_code == 200 and "原密码不正确" in wrong.content.decode()
    done = client.post("/accounts/password/", {"old_password": f.PASSWORD, "new_password": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert client.get("/").status_code == 200  # the session survived the change
    forced.refresh_from_db()
    assert forced.must_change_password is False


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("wrong#Password1", NEW, "old_password", "原密码不正确"),
        (f.PASSWORD, f.PASSWORD, "new_password", "不能与原密码相同"),
        (f.PASSWORD, "short", "new_password", "密码太短"),
        (f.PASSWORD, "alllowercaseletters", "new_password", "至少3类"),
        ("", NEW, "old_password", "请输入原密码"),
        (f.PASSWORD, None, "new_password", "请输入新密码"),
    ],
)
def test_bad_changes_are_400_with_chinese_messages_and_change_nothing(users, old, new, field, message) -> None:
    user = users["member"]
    client = bearer(token_for(user))
    response = client.post("/api/v1/auth/password/", {"old_password": old, "new_password": new}, format="json")
    assert response.status_code == 400
    assert message in "".join(response.json()[field])
    user.refresh_from_db()
    assert user.check_password(f.PASSWORD)


def test_change_logs_out_other_devices_keeps_this_one_and_is_audited(users) -> None:
    user = users["office"]
    this, other = token_for(user), token_for(user)
    assert DeviceToken.objects.filter(user=user).count() == 2
    response = bearer(this).post(
        "/api/v1/auth/password/", {"old_password": f.PASSWORD, "new_password": NEW}, format="json"
    )
    assert response.status_code == 204
    assert DeviceToken.objects.filter(user=user).count() == 1
    assert bearer(this).get("/api/v1/me/").status_code == 200
    assert bearer(other).get("/api/v1/me/").status_code == 401
    entry = AuditEntry.objects.filter(object_id=str(user.pk), changes__password__1="本人修改").get()
    assert entry.username == user.username


def test_password_reset_by_admin_command_does_not_force_a_change(users) -> None:
    from luzhi.accounts.services import admin_account_reset

    admin = users["secadmin"]
    admin_account_reset(user=admin, password="Server#Set2026x")
    admin.refresh_from_db()
    assert admin.role == Role.SECADMIN and admin.must_change_password is False
