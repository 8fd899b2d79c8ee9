"""Pages: the inbox and one's settings for everyone; group channels and delivery records for the office."""

from __future__ import annotations

import pytest
from django.test import Client

from luzhi.notifications.models import Delivery, GroupChannel, Notification, NotificationSettings
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    return verified_login(Client(), user)


def test_the_inbox_shows_only_own_messages_and_marks_read(users):
    mine = Notification.objects.create(
        user=users["member"], kind="x", title="请参加全体会议", key="k1", link="/scoring/mine/"
    )
    Notification.objects.create(user=users["office"], kind="x", title="别人的消息", key="k1")
    client = _client(users["member"])
    html = client.get("/notifications/").content.decode()
    assert "请参加全体会议" in html and "别人的消息" not in html
    response = client.post(f"/notifications/{mine.pk}/read/", {"next": "1"})
    assert response["Location"] == "/scoring/mine/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "请参加全体会议" not in client.get("/notifications/?read=false").content.decode()
    other = Notification.objects.get(user=users["office"])
    assert client.post(f"/notifications/{other.pk}/read/").status_code == 404
    assert client.post("/notifications/read-all/").status_code == 302
    other.refresh_from_db()
    assert other.read_at is None


def test_the_settings_page_saves_ones_own_choice(users):
    client = _client(users["member"])
    assert "每日汇总" in client.get("/notifications/settings/").content.decode()
    response = client.post("/notifications/settings/", {"email": "on", "wecom": "on", "digest": "daily"})
    assert response.status_code == 302
    prefs = NotificationSettings.objects.get(user=users["member"])
    assert (prefs.sms, prefs.email, prefs.dingtalk, prefs.digest) == (False, True, False, "daily")
    bad = client.post("/notifications/settings/", {"digest": "hourly"})
    assert bad.status_code == 200 and "发送方式的选项无效" in bad.content.decode()
    assert NotificationSettings.objects.get(user=users["member"]).digest == "daily"


def test_the_office_adds_a_group_channel_and_bad_input_is_explained(users):
    client = _client(users["office"])
    bad = client.post(
        "/notifications/channels/", {"kind": "webhook", "url": "ftp://x.test/h", "events": ["notice_published"]}
    )
    assert bad.status_code == 200 and "http:// 或 https://" in bad.content.decode()
    assert not GroupChannel.objects.exists()
    good = client.post(
        "/notifications/channels/",
        {
            "kind": "wecom_robot",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            "events": ["notice_published"],
            "active": "on",
        },
    )
    assert good.status_code == 302
    channel = GroupChannel.objects.get()
    assert channel.committee == users["office"].committee and channel.events == ["notice_published"]
    assert "通知公告" in client.get("/notifications/channels/").content.decode()
    edit = client.post(
        f"/notifications/channels/{channel.pk}/",
        {"kind": "wecom_robot", "url": channel.url, "events": ["agenda_changed"], "version": channel.version},
    )
    assert edit.status_code == 302
    channel.refresh_from_db()
    assert channel.events == ["agenda_changed"] and channel.active is False
    assert client.post(f"/notifications/channels/{channel.pk}/", {"delete": "1"}).status_code == 302
    assert not GroupChannel.objects.exists()


@pytest.mark.parametrize("role", ["member", "unit", "leader", "sysadmin"])
def test_channels_and_deliveries_are_the_offices(users, role):
    client = _client(users[role])
    assert client.get("/notifications/channels/").status_code == 403
    assert client.get("/notifications/deliveries/").status_code == 403
    assert client.get("/notifications/").status_code == 200


def test_the_delivery_page_shows_the_committees_own_failures(users, other_committee):
    Delivery.objects.create(
        committee=users["office"].committee,
        channel="wecom_robot",
        key="a",
        kind="notice_published",
        title="本会通知",
        status="failed",
        attempts=4,
        error="钉钉群机器人返回错误 310000：sign not match",
    )
    Delivery.objects.create(committee=other_committee, channel="sms", key="b", kind="x", title="他会消息")
    html = _client(users["office"]).get("/notifications/deliveries/?status=failed").content.decode()
    assert "本会通知" in html and "310000" in html and "重新发送" in html and "他会消息" not in html
    theirs = Delivery.objects.get(key="b")
    assert _client(users["office"]).post(f"/notifications/deliveries/{theirs.pk}/retry/").status_code == 404
