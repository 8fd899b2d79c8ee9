"""Duty self-reports (履职备案): evidence checks, no future dates, never double with an attended activity."""

import datetime as dt
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from luzhi.activities.models import Attendance
from luzhi.core.roles import Role
from luzhi.core.uploads import MAX_FILE_BYTES
from luzhi.participation.models import Evidence, SelfReport
from tests.activities.factories import ActivityFactory, AttendanceFactory
from tests.participation.factories import SelfReportFactory, docx_bytes, pdf, png

pytestmark = pytest.mark.django_db


def _day(n: int = 3) -> dt.date:
    return timezone.localdate() - timedelta(days=n)


def _file(client, day=None, files=(), **extra):
    body = {"kind": "visit", "date": (day or _day()).isoformat(), "place": "城关镇东关村", "content": "走访困难群众。"}
    body.update(extra)
    if files:
        body["files"] = list(files)
    return client.post("/api/v1/self-reports/", body, format="multipart")


def test_member_files_with_photo_and_document(users, api):
    docx = SimpleUploadedFile("走访记录.docx", docx_bytes())
    response = _file(api(users["member"]), files=[png(), pdf(), docx])
    assert response.status_code == 201, response.data
    assert response.data["status"] == "pending" and response.data["member"] == users["member"].member.pk
    assert [e["kind"] for e in response.data["evidence"]] == ["image", "document", "document"]


@pytest.mark.parametrize(
    "bad",
    [
        SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        SimpleUploadedFile("a.exe", b"MZ\x90\x00" + b"\x00" * 100, "application/octet-stream"),
        SimpleUploadedFile("empty.png", b"", "image/png"),
        SimpleUploadedFile("huge.png", b"\x89PNG\r\n\x1a\n" + b"0" * MAX_FILE_BYTES, "image/png"),
    ],
    ids=["html-named-jpg", "exe", "empty", "too-large"],
)
def test_evidence_that_is_not_an_image_or_document_or_too_large_is_400(users, api, bad):
    response = _file(api(users["member"]), files=[png("ok.png"), bad])
    assert response.status_code == 400 and "files" in response.data
    assert SelfReport.objects.count() == 0 and Evidence.objects.count() == 0


def test_a_report_dated_in_the_future_is_400(users, api):
    response = _file(api(users["member"]), day=timezone.localdate() + timedelta(days=1))
    assert response.status_code == 400 and "date" in response.data
    assert SelfReport.objects.count() == 0


def test_a_day_with_an_attended_activity_is_refused_instead_of_counted_twice(committee, users, api):
    member = users["member"].member
    day = _day(5)
    activity = ActivityFactory(committee=committee, title="双月界别协商会", start=day - timedelta(days=1), end=day)
    AttendanceFactory(activity=activity, committee=committee, member=member, status=Attendance.Status.PRESENT)
    response = _file(api(users["member"]), day=day, files=[png()])
    assert response.status_code == 400
    assert "双月界别协商会" in response.data["date"][0] and "无需重复备案" in response.data["date"][0]
    assert SelfReport.objects.count() == 0 and Evidence.objects.count() == 0
    # A day the member was invited but absent, or on leave, may be reported.
    other_day = _day(8)
    absent = ActivityFactory(committee=committee, start=other_day, end=other_day)
    AttendanceFactory(activity=absent, committee=committee, member=member, status=Attendance.Status.LEAVE)
    assert _file(api(users["member"]), day=other_day).status_code == 201


def test_verifying_is_refused_when_attendance_was_recorded_after_filing(committee, users, api):
    member = users["member"].member
    report = SelfReportFactory(member=member, date=_day(4))
    activity = ActivityFactory(committee=committee, start=_day(4), end=_day(4))
    AttendanceFactory(activity=activity, committee=committee, member=member, status=Attendance.Status.PRESENT)
    response = api(users["office"]).post(f"/api/v1/self-reports/{report.pk}/verify/")
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == "pending"


def test_office_verifies_or_returns_with_a_reason_and_the_member_refiles(
    users, api, django_capture_on_commit_callbacks
):
    member_client, office = api(users["member"]), api(users["office"])
    first = _file(member_client).data["id"]
    second = _file(member_client, day=_day(6)).data["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(f"/api/v1/self-reports/{first}/verify/")
    assert response.status_code == 200 and response.data["status"] == "verified"
    assert users["member"].notifications.filter(key=f"self-report:{first}:verified").exists()
    assert office.post(f"/api/v1/self-reports/{first}/verify/").status_code == 409
    assert office.post(f"/api/v1/self-reports/{second}/return/", {}, format="json").status_code == 400
    response = office.post(f"/api/v1/self-reports/{second}/return/", {"reason": "请补充照片"}, format="json")
    assert response.status_code == 200 and response.data["return_reason"] == "请补充照片"
    response = member_client.post(
        f"/api/v1/self-reports/{second}/resubmit/",
        {"content": "走访困难群众，已补照片。", "files": [png()]},
        format="multipart",
    )
    assert response.status_code == 200, response.data
    assert response.data["status"] == "pending" and len(response.data["evidence"]) == 1
    assert member_client.post(f"/api/v1/self-reports/{first}/verify/").status_code == 403


def test_members_see_only_their_own_reports(committee, users, api, make_user):
    mine = SelfReportFactory(member=users["member"].member)
    other = make_user(Role.MEMBER, committee)
    assert api(other).get(f"/api/v1/self-reports/{mine.pk}/").status_code == 404
    assert api(other).get("/api/v1/self-reports/").data["count"] == 0
    assert api(users["office"]).get("/api/v1/self-reports/?status=pending").data["count"] == 1
    for role in ("office", "committee_staff", "unit"):
        assert _file(api(users[role])).status_code == 403, role


def test_self_report_list_query_count_does_not_grow(committee, users, api, django_assert_num_queries):
    SelfReportFactory(member=users["member"].member)
    with django_assert_num_queries(3):
        api(users["office"]).get("/api/v1/self-reports/")
    for _ in range(5):
        report = SelfReportFactory(member=users["member"].member)
        Evidence.objects.create(committee=committee, report=report, file="x.png", name="x.png", kind="image", size=1)
    with django_assert_num_queries(3):
        response = api(users["office"]).get("/api/v1/self-reports/")
    assert response.data["count"] == 6
    assert api(users["office"]).get("/api/v1/self-reports/?format=xlsx").status_code == 200
