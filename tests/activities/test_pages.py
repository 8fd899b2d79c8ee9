"""The activity pages: allowed and denied, bad input shown with nothing saved, sign-in, feed, cadence grid."""

from datetime import date

import pytest
from django.test import Client

from luzhi.activities import signin
from luzhi.activities.models import Activity, Attendance, CadenceRule, LeaveRequest, ReadingLog
from tests import factories as f
from tests.activities import factories as af

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_calendar_month_shows_activities(users, committee):
    af.ActivityFactory(committee=committee, title="三月党组会", start=date(2026, 3, 2))
    af.ActivityFactory(committee=committee, title="四月党组会", start=date(2026, 4, 2))
    r = client_for(users["member"]).get("/activities/?year=2026&month=3")
    assert r.status_code == 200
    assert "三月党组会" in r.text and "四月党组会" not in r.text
    assert client_for(users["unit"]).get("/activities/").status_code == 403
    assert client_for(users["office"]).get("/activities/?year=abc&month=99").status_code == 200


def test_office_creates_an_activity_and_bad_dates_save_nothing(users, committee):
    c = client_for(users["office"])
    member = f.MemberFactory(committee=committee)
    bad = {"kind": "study", "title": "学习", "start": "2026-03-05", "end": "2026-03-01"}
    r = c.post("/activities/new/", bad)
    assert r.status_code == 200 and "结束日期不能早于开始日期" in r.text
    assert not Activity.objects.exists()
    good = {**bad, "end": "2026-03-06", "participants": [member.pk], "study": ["theory"]}
    r = c.post("/activities/new/", good)
    activity = Activity.objects.get()
    assert r.status_code == 302 and activity.study == ["theory"] and activity.days == 2
    assert activity.attendance.get().member == member
    assert client_for(users["member"]).get("/activities/new/").status_code == 403


def test_attendance_taking_on_the_detail_page(users, committee, activity_with):
    members = [f.MemberFactory(committee=committee) for _ in range(2)]
    activity = activity_with(members)
    c = client_for(users["office"])
    page = c.get(f"/activities/{activity.pk}/")
    assert "参加名单（2人）" in page.text and "打开签到屏" in page.text
    c.post(
        f"/activities/{activity.pk}/attendance/",
        {f"status-{members[0].pk}": "present", f"speech-{members[0].pk}": "on"},
    )
    row = Attendance.objects.get(member=members[0])
    assert (row.status, row.speech) == ("present", True)
    c.post(f"/activities/{activity.pk}/attendance/", {f"status-{members[1].pk}": "bogus"})
    assert Attendance.objects.get(member=members[1]).status == "invited"
    member_page = client_for(users["member"]).get(f"/activities/{activity.pk}/")
    assert "参加名单" not in member_page.text
    assert client_for(users["member"]).post(f"/activities/{activity.pk}/attendance/").status_code == 403


def test_leave_from_the_page_and_decision(users, activity_with):
    user = users["member"]
    activity = activity_with([user.member])
    c = client_for(user)
    c.post(f"/activities/{activity.pk}/leave/", {"reason": ""})
    assert not LeaveRequest.objects.exists()
    c.post(f"/activities/{activity.pk}/leave/", {"reason": "赴省城参加培训"})
    leave = LeaveRequest.objects.get()
    assert client_for(user).get("/activities/leave/").status_code == 403
    office = client_for(users["office"])
    assert "赴省城参加培训" in office.get("/activities/leave/").text
    office.post(f"/activities/leave/{leave.pk}/decide/", {"decision": "approve"})
    assert Attendance.objects.get(activity=activity).status == "leave"
    assert "已批准" in c.get(f"/activities/{activity.pk}/").text


def test_reading_page_members_add_own_entries(users):
    c = client_for(users["member"])
    assert c.get("/activities/reading/").status_code == 200
    c.post("/activities/reading/", {"kind": "book", "title": "", "date": "2026-03-01"})
    assert not ReadingLog.objects.exists()
    c.post("/activities/reading/", {"kind": "book", "title": "乡土中国", "date": "2026-03-01"})
    assert ReadingLog.objects.get().member == users["member"].member
    assert "乡土中国" in client_for(users["office"]).get("/activities/reading/").text
    assert client_for(users["office"]).post("/activities/reading/", {"kind": "book"}).status_code == 403
    assert client_for(users["unit"]).get("/activities/reading/").status_code == 403


def test_calendar_feed_with_private_token(users, activity_with, client):
    user = users["member"]
    activity_with([user.member], title="党组会议,学习; 讨论", location="三楼\n会议室")
    page = client_for(user).get("/activities/mine/")
    assert page.status_code == 200
    token = signin.feed_token(user.member_id)
    r = client.get(f"/api/v1/calendar-feeds/{token}.ics")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    text = r.content.decode()
    assert "BEGIN:VEVENT" in text and "SUMMARY:党组会议\\,学习\\; 讨论" in text and "LOCATION:三楼\\n会议室" in text
    assert client.get("/api/v1/calendar-feeds/forged.ics").status_code == 401


def test_cadence_page_grid_and_drill_down(users, committee):
    af.ActivityFactory(committee=committee, kind="party_group", title="一月党组会", start=date(2026, 1, 5))
    c = client_for(users["office"])
    r = c.get("/activities/cadence/?year=2026")
    assert r.status_code == 200 and "党组会议每月至少1次" in r.text and "lz-missed" in r.text
    rule = CadenceRule.objects.get(committee=committee, name="党组会议每月至少1次")
    cell = c.get(f"/activities/cadence/{rule.pk}/cell/?subject={committee.pk}&start=2026-01-01&end=2026-01-31")
    assert "一月党组会" in cell.text
    assert c.get(f"/activities/cadence/{rule.pk}/cell/?start=bad").status_code == 404
    assert client_for(users["member"]).get("/activities/cadence/").status_code == 403


def test_cadence_page_summarises_many_people_and_pages_them_on_request(users, committee):
    for _ in range(15):
        f.MemberFactory(committee=committee)
    c = client_for(users["office"])
    page = c.get("/activities/cadence/?year=2026")
    rule = CadenceRule.objects.get(committee=committee, name="年撰一稿")
    assert "逐人查看" in page.text and "全部对象" in page.text
    focused = c.get(f"/activities/cadence/?year=2026&rule={rule.pk}")
    assert "第 1/1 页" in focused.text
