"""Notification channels: mail and webhook behind one interface, each message delivered once; the inbox API."""

from __future__ import annotations

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.management import call_command

from luzhi.core.models import Notification
from luzhi.scoring.models import NotificationDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def messages(users):
    users["member"].email = "member@example.com"
    users["member"].save()
    return [
        Notification.objects.create(
            user=users["member"], kind="invite", title="请参加全体会议", body="3月1日", key="a"
        ),
        Notification.objects.create(user=users["office"], kind="appeal", title="新的积分申诉", key="b"),
    ]


class _Hook(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers["Content-Length"])
        _Hook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(_Hook.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook():
    _Hook.received, _Hook.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/robot"
    server.shutdown()


def _run() -> str:
    out = io.StringIO()
    call_command("send_notifications", stdout=out)
    return out.getvalue()


def test_nothing_is_sent_while_no_channel_is_on(messages, settings):
    assert "没有启用的发送渠道" in _run()
    assert not mail.outbox and not NotificationDelivery.objects.exists()


def test_mail_goes_once_to_users_with_an_address(messages, settings):
    settings.LUZHI_NOTIFY_EMAIL = True
    assert "mail: 发送 1，跳过 1" in _run()
    assert [m.to for m in mail.outbox] == [["member@example.com"]] and mail.outbox[0].subject == "请参加全体会议"
    messages[0].refresh_from_db()
    assert messages[0].emailed_at is not None
    _run()
    assert len(mail.outbox) == 1


def test_the_webhook_gets_each_message_once_as_json(messages, settings, hook):
    settings.LUZHI_NOTIFY_WEBHOOK_URL = hook
    _run()
    _run()
    assert len(_Hook.received) == 2
    first = _Hook.received[0]
    assert first["msgtype"] == "text" and first["text"]["content"] == "请参加全体会议\n3月1日"
    assert first["luzhi"]["kind"] == "invite" and first["luzhi"]["id"] == messages[0].pk


def test_a_failed_webhook_is_retried_later_not_lost(messages, settings, hook):
    settings.LUZHI_NOTIFY_WEBHOOK_URL = hook
    _Hook.status = 500
    assert "失败 2" in _run()
    assert not NotificationDelivery.objects.exists()
    _Hook.status = 200
    assert "发送 2" in _run()
    assert NotificationDelivery.objects.filter(channel="webhook").count() == 2


def test_both_channels_deliver_independently(messages, settings, hook):
    settings.LUZHI_NOTIFY_EMAIL = True
    settings.LUZHI_NOTIFY_WEBHOOK_URL = hook
    _run()
    assert len(mail.outbox) == 1 and len(_Hook.received) == 2
    assert NotificationDelivery.objects.count() == 4


def test_the_inbox_api_lists_only_own_messages_and_marks_read(api, users, messages):
    client = api(users["member"])
    body = client.get("/api/v1/notifications/").json()
    assert [n["title"] for n in body["results"]] == ["请参加全体会议"]
    other = messages[1]
    assert client.get(f"/api/v1/notifications/{other.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{other.pk}/read/").status_code == 404
    response = client.post(f"/api/v1/notifications/{messages[0].pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"]
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 0
    assert api(users["office"]).post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert api(None).get("/api/v1/notifications/").status_code == 401


def test_the_inbox_list_runs_a_fixed_number_of_queries(api, users, django_assert_num_queries):
    client = api(users["member"])
    for i in range(3):
        Notification.objects.create(user=users["member"], kind="x", title=f"消息{i}", key=f"k{i}")
    with django_assert_num_queries(2):
        client.get("/api/v1/notifications/")
    for i in range(3, 30):
        Notification.objects.create(user=users["member"], kind="x", title=f"消息{i}", key=f"k{i}")
    with django_assert_num_queries(2):
        client.get("/api/v1/notifications/")
