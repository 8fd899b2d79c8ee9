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
