"""The inbox, one's own settings, a committee's group channels and the delivery records over the API."""

from __future__ import annotations

import pytest

from luzhi.notifications.models import Delivery, GroupChannel, Notification, NotificationSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def messages(users):
    member, office = users["member"], users["office"]
    first = Notification.objects.create(user=member, kind="activity_invited", title="请参加全体会议", key="a")
    second = Notification.objects.create(user=member, kind="proposal_replied", title="提案已答复", key="b")
    theirs = Notification.objects.create(user=office, kind="score_appeal", title="新的积分申诉", key="a")
    return first, second, theirs


def test_the_inbox_lists_only_own_messages_newest_first(api, users, messages):
    first, second, theirs = messages
    body = api(users["member"]).get("/api/v1/notifications/").json()
    assert body["count"] == 2
    assert [n["id"] for n in body["results"]] == [second.pk, first.pk]
    assert set(body["results"][0]) >= {"id", "kind", "title", "body", "link", "read", "created_at"}
    assert body["results"][0]["read"] is False


def test_marking_read_and_the_read_filter(api, users, messages):
    first, second, theirs = messages
    client = api(users["member"])
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    response = client.post(f"/api/v1/notifications/{first.pk}/read/")
    assert response.status_code == 200 and response.json()["read"] is True
    assert [n["id"] for n in client.get("/api/v1/notifications/?read=false").json()["results"]] == [second.pk]
    assert [n["id"] for n in client.get("/api/v1/notifications/?read=true").json()["results"]] == [first.pk]
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 1
    assert client.get("/api/v1/notifications/?read=maybe").status_code == 400
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert api(None).get("/api/v1/notifications/").status_code == 401


def test_the_inbox_costs_the_same_for_few_and_many(api, users, django_assert_num_queries):
    client = api(users["member"])
    Notification.objects.create(user=users["member"], kind="x", title="消息", key="k0")
    with django_assert_num_queries(2):
        client.get("/api/v1/notifications/")
    Notification.objects.bulk_create(
        [Notification(user=users["member"], kind="x", title=f"消息{i}", key=f"k{i}") for i in range(1, 40)]
    )
    with django_assert_num_queries(2):
        client.get("/api/v1/notifications/")


def test_own_settings_have_defaults_and_are_saved(api, users):
    client = api(users["member"])
    assert client.get("/api/v1/me/notification-settings/").json() == {
        "sms": True,
        "email": True,
        "wecom": True,
        "dingtalk": True,
        "digest": "instant",
    }
    new = {"sms": False, "email": True, "wecom": True, "dingtalk": False, "digest": "daily"}
    assert client.put("/api/v1/me/notification-settings/", new, format="json").json() == new
    assert client.get("/api/v1/me/notification-settings/").json() == new
    assert api(users["office"]).get("/api/v1/me/notification-settings/").json()["sms"] is True  # not the member's
    assert api(None).get("/api/v1/me/notification-settings/").status_code == 401


def test_bad_settings_are_refused_and_nothing_is_saved(api, users):
    client = api(users["member"])
    bad = {"sms": True, "email": True, "wecom": True, "dingtalk": True, "digest": "hourly"}
    response = client.put("/api/v1/me/notification-settings/", bad, format="json")
    assert response.status_code == 400 and "digest" in response.json()
    missing = client.put("/api/v1/me/notification-settings/", {"sms": False}, format="json")
    assert missing.status_code == 400
    assert not NotificationSettings.objects.exists()


CHANNEL = {"kind": "dingtalk_robot", "url": "https://oapi.dingtalk.com/robot/send?access_token=abc", "secret": "SEC"}


def test_the_office_keeps_its_committees_group_channels(api, users):
    client = api(users["office"])
    response = client.post("/api/v1/channels/", {**CHANNEL, "events": ["notice_published"]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["committee"] == users["office"].committee_id and body["has_secret"] is True
    assert "secret" not in body and body["events"] == ["notice_published"]
    pk = body["id"]
    changed = client.patch(f"/api/v1/channels/{pk}/", {"events": ["agenda_changed", "notice_published"]}, format="json")
    assert changed.status_code == 200 and changed.json()["events"] == ["agenda_changed", "notice_published"]
    assert GroupChannel.objects.get().secret == "SEC"  # kept when not sent
    assert client.get("/api/v1/channels/").json()["count"] == 1
    assert client.delete(f"/api/v1/channels/{pk}/").status_code == 204
    assert not GroupChannel.objects.exists()


@pytest.mark.parametrize("role", ["member", "leader", "unit", "committee_staff", "sysadmin", "auditor"])
def test_only_the_office_sees_or_sets_group_channels(api, users, role):
    client = api(users[role])
    assert client.get("/api/v1/channels/").status_code == 403
    assert (
        client.post("/api/v1/channels/", {**CHANNEL, "events": ["notice_published"]}, format="json").status_code == 403
    )
    assert client.get("/api/v1/notification-deliveries/").status_code == 403


def test_another_committees_channel_is_not_found(api, users, other_committee, make_user):
    theirs = GroupChannel.objects.create(
        committee=other_committee, kind="webhook", url="https://x.test/h", events=["notice_published"]
    )
    client = api(users["office"])
    assert client.get(f"/api/v1/channels/{theirs.pk}/").status_code == 404
    assert client.patch(f"/api/v1/channels/{theirs.pk}/", {"active": False}, format="json").status_code == 404
    assert client.get("/api/v1/channels/").json()["count"] == 0


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"url": "ftp://example.com/hook"}, "url", "http"),
        ({"url": "javascript:alert(1)"}, "url", "http"),
        ({"url": "http://[::1"}, "url", "http"),
        ({"events": ["proposal_replied"]}, "events", "未知的事件类别"),
        ({"events": []}, "events", "至少"),
        ({"events": "notice_published"}, "events", "列表"),
        ({"kind": "telegram"}, "kind", ""),
    ],
)
def test_bad_channels_are_refused_in_chinese_and_nothing_is_saved(api, users, data, field, words):
    body = {**CHANNEL, "events": ["notice_published"], **data}
    response = api(users["office"]).post("/api/v1/channels/", body, format="json")
    assert response.status_code == 400
    assert field in response.json() and words in str(response.json()[field])
    assert not GroupChannel.objects.exists()


def test_the_delivery_records_are_the_offices_own_committees(api, users, other_committee, make_user):
    mine = Delivery.objects.create(
        committee=users["office"].committee, channel="sms", key="a", kind="x", title="本会", target="13800000000"
    )
    Delivery.objects.create(committee=other_committee, channel="sms", key="b", kind="x", title="他会")
    client = api(users["office"])
    body = client.get("/api/v1/notification-deliveries/").json()
    assert [r["id"] for r in body["results"]] == [mine.pk]
    assert client.get("/api/v1/notification-deliveries/?status=bogus").status_code == 400
    assert client.get("/api/v1/notification-deliveries/?channel=sms").json()["count"] == 1
    other = Delivery.objects.get(key="b")
    assert client.post(f"/api/v1/notification-deliveries/{other.pk}/retry/").status_code == 404
