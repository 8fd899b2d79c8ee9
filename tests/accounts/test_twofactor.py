"""Two-factor login (动态口令): required of the three administrators, optional for others."""

import time
from binascii import unhexlify

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from luzhi.accounts.twofactor import PENDING_KEY
from luzhi.core.models import AuditEntry
from tests.conftest import verified_login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ENROL_URL = "/accounts/otp/"
ADMIN_ROLES = ["sysadmin", "secadmin", "auditor"]


def code_for(key: str, steps_ahead: int = 0) -> str:
    """The authenticator app's code for a hex key; steps_ahead > 0 gives a code not yet used (a code counts once)."""
    totp = TOTP(unhexlify(key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def wrong_code(key: str) -> str:
    """A well-formed code that is not the current one (nor, but for a one-in-a-million chance, a neighbour)."""
    return f"{(int(code_for(key)) + 500_000) % 1_000_000:06d}"


def bind_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def page_login(client, username, password=PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password, **extra})


def enter_code(client, code, **extra):
    return client.post("/login/", {"code": code, **extra})


class TestAdministratorsMustEnrol:
    @pytest.mark.parametrize("role", ADMIN_ROLES)
    def test_password_login_opens_only_the_enrolment_page(self, client, users, role):
        response = page_login(client, users[role].username)
        assert response.status_code == 302
        assert response["Location"] == ENROL_URL
        assert client.session[SESSION_KEY] == str(users[role].pk)
        for path in ["/", "/accounts/security/", "/accounts/users/", "/accounts/audit/", "/admin/"]:
            blocked = client.get(path)
            assert blocked.status_code == 302, path
            assert blocked["Location"] == ENROL_URL, path
        api = client.get("/api/v1/me/")
        assert api.status_code == 403
        assert api.json()["code"] == "otp_required"
        assert api.json()["detail"]
        enrol = client.get(ENROL_URL)
        assert enrol.status_code == 200
        assert "<svg" in enrol.content.decode()

    def test_a_superuser_is_an_administrator_too(self, client, superuser):
        response = page_login(client, superuser.username)
        assert response["Location"] == ENROL_URL
        assert client.get("/").status_code == 302
        assert client.get("/api/v1/members/").json()["code"] == "otp_required"

    def test_htmx_requests_are_sent_to_enrolment(self, client, users):
        page_login(client, users["sysadmin"].username)
        response = client.get("/accounts/users/", headers={"HX-Request": "true"})
        assert response.status_code == 403
        assert response["HX-Redirect"] == ENROL_URL

    def test_a_member_without_a_device_logs_in_as_before(self, client, users):
        response = page_login(client, users["member"].username)
        assert response.status_code == 302
        assert response["Location"] == "/"
        assert client.get("/").status_code == 200
        assert client.get("/api/v1/me/").status_code == 200

    def test_the_verified_login_helper_opens_an_administrators_pages(self, client, users):
        verified_login(client, users["secadmin"])
        assert client.get("/accounts/security/").status_code == 200


class TestEnrolment:
    def test_a_wrong_code_is_refused_and_binds_nothing(self, client, users):
        page_login(client, users["secadmin"].username)
        client.get(ENROL_URL)
        key = client.session[PENDING_KEY]
        response = client.post(ENROL_URL, {"code": wrong_code(key)})
        assert response.status_code == 200
        assert "动态验证码错误" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=users["secadmin"]).exists()
        assert client.get("/accounts/security/").status_code == 302

    def test_letters_are_refused_with_a_message(self, client, users):
        page_login(client, users["secadmin"].username)
        client.get(ENROL_URL)
        response = client.post(ENROL_URL, {"code": "abcdef"})
        assert "动态验证码为6位数字" in response.content.decode()
        assert not TOTPDevice.objects.exists()

    def test_the_right_code_binds_the_device_and_opens_the_site(self, client, users):
        secadmin = users["secadmin"]
        page_login(client, secadmin.username)
        page = client.get(ENROL_URL).content.decode()
        key = client.session[PENDING_KEY]
        assert "<svg" in page  # drawn on the server: no image from an outside service
        assert TOTPDevice(key=key, user=secadmin).config_url.split("secret=")[1].split("&")[0] in page.replace(" ", "")
        response = client.post(ENROL_URL, {"code": code_for(key)})
        assert response.status_code == 302
        device = TOTPDevice.objects.get(user=secadmin)
        assert device.confirmed and device.key == key
        assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
        assert client.get("/accounts/security/").status_code == 200
        assert client.get("/api/v1/security-settings/").status_code == 200
        entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, model="accounts.user", user=secadmin)
        assert entry.changes == {"动态口令": ["未绑定", "已绑定"]}

    def test_the_code_that_confirmed_enrolment_cannot_log_in_again(self, client, users):
        member = users["member"]
        client.force_login(member)
        client.get(ENROL_URL)
        code = code_for(client.session[PENDING_KEY])
        client.post(ENROL_URL, {"code": code})
        client.post("/logout/")
        page_login(client, member.username)
        enter_code(client, code)
        assert SESSION_KEY not in client.session

    def test_an_administrator_cannot_remove_the_device(self, client, users):
        verified_login(client, users["auditor"])
        response = client.post("/accounts/otp/remove/", follow=True)
        assert "必须保留动态口令" in response.content.decode()
        assert TOTPDevice.objects.filter(user=users["auditor"]).count() == 1

    def test_an_administrator_replaces_the_device_by_binding_a_new_one(self, client, users):
        sysadmin = users["sysadmin"]
        verified_login(client, sysadmin)
        old = TOTPDevice.objects.get(user=sysadmin)
        client.get(f"{ENROL_URL}?replace=1")
        key = client.session[PENDING_KEY]
        assert key != old.key
        assert client.post(ENROL_URL, {"code": code_for(key)}).status_code == 302
        assert list(TOTPDevice.objects.filter(user=sysadmin).values_list("key", flat=True)) == [key]
        assert client.get("/accounts/users/").status_code == 200

    def test_an_unverified_session_cannot_replace_a_bound_device(self, client, users):
        member = users["member"]
        old = bind_device(member)
        client.force_login(member)  # a session that never gave a code
        page = client.get(f"{ENROL_URL}?replace=1").content.decode()
        assert "未经动态验证码验证" in page
        client.post(ENROL_URL, {"code": "123456"})
        assert list(TOTPDevice.objects.filter(user=member)) == [old]


class TestLoginWithADevice:
    def test_the_password_alone_does_not_log_in(self, client, users):
        bind_device(users["member"])
        response = page_login(client, users["member"].username)
        assert response.status_code == 200
        assert 'name="code"' in response.content.decode()
        assert SESSION_KEY not in client.session
        assert client.get("/")["Location"].startswith("/login/")

    def test_the_right_code_logs_in_a_verified_session(self, client, users):
        secadmin = users["secadmin"]
        device = bind_device(secadmin)
        page_login(client, secadmin.username, next="/accounts/security/")
        response = enter_code(client, code_for(device.key), next="/accounts/security/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/security/"
        assert client.session[SESSION_KEY] == str(secadmin.pk)
        assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
        assert client.get("/accounts/security/").status_code == 200
        assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, user=secadmin).exists()

    def test_wrong_codes_count_toward_the_lockout(self, client, users):
        member = users["member"]
        device = bind_device(member)
        page_login(client, member.username)
        for _ in range(4):
            response = enter_code(client, wrong_code(device.key))
            assert response.status_code == 200
            assert "动态验证码错误" in response.content.decode()
        assert AccessAttempt.objects.get(username=member.username).failures_since_start == 4
        assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, username=member.username).count() == 4
        fifth = enter_code(client, wrong_code(device.key))
        assert fifth.status_code == 403
        assert "锁定" in fifth.content.decode()
        assert SESSION_KEY not in client.session
        # Locked: neither the right code nor the right password gets in now.
        enter_code(client, code_for(device.key))
        assert SESSION_KEY not in client.session
        assert page_login(client, member.username).status_code == 403

    def test_a_code_without_the_password_step_logs_nobody_in(self, client, users):
        device = bind_device(users["member"])
        response = enter_code(client, code_for(device.key))
        assert response.status_code == 200
        assert "验证已超时" in response.content.decode()
        assert SESSION_KEY not in client.session

    def test_optional_two_factor_for_a_member_end_to_end(self, client, users):
        member = users["member"]
        client.post("/login/", {"username": member.username, "password": PASSWORD})
        client.get(ENROL_URL)
        key = client.session[PENDING_KEY]
        assert client.post(ENROL_URL, {"code": code_for(key)}).status_code == 302
        client.post("/logout/")
        page_login(client, member.username)
        assert SESSION_KEY not in client.session
        enter_code(client, code_for(key, steps_ahead=1))
        assert client.session[SESSION_KEY] == str(member.pk)
        response = client.post("/accounts/otp/remove/", follow=True)
        assert "已解除动态口令绑定" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=member).exists()
        client.post("/logout/")
        assert page_login(client, member.username).status_code == 302
        assert client.session[SESSION_KEY] == str(member.pk)


class TestTokenEndpoint:
    def post(self, api, username, **extra):
        return api(None).post(TOKEN_URL, {"username": username, "password": PASSWORD, **extra}, format="json")

    def test_an_administrator_without_a_device_is_sent_to_enrol(self, api, users):
        response = self.post(api, users["auditor"].username)
        assert response.status_code == 403
        assert response.json()["code"] == "otp_required"
        assert "token" not in response.json()

    def test_a_bound_account_must_send_the_code(self, api, users):
        bind_device(users["member"])
        response = self.post(api, users["member"].username)
        assert response.status_code == 400
        assert response.json() == {"otp": ["请输入动态验证码。"]}

    def test_a_wrong_code_is_refused_and_counts_as_a_failed_login(self, api, users):
        device = bind_device(users["member"])
        response = self.post(api, users["member"].username, otp=wrong_code(device.key))
        assert response.status_code == 400
        assert list(response.json()) == ["otp"]
        assert AccessAttempt.objects.get(username=users["member"].username).failures_since_start == 1

    def test_five_wrong_codes_lock_the_account(self, api, users):
        device = bind_device(users["member"])
        wrong = wrong_code(device.key)
        answers = [self.post(api, users["member"].username, otp=wrong).status_code for _ in range(5)]
        assert answers == [400, 400, 400, 400, 403]
        assert self.post(api, users["member"].username, otp=code_for(device.key)).status_code == 403

    def test_the_right_code_gives_a_token_that_counts_as_verified(self, api, users):
        secadmin = users["secadmin"]
        device = bind_device(secadmin)
        response = self.post(api, secadmin.username, otp=code_for(device.key))
        assert response.status_code == 200
        client = api(None)
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        assert client.get("/api/v1/lockouts/").status_code == 200
        assert client.get("/api/v1/security-settings/").status_code == 200

    def test_a_code_sent_as_a_number_is_accepted(self, api, users):
        device = bind_device(users["member"])
        code = code_for(device.key)
        response = self.post(api, users["member"].username, otp=int(code))
        assert response.status_code == 200

    def test_a_number_with_leading_zeros_lost_is_padded_back(self, api, users, monkeypatch):
        from luzhi.accounts import twofactor

        device = bind_device(users["member"])
        seen = []
        monkeypatch.setattr(twofactor.django_otp, "verify_token", lambda user, pid, text: seen.append(text) or device)
        response = self.post(api, users["member"].username, otp=12345)  # the code 012345 as a JSON number
        assert response.status_code == 200 and seen == ["012345"]

    def test_a_member_without_a_device_needs_no_code(self, api, users):
        response = self.post(api, users["member"].username, otp="")
        assert response.status_code == 200


class TestResetBySecurityAdministrator:
    def test_the_secadmin_resets_a_members_device_and_it_is_audited(self, client, users):
        member, secadmin = users["member"], users["secadmin"]
        bind_device(member)
        verified_login(client, secadmin)
        assert member.username in client.get("/accounts/security/").content.decode()
        response = client.post(f"/accounts/security/otp-reset/{member.pk}/")
        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=member).exists()
        entry = AuditEntry.objects.get(model="accounts.user", object_id=str(member.pk), action=AuditEntry.Action.UPDATE)
        assert entry.user == secadmin
        assert entry.changes == {"动态口令": ["已绑定", "已解除"]}
        assert entry.via == "page"
        assert entry.committee_id == member.committee_id

    def test_an_administrators_device_is_not_reset_from_the_page(self, client, users):
        verified_login(client, users["secadmin"])
        device = bind_device(users["sysadmin"])
        response = client.post(f"/accounts/security/otp-reset/{users['sysadmin'].pk}/", follow=True)
        assert "otp_reset" in response.content.decode()
        assert TOTPDevice.objects.filter(pk=device.pk).exists()

    def test_other_committees_accounts_are_not_found(self, client, users, make_user, other_committee):
        outsider = make_user("member", other_committee)
        bind_device(outsider)
        verified_login(client, users["secadmin"])
        assert client.post(f"/accounts/security/otp-reset/{outsider.pk}/").status_code == 404
        assert TOTPDevice.objects.filter(user=outsider).exists()

    @pytest.mark.parametrize("role", ["sysadmin", "office", "member"])
    def test_other_roles_may_not_reset(self, client, users, role):
        bind_device(users["leader"])
        verified_login(client, users[role])
        assert client.post(f"/accounts/security/otp-reset/{users['leader'].pk}/").status_code == 403
        assert TOTPDevice.objects.filter(user=users["leader"]).exists()

    def test_the_server_command_resets_an_administrator(self, users):
        bind_device(users["sysadmin"])
        call_command("otp_reset", users["sysadmin"].username)
        assert not TOTPDevice.objects.filter(user=users["sysadmin"]).exists()
        entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, object_id=str(users["sysadmin"].pk))
        assert entry.via == "command"
        assert entry.user is None
