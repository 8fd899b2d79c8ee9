"""The client's address behind a trusted proxy, and the rate limit of the token endpoint."""

import ipaddress

import pytest
from django.test import RequestFactory

from luzhi.core.clientip import client_ip
from luzhi.core.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
PROXY = "10.0.0.5"


@pytest.fixture
def behind_nginx(settings):
    settings.LUZHI_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("::1/128")]


def _request(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


class TestClientIp:
    def test_without_trusted_proxies_the_peer_is_the_client(self, settings):
        settings.LUZHI_TRUSTED_PROXIES = []
        assert client_ip(_request("203.0.113.7", "1.2.3.4")) == "203.0.113.7"

    def test_a_forged_header_from_an_untrusted_peer_is_ignored(self, behind_nginx):
        assert client_ip(_request("203.0.113.7", "1.2.3.4")) == "203.0.113.7"

    def test_behind_a_trusted_proxy_the_forwarded_client_counts(self, behind_nginx):
        assert client_ip(_request(PROXY, "198.51.100.20")) == "198.51.100.20"

    def test_the_rightmost_untrusted_hop_wins_over_what_the_client_wrote(self, behind_nginx):
        # The client sent "X-Forwarded-For: 1.2.3.4"; nginx appended the real peer.
        assert client_ip(_request(PROXY, "1.2.3.4, 198.51.100.20")) == "198.51.100.20"
        # Two proxies of ours in a row are skipped.
        assert client_ip(_request(PROXY, "1.2.3.4, 198.51.100.20, 10.0.0.9")) == "198.51.100.20"

    def test_garbage_in_the_header_stops_at_the_last_trusted_hop(self, behind_nginx):
        assert client_ip(_request(PROXY, "<script>, 10.0.0.9")) == "10.0.0.9"
        assert client_ip(_request(PROXY, "")) == PROXY
        assert client_ip(_request(PROXY)) == PROXY

    def test_ipv6_and_ports(self, behind_nginx):
        assert client_ip(_request("::1", "[2001:db8::1]:4711")) == "2001:db8::1"
        assert client_ip(_request(PROXY, "198.51.100.20:5555")) == "198.51.100.20"

    def test_no_request_or_no_peer(self):
        assert client_ip(None) is None
        assert client_ip(_request("")) is None


class TestAuditAndLockoutUseTheClient:
    def test_the_audit_log_records_the_forwarded_client_only_from_a_trusted_proxy(self, client, users, behind_nginx):
        data = {"username": users["office"].username, "password": "Wrong#password1"}
        client.post("/login/", data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20")
        client.post("/login/", data, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.99")
        failed = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).order_by("pk")
        ips = list(failed.values_list("ip", flat=True))
        assert ips == ["198.51.100.20", "203.0.113.7"]

    def test_axes_records_the_same_address(self, client, users, behind_nginx):
        from axes.models import AccessAttempt

        client.post(
            "/login/",
            {"username": users["office"].username, "password": "Wrong#password1"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.20",
        )
        assert AccessAttempt.objects.get().ip_address == "198.51.100.20"


class TestTokenThrottle:
    def _post(self, client, username, **extra):
        return client.post(TOKEN, {"username": username, "password": "Wrong#pass12"}, format="json", **extra)

    def test_the_eleventh_request_in_a_minute_is_refused_in_chinese(self, api, users):
        client = api(None)
        # Different usernames: the per-account lockout (five failures) does not interfere.
        for i in range(10):
            assert self._post(client, f"nobody{i}").status_code == 400
        refused = self._post(client, "nobody-else")
        assert refused.status_code == 429
        assert "请求过于频繁" in refused.json()["detail"]
        assert int(refused["Retry-After"]) > 0
        # Even the right password is refused until the minute is over, and no token is issued.
        good = client.post(TOKEN, {"username": users["office"].username, "password": PASSWORD}, format="json")
        assert good.status_code == 429
        assert "token" not in good.json()

    def test_the_limit_is_per_client_address(self, api, users):
        client = api(None)
        for i in range(10):
            self._post(client, f"nobody{i}", REMOTE_ADDR="203.0.113.7")
        assert self._post(client, "x", REMOTE_ADDR="203.0.113.7").status_code == 429
        good = {"username": users["office"].username, "password": PASSWORD}
        response = client.post(TOKEN, good, format="json", REMOTE_ADDR="203.0.113.8")
        assert response.status_code == 200

    def test_behind_nginx_clients_are_counted_apart_but_forging_does_not_escape(self, api, behind_nginx):
        client = api(None)
        for i in range(10):
            self._post(client, f"n{i}", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"1.1.1.{i}, 198.51.100.20")
        # Same real client, a new forged left part: still limited.
        forged = self._post(client, "n", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.20")
        assert forged.status_code == 429
        # Another client behind the same proxy is not.
        assert self._post(client, "n", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.21").status_code == 400

    def test_an_untrusted_peer_cannot_dodge_the_limit_with_the_header(self, api, behind_nginx):
        client = api(None)
        for i in range(10):
            self._post(client, f"n{i}", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
        dodged = self._post(client, "n", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.77")
        assert dodged.status_code == 429

    def test_other_endpoints_are_not_limited_by_it(self, api, users):
        client = api(users["office"])
        for _ in range(12):
            assert client.get("/api/v1/me/").status_code == 200


class TestHallLogins:
    """A hall of members behind one network address: successful logins are never throttled (API.md "Meetings")."""

    def test_many_successful_logins_from_one_address(self, api, make_user, committee):
        client = api(None)
        people = [make_user("member", committee) for _ in range(25)]
        for user in people:
            r = client.post(TOKEN, {"username": user.username, "password": PASSWORD}, format="json")
            assert r.status_code == 200, r.json()

    def test_only_failures_count_and_success_in_between_does_not_reset_them(self, api, make_user, committee):
        client = api(None)
        good = make_user("member", committee)
        for i in range(10):
            wrong = client.post(TOKEN, {"username": f"nobody{i}", "password": "Wrong#pass12"}, format="json")
            assert wrong.status_code == 400
            if i < 9:
                ok = client.post(TOKEN, {"username": good.username, "password": PASSWORD}, format="json")
                assert ok.status_code == 200
        # The budget of failures is spent: the address is refused before any check.
        refused = client.post(TOKEN, {"username": good.username, "password": PASSWORD}, format="json")
        assert refused.status_code == 429
