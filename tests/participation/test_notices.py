"""Notices (通知公告 / 政情通报): audiences, attachments, read receipts per recipient and reminders."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luzhi.core.roles import Role
from luzhi.core.uploads import MAX_FILE_BYTES
from luzhi.notifications.models import Notification
from luzhi.org.models import Member
from luzhi.participation.models import Notice, NoticeAttachment, NoticeReceipt
from tests import factories as f
from tests.participation.factories import pdf, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_setup(committee, make_user):
    """A group with two active members (one with a login), one resigned member, and a member of another group."""
    group = f.MemberGroupFactory(committee=committee)
    other = f.MemberGroupFactory(committee=committee)
    a = f.MemberFactory(committee=committee, group=group)
    b = f.MemberFactory(committee=committee, group=group)
    gone = f.MemberFactory(committee=committee, group=group, status=Member.Status.RESIGNED)
    outsider = f.MemberFactory(committee=committee, group=other)
    return {
        "group": group,
        "a": a,
        "b": b,
        "gone": gone,
        "outsider": outsider,
        "user_a": make_user(Role.MEMBER, committee, member=a),
        "user_gone": make_user(Role.MEMBER, committee, member=gone),
        "user_out": make_user(Role.MEMBER, committee, member=outsider),
    }


def _publish(client, **extra):
    body = {"kind": "briefing", "title": "一季度全县经济运行情况通报", "body": "一季度全县生产总值增长6.2%。", **extra}
    return client.post("/api/v1/notices/", body, format="multipart" if "files" in extra else "json")


def test_group_notice_reaches_exactly_the_active_members_of_the_group(
    users, api, group_setup, django_capture_on_commit_callbacks
):
    g = group_setup
    with django_capture_on_commit_callbacks(execute=True):
        response = _publish(api(users["office"]), audience="group", group=g["group"].pk)
    assert response.status_code == 201, response.data
    notice = Notice.objects.get(pk=response.data["id"])
    assert set(notice.receipts.values_list("member_id", flat=True)) == {g["a"].pk, g["b"].pk}
    assert response.data["recipient_count"] == 2 and response.data["read_count"] == 0
    inbox = Notification.objects.filter(key=f"notice:{notice.pk}")
    assert list(inbox.values_list("user_id", flat=True)) == [g["user_a"].pk]
    # Outsiders and the resigned member neither see it nor get it.
    for user in (g["user_out"], g["user_gone"]):
        assert api(user).get(f"/api/v1/notices/{notice.pk}/").status_code == 404
        assert api(user).get("/api/v1/notices/").data["count"] == 0


def test_a_notice_without_recipients_is_400_and_nothing_is_saved(committee, users, api):
    empty_group = f.MemberGroupFactory(committee=committee)
    client = api(users["office"])
    assert _publish(client, audience="group", group=empty_group.pk).status_code == 400
    response = _publish(client, audience="members", members=[])
    assert response.status_code == 400 and "members" in response.data
    assert _publish(client, audience="sector").status_code == 400  # no sector named
    assert Notice.objects.count() == 0 and NoticeReceipt.objects.count() == 0


def test_a_notice_to_chosen_members_and_to_a_sector(committee, users, api):
    sector = f.SectorFactory(committee=committee)
    in_sector = f.MemberFactory(committee=committee, sector=sector)
    chosen = f.MemberFactory(committee=committee)
    client = api(users["office"])
    response = _publish(client, audience="sector", sector=sector.pk)
    assert response.data["recipient_count"] == 1
    assert NoticeReceipt.objects.get(notice_id=response.data["id"]).member == in_sector
    response = _publish(client, audience="members", members=[chosen.pk, users["member"].member.pk])
    assert response.status_code == 201, response.data
    assert response.data["recipient_count"] == 2


def test_members_of_another_committee_cannot_be_chosen(committee, other_committee, users, api):
    stranger = f.MemberFactory(committee=other_committee)
    response = _publish(api(users["office"]), audience="members", members=[stranger.pk])
    assert response.status_code == 400
    assert Notice.objects.count() == 0


def test_opening_marks_read_per_recipient_and_the_office_sees_who_read(
    committee, users, api, group_setup, django_capture_on_commit_callbacks
):
    g = group_setup
    user_b = f.UserFactory(role=Role.MEMBER, committee=committee, member=g["b"])
    with django_capture_on_commit_callbacks(execute=True):
        notice_id = _publish(api(users["office"]), audience="group", group=g["group"].pk).data["id"]
    listed = api(g["user_a"]).get("/api/v1/notices/?unread=true")
    assert [n["id"] for n in listed.data["results"]] == [notice_id]
    opened = api(g["user_a"]).get(f"/api/v1/notices/{notice_id}/")
    assert opened.status_code == 200 and opened.data["read_at"] is not None
    assert api(g["user_a"]).get("/api/v1/notices/?unread=true").data["count"] == 0
    assert Notification.objects.get(user=g["user_a"], key=f"notice:{notice_id}").read_at is not None
    # The office opening it marks nothing; b has not read it.
    api(users["office"]).get(f"/api/v1/notices/{notice_id}/")
    receipts = api(users["office"]).get(f"/api/v1/notices/{notice_id}/receipts/").data["results"]
    assert [(r["member"], r["read_at"] is not None) for r in receipts] == [(g["b"].pk, False), (g["a"].pk, True)]
    assert api(users["office"]).get(f"/api/v1/notices/{notice_id}/").data["read_count"] == 1
    # A member may not see the receipts.
    assert api(user_b).get(f"/api/v1/notices/{notice_id}/receipts/").status_code == 403


def test_remind_tells_only_those_who_have_not_read_with_a_new_key_each_time(
    committee, users, api, group_setup, django_capture_on_commit_callbacks
):
    g = group_setup
    user_b = f.UserFactory(role=Role.MEMBER, committee=committee, member=g["b"])
    office = api(users["office"])
    with django_capture_on_commit_callbacks(execute=True):
        notice_id = _publish(office, audience="group", group=g["group"].pk).data["id"]
    api(g["user_a"]).get(f"/api/v1/notices/{notice_id}/")
    for n in (1, 2):
        with django_capture_on_commit_callbacks(execute=True):
            response = office.post(f"/api/v1/notices/{notice_id}/remind/")
        assert response.status_code == 200 and response.data == {"reminded": 1}
        assert Notification.objects.filter(key=f"notice:{notice_id}:remind:{n}").get().user == user_b
    assert not Notification.objects.filter(user=g["user_a"], key__contains="remind").exists()
    api(user_b).get(f"/api/v1/notices/{notice_id}/")
    assert office.post(f"/api/v1/notices/{notice_id}/remind/").status_code == 409
    assert api(user_b).post(f"/api/v1/notices/{notice_id}/remind/").status_code == 403


def test_attachments_are_checked_by_content_and_size_and_served_only_to_recipients(
    client, committee, users, api, group_setup
):
    g = group_setup
    office = api(users["office"])
    body = {
        "title": "关于召开全委会议的通知",
        "body": "请准时参加。",
        "audience": "group",
        "group": g["group"].pk,
        "files": [pdf("议程.pdf"), png("会场.png")],
    }
    response = office.post("/api/v1/notices/", body, format="multipart")
    assert response.status_code == 201, response.data
    assert [a["name"] for a in response.data["attachments"]] == ["议程.pdf", "会场.png"]
    url = response.data["attachments"][0]["url"]
    client.force_login(g["user_a"])
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    client.force_login(g["user_out"])
    assert client.get(url).status_code == 404

    fake = SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = office.post("/api/v1/notices/", {**body, "files": [fake]}, format="multipart")
    assert response.status_code == 400 and "files" in response.data
    big = SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * MAX_FILE_BYTES, "application/pdf")
    response = office.post("/api/v1/notices/", {**body, "files": [big]}, format="multipart")
    assert response.status_code == 400
    assert Notice.objects.count() == 1 and NoticeAttachment.objects.count() == 2


def test_only_the_office_publishes(users, api):
    for role in ("member", "leader", "committee_staff", "unit", "auditor"):
        response = _publish(api(users[role]), audience="all")
        assert response.status_code == 403, role
    assert Notice.objects.count() == 0


def test_other_committees_notices_are_404(committee, other_committee, make_user, api, users):
    office_there = make_user(Role.OFFICE, other_committee)
    f.MemberFactory(committee=other_committee)
    notice_id = _publish(api(office_there), audience="all").data["id"]
    assert api(users["office"]).get(f"/api/v1/notices/{notice_id}/").status_code == 404
    assert api(users["office"]).post(f"/api/v1/notices/{notice_id}/remind/").status_code == 404


@pytest.mark.parametrize("role", ["member", "office"])
def test_notice_list_query_count_does_not_grow(committee, users, api, django_assert_num_queries, role):
    f.MemberFactory(committee=committee)
    office = api(users["office"])
    _publish(office, audience="all", files=[pdf()])
    client = api(users[role])
    # count, page, attachments, chosen members — whatever the number of notices
    with django_assert_num_queries(4):
        assert client.get("/api/v1/notices/").status_code == 200
    for _ in range(5):
        _publish(office, audience="all", files=[png()])
    with django_assert_num_queries(4):
        response = client.get("/api/v1/notices/")
    assert response.data["count"] == 6


def test_notices_export_as_xlsx(users, api):
    _publish(api(users["office"]), audience="all")
    response = api(users["office"]).get("/api/v1/notices/?format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
