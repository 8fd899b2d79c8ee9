"""The three administrators' pages: users (sysadmin), security (secadmin), audit (auditor)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from luzhi.accounts.models import SecuritySettings, User
from luzhi.core.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Luzhi#2026pass"


# ---- users ------------------------------------------------------------------------------------


def test_users_page_is_for_the_sysadmin(committee, other_committee, users, page):
    f.UserFactory(committee=other_committee, username="外县账号")
    html = page(users["sysadmin"]).get("/accounts/users/").content.decode()
    assert users["office"].username in html and "外县账号" not in html
    for role in ("office", "secadmin", "auditor", "member"):
        assert page(users[role]).get("/accounts/users/").status_code == 403


def test_sysadmin_creates_an_account_in_the_own_committee(committee, users, page):
    response = page(users["sysadmin"]).post(
        "/accounts/users/new/",
        {"username": "newclerk", "role": "office", "password": GOOD_PASSWORD, "is_active": "on"},
    )
    assert response.status_code == 302
    account = User.objects.get(username="newclerk")
    assert account.committee == committee and account.check_password(GOOD_PASSWORD)


def test_weak_password_and_missing_link_show_chinese_errors(committee, users, page):
    client = page(users["sysadmin"])
    html = client.post(
        "/accounts/users/new/", {"username": "weak", "role": "office", "password": "abc"}
    ).content.decode()
    assert "密码须包含" in html or "密码长度太短" in html
    html = client.post(
        "/accounts/users/new/", {"username": "lonely", "role": "member", "password": GOOD_PASSWORD}
    ).content.decode()
    assert "该角色必须关联此项" in html
    assert not User.objects.filter(username__in=["weak", "lonely"]).exists()


def test_sysadmin_changes_role_deactivates_and_resets_password(committee, users, page):
    account = users["committee_staff"]
    client = page(users["sysadmin"])
    data = {"username": account.username, "role": "office", "special_committee": account.special_committee_id}
    assert client.post(f"/accounts/users/{account.pk}/edit/", data).status_code == 302
    account.refresh_from_db()
    assert account.role == "office" and not account.is_active
    assert account.check_password(f.PASSWORD)  # an empty password field keeps the password
    data.update(password=GOOD_PASSWORD, is_active="on")
    client.post(f"/accounts/users/{account.pk}/edit/", data)
    account.refresh_from_db()
    assert account.is_active and account.check_password(GOOD_PASSWORD)
    entry = AuditEntry.objects.filter(model="accounts.user", object_id=str(account.pk), action="update").first()
    assert entry.user == users["sysadmin"] and entry.via == "page"


def test_another_committees_account_is_404(other_committee, users, page):
    theirs = f.UserFactory(committee=other_committee)
    assert page(users["sysadmin"]).get(f"/accounts/users/{theirs.pk}/edit/").status_code == 404


# ---- security ---------------------------------------------------------------------------------


def test_security_page_is_for_the_secadmin(users, page):
    assert page(users["secadmin"]).get("/accounts/security/").status_code == 200
    for role in ("sysadmin", "auditor", "office"):
        assert page(users[role]).get("/accounts/security/").status_code == 403


def test_secadmin_sets_the_idle_timeout_within_bounds(users, page):
    client = page(users["secadmin"])
    assert client.post("/accounts/security/", {"session_idle_minutes": "45"}).status_code == 302
    assert SecuritySettings.objects.get().session_idle_minutes == 45
    html = client.post("/accounts/security/", {"session_idle_minutes": "1"}).content.decode()
    assert "空闲超时（分钟）不能小于5。" in html
    assert SecuritySettings.objects.get().session_idle_minutes == 45
    assert page(users["sysadmin"]).post("/accounts/security/", {"session_idle_minutes": "10"}).status_code == 403


def test_secadmin_sees_and_unlocks_a_locked_account(committee, other_committee, users, page):
    locked = users["member"]
    attempt = AccessAttempt.objects.create(
        username=locked.username,
        ip_address="10.0.0.1",
        user_agent="t",
        failures_since_start=5,
        attempt_time=timezone.now() - timedelta(minutes=1),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
    )
    theirs = AccessAttempt.objects.create(
        username=f.UserFactory(committee=other_committee).username,
        ip_address="10.0.0.2",
        user_agent="t",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
    )
    client = page(users["secadmin"])
    html = client.get("/accounts/security/").content.decode()
    assert locked.username in html and "已锁定" in html and theirs.username not in html
    assert client.post(f"/accounts/security/unlock/{theirs.pk}/").status_code == 404
    assert client.post(f"/accounts/security/unlock/{attempt.pk}/").status_code == 302
    assert not AccessAttempt.objects.filter(username=locked.username).exists()
    assert page(users["sysadmin"]).post(f"/accounts/security/unlock/{theirs.pk}/").status_code == 403


# ---- audit ------------------------------------------------------------------------------------


def test_audit_page_is_for_the_auditor_only(users, superuser, page):
    assert page(users["auditor"]).get("/accounts/audit/").status_code == 200
    assert page(users["sysadmin"]).get("/accounts/audit/").status_code == 403
    assert page(superuser).get("/accounts/audit/").status_code == 403
    assert page(users["office"]).get("/accounts/audit/").status_code == 403


def test_audit_page_shows_before_and_after_and_filters(committee, other_committee, users, page):
    office = page(users["office"])
    office.post("/org/sectors/", {"name": "审计前"})
    sector_id = AuditEntry.objects.get(model="org.sector").object_id
    office.post(f"/org/sectors/{sector_id}/edit/", {"name": "审计后"})
    other_office = f.UserFactory(committee=other_committee, role="office")
    page(other_office).post("/org/sectors/", {"name": "外县界别"})
    client = page(users["auditor"])
    html = client.get("/accounts/audit/?model=org.sector&action=update").content.decode()
    assert "审计前" in html and "审计后" in html and "页面" in html
    assert "外县界别" not in client.get("/accounts/audit/").content.decode()
    html = client.get(f"/accounts/audit/?user={users['office'].username}&model=org.sector").content.decode()
    assert len(client.get(f"/accounts/audit/?user={users['office'].username}&model=org.sector").context["rows"]) == 2
    assert "/api/v1/audit/?user=" in html and "format=xlsx" in html
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert client.get(f"/accounts/audit/?date_from={tomorrow}").context["rows"] == []
    assert client.get("/accounts/audit/?date_from=2023-02-30").status_code == 200


def test_audit_page_paginates(committee, users, page):
    for i in range(55):
        AuditEntry.objects.create(action="login", username=f"u{i}", committee_id=committee.pk)
    client = page(users["auditor"])
    assert len(client.get("/accounts/audit/?action=login").context["rows"]) == 50
    assert len(client.get("/accounts/audit/?action=login&page=2").context["rows"]) >= 5
