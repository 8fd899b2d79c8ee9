"""Activities, attendance, leave, reading logs and cadence over the REST API (API.md)."""

from datetime import date, timedelta

import pytest

from luzhi.activities.models import Activity, Attendance, CadenceRule, LeaveRequest, ReadingLog
from luzhi.core import clock
from luzhi.notifications.models import Notification
from luzhi.org.models import Member
from tests import factories as f
from tests.activities import factories as af

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def members(committee):
    return [f.MemberFactory(committee=committee) for _ in range(3)]


def body(**kw):
    return {"kind": "party_group", "title": "党组会议", "start": "2026-03-02", "end": "2026-03-02", **kw}


# ---- activities CRUD ------------------------------------------------------------------


def test_office_schedules_an_activity_with_participants(api, users, members):
    r = api(users["office"]).post(
        "/api/v1/activities/", body(participants=[m.pk for m in members], study=["theory"]), format="json"
    )
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["days"] == 1 and sorted(data["participants"]) == sorted(m.pk for m in members)
    assert data["committee"] == users["office"].committee_id and data["study"] == ["theory"]
    statuses = set(Attendance.objects.filter(activity_id=data["id"]).values_list("status", flat=True))
    assert statuses == {"invited"}


def test_days_default_to_the_dates_and_end_before_start_is_400(api, users):
    client = api(users["office"])
    r = client.post("/api/v1/activities/", body(start="2026-03-02", end="2026-03-05"), format="json")
    assert r.json()["days"] == 4
    r = client.post("/api/v1/activities/", body(start="2026-03-05", end="2026-03-02"), format="json")
    assert r.status_code == 400 and "end" in r.json()
    assert Activity.objects.count() == 1


def test_bad_study_tag_and_foreign_participant_are_400(api, users, other_committee):
    client = api(users["office"])
    stranger = f.MemberFactory(committee=other_committee)
    assert client.post("/api/v1/activities/", body(study=["nope"]), format="json").status_code == 400
    assert client.post("/api/v1/activities/", body(participants=[stranger.pk]), format="json").status_code == 400
    assert not Activity.objects.exists()


def test_members_read_but_may_not_write(api, users, committee):
    af.ActivityFactory(committee=committee)
    client = api(users["member"])
    assert client.get("/api/v1/activities/").json()["count"] == 1
    assert client.post("/api/v1/activities/", body(), format="json").status_code == 403
    assert api(users["unit"]).get("/api/v1/activities/").status_code == 403


def test_staff_write_only_their_special_committees_activities(api, users, committee):
    staff = users["committee_staff"]
    client = api(staff)
    other = f.SpecialCommitteeFactory(committee=committee)
    ok = client.post("/api/v1/activities/", body(special_committee=staff.special_committee_id), format="json")
    assert ok.status_code == 201
    assert client.post("/api/v1/activities/", body(special_committee=other.pk), format="json").status_code == 403
    assert client.post("/api/v1/activities/", body(), format="json").status_code == 403
    theirs = af.ActivityFactory(committee=committee, special_committee=other)
    assert client.patch(f"/api/v1/activities/{theirs.pk}/", {"title": "x"}, format="json").status_code == 403
    assert Activity.objects.count() == 2


def test_other_committees_activities_are_404(api, users, other_committee):
    foreign = af.ActivityFactory(committee=other_committee)
    assert api(users["office"]).get(f"/api/v1/activities/{foreign.pk}/").status_code == 404


def test_filters(api, users, committee, members):
    group = f.MemberGroupFactory(committee=committee)
    a = af.ActivityFactory(committee=committee, kind="study", start=date(2026, 3, 2), group=group)
    af.ActivityFactory(committee=committee, kind="party_group", start=date(2025, 3, 2))
    af.AttendanceFactory(activity=a, member=members[0])
    client = api(users["office"])

    def ids(q):
        return [row["id"] for row in client.get(f"/api/v1/activities/?{q}").json()["results"]]

    assert ids("kind=study") == [a.pk]
    assert ids("year=2026&month=3") == [a.pk]
    assert ids(f"group={group.pk}") == [a.pk]
    assert ids(f"member={members[0].pk}") == [a.pk]
    assert client.get("/api/v1/activities/?month=13").status_code == 400


def test_list_query_count_does_not_grow(api, users, committee, members, django_assert_max_num_queries):
    client = api(users["office"])
    for _ in range(2):
        af.AttendanceFactory(activity=af.ActivityFactory(committee=committee), member=members[0])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/activities/")
    for _ in range(10):
        a = af.ActivityFactory(committee=committee)
        for m in members:
            af.AttendanceFactory(activity=a, member=m)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/activities/").json()["count"] == 12
    assert len(few) == len(many)


def test_xlsx_export(api, users, committee):
    af.ActivityFactory(committee=committee, study=["theory"])
    r = api(users["office"]).get("/api/v1/activities/?format=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


# ---- attendance -----------------------------------------------------------------------


def test_attendance_put_and_get(api, users, activity_with, members):
    activity = activity_with(members)
    client = api(users["office"])
    entries = [
        {"member": members[0].pk, "status": "present", "speech": True},
        {"member": members[1].pk, "status": "leave"},
        {"member": members[2].pk, "status": "observer"},
    ]
    r = client.put(f"/api/v1/activities/{activity.pk}/attendance/", entries, format="json")
    assert r.status_code == 200, r.json()
    got = {
        row["member"]: (row["status"], row["speech"])
        for row in client.get(f"/api/v1/activities/{activity.pk}/attendance/").json()
    }
    assert got == {
        members[0].pk: ("present", True),
        members[1].pk: ("leave", False),
        members[2].pk: ("observer", False),
    }


@pytest.mark.parametrize(
    "entry",
    [
        {"member": "stranger", "status": "present"},
        {"member": "first", "status": "invited"},
        {"member": "first", "status": "late"},
        {"member": "first", "status": "present", "speech": "yes"},
        {"member": "abc", "status": "present"},
    ],
)
def test_attendance_bad_entries_are_400_and_nothing_saved(api, users, activity_with, members, committee, entry):
    activity = activity_with(members[:2])
    stranger = f.MemberFactory(committee=committee)
    ids = {"stranger": stranger.pk, "first": members[0].pk, "abc": "abc"}
    good = {"member": members[1].pk, "status": "present"}
    bad = {**entry, "member": ids[entry["member"]]}
    r = api(users["office"]).put(f"/api/v1/activities/{activity.pk}/attendance/", [good, bad], format="json")
    assert r.status_code == 400
    assert set(Attendance.objects.values_list("status", flat=True)) == {"invited"}


def test_attendance_is_for_staff_only(api, users, activity_with, members):
    activity = activity_with(members)
    url = f"/api/v1/activities/{activity.pk}/attendance/"
    assert api(users["member"]).get(url).status_code == 403
    assert api(users["leader"]).put(url, [], format="json").status_code == 403
    assert api(users["office"]).put(url, {"member": 1}, format="json").status_code == 400


def test_invite_by_group_sector_standing_and_all(api, users, committee):
    group, sector = f.MemberGroupFactory(committee=committee), f.SectorFactory(committee=committee)
    in_group = f.MemberFactory(committee=committee, group=group)
    f.MemberFactory(committee=committee, group=group, status=Member.Status.RESIGNED)
    in_sector = f.MemberFactory(committee=committee, sector=sector)
    standing = f.MemberFactory(committee=committee, position=Member.Position.STANDING)
    activity = af.ActivityFactory(committee=committee)
    client = api(users["office"])
    url = f"/api/v1/activities/{activity.pk}/invite/"
    assert client.post(url, {"by": "group", "id": group.pk}, format="json").json()["invited"] == 1
    assert client.post(url, {"by": "sector", "id": sector.pk}, format="json").json()["invited"] == 1
    assert client.post(url, {"by": "standing"}, format="json").json()["invited"] >= 1
    invited = set(activity.attendance.values_list("member_id", flat=True))
    assert {in_group.pk, in_sector.pk, standing.pk} <= invited
    assert client.post(url, {"by": "group"}, format="json").status_code == 400
    assert client.post(url, {"by": "planet"}, format="json").status_code == 400
    assert api(users["member"]).post(url, {"by": "all"}, format="json").status_code == 403


# ---- leave ----------------------------------------------------------------------------


def test_member_asks_for_leave_and_office_approves(api, users, activity_with):
    member_user = users["member"]
    activity = activity_with([member_user.member])
    r = api(member_user).post(f"/api/v1/activities/{activity.pk}/leave/", {"reason": "出差"}, format="json")
    assert r.status_code == 201, r.json()
    leave_id = r.json()["id"]
    assert api(member_user).post(f"/api/v1/leave-requests/{leave_id}/approve/").status_code == 403
    with pytest.MonkeyPatch.context():
        r = api(users["office"]).post(f"/api/v1/leave-requests/{leave_id}/approve/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert Attendance.objects.get(activity=activity, member=member_user.member).status == "leave"
    again = api(users["office"]).post(f"/api/v1/leave-requests/{leave_id}/refuse/", {}, format="json")
    assert again.status_code == 409


@pytest.mark.django_db(transaction=True)
def test_leave_decision_notifies_the_member(api, users, activity_with):
    member_user = users["member"]
    activity = activity_with([member_user.member])
    leave = af.LeaveRequestFactory(activity=activity, member=member_user.member)
    r = api(users["office"]).post(f"/api/v1/leave-requests/{leave.pk}/refuse/", {"note": "会议重要"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "refused"
    note = Notification.objects.get(user=member_user)
    assert "未批准" in note.title and note.body == "会议重要"
    assert Attendance.objects.get(activity=activity).status == "invited"


def test_leave_needs_an_invitation_and_a_reason(api, users, committee):
    activity = af.ActivityFactory(committee=committee)
    client = api(users["member"])
    assert client.post(f"/api/v1/activities/{activity.pk}/leave/", {"reason": "x"}, format="json").status_code == 400
    af.AttendanceFactory(activity=activity, member=users["member"].member)
    assert client.post(f"/api/v1/activities/{activity.pk}/leave/", {"reason": " "}, format="json").status_code == 400
    assert client.post(f"/api/v1/activities/{activity.pk}/leave/", {"reason": "病"}, format="json").status_code == 201
    assert client.post(f"/api/v1/activities/{activity.pk}/leave/", {"reason": "病"}, format="json").status_code == 409
    assert LeaveRequest.objects.count() == 1
    assert api(users["office"]).get("/api/v1/leave-requests/").json()["count"] == 1
    assert api(users["leader"]).get("/api/v1/leave-requests/").json()["count"] == 0


# ---- reading logs ---------------------------------------------------------------------


def test_reading_log_own_only(api, users, committee):
    client = api(users["member"])
    r = client.post("/api/v1/reading-logs/", {"kind": "book", "title": "乡土中国", "date": "2026-03-01"}, format="json")
    assert r.status_code == 201 and r.json()["member"] == users["member"].member_id
    af.ReadingLogFactory(member=users["leader"].member)
    assert client.get("/api/v1/reading-logs/").json()["count"] == 1
    assert api(users["office"]).get("/api/v1/reading-logs/").json()["count"] == 2
    assert api(users["office"]).post("/api/v1/reading-logs/", {}, format="json").status_code == 403
    assert client.post("/api/v1/reading-logs/", {"kind": "poem", "title": "x", "date": "2026-03-01"}).status_code == 400
    assert ReadingLog.objects.count() == 2


# ---- cadence --------------------------------------------------------------------------


def test_cadence_rules_edited_by_the_office_with_validation(api, users):
    client = api(users["office"])
    rule = {
        "name": "每月学习",
        "source": "activity",
        "kinds": ["study"],
        "scope": "committee",
        "measure": "count",
        "minimum": 1,
        "period": "month",
    }
    assert client.post("/api/v1/cadence-rules/", rule, format="json").status_code == 201
    for bad in (
        {"minimum": 0},
        {"kinds": ["nap"]},
        {"kinds": []},
        {"study": "gossip"},
        {"scope": "world"},
        {"period": "decade"},
        {"measure": "hours"},
        {"source": "reading"},
    ):
        r = client.post("/api/v1/cadence-rules/", {**rule, "name": str(bad), **bad}, format="json")
        assert r.status_code == 400, bad
    assert CadenceRule.objects.filter(committee=users["office"].committee).count() == 15  # 14 seed rules + this
    assert api(users["member"]).post("/api/v1/cadence-rules/", rule, format="json").status_code == 403
    assert api(users["member"]).get("/api/v1/cadence-rules/").status_code == 200


def test_cadence_report_shape(api, users, committee):
    af.ActivityFactory(committee=committee, kind="party_group", start=date(2026, 1, 5))
    r = api(users["office"]).get("/api/v1/cadence/report/?year=2026")
    assert r.status_code == 200
    data = r.json()
    assert data["year"] == 2026
    rule = next(x for x in data["rules"] if x["name"] == "党组会议每月至少1次")
    assert set(rule) >= {"rule", "name", "period", "rows"}
    cell = rule["rows"][0]["periods"][0]
    assert rule["rows"][0]["subject"]["type"] == "committee"
    assert cell == {"start": "2026-01-01", "end": "2026-01-31", "value": 1, "minimum": 1, "status": "met"}


def test_cadence_report_bad_year_and_roles(api, users):
    assert api(users["office"]).get("/api/v1/cadence/report/?year=abc").status_code == 400
    assert api(users["office"]).get("/api/v1/cadence/report/").status_code == 400
    assert api(users["member"]).get("/api/v1/cadence/report/?year=2026").status_code == 403
    assert api(None).get("/api/v1/cadence/report/?year=2026").status_code == 401


def test_a_superuser_names_the_committee_of_the_cadence_report(api, superuser, committee, other_committee):
    """Two counties: a superuser without a committee must name one (400, not a page's 404); then it gets that one's."""
    r = api(superuser).get("/api/v1/cadence/report/?year=2026")
    assert r.status_code == 400 and "committee" in r.json()
    r = api(superuser).get(f"/api/v1/cadence/report/?year=2026&committee={other_committee.pk}")
    assert r.status_code == 200
    subjects = {
        row["subject"]["name"]
        for rule in r.json()["rules"]
        for row in rule["rows"]
        if row["subject"]["type"] == "committee"
    }
    assert subjects == {other_committee.name}, subjects
    assert api(superuser).get("/api/v1/cadence/report/?year=2026&committee=999999").status_code == 400


def test_a_reading_log_dated_in_the_future_is_400_naming_the_date(api, users):
    client = api(users["member"])
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    r = client.post("/api/v1/reading-logs/", {"kind": "book", "title": "乡土中国", "date": tomorrow}, format="json")
    assert r.status_code == 400 and "日期不能晚于今天" in str(r.json())
    assert not ReadingLog.objects.exists()
