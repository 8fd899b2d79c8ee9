"""Login and password reset by SMS code: 6 digits, 5 minutes, single use, rate limits, no enumeration, audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client, TestCase
from django.utils import timezone
from rest_framework.test import APIClient

from luzhi.accounts.models import SMSCode, SMSMessage, User
from luzhi.core import sms
from luzhi.core.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

NEW = "Mein#Passwort2026"


@pytest.fixture(autouse=True)
def _locmem_sms(settings) -> None:
    settings.LUZHI_SMS_BACKEND = "locmem"
    sms.outbox.clear()


@pytest.fixture
def member_user(users: dict[str, User]) -> User:
    user = users["member"]
    user.member.phone = "13912345678"
    user.member.save()
    return user


def sent(func, *args, **kwargs):
    """Run a request and the sends queued for after its commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return func(*args, **kwargs)


def ask(phone: object, **extra) -> object:
    return sent(APIClient().post, "/api/v1/auth/sms-code/", {"phone": phone, **extra}, format="json")


def last_code() -> str:
    return re.search(r"\d{6}", sms.outbox[-1]["text"]).group()


def age_codes(phone: str, minutes: float) -> None:
    SMSCode.objects.filter(phone=phone).update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_code_login_gives_a_token_once(django_capture_on_commit_callbacks, member_user) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = ask("+86 139-1234-5678")
    assert response.status_code == 202
    assert sms.outbox[-1]["to"] == "13912345678"
    code = last_code()
    message = SMSMessage.objects.get()
    assert message.status == "sent" and code not in message.text and "******" in message.text
    assert bytes(message.sealed) == b""
    stored = SMSCode.objects.get()
    assert code not in stored.code_hash and stored.user == member_user
    token = APIClient().post("/api/v1/auth/token/", {"phone": "13912345678", "code": code}, format="json")
    assert token.status_code == 200, token.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert client.get("/api/v1/me/").json()["id"] == member_user.pk
    again = APIClient().post("/api/v1/auth/token/", {"phone": "13912345678", "code": code}, format="json")
    assert again.status_code == 400 and "验证码错误或已过期" in again.json()["code"][0]
    assert AuditEntry.objects.filter(action="login", user=member_user).exists()


def test_unknown_phone_gets_the_same_answer_and_no_text(django_capture_on_commit_callbacks, member_user) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        known = ask("13912345678")
        unknown = ask("13700000000")
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [m["to"] for m in sms.outbox] == ["13912345678"]
    assert SMSMessage.objects.filter(to="13700000000").count() == 0
    # the rate limit answers the unknown phone as the known one
    assert ask("13912345678").status_code == ask("13700000000").status_code == 429
    audit = AuditEntry.objects.filter(model="accounts.smscode")
    assert audit.filter(changes__event="unknown_phone").count() == 1
    assert not any("13700000000" in str(e.changes) for e in audit)  # phones are masked


def test_rate_limits_one_a_minute_five_an_hour(member_user) -> None:
    phone = "13912345678"
    assert ask(phone).status_code == 202
    limited = ask(phone)
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert "频繁" in limited.json()["detail"]
    for _ in range(4):
        age_codes(phone, 2)
        assert ask(phone).status_code == 202
    age_codes(phone, 2)
    assert ask(phone).status_code == 429  # five within the hour
    age_codes(phone, 61)
    assert ask(phone).status_code == 202


@pytest.mark.parametrize("phone", ["12345678901", "1391234567", "abc", "", None, 13912345678, ["13912345678"]])
def test_not_a_mainland_mobile_is_400(phone) -> None:
    response = ask(phone)
    assert response.status_code == 400
    assert "大陆手机号码" in response.json()["phone"][0]
    assert SMSCode.objects.count() == 0


def test_expired_code_is_refused(member_user) -> None:
    ask("13912345678")
    code = last_code()
    age_codes("13912345678", 5.1)
    response = APIClient().post("/api/v1/auth/token/", {"phone": "13912345678", "code": code}, format="json")
    assert response.status_code == 400


def test_five_wrong_codes_burn_the_code(member_user) -> None:
    ask("13912345678")
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = APIClient().post("/api/v1/auth/token/", {"phone": "13912345678", "code": wrong}, format="json")
        assert response.status_code == 400
    response = APIClient().post("/api/v1/auth/token/", {"phone": "13912345678", "code": code}, format="json")
    assert response.status_code == 400
    assert AuditEntry.objects.filter(model="accounts.smscode", changes__event="code_wrong").count() == 5


def test_a_newer_code_replaces_the_older(member_user) -> None:
    ask("13912345678")
    first = last_code()
    age_codes("13912345678", 2)
    ask("13912345678")
    second = last_code()
    if first != second:
        bad = APIClient().post("/api/v1/auth/token/", {"phone": "13912345678", "code": first}, format="json")
        assert bad.status_code == 400
    good = APIClient().post("/api/v1/auth/token/", {"phone": "13912345678", "code": second}, format="json")
    assert good.status_code == 200


def test_administrators_get_no_code(users) -> None:
    admin = users["sysadmin"]
    admin.username = "13800000001"
    admin.save()
    assert ask("13800000001").status_code == 202
    assert sms.outbox == []


def test_password_reset_by_code(member_user) -> None:
    User.objects.filter(pk=member_user.pk).update(must_change_password=True)
    ask("13912345678", purpose="reset")
    assert "重置密码" in sms.outbox[-1]["text"]
    code = last_code()
    url = "/api/v1/auth/password-reset/"
    weak = APIClient().post(url, {"phone": "13912345678", "code": code, "new_password": "weak"}, format="json")
    assert weak.status_code == 400 and "new_password" in weak.json()
    same = APIClient().post(url, {"phone": "13912345678", "code": code, "new_password": f.PASSWORD}, format="json")
    assert same.status_code == 400 and "不能与原密码相同" in same.json()["new_password"][0]
    ok = APIClient().post(url, {"phone": "13912345678", "code": code, "new_password": NEW}, format="json")
    assert ok.status_code == 204
    member_user.refresh_from_db()
    assert member_user.check_password(NEW) and member_user.must_change_password is False
    reused = APIClient().post(url, {"phone": "13912345678", "code": code, "new_password": NEW + "x"}, format="json")
    assert reused.status_code == 400 and "code" in reused.json()
    assert AuditEntry.objects.filter(action="password_reset", object_id=str(member_user.pk)).exists()


def test_reset_with_bad_input_is_400_never_500(member_user) -> None:
    url = "/api/v1/auth/password-reset/"
    for body in (
        {},
        {"phone": "x"},
        {"phone": "13912345678", "code": "12ab"},
        {"phone": "13912345678", "code": "123456"},
    ):
        response = APIClient().post(url, {**body, "new_password": NEW}, format="json")
        assert response.status_code == 400, (body, response.content)
    assert APIClient().post(url, ["x"], format="json").status_code == 400


def test_pages_login_and_reset_by_code(member_user) -> None:
    client = Client()
    login_page = client.get("/login/")
    assert "/login/sms/" in login_page.content.decode() and "/login/reset/" in login_page.content.decode()
    asked = sent(client.post, "/login/sms/", {"phone": "13912345678", "send": "1"}, follow=True)
    assert "验证码已发送" in asked.content.decode()
    again = client.post("/login/sms/", {"phone": "13912345678", "send": "1"})
    assert "过于频繁" in again.content.decode()
    bad = client.post("/login/sms/", {"phone": "13912345678", "code": "12"})
    assert "6位数字" in bad.content.decode()
    done = client.post("/login/sms/", {"phone": "13912345678", "code": last_code()})
    assert done.status_code == 302
    assert client.get("/").status_code == 200

    other = Client()
    age_codes("13912345678", 2)
    sent(other.post, "/login/reset/", {"phone": "13912345678", "send": "1"})
    code = last_code()
    mismatch = other.post(
        "/login/reset/", {"phone": "13912345678", "code": code, "new_password": NEW, "new_password2": NEW + "1"}
    )
    assert "两次输入的新密码不一致" in mismatch.content.decode()
    reset = other.post(
        "/login/reset/", {"phone": "13912345678", "code": code, "new_password": NEW, "new_password2": NEW}
    )
    assert reset.status_code == 302 and reset["Location"] == "/login/"
    member_user.refresh_from_db()
    assert member_user.check_password(NEW)
