"""Bulk member accounts: phones → SMS, no phone → sealed letters PDF; idempotent; atomic; 三员分立."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client, TestCase
from pypdf import PdfReader
from rest_framework.test import APIClient

from luzhi.accounts.models import AccountLetters, SMSMessage, User
from luzhi.core import sms
from luzhi.core.models import AuditEntry
from luzhi.org.models import Member
from tests import factories as f
from tests.conftest import otp_code, verified_login

pytestmark = pytest.mark.django_db

URL = "/api/v1/users/member-accounts/"


@pytest.fixture(autouse=True)
def _locmem_sms(settings) -> None:
    settings.LUZHI_SMS_BACKEND = "locmem"
    sms.outbox.clear()


def admin_client(user: User) -> APIClient:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": f.PASSWORD, "otp": otp_code(user)}, format="json"
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def run(client: APIClient, body: dict) -> object:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(URL, body, format="json")


@pytest.fixture
def roster(committee) -> dict[str, Member]:
    return {
        "phone1": f.MemberFactory(committee=committee, name="张三", phone="13900000001"),
        "phone2": f.MemberFactory(committee=committee, name="李四", phone="13900000002"),
        "nophone1": f.MemberFactory(committee=committee, name="王五", phone=""),
        "nophone2": f.MemberFactory(committee=committee, name="赵六", phone=""),
        "resigned": f.MemberFactory(committee=committee, name="钱七", status=Member.Status.RESIGNED),
    }


def test_all_active_members_get_accounts_sms_and_letters(users, committee, roster) -> None:
    client = admin_client(users["sysadmin"])
    response = run(client, {"committee": committee.pk, "all_active": True})
    assert response.status_code == 201, response.content
    body = response.json()
    created = {row["member"]: row for row in body["created"]}
    assert roster["resigned"].pk not in created
    assert set(body["skipped"]) == {users["member"].member_id, users["leader"].member_id}
    assert created[roster["phone1"].pk]["username"] == "13900000001" and created[roster["phone1"].pk]["sms"]
    assert created[roster["nophone1"].pk]["username"] == f"m{committee.pk}-{roster['nophone1'].pk}"
    assert not created[roster["nophone1"].pk]["sms"]
    accounts = User.objects.filter(member__in=[m.pk for m in roster.values()])
    assert accounts.count() == len(created)  # the check below reads every account made, not none
    assert all(u.must_change_password and u.role == "member" and u.committee == committee for u in accounts)

    # the texts: the real password went out, only a redacted copy stays
    texts = {m["to"]: m for m in sms.outbox}
    assert set(texts) >= {"13900000001", "13900000002"}
    password = re.search(r"初始密码：(\S+?)。", texts["13900000001"]["text"]).group(1)
    assert texts["13900000001"]["params"]["password"] == password
    stored = SMSMessage.objects.get(to="13900000001")
    assert stored.status == "sent" and password not in stored.text and bytes(stored.sealed) == b""

    # the member logs in with the one-time password and must change it
    token = APIClient().post("/api/v1/auth/token/", {"username": "13900000001", "password": password}, format="json")
    assert token.status_code == 200
    member_client = APIClient()
    member_client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert member_client.get("/api/v1/me/").json()["must_change_password"] is True
    assert member_client.get("/api/v1/proposals/").json()["code"] == "password_change_required"

    # the letters: one page per member without a phone, with name and password; downloadable by the sysadmin
    assert body["letters"].startswith("http") and "/api/v1/account-letters/" in body["letters"]
    pdf = client.get(body["letters"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content))
    assert len(reader.pages) == 2
    pages = [page.extract_text() for page in reader.pages]
    assert "王五" in pages[0] and "赵六" in pages[1]
    assert f"m{committee.pk}-{roster['nophone1'].pk}" in pages[0]
    letters_password = re.search(r"初始密码\s*([A-Za-z0-9#%+=@]{10})\s", pages[0]).group(1)
    assert User.objects.get(member=roster["nophone1"]).check_password(letters_password)
    assert AccountLetters.objects.get().downloads == 1
    assert AuditEntry.objects.filter(model="accounts.user", action="create", changes__bulk__1="批量开通").count() == 4


def test_running_twice_creates_nobody_twice(users, committee, roster) -> None:
    client = admin_client(users["sysadmin"])
    first = run(client, {"committee": committee.pk, "all_active": True}).json()
    sent = len(sms.outbox)
    second = run(client, {"committee": committee.pk, "all_active": True})
    assert second.status_code == 200
    assert second.json()["created"] == [] and second.json()["letters"] is None
    assert set(second.json()["skipped"]) == {row["member"] for row in first["created"]} | set(first["skipped"])
    assert len(sms.outbox) == sent
    assert User.objects.filter(member=roster["phone1"]).count() == 1


def test_chosen_members_and_username_clashes(users, committee, roster) -> None:
    f.UserFactory(username="13900000002", committee=committee, role="office")  # the phone is taken
    client = admin_client(users["sysadmin"])
    response = run(client, {"committee": committee.pk, "members": [roster["phone2"].pk]})
    assert response.status_code == 201
    [row] = response.json()["created"]
    assert row["username"] == f"m{committee.pk}-{roster['phone2'].pk}" and row["sms"] is True
    assert User.objects.filter(member=roster["phone1"]).count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"all_active": True}, "committee"),
        ({"committee": "x", "all_active": True}, "committee"),
        ({}, "members"),
        ({"members": []}, "members"),
        ({"members": ["a"]}, "members"),
        ({"members": [999999]}, "members"),
        ({"all_active": "yes"}, "all_active"),
    ],
)
def test_bad_input_is_400_and_saves_nothing(users, committee, roster, body, field) -> None:
    client = admin_client(users["sysadmin"])
    before = User.objects.count()
    response = run(
        client, {"committee": committee.pk, **body} if "committee" not in body and field != "committee" else body
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert User.objects.count() == before and SMSMessage.objects.count() == 0


def test_resigned_member_and_other_committee_are_refused(users, committee, other_committee, roster) -> None:
    client = admin_client(users["sysadmin"])
    resigned = run(client, {"committee": committee.pk, "members": [roster["resigned"].pk, roster["phone1"].pk]})
    assert resigned.status_code == 400 and "不在任" in resigned.json()["members"][0]
    assert User.objects.filter(member=roster["phone1"]).count() == 0
    stranger = f.MemberFactory(committee=other_committee)
    assert run(client, {"committee": committee.pk, "members": [stranger.pk]}).status_code == 400
    assert run(client, {"committee": other_committee.pk, "all_active": True}).status_code == 404


@pytest.mark.parametrize("role", ["office", "secadmin", "auditor", "member"])
def test_only_the_sysadmin_may(users, committee, roster, role) -> None:
    client = APIClient()
    client.force_authenticate(users[role])
    assert client.post(URL, {"committee": committee.pk, "all_active": True}, format="json").status_code == 403
    assert User.objects.filter(member=roster["phone1"]).count() == 0


def test_letters_only_for_the_sysadmin_and_only_for_a_day(users, committee, roster) -> None:
    client = admin_client(users["sysadmin"])
    url = run(client, {"committee": committee.pk, "members": [roster["nophone1"].pk]}).json()["letters"]
    office = APIClient()
    office.force_authenticate(users["office"])
    assert office.get(url).status_code == 403
    AccountLetters.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert client.get(url).status_code == 404


def test_sms_failure_is_recorded_and_retried(users, committee, roster, settings, tmp_path) -> None:
    from django.core.management import call_command

    settings.LUZHI_SMS_BACKEND = "nosuch"
    client = admin_client(users["sysadmin"])
    run(client, {"committee": committee.pk, "members": [roster["phone1"].pk]})
    message = SMSMessage.objects.get()
    assert message.status == "failed" and message.attempts == 1 and "未知的短信通道" in message.last_error
    assert bytes(message.sealed) != b""  # kept (encrypted) for the retry
    call_command("sms_retry", stdout=io.StringIO())
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 2
    settings.LUZHI_SMS_BACKEND = f"file:{tmp_path / 'sms.jsonl'}"
    call_command("sms_retry", stdout=io.StringIO())
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 3 and bytes(message.sealed) == b""
    assert "初始密码" in (tmp_path / "sms.jsonl").read_text()


def test_sms_gives_up_after_three_attempts(users, committee, roster, settings) -> None:
    from django.core.management import call_command

    settings.LUZHI_SMS_BACKEND = "nosuch"
    client = admin_client(users["sysadmin"])
    run(client, {"committee": committee.pk, "members": [roster["phone1"].pk]})
    for _ in range(4):
        call_command("sms_retry", stdout=io.StringIO())
    message = SMSMessage.objects.get()
    assert message.status == "failed" and message.attempts == 3 and bytes(message.sealed) == b""


def test_page_creates_accounts_and_lists_failures(users, committee, roster, settings) -> None:
    client = verified_login(Client(), users["sysadmin"])
    page = client.get("/accounts/member-accounts/")
    assert page.status_code == 200 and "批量开通" in page.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/accounts/member-accounts/", {"scope": "all_active"})
    text = response.content.decode()
    assert response.status_code == 200 and "已开通 4 个账号" in text
    assert "/accounts/letters/" in text
    letters = AccountLetters.objects.get()
    download = client.get(f"/accounts/letters/{letters.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    settings.LUZHI_SMS_BACKEND = "nosuch"
    f.MemberFactory(committee=committee, name="孙八", phone="13900000008")
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/accounts/member-accounts/", {"scope": "all_active"})
    failures = client.get("/accounts/sms/")
    assert failures.status_code == 200 and "139****0008" in failures.content.decode()
    assert "13900000008" not in failures.content.decode()


def test_roster_import_can_create_the_accounts_in_the_same_step(superuser, users, committee, api) -> None:
    from tests.api.conftest import read_xlsx, xlsx_file

    root = api(superuser)
    header = read_xlsx(root.get("/api/v1/members/import-template/").content)[0]
    values = ["周九", "男", "汉族", "1980-01-02", "群众", "委员", None, None, None, None, "县一中", "13900000009"]
    no_phone = ["吴十", "女", "汉族", "1981-02-03", "群众", "委员", None, None, None, None, "县二中", None]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = root.post(
            "/api/v1/members/import/",
            {"file": xlsx_file([header, values, no_phone]), "create_accounts": "true"},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] == 2 and len(body["accounts"]["created"]) == 2 and body["accounts"]["letters"]
    assert User.objects.get(username="13900000009").member.name == "周九"
    assert [m["to"] for m in sms.outbox] == ["13900000009"]

    office = api(users["office"])
    refused = office.post(
        "/api/v1/members/import/",
        {"file": xlsx_file([header, ["郑十一", *values[1:3], "1990-01-01", *values[4:]]]), "create_accounts": "1"},
        format="multipart",
    )
    assert refused.status_code == 403 and "三员分立" in refused.json()["detail"]
    assert not Member.objects.filter(name="郑十一").exists()
