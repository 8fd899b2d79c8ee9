"""Login security of the foundation: lockout, password policy at login, idle timeout, login everywhere."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from luzhi.accounts.models import SecuritySettings
from luzhi.core.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _page_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


class TestLockout:
    def test_five_failed_page_logins_lock_the_account_even_for_the_right_password(self, client, users):
        office = users["office"]
        for _ in range(5):
            response = _page_login(client, office.username, "Wrong#password1")
            assert SESSION_KEY not in client.session
        response = _page_login(client, office.username, PASSWORD)
        assert response.status_code == 403
        assert "锁定" in response.content.decode()
        assert SESSION_KEY not in client.session

    def test_four_failures_then_the_right_password_still_logs_in(self, client, users):
        office = users["office"]
        for _ in range(4):
            _page_login(client, office.username, "Wrong#password1")
        response = _page_login(client, office.username, PASSWORD)
        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(office.pk)

    def test_token_endpoint_locks_after_five_failures(self, api, users):
        client = api(None)
        url = "/api/v1/auth/token/"
        for _ in range(5):
            failed = client.post(url, {"username": users["member"].username, "password": "Wrong#pass12"}, format="json")
            assert failed.status_code in (400, 403)
        response = client.post(url, {"username": users["member"].username, "password": PASSWORD}, format="json")
        assert response.status_code == 403
        assert "锁定" in response.json()["detail"]

    def test_token_endpoint_gives_a_token_that_authenticates(self, api, users):
        client = api(None)
        response = client.post(
            "/api/v1/auth/token/", {"username": users["office"].username, "password": PASSWORD}, format="json"
        )
        assert response.status_code == 200
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        me = client.get("/api/v1/me/")
        assert me.status_code == 200
        assert me.json()["role"] == "office"
        assert me.json()["committee"] == users["office"].committee_id

    def test_failed_logins_are_audited(self, client, users):
        _page_login(client, users["office"].username, "Wrong#password1")
        entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED)
        assert entry.username == users["office"].username
        assert entry.committee_id == users["office"].committee_id


class TestIdleTimeout:
    def test_login_sets_the_configured_idle_expiry(self, client, users):
        _page_login(client, users["office"].username, PASSWORD)
        assert client.session.get_expiry_age() == 30 * 60

    def test_a_changed_setting_applies_on_the_next_request(self, client, users):
        client.force_login(users["office"])
        SecuritySettings.objects.update_or_create(pk=1, defaults={"session_idle_minutes": 10})
        from django.core.cache import cache

        cache.delete(SecuritySettings.CACHE_KEY)
        client.get("/")
        assert client.session.get_expiry_age() == 10 * 60

    def test_the_session_is_written_at_most_once_a_minute(self, client, users, monkeypatch):
        """An active user keeps the session alive without a database write on every page."""
        import time

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from luzhi.accounts import middleware

        now = [time.time()]
        monkeypatch.setattr(middleware.time, "time", lambda: now[0])
        client.force_login(users["office"])
        client.get("/")  # the first page after login sets the idle expiry

        def session_writes() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/").status_code == 200
            return sum('UPDATE "django_session"' in q["sql"] for q in queries)

        now[0] += 30
        assert session_writes() == 0
        now[0] += 31  # a minute since the last write: the expiry moves on
        assert session_writes() == 1
        assert client.session.get_expiry_age() == 30 * 60

    def test_token_calls_create_no_session(self, api, users):
        from django.contrib.sessions.models import Session

        client = api(None)
        response = client.post(
            "/api/v1/auth/token/", {"username": users["office"].username, "password": PASSWORD}, format="json"
        )
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        client.get("/api/v1/members/")
        assert Session.objects.count() == 0


class TestLoginRequired:
    def test_pages_redirect_anonymous_users_to_login(self, client, db):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")

    def test_api_answers_401_without_a_token(self, api, db):
        response = api(None).get("/api/v1/members/")
        assert response.status_code == 401

    def test_schema_needs_login_and_docs_redirect_to_login(self, api, client, db):
        assert api(None).get("/api/schema/").status_code == 401
        response = client.get("/api/docs/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")

    def test_healthz_is_open(self, client, db):
        assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


class TestPasswordPolicyOnEveryWritePath:
    """The policy (10 characters, 3 classes, not common, not like the username) holds on create and reset."""

    WEAK = [
        ("Ab#12345", "至少需要10个字符"),  # too short (in Chinese: Django 5.2's own text is untranslated)
        ("abcdefgh12", "至少3类"),  # two classes
        ("Zhangsan#2026", None),  # too like the username
    ]

    @pytest.mark.parametrize("password,hint", WEAK)
    def test_the_users_api_refuses_weak_passwords_and_saves_nothing(self, api, users, committee, password, hint):
        from luzhi.accounts.models import User

        before = User.objects.count()
        response = api(users["sysadmin"]).post(
            "/api/v1/users/",
            {"username": "zhangsan2026", "role": "office", "committee": committee.pk, "password": password},
            format="json",
        )
        assert response.status_code == 400
        message = " ".join(response.json()["password"])
        assert "密码" in message
        if hint:
            assert hint in message
        assert User.objects.count() == before

    def test_a_reset_to_a_weak_password_is_refused_and_the_old_one_still_works(self, api, client, users):
        target = users["member"]
        response = api(users["sysadmin"]).patch(f"/api/v1/users/{target.pk}/", {"password": "password"}, format="json")
        assert response.status_code == 400
        target.refresh_from_db()
        assert target.check_password(PASSWORD)

    def test_a_strong_password_is_accepted_and_stored_hashed(self, api, users, committee):
        from luzhi.accounts.models import User

        response = api(users["sysadmin"]).post(
            "/api/v1/users/",
            {"username": "wangwu", "role": "office", "committee": committee.pk, "password": "Qing#Shan2026"},
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert "password" not in response.json()
        user = User.objects.get(username="wangwu")
        assert user.password != "Qing#Shan2026" and user.check_password("Qing#Shan2026")


class TestLockoutDetails:
    def test_an_unknown_username_gets_the_same_answer_as_a_wrong_password(self, client, users):
        known = _page_login(client, users["office"].username, "Wrong#password1").content.decode()
        unknown = _page_login(client, "no-such-user", "Wrong#password1").content.decode()
        assert ("用户名或密码" in known) == ("用户名或密码" in unknown)
        assert "不存在" not in unknown

    def test_the_lockout_holds_from_another_address(self, client, users):
        office = users["office"]
        for i in range(5):
            client.post(
                reverse("login"), {"username": office.username, "password": "Wrong#1234567"}, REMOTE_ADDR=f"10.9.0.{i}"
            )
        response = client.post(
            reverse("login"), {"username": office.username, "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
        )
        assert response.status_code == 403
        assert SESSION_KEY not in client.session


class TestSessionCookieAndExpiry:
    def test_the_session_cookie_is_http_only_and_same_site(self, client, users):
        response = _page_login(client, users["office"].username, PASSWORD)
        cookie = response.cookies["sessionid"]
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"

    def test_an_idle_session_is_over_after_the_timeout(self, client, users):
        from datetime import timedelta

        from django.contrib.sessions.models import Session
        from django.utils import timezone

        _page_login(client, users["office"].username, PASSWORD)
        assert client.get("/").status_code == 200
        key = client.session.session_key
        Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")

    def test_the_idle_timeout_cannot_be_set_out_of_bounds(self, api, users):
        client = api(users["secadmin"])
        current = client.get("/api/v1/security-settings/").json()
        for minutes in (0, 100000):
            data = {**current, "session_idle_minutes": minutes}
            response = client.put("/api/v1/security-settings/", data, format="json")
            assert response.status_code == 400
        assert client.get("/api/v1/security-settings/").json() == current
