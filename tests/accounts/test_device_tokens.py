"""API tokens per device: a new one per login, stored hashed, expiring, revoked on logout, on a new
password and on deactivation; each user lists and logs out their own devices and nobody else's."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from luzhi.accounts.models import DeviceToken, User
from luzhi.accounts.twofactor import otp_required_for
from luzhi.core.models import AuditEntry
from tests import factories as f
from tests.conftest import otp_code, verified_login

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Neu#Kennwort2026"


def login(user: User, password: str = f.PASSWORD, **extra: str) -> dict:
    if otp_required_for(user):  # administrators log in with their second factor
        extra.setdefault("otp", otp_code(user))
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": password, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token: str) -> bool:
    status = bearer(token).get("/api/v1/me/").status_code
    assert status in (200, 401)
    return status == 200


class TestLogin:
    def test_each_login_gets_its_own_token_with_an_expiry(self, users):
        before = timezone.now()
        first, second = login(users["member"]), login(users["member"])
        assert first["token"] != second["token"] and first["device"] != second["device"]
        assert works(first["token"]) and works(second["token"])
        expiry = DeviceToken.objects.get(pk=first["device"]).expiry
        assert before + timedelta(hours=9) < expiry <= timezone.now() + timedelta(hours=10)
        assert first["expiry"]

    def test_the_token_is_stored_only_as_a_hash(self, users):
        token = login(users["member"])["token"]
        row = DeviceToken.objects.get(user=users["member"])
        assert token not in (row.digest, row.token_key) and len(row.digest) == 128

    def test_an_expired_token_is_refused_in_chinese(self, users):
        token = login(users["member"])["token"]
        DeviceToken.objects.filter(user=users["member"]).update(expiry=timezone.now() - timedelta(seconds=1))
        response = bearer(token).get("/api/v1/me/")
        assert response.status_code == 401
        assert "过期" in response.json()["detail"]
        assert not DeviceToken.objects.filter(user=users["member"]).exists()  # expired rows are swept

    def test_the_device_is_named_by_the_client_or_its_browser(self, users):
        named = login(users["member"], device_name="办公室电脑")
        unnamed = APIClient(HTTP_USER_AGENT="LuzhiApp/1.0").post(
            "/api/v1/auth/token/", {"username": users["member"].username, "password": f.PASSWORD}, format="json"
        )
        names = dict(DeviceToken.objects.values_list("pk", "name"))
        assert names[named["device"]] == "办公室电脑" and names[unnamed.json()["device"]] == "LuzhiApp/1.0"

    def test_an_unknown_token_is_401(self, users):
        assert bearer("0" * 64).get("/api/v1/me/").status_code == 401


class TestRevocation:
    def test_logout_ends_only_the_calling_device(self, users):
        phone, laptop = login(users["member"])["token"], login(users["member"])["token"]
        assert bearer(phone).post("/api/v1/auth/logout/").status_code == 204
        assert not works(phone) and works(laptop)
        entry = AuditEntry.objects.filter(action="logout").latest("id")
        assert (entry.user, entry.via) == (users["member"], "api")

    def test_logout_without_a_token_is_a_clear_400(self, users):
        client = APIClient()
        client.force_login(users["member"])
        response = client.post("/api/v1/auth/logout/")
        assert response.status_code == 400 and "令牌" in response.json()["detail"]

    def test_a_password_set_by_the_sysadmin_ends_every_device(self, users, api):
        tokens = [login(users["office"])["token"] for _ in range(2)]
        response = api(users["sysadmin"]).patch(
            f"/api/v1/users/{users['office'].pk}/", {"password": NEW_PASSWORD}, format="json"
        )
        assert response.status_code == 200
        assert not any(works(t) for t in tokens)
        assert works(login(users["office"], NEW_PASSWORD)["token"])

    def test_a_password_set_on_the_users_page_ends_every_device(self, users):
        token = login(users["office"])["token"]
        client = verified_login(Client(), users["sysadmin"])
        data = {"username": users["office"].username, "role": "office", "is_active": "on", "password": NEW_PASSWORD}
        assert client.post(f"/accounts/users/{users['office'].pk}/edit/", data).status_code == 302
        assert not works(token)

    def test_any_other_password_change_ends_every_device(self, users):
        token = login(users["member"])["token"]
        member = User.objects.get(pk=users["member"].pk)
        member.set_password(NEW_PASSWORD)
        member.save()
        assert not works(token)

    def test_saving_an_account_without_a_new_password_keeps_its_devices(self, users, api):
        token = login(users["office"])["token"]
        response = api(users["sysadmin"]).patch(
            f"/api/v1/users/{users['office'].pk}/", {"username": "renamed"}, format="json"
        )
        assert response.status_code == 200
        assert works(token)

    def test_deactivation_ends_every_device_for_good(self, users, api):
        token = login(users["office"])["token"]
        url = f"/api/v1/users/{users['office'].pk}/"
        assert api(users["sysadmin"]).patch(url, {"is_active": False}, format="json").status_code == 200
        assert not DeviceToken.objects.filter(user=users["office"]).exists()
        assert api(users["sysadmin"]).patch(url, {"is_active": True}, format="json").status_code == 200
        assert not works(token)

    def test_the_reset_command_ends_an_administrators_devices(self, users):
        token = login(users["auditor"])["token"]
        call_command("admin_account", "reset", "--username", users["auditor"].username, stdout=StringIO())
        assert not works(token)


class TestDevices:
    def test_a_user_lists_their_own_live_devices_and_sees_which_is_current(self, users):
        mine = [login(users["member"], device_name=name) for name in ("手机", "电脑")]
        login(users["office"], device_name="别人的")
        expired = login(users["member"], device_name="旧平板")
        DeviceToken.objects.filter(pk=expired["device"]).update(expiry=timezone.now() - timedelta(minutes=1))
        response = bearer(mine[0]["token"]).get("/api/v1/auth/devices/")
        assert response.status_code == 200
        rows = response.json()["results"]
        assert {r["name"]: r["current"] for r in rows} == {"手机": True, "电脑": False}
        assert set(rows[0]) == {"id", "name", "created", "last_used", "expiry", "current"}
        assert "token" not in str(rows) and "digest" not in str(rows)

    def test_a_user_logs_out_one_of_their_devices(self, users):
        phone, laptop = login(users["member"]), login(users["member"])
        assert bearer(laptop["token"]).delete(f"/api/v1/auth/devices/{phone['device']}/").status_code == 204
        assert not works(phone["token"]) and works(laptop["token"])

    def test_nobody_sees_or_ends_another_users_devices(self, users):
        theirs = login(users["auditor"])
        for role in ("sysadmin", "secadmin", "office", "member"):
            client = bearer(login(users[role])["token"])
            ids = [r["id"] for r in client.get("/api/v1/auth/devices/").json()["results"]]
            assert theirs["device"] not in ids
            assert client.delete(f"/api/v1/auth/devices/{theirs['device']}/").status_code == 404
        assert works(theirs["token"])

    def test_devices_need_a_login(self):
        assert APIClient().get("/api/v1/auth/devices/").status_code == 401
        assert APIClient().post("/api/v1/auth/logout/").status_code == 401
