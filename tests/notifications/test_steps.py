"""Every step that waits on a person notifies exactly that person (and nobody else); committee news goes to groups."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from luzhi.activities import services as activities
from luzhi.activities.models import Activity, Attendance
from luzhi.notifications.jobs import activity_reminders
from luzhi.notifications.models import Delivery, GroupChannel, Notification
from luzhi.opinions.models import GrassrootsRecord
from luzhi.opinions.services import grassroots_remind
from luzhi.participation import services as participation
from luzhi.participation.models import SelfReport
from tests.participation.factories import SelfReportFactory
from tests.proposals.conftest import _fresh_similarity, case, people  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def recipients(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """commit() — run what the services left for after commit (as a request's commit would)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def invitees(committee, make_user):
    return [make_user("member", committee) for _ in range(3)]


def _schedule(office, committee, members, start=None):
    start = start or timezone.localdate() + dt.timedelta(days=10)
    data = {"kind": Activity.Kind.PARTY_GROUP, "title": "全体委员会议", "start": start, "end": start}
    return activities.activity_schedule(actor=office, committee=committee, data=data, participants=members)


def test_an_invitation_notifies_the_invited_members_only(users, committee, invitees, commit):
    invited = [u.member for u in invitees[:2]]
    with commit():
        activity = _schedule(users["office"], committee, invited)
    assert recipients("activity_invited") == {invitees[0].pk, invitees[1].pk}
    note = Notification.objects.filter(kind="activity_invited").first()
    assert note.link == f"/activities/{activity.pk}/" and "全体委员会议" in note.title
    day = activity.start
    assert f"时间：{day.year}年{day.month}月{day.day}日。" in note.body  # the pages' style, not 2026-12-13
    with commit():
        activities.activity_invite(actor=users["office"], activity=activity, members=[invitees[2].member])
    assert recipients("activity_invited") == {u.pk for u in invitees}
    assert Notification.objects.filter(kind="activity_invited").count() == 3  # nobody twice


def test_the_day_before_invited_members_not_on_leave_are_reminded(users, committee, invitees, commit):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with commit():
        activity = _schedule(users["office"], committee, [u.member for u in invitees], start=tomorrow)
        _schedule(users["office"], committee, [invitees[0].member])  # in ten days: not yet
    Attendance.objects.filter(activity=activity, member=invitees[2].member).update(status="leave")
    with commit():
        assert activity_reminders() == 1
    assert recipients("activity_reminder") == {invitees[0].pk, invitees[1].pk}
    with commit():
        activity_reminders()
    assert Notification.objects.filter(kind="activity_reminder").count() == 2  # once a day


def test_a_proposal_assigned_notifies_its_units_users_only(people, case, commit):  # noqa: F811
    with commit():
        case("assigned")
    assert recipients("proposal_assigned") == {people.unit.pk, people.co_unit.pk}


def test_a_reply_waits_for_the_proposers_rating(people, case, commit):  # noqa: F811
    with commit():
        case("replied")
    assert recipients("proposal_replied") == {people.lead.pk}


def test_a_grassroots_record_about_to_fall_due_notifies_its_member(users, committee, make_user, commit):
    other = make_user("member", committee)
    GrassrootsRecord.objects.create(
        committee=committee,
        member=users["member"].member,
        citizen="张大爷",
        demand="村口路灯坏了",
        due_date=timezone.localdate() + dt.timedelta(days=2),
    )
    GrassrootsRecord.objects.create(
        committee=committee,
        member=other.member,
        citizen="李大妈",
        demand="小区积水",
        due_date=timezone.localdate() + dt.timedelta(days=20),
    )
    with commit():
        grassroots_remind(within_days=3)
    assert recipients("grassroots_due") == {users["member"].pk}


@pytest.mark.parametrize("decision", ["verify", "return"])
def test_a_self_report_verified_or_returned_notifies_its_member(users, committee, make_user, commit, decision):
    make_user("member", committee)  # another member, who hears nothing
    report = SelfReportFactory(member=users["member"].member)
    with commit():
        if decision == "verify":
            participation.self_report_verify(actor=users["office"], report=report)
        else:
            participation.self_report_return(actor=users["office"], report=report, reason="请补充照片")
    kind = "self_report_verified" if decision == "verify" else "self_report_returned"
    assert recipients(kind) == {users["member"].pk}
    assert SelfReport.objects.get().status != "pending"


def test_group_channels_of_two_committees_receive_only_their_own(
    users, committee, other_committee, make_user, commit, provider
):
    from luzhi.notifications import dispatch

    GroupChannel.objects.create(
        committee=committee, kind="wecom_robot", url=f"{provider.url}/ours", events=["notice_published"]
    )
    GroupChannel.objects.create(
        committee=other_committee,
        kind="dingtalk_robot",
        url=f"{provider.url}/theirs?access_token=t",
        secret="SEC",
        events=["notice_published", "activity_scheduled"],
    )
    their_office = make_user("office", other_committee)
    make_user("member", other_committee)
    with commit():
        participation.notice_publish(
            actor=users["office"], committee=committee, title="关于召开全会的通知", body="正文"
        )
        _schedule(users["office"], committee, [users["member"].member])  # ours carries no activity news
    dispatch.sweep()
    ours = provider.calls("/ours")
    assert len(ours) == 1 and "关于召开全会的通知" in ours[0]["json"]["text"]["content"]
    assert provider.calls("/theirs") == []
    with commit():
        _schedule(their_office, other_committee, [])
    dispatch.sweep()
    (theirs,) = provider.calls("/theirs")
    assert "全体委员会议" in theirs["json"]["text"]["content"]
    assert set(theirs["query"]) == {"access_token", "timestamp", "sign"}  # 钉钉 加签
    assert len(provider.calls("/ours")) == 1
    # Nothing meant for one person went to any group: every group delivery is committee news.
    assert set(Delivery.objects.filter(group_channel__isnull=False).values_list("kind", flat=True)) == {
        "notice_published",
        "activity_scheduled",
    }


def test_a_robot_that_answers_an_error_is_a_failed_delivery_its_office_sees(users, committee, api, commit, provider):
    from luzhi.notifications import dispatch

    GroupChannel.objects.create(
        committee=committee, kind="dingtalk_robot", url=f"{provider.url}/robot", events=["notice_published"]
    )
    provider.answers["/robot"] = {"errcode": 310000, "errmsg": "sign not match"}
    with commit():
        participation.notice_publish(actor=users["office"], committee=committee, title="通知", body="正文")
    start = timezone.now()
    for minutes in (0, 1, 5, 20):
        dispatch.deliver_due(now=start + dt.timedelta(minutes=minutes))
    delivery = Delivery.objects.get(channel="dingtalk_robot")
    assert delivery.status == "failed" and "310000" in delivery.error and delivery.attempts == 4
    rows = api(users["office"]).get("/api/v1/notification-deliveries/?status=failed").json()["results"]
    assert [r["id"] for r in rows] == [delivery.pk] and "sign not match" in rows[0]["error"]


def test_broadcast_takes_committee_events_only(committee):
    from luzhi.notifications.services import broadcast

    with pytest.raises(ValueError):
        broadcast(committee=committee, kind="score_appeal_decided", title="x", key="k")


def test_the_dingtalk_signature_is_hmac_sha256_of_timestamp_and_secret():
    import base64
    import hashlib
    import hmac
    from urllib.parse import parse_qs, urlsplit

    from luzhi.notifications.channels import dingtalk_signed

    url = dingtalk_signed("https://oapi.dingtalk.com/robot/send?access_token=abc", "SEC123", now_ms=1700000000000)
    query = parse_qs(urlsplit(url).query)
    expected = base64.b64encode(hmac.new(b"SEC123", b"1700000000000\nSEC123", hashlib.sha256).digest()).decode()
    assert query == {"access_token": ["abc"], "timestamp": ["1700000000000"], "sign": [expected]}
