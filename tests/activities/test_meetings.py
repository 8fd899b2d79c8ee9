"""Meetings (会务): times and venue, replies to invitations, the door's changing sign-in code (API.md "Meetings")."""

from datetime import UTC as dt_utc
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from luzhi.activities import signin
from luzhi.activities.models import Activity, Attendance, LeaveRequest
from tests import factories as f
from tests.activities import factories as af

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int = 0, day: str = "2026-03-02") -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}"))


def meeting(committee, members, *, starts_in=timedelta(minutes=-10), hours=2, **kw) -> Activity:
    """A timed meeting around now (by default it began ten minutes ago) with these members invited."""
    starts_at = timezone.now() + starts_in
    activity = af.ActivityFactory(committee=committee, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours))
    for member in members:
        af.AttendanceFactory(activity=activity, committee=committee, member=member, **kw)
    return activity


def page_client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# ---- times and venue --------------------------------------------------------------------


def test_a_timed_meeting_gives_its_dates_and_venue(api, users):
    client = api(users["office"])
    r = client.post(
        "/api/v1/activities/",
        {
            "kind": "chair_meeting",
            "title": "主席会议",
            "starts_at": "2026-03-02T09:00:00+08:00",
            "ends_at": "2026-03-02T11:30:00+08:00",
            "venue": "机关三楼会议室",
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    data = r.json()
    assert (data["start"], data["end"], data["days"]) == ("2026-03-02", "2026-03-02", 1)
    assert data["starts_at"] == "2026-03-02T09:00:00+08:00" and data["ends_at"] == "2026-03-02T11:30:00+08:00"
    assert data["venue"] == data["location"] == "机关三楼会议室"
    # Moving the meeting to another day keeps its time of day.
    moved = client.patch(
        f"/api/v1/activities/{data['id']}/", {"start": "2026-03-05", "end": "2026-03-05"}, format="json"
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["starts_at"] == "2026-03-05T09:00:00+08:00"
    assert moved.json()["ends_at"] == "2026-03-05T11:30:00+08:00"


def test_an_all_day_activity_still_takes_dates_only(api, users):
    r = api(users["office"]).post(
        "/api/v1/activities/",
        {"kind": "inspection", "title": "视察", "start": "2026-04-01", "end": "2026-04-02"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["starts_at"] is None and r.json()["days"] == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"starts_at": "2026-03-02T11:00:00+08:00", "ends_at": "2026-03-02T09:00:00+08:00"}, "ends_at"),
        ({"ends_at": "2026-03-02T09:00:00+08:00"}, "starts_at"),
        ({}, "start"),
        ({"starts_at": "9点"}, "starts_at"),
    ],
)
def test_bad_times_are_refused_with_nothing_saved(api, users, fields, field):
    r = api(users["office"]).post(
        "/api/v1/activities/", {"kind": "chair_meeting", "title": "主席会议", **fields}, format="json"
    )
    assert r.status_code == 400 and field in r.json(), r.json()
    assert not Activity.objects.exists()


def test_the_form_takes_times_and_shows_them(users):
    c = page_client(users["office"])
    r = c.post(
        "/activities/new/",
        {"kind": "chair_meeting", "title": "主席会议", "starts_at": "2026-03-02T09:00", "ends_at": "2026-03-02T11:30"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    activity = Activity.objects.get()
    assert activity.start.isoformat() == "2026-03-02" and timezone.localtime(activity.starts_at).hour == 9
    assert "2026年3月2日 09:00–11:30" in c.get(f"/activities/{activity.pk}/").text
    bad = c.post("/activities/new/", {"kind": "chair_meeting", "title": "x", "ends_at": "2026-03-02T11:30"})
    assert bad.status_code == 200 and "请同时填写开始时间" in bad.text and Activity.objects.count() == 1


# ---- attendance only once the meeting has begun --------------------------------------------


def test_present_cannot_be_recorded_before_the_meeting_starts(api, users, committee):
    member = f.MemberFactory(committee=committee)
    activity = meeting(committee, [member], starts_in=timedelta(days=14))
    url = f"/api/v1/activities/{activity.pk}/attendance/"
    r = api(users["office"]).put(url, [{"member": member.pk, "status": "present"}], format="json")
    assert r.status_code == 409 and "尚未开始" in r.json()["detail"]
    assert Attendance.objects.get().status == "invited"
    leave = api(users["office"]).put(url, [{"member": member.pk, "status": "leave"}], format="json")
    assert leave.status_code == 200 and Attendance.objects.get().status == "leave"


# ---- replies (回执) -----------------------------------------------------------------------


def test_invited_member_answers_and_the_office_sees_every_reply(api, users, committee):
    me = users["member"].member
    other = f.MemberFactory(committee=committee)
    activity = meeting(committee, [me, other], starts_in=timedelta(days=3))
    url = f"/api/v1/activities/{activity.pk}/rsvp/"
    member = api(users["member"])
    r = member.post(url, {"answer": "attend"}, format="json")
    assert r.status_code == 200 and r.json()["answer"] == "attend"
    rows = {row["member"]: row for row in api(users["office"]).get(url).json()}
    assert rows[me.pk]["answer"] == "attend" and rows[me.pk]["at"]
    assert rows[other.pk]["answer"] is None and rows[other.pk]["at"] is None
    assert member.get(url).status_code == 403


def test_a_leave_answer_becomes_a_leave_request(api, users, committee):
    me = users["member"].member
    activity = meeting(committee, [me], starts_in=timedelta(days=3))
    url = f"/api/v1/activities/{activity.pk}/rsvp/"
    member = api(users["member"])
    no_reason = member.post(url, {"answer": "leave"}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json() and not LeaveRequest.objects.exists()
    assert member.post(url, {"answer": "maybe"}, format="json").status_code == 400
    r = member.post(url, {"answer": "leave", "reason": "赴省城培训"}, format="json")
    assert r.status_code == 200
    leave = LeaveRequest.objects.get()
    assert (leave.member, leave.status, leave.reason) == (me, "pending", "赴省城培训")
    assert member.post(url, {"answer": "attend"}, format="json").status_code == 409


def test_only_invited_members_answer(api, users, committee):
    activity = meeting(committee, [f.MemberFactory(committee=committee)], starts_in=timedelta(days=3))
    r = api(users["member"]).post(f"/api/v1/activities/{activity.pk}/rsvp/", {"answer": "attend"}, format="json")
    assert r.status_code == 403 and not Attendance.objects.exclude(answer="").exists()


def test_answer_from_the_page(users, committee):
    me = users["member"].member
    activity = meeting(committee, [me], starts_in=timedelta(days=3))
    c = page_client(users["member"])
    assert "回执：参加" in c.get(f"/activities/{activity.pk}/").text
    c.post(f"/activities/{activity.pk}/rsvp/", {"answer": "leave", "reason": ""})
    assert Attendance.objects.get().answer == ""
    r = c.post(f"/activities/{activity.pk}/rsvp/", {"answer": "attend", "next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == f"/activities/{activity.pk}/"
    assert Attendance.objects.get().answer == "attend"
    assert "我的回执：" in c.get(f"/activities/{activity.pk}/").text


# ---- sign-in at the door ------------------------------------------------------------------


def test_the_code_changes_every_minute_and_the_previous_one_holds_fifteen_seconds():
    start = timezone.make_aware(datetime(2026, 3, 2, 9, 0, 0))
    code, expires = signin.current_code(7, start)
    assert len(code) == 6 and code.isdigit() and expires == start + timedelta(seconds=60)
    later, _ = signin.current_code(7, start + timedelta(seconds=60))
    assert later != code
    assert signin.code_is_valid(code, 7, start + timedelta(seconds=59))
    assert signin.code_is_valid(code, 7, start + timedelta(seconds=74))
    assert not signin.code_is_valid(code, 7, start + timedelta(seconds=76))
    assert not signin.code_is_valid(code, 8, start)  # another meeting's code
    assert signin.current_code(8, start)[0] != code


def test_sign_in_with_the_current_code(api, users, committee):
    me = users["member"].member
    activity = meeting(committee, [me])
    office = api(users["office"])
    shown = office.get(f"/api/v1/activities/{activity.pk}/signin-code/").json()
    assert len(shown["code"]) == 6 and shown["expires_at"]
    assert api(users["member"]).get(f"/api/v1/activities/{activity.pk}/signin-code/").status_code == 403
    url = f"/api/v1/activities/{activity.pk}/signin/"
    member = api(users["member"])
    wrong = member.post(url, {"code": "000000" if shown["code"] != "000000" else "111111"}, format="json")
    assert wrong.status_code == 400 and "code" in wrong.json()
    assert Attendance.objects.get().status == "invited"
    code = signin.current_code(activity.pk)[0]
    assert member.post(url, {"code": code}, format="json").status_code == 200
    again = member.post(url, {"code": code}, format="json")
    assert again.status_code == 200 and again.json()["status"] == "present"
    row = Attendance.objects.get()
    assert row.status == "present" and row.signed_in_at is not None


@pytest.mark.parametrize(("starts_in", "hours"), [(timedelta(minutes=90), 2), (timedelta(hours=-3), 2)])
def test_sign_in_only_around_the_meeting(api, users, committee, starts_in, hours):
    activity = meeting(committee, [users["member"].member], starts_in=starts_in, hours=hours)
    code = signin.current_code(activity.pk)[0]
    r = api(users["member"]).post(f"/api/v1/activities/{activity.pk}/signin/", {"code": code}, format="json")
    assert r.status_code == 409 and Attendance.objects.get().status == "invited"


def test_sign_in_opens_an_hour_before(api, users, committee):
    activity = meeting(committee, [users["member"].member], starts_in=timedelta(minutes=50))
    code = signin.current_code(activity.pk)[0]
    r = api(users["member"]).post(f"/api/v1/activities/{activity.pk}/signin/", {"code": code}, format="json")
    assert r.status_code == 200


def test_members_not_invited_cannot_sign_in(api, users, committee, other_committee, make_user):
    activity = meeting(committee, [f.MemberFactory(committee=committee)])
    code = signin.current_code(activity.pk)[0]
    url = f"/api/v1/activities/{activity.pk}/signin/"
    assert api(users["member"]).post(url, {"code": code}, format="json").status_code == 403
    stranger = make_user("member", other_committee)
    assert api(stranger).post(url, {"code": code}, format="json").status_code == 404
    assert not Attendance.objects.filter(status="present").exists()


def test_guessing_codes_is_stopped(api, users, committee):
    activity = meeting(committee, [users["member"].member])
    url = f"/api/v1/activities/{activity.pk}/signin/"
    member = api(users["member"])
    code = signin.current_code(activity.pk)[0]
    wrong = [f"{n:06d}" for n in range(20) if f"{n:06d}" != code][:10]
    for guess in wrong:
        assert member.post(url, {"code": guess}, format="json").status_code == 400
    locked = member.post(url, {"code": code}, format="json")
    assert locked.status_code == 400 and "次数过多" in str(locked.json())
    assert Attendance.objects.get().status == "invited"


def test_door_screen_and_qr_for_staff(users, committee):
    me = users["member"].member
    activity = meeting(committee, [me])
    office = page_client(users["office"])
    door = office.get(f"/activities/{activity.pk}/door/")
    code = signin.current_code(activity.pk)[0]
    assert door.status_code == 200 and f"{code[:3]} {code[3:]}" in door.text and "<svg" in door.text
    partial = office.get(f"/activities/{activity.pk}/door/", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.text and 'id="door-code"' in partial.text
    qr = office.get(f"/activities/{activity.pk}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b'xmlns="http://www.w3.org/2000/svg"' in qr.content
    member = page_client(users["member"])
    assert member.get(f"/activities/{activity.pk}/door/").status_code == 403
    assert member.get(f"/activities/{activity.pk}/qr.svg").status_code == 403


def test_sign_in_page_from_the_qr(users, committee):
    activity = meeting(committee, [users["member"].member])
    c = page_client(users["member"])
    code = signin.current_code(activity.pk)[0]
    page = c.get(f"/activities/{activity.pk}/signin/?code={code}")
    assert page.status_code == 200 and f'value="{code}"' in page.text
    assert Attendance.objects.get().status == "invited"  # opening the link alone signs nobody in
    bad = c.post(f"/activities/{activity.pk}/signin/", {"code": "12a"})
    assert "6位数字" in bad.text and Attendance.objects.get().status == "invited"
    done = c.post(f"/activities/{activity.pk}/signin/", {"code": code})
    assert "签到成功" in done.text and Attendance.objects.get().status == "present"


# ---- the calendar feed ----------------------------------------------------------------------


def test_the_feed_gives_timed_meetings_and_can_be_renewed(users, committee, client):
    me = users["member"].member
    activity = meeting(committee, [me], starts_in=timedelta(days=2))
    c = page_client(users["member"])
    link = c.get("/activities/mine/").context["feed"]
    feed = client.get(link)
    assert feed.status_code == 200
    starts = activity.starts_at.astimezone(dt_utc).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{starts}" in feed.text and "VALUE=DATE" not in feed.text
    r = c.post("/activities/mine/", {"renew_feed": "1"})
    assert r.status_code == 302
    assert client.get(link).status_code == 401
    new_link = c.get("/activities/mine/").context["feed"]
    assert new_link != link and client.get(new_link).status_code == 200
    # A member who left the committee: the link stops working.
    me.status = me.Status.RESIGNED
    me.save()
    assert client.get(new_link).status_code == 401


# ---- agenda and paperless materials --------------------------------------------------------


def _pdf(text: str = "draft") -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


def _upload(client, activity, name="草案.pdf", data=None, title="提案工作报告（草案）"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(name, data if data is not None else _pdf(), content_type="application/pdf")
    return client.post(
        f"/api/v1/activities/{activity.pk}/materials/", {"file": file, "title": title}, format="multipart"
    )


def test_agenda_with_first_topic_and_materials(api, users, committee):
    activity = meeting(committee, [users["member"].member], starts_in=timedelta(days=2))
    office = api(users["office"])
    material = _upload(office, activity)
    assert material.status_code == 201, material.json()
    mid = material.json()["id"]
    assert material.json()["title"] == "提案工作报告（草案）" and material.json()["size"] > 0
    url = f"/api/v1/activities/{activity.pk}/agenda/"
    agenda = [
        {"order": 1, "title": "学习习近平总书记重要讲话精神", "presenter": "主席", "minutes": 30, "first_topic": True},
        {"order": 2, "title": "审议提案工作报告", "presenter": "提案委", "minutes": 20, "materials": [mid]},
    ]
    r = office.put(url, agenda, format="json")
    assert r.status_code == 200, r.json()
    assert [i["title"] for i in r.json()] == [agenda[0]["title"], agenda[1]["title"]]
    assert r.json()[1]["materials"] == [mid] and r.json()[0]["first_topic"] is True
    assert api(users["member"]).get(url).json() == r.json()
    assert api(users["member"]).put(url, [], format="json").status_code == 403


@pytest.mark.parametrize(
    "agenda",
    [
        [{"order": 1, "title": "审议"}, {"order": 2, "title": "学习", "first_topic": True}],
        [{"order": 1, "title": "审议"}, {"order": 1, "title": "学习"}],
        [{"order": 1, "title": "  "}],
        [{"order": 1, "title": "审议", "materials": [999999]}],
        [{"order": 1, "title": "审议", "minutes": -5}],
        {"order": 1},
    ],
)
def test_bad_agendas_save_nothing(api, users, committee, agenda):
    activity = meeting(committee, [], starts_in=timedelta(days=2))
    office = api(users["office"])
    url = f"/api/v1/activities/{activity.pk}/agenda/"
    assert office.put(url, [{"order": 1, "title": "原议程"}], format="json").status_code == 200
    r = office.put(url, agenda, format="json")
    assert r.status_code == 400, r.json()
    assert [i["title"] for i in office.get(url).json()] == ["原议程"]


def test_materials_only_for_the_invited_watermarked_and_withdrawn(api, users, committee, make_user):
    from pypdf import PdfReader

    activity = meeting(committee, [users["member"].member], starts_in=timedelta(days=2))
    office = api(users["office"])
    mid = _upload(office, activity).json()["id"]
    url = f"/api/v1/activity-materials/{mid}/file/"
    r = api(users["member"]).get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("inline")
    body = b"".join(r.streaming_content) if r.streaming else r.content
    text = "".join(page.extract_text() for page in PdfReader(__import__("io").BytesIO(body)).pages)
    assert users["member"].member.name in text.replace(" ", "") and "draft" in text
    # A member of the committee who is not invited: as if it did not exist.
    outsider = make_user("member", committee)
    assert api(outsider).get(url).status_code == 404
    assert api(users["unit"]).get(url).status_code in (403, 404)
    # Withdrawn after the meeting: members can no longer open it, the office still can.
    assert office.post(f"/api/v1/activity-materials/{mid}/withdraw/").status_code == 200
    assert api(users["member"]).get(url).status_code == 404
    assert office.get(url).status_code == 200


def test_a_material_that_is_not_a_document_is_refused(api, users, committee):
    activity = meeting(committee, [], starts_in=timedelta(days=2))
    r = _upload(api(users["office"]), activity, name="a.pdf", data=b"<script>alert(1)</script>")
    assert r.status_code == 400 and "file" in r.json()
    assert not activity.materials.exists()
    assert _upload(api(users["member"]), activity).status_code == 403


def test_agenda_and_materials_on_the_page(users, committee):
    from django.core.files.uploadedfile import SimpleUploadedFile

    activity = meeting(committee, [users["member"].member], starts_in=timedelta(days=2))
    office = page_client(users["office"])
    office.post(
        f"/activities/{activity.pk}/materials/",
        {"title": "草案", "file": SimpleUploadedFile("x.pdf", _pdf(), content_type="application/pdf")},
    )
    material = activity.materials.get()
    r = office.post(
        f"/activities/{activity.pk}/agenda/",
        {
            "rows": "3",
            "title-1": "学习",
            "first-1": "on",
            "title-2": "审议",
            "minutes-2": "20",
            "materials-2": [str(material.pk)],
            "title-3": "",
        },
    )
    assert r.status_code == 302
    assert [(i.order, i.title, i.first_topic) for i in activity.agenda.all()] == [(1, "学习", True), (2, "审议", False)]
    bad = office.post(
        f"/activities/{activity.pk}/agenda/", {"rows": "2", "title-1": "审议", "title-2": "学习", "first-2": "on"}
    )
    assert bad.status_code == 302 and activity.agenda.count() == 2
    member = page_client(users["member"])
    page = member.get(f"/activities/{activity.pk}/")
    assert "第一议题" in page.text and "草案" in page.text
    assert member.get(f"/activities/materials/{material.pk}/").status_code == 200


def test_the_rest_are_present_in_one_click(users, committee):
    members = [f.MemberFactory(committee=committee) for _ in range(4)]
    activity = meeting(committee, members)
    c = page_client(users["office"])
    c.post(f"/activities/{activity.pk}/attendance/", {f"status-{members[0].pk}": "leave", "fill": "present"})
    statuses = dict(Attendance.objects.values_list("member_id", "status"))
    assert statuses == {members[0].pk: "leave", **{m.pk: "present" for m in members[1:]}}


def test_materials_can_also_be_posted_to_the_collection(api, users, committee):
    from django.core.files.uploadedfile import SimpleUploadedFile

    activity = meeting(committee, [], starts_in=timedelta(days=2))
    office = api(users["office"])
    file = SimpleUploadedFile("议程.pdf", _pdf(), content_type="application/pdf")
    r = office.post("/api/v1/activity-materials/", {"activity": activity.pk, "file": file}, format="multipart")
    assert r.status_code == 201 and r.json()["title"] == "议程" and r.json()["activity"] == activity.pk
    assert office.post("/api/v1/activity-materials/", {}, format="json").status_code == 400
    assert office.post("/api/v1/activity-materials/", {"activity": 10**9}, format="json").status_code == 404


def test_the_office_reminds_who_has_not_answered(users, committee, make_user, django_capture_on_commit_callbacks):
    from luzhi.notifications.models import Notification

    answered = users["member"]
    silent = make_user("member", committee, member=f.MemberFactory(committee=committee))
    activity = meeting(committee, [answered.member, silent.member], starts_in=timedelta(days=2))
    Attendance.objects.filter(member=answered.member).update(answer="attend")
    with django_capture_on_commit_callbacks(execute=True):
        r = page_client(users["office"]).post(f"/activities/{activity.pk}/rsvp/remind/")
    assert r.status_code == 302
    assert list(Notification.objects.filter(kind="activity_rsvp_reminder").values_list("user_id", flat=True)) == [
        silent.pk
    ]
    assert page_client(users["member"]).post(f"/activities/{activity.pk}/rsvp/remind/").status_code == 403


def test_sign_in_records_how(api, users, committee):
    me = users["member"].member
    other = f.MemberFactory(committee=committee)
    activity = meeting(committee, [me, other])
    code = signin.current_code(activity.pk)[0]
    api(users["member"]).post(f"/api/v1/activities/{activity.pk}/signin/", {"code": code}, format="json")
    api(users["office"]).put(
        f"/api/v1/activities/{activity.pk}/attendance/", [{"member": other.pk, "status": "present"}], format="json"
    )
    assert dict(Attendance.objects.values_list("member_id", "signed_in_via")) == {me.pk: "code", other.pk: "office"}


def test_the_attendance_form_before_the_start_explains_and_saves_nothing(users, committee):
    member = f.MemberFactory(committee=committee)
    activity = meeting(committee, [member], starts_in=timedelta(days=3))
    c = page_client(users["office"])
    r = c.post(f"/activities/{activity.pk}/attendance/", {"fill": "present"}, follow=True)
    assert r.status_code == 200 and "尚未开始" in r.text
    assert Attendance.objects.get().status == "invited"
