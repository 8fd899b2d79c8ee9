"""The pages: each allowed for its roles and refused (403/404) for others; forms save through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from luzhi.activities.models import ReadingLog
from luzhi.core.roles import Role
from luzhi.participation.models import ActivityGuest, Notice, NoticeReceipt, Post, SelfReport, StudyEntry
from luzhi.participation.services import notice_publish
from tests import factories as f
from tests.activities.factories import ActivityFactory
from tests.conftest import verified_login
from tests.participation.factories import MaterialFactory, PostFactory, SelfReportFactory, TopicFactory, png

pytestmark = pytest.mark.django_db


def _as(client, user):
    return verified_login(client, user)


PAGES = ["notices/", "topics/", "reports/", "library/", "guests/", "notices/new/", "topics/new/", "reports/new/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_refuse_roles_outside_the_business(client, users, path):
    assert _as(client, users["auditor"]).get(f"/participation/{path}").status_code == 403


@pytest.mark.parametrize(
    "path", ["notices/", "topics/", "reports/", "library/", "guests/", "notices/new/", "topics/new/"]
)
def test_office_opens_every_page(client, users, path):
    assert _as(client, users["office"]).get(f"/participation/{path}").status_code == 200


def test_office_publishes_a_notice_from_the_page_and_sees_receipts(client, committee, users):
    f.MemberFactory(committee=committee)
    page = _as(client, users["office"])
    response = page.post(
        "/participation/notices/new/",
        {
            "kind": "notice",
            "title": "关于开展读书月活动的通知",
            "body": "请各位委员积极参加。",
            "audience": "all",
            "files": [png()],
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/participation/notices/{notice.pk}/"
    assert notice.attachments.count() == 1 and notice.receipts.count() == 3  # member, leader, the new one
    detail = page.get(response["Location"])
    assert '已读 <strong id="read-count">0</strong> / 3' in detail.content.decode()
    assert NoticeReceipt.objects.filter(read_at__isnull=False).count() == 0


def test_member_opening_the_notice_page_marks_it_read(client, committee, users):
    notice = notice_publish(actor=users["office"], committee=committee, title="政情通报", body="内容", audience="all")
    page = _as(client, users["member"])
    assert "未读" in page.get("/participation/notices/").content.decode()
    assert page.get(f"/participation/notices/{notice.pk}/").status_code == 200
    assert NoticeReceipt.objects.get(member=users["member"].member).read_at is not None
    assert page.post(f"/participation/notices/{notice.pk}/").status_code == 403  # remind: office only
    assert page.get("/participation/notices/new/").status_code == 403


def test_member_posts_on_the_topic_page_and_outsiders_get_404(client, committee, users, make_user):
    group = f.MemberGroupFactory(committee=committee)
    users["member"].member.group = group
    users["member"].member.save()
    topic = TopicFactory(committee=committee, audience="group", group=group)
    page = _as(client, users["member"])
    response = page.post(f"/participation/topics/{topic.pk}/", {"text": "建议增加社区食堂。"})
    assert response.status_code == 302 and Post.objects.get().text == "建议增加社区食堂。"
    outsider = make_user(Role.MEMBER, committee)
    client.force_login(outsider)
    assert client.get(f"/participation/topics/{topic.pk}/").status_code == 404


def test_office_hides_a_post_and_exports_the_summary_of_a_closed_topic(client, committee, users):
    topic = TopicFactory(committee=committee, closes_on=timezone.localdate() - timedelta(days=1))
    post = PostFactory(topic=topic, author=users["member"].member)
    page = _as(client, users["office"])
    page.post(f"/participation/posts/{post.pk}/action/", {"action": "hide", "reason": "含个人隐私"})
    post.refresh_from_db()
    assert post.hidden and post.hidden_reason == "含个人隐私"
    response = page.get(f"/participation/topics/{topic.pk}/summary/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert _as(client, users["member"]).get(f"/participation/topics/{topic.pk}/summary/").status_code == 403


def test_member_files_a_self_report_with_a_photo_and_the_office_verifies(client, committee, users):
    page = _as(client, users["member"])
    day = timezone.localdate() - timedelta(days=2)
    response = page.post(
        "/participation/reports/new/",
        {"kind": "visit", "date": day.isoformat(), "place": "柳湾镇", "content": "走访种植户。", "files": [png()]},
    )
    report = SelfReport.objects.get()
    assert response.status_code == 302 and report.evidence.get().kind == "image"
    assert page.post(f"/participation/reports/{report.pk}/", {"action": "verify"}).status_code == 403
    office = _as(client, users["office"])
    office.post(f"/participation/reports/{report.pk}/", {"action": "verify"})
    report.refresh_from_db()
    assert report.status == "verified"
    evidence = report.evidence.get()
    assert office.get(f"/participation/files/evidence/{evidence.pk}/").status_code == 200


def test_a_future_self_report_shows_the_error_and_saves_nothing(client, users):
    page = _as(client, users["member"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = page.post(
        "/participation/reports/new/", {"kind": "visit", "date": tomorrow.isoformat(), "place": "某地", "content": "x"}
    )
    assert response.status_code == 200 and "不能晚于今天" in response.content.decode()
    assert SelfReport.objects.count() == 0


def test_evidence_of_another_member_is_404(client, committee, users, make_user):
    report = SelfReportFactory(member=users["member"].member)
    other = make_user(Role.MEMBER, committee)
    client.force_login(other)
    assert client.get(f"/participation/reports/{report.pk}/").status_code == 404


def test_staff_adds_a_guest_and_members_may_not(client, committee, users):
    activity = ActivityFactory(committee=committee)
    page = _as(client, users["committee_staff"])
    response = page.post(
        f"/participation/guests/?activity={activity.pk}",
        {"name": "王副县长", "organisation": "县人民政府", "role": "leader", "title": "副县长"},
    )
    assert response.status_code == 302 and ActivityGuest.objects.get().activity == activity
    member = _as(client, users["member"])
    assert "王副县长" in member.get(f"/participation/guests/?activity={activity.pk}").content.decode()
    response = member.post(f"/participation/guests/?activity={activity.pk}", {"name": "李某", "role": "citizen"})
    assert response.status_code == 403 and ActivityGuest.objects.count() == 1


def test_member_logs_reading_from_the_library_into_the_reading_log(client, committee, users):
    material = MaterialFactory(committee=committee, recommended=True, reading_kind="book")
    page = _as(client, users["member"])
    assert material.title in page.get("/participation/library/").content.decode()
    response = page.post(
        f"/participation/library/{material.pk}/", {"kind": "read", "date": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    log = ReadingLog.objects.get()
    assert log.member == users["member"].member and log.kind == "book" and log.title == material.title
    assert StudyEntry.objects.get().reading_log == log
    assert page.post("/participation/library/", {"kind": "study", "title": "x"}).status_code == 403
