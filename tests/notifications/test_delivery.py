"""Each person's own channels: SMS, e-mail, 企业微信 and 钉钉 messages, retries with backoff, the daily digest."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from luzhi.notifications import dispatch
from luzhi.notifications.models import Delivery, Notification, NotificationSettings
from luzhi.notifications.services import notify

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """send(users, key=…, title=…) — notify as a committed service would."""

    def run(users, key="k1", title="请参加全体会议", body="3月1日上午9时"):
        with django_capture_on_commit_callbacks(execute=True):
            notify(users=users, kind="activity_invited", title=title, body=body, link="/activities/1/", key=key)

    return run


def test_an_sms_goes_to_the_members_own_phone_once(users, send, sms_outbox):
    member = users["member"]
    send([member, users["office"]])
    assert dispatch.sweep()["sent"] == 1
    assert [m["to"] for m in sms_outbox] == [member.member.phone]
    assert "请参加全体会议" in sms_outbox[0]["text"] and "3月1日上午9时" in sms_outbox[0]["text"]
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts, delivery.target) == (
        "sms",
        "sent",
        1,
        member.member.phone,
    )
    assert delivery.user == member and delivery.committee_id == member.committee_id and delivery.sent_at
    send([member])  # the same key again: nothing new
    dispatch.sweep()
    assert len(sms_outbox) == 1 and Delivery.objects.count() == 1
    assert Notification.objects.filter(key="k1").count() == 2  # both have it in their inbox


def test_a_channel_the_person_switched_off_is_not_used(users, send, sms_outbox):
    NotificationSettings.objects.create(user=users["member"], sms=False)
    send([users["member"]])
    assert dispatch.sweep()["sent"] == 0
    assert not sms_outbox and not Delivery.objects.exists()
    assert Notification.objects.filter(user=users["member"]).count() == 1  # the inbox is always on


def test_no_sms_when_the_deployment_switches_sms_off(users, send, sms_outbox, settings):
    settings.LUZHI_NOTIFY_SMS = "0"
    send([users["member"]])
    assert not Delivery.objects.exists()


def test_email_goes_when_switched_on_to_accounts_with_an_address(users, send, settings, sms_outbox):
    settings.LUZHI_NOTIFY_EMAIL = "1"
    users["office"].email = "office@example.com"
    users["office"].save()
    send([users["office"], users["unit"]])
    dispatch.sweep()
    assert [m.to for m in mail.outbox] == [["office@example.com"]]
    assert mail.outbox[0].subject == "请参加全体会议"
    assert Delivery.objects.get(channel="email").status == "sent"


def test_a_wecom_application_message_goes_to_the_members_wecom_account(users, send, im, settings):
    settings.LUZHI_NOTIFY_SMS = "0"
    member = users["member"].member
    member.wecom_userid = "ZhangSan"
    member.save()
    send([users["member"], users["leader"]])  # the leader has no 企业微信 account
    send([users["member"]], key="k2", title="第二条")
    assert dispatch.sweep()["sent"] == 2
    assert len(im.calls("/cgi-bin/gettoken")) == 1  # the token is kept
    assert im.calls("/cgi-bin/gettoken")[0]["query"] == {"corpid": ["corp"], "corpsecret": ["secret"]}
    sent = im.calls("/cgi-bin/message/send")
    assert [c["json"]["touser"] for c in sent] == ["ZhangSan", "ZhangSan"]
    assert sent[0]["query"]["access_token"] == ["TOKEN"]
    assert sent[0]["json"]["agentid"] == 1000002 and sent[0]["json"]["msgtype"] == "text"
    assert "请参加全体会议" in sent[0]["json"]["text"]["content"]


def test_a_dingtalk_work_notice_goes_to_the_members_dingtalk_account(users, send, im, settings):
    settings.LUZHI_NOTIFY_SMS = "0"
    member = users["member"].member
    member.dingtalk_userid = "manager4220"
    member.save()
    send([users["member"]])
    dispatch.sweep()
    (call,) = im.calls("/topapi/message/corpconversation/asyncsend_v2")
    assert call["json"]["userid_list"] == "manager4220" and call["json"]["agent_id"] == 2000003
    assert call["query"]["access_token"] == ["TOKEN"]
    assert im.calls("/gettoken")[0]["query"] == {"appkey": ["key"], "appsecret": ["secret"]}
    assert Delivery.objects.get().status == "sent"


def test_a_provider_error_is_recorded_and_retried_with_backoff_then_failed(users, send, im, settings, api):
    settings.LUZHI_NOTIFY_SMS = "0"
    member = users["member"].member
    member.wecom_userid = "nobody"
    member.save()
    im.answers["/cgi-bin/message/send"] = {"errcode": 60111, "errmsg": "invalid string value `nobody`"}
    send([users["member"]])
    start = timezone.now()
    assert dispatch.deliver_due(now=start) == {"sent": 0, "retry": 1, "failed": 0, "skipped": 0}
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1 and "60111" in delivery.error
    assert delivery.next_attempt_at == start + timedelta(seconds=30)
    assert dispatch.deliver_due(now=start + timedelta(seconds=10))["retry"] == 0  # not yet
    later = start
    for expected in (2, 3, 4):
        later = Delivery.objects.get().next_attempt_at
        dispatch.deliver_due(now=later)
        assert Delivery.objects.get().attempts == expected
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.next_attempt_at is None
    assert len(im.calls("/cgi-bin/message/send")) == 4
    body = api(users["office"]).get("/api/v1/notification-deliveries/?status=failed").json()
    assert [(r["channel"], r["target"], r["attempts"]) for r in body["results"]] == [("wecom", "nobody", 4)]
    assert "60111" in body["results"][0]["error"]
    # The office sends it again once the account is fixed.
    im.answers.clear()
    retry = api(users["office"]).post(f"/api/v1/notification-deliveries/{delivery.pk}/retry/")
    assert retry.status_code == 200 and retry.json()["status"] == "pending"
    dispatch.sweep()
    assert Delivery.objects.get().status == "sent"
    assert api(users["office"]).post(f"/api/v1/notification-deliveries/{delivery.pk}/retry/").status_code == 409


def test_an_unreachable_provider_is_a_recorded_failure_not_an_error(users, send, settings):
    settings.LUZHI_NOTIFY_SMS = "0"
    settings.LUZHI_WECOM_CORP_ID, settings.LUZHI_WECOM_SECRET, settings.LUZHI_WECOM_AGENT_ID = "c", "s", "1"
    settings.LUZHI_WECOM_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    member = users["member"].member
    member.wecom_userid = "u1"
    member.save()
    send([users["member"]])
    assert dispatch.sweep()["retry"] == 1
    assert "无法连接" in Delivery.objects.get().error


def test_the_daily_digest_sends_one_message_per_channel_and_day(users, send, sms_outbox):
    member = users["member"]
    NotificationSettings.objects.create(user=member, digest="daily")
    send([member], key="a", title="邀请您参加：全体会议")
    send([member], key="b", title="您的提案已答复，请评价")
    send([users["leader"]], key="a", title="邀请您参加：全体会议")  # instant
    assert Notification.objects.filter(user=member).count() == 2  # in-app stays instant
    assert dispatch.sweep()["sent"] == 1  # only the leader's
    assert Delivery.objects.filter(user=member, status="held").count() == 2
    today = timezone.localdate()
    before = datetime(today.year, today.month, today.day, 17, 59, tzinfo=SHANGHAI) + timedelta(days=1)
    after = before + timedelta(minutes=31)
    assert dispatch.digest_due(now=before) == 0 or Delivery.objects.filter(status="held").count() == 0
    assert dispatch.digest_due(now=after) == 1
    assert dispatch.digest_due(now=after) == 0  # once
    dispatch.deliver_due(now=after)
    digest_sms = [m for m in sms_outbox if m["to"] == member.member.phone]
    assert len(digest_sms) == 1
    assert "（2条）" in digest_sms[0]["text"] and "您的提案已答复，请评价" in digest_sms[0]["text"]
    assert set(Delivery.objects.filter(user=member, kind="activity_invited").values_list("status", flat=True)) == {
        "digested"
    }


def test_choosing_instant_again_releases_what_was_held(users, send, sms_outbox, api):
    member = users["member"]
    client = api(member)
    assert (
        client.put("/api/v1/me/notification-settings/", {**_prefs(), "digest": "daily"}, format="json").status_code
        == 200
    )
    send([member])
    assert Delivery.objects.get().status == "held"
    assert client.put("/api/v1/me/notification-settings/", _prefs(), format="json").status_code == 200
    dispatch.sweep()
    assert len(sms_outbox) == 1


def _prefs():
    return {"sms": True, "email": True, "wecom": True, "dingtalk": True, "digest": "instant"}


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_the_web_process_sends_within_seconds(users, settings, sms_outbox):
    """`make run` alone: the commit wakes a background thread in the process."""
    settings.LUZHI_NOTIFY_DISPATCH = "thread"
    settings.LUZHI_NOTIFY_DEBOUNCE_SECONDS = 0.05
    notify(users=[users["member"]], kind="x", title="后台发送", key="bg")  # autocommit: on_commit runs at once
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not sms_outbox:
        time.sleep(0.05)
    assert [m["to"] for m in sms_outbox] == [users["member"].member.phone]
    while time.monotonic() < deadline and Delivery.objects.get().status != "sent":
        time.sleep(0.05)
    assert Delivery.objects.get().status == "sent"


def test_the_send_command_reports_what_it_did(users, send, sms_outbox):
    from io import StringIO

    from django.core.management import call_command

    send([users["member"]])
    out = StringIO()
    call_command("send_notifications", stdout=out)
    assert out.getvalue().startswith("发送 1，") and len(sms_outbox) == 1


def test_with_celery_on_new_deliveries_are_queued_to_the_worker(users, send, settings, monkeypatch, sms_outbox):
    from luzhi.core import jobs

    queued = []
    settings.LUZHI_CELERY = True
    monkeypatch.setattr(jobs, "run", lambda name, **kwargs: queued.append(name))
    send([users["member"]])
    assert queued == ["send_notifications"] and not sms_outbox
