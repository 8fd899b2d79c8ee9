"""/api/v1/grassroots-records/: recording, the 15-day default, responding, overdue, reminders."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from luzhi.core.roles import Role
from luzhi.notifications.models import Notification
from luzhi.opinions import services
from luzhi.opinions.models import GrassrootsRecord, OpinionReport
from tests import factories as f

URL = "/api/v1/grassroots-records/"


def _record(member, **kw):
    data = dict(
        actor=None, committee=member.committee, member=member, citizen="李大爷", demand="村口的桥坏了，雨天过不去。"
    )
    data.update(kw)
    return services.grassroots_record_create(**data)


def test_member_records_a_demand_due_15_days_later(api, member_user):
    response = api(member_user).post(URL, {"citizen": "王大妈", "demand": "希望增设公交站。"}, format="json")
    assert response.status_code == 201, response.data
    record = GrassrootsRecord.objects.get()
    assert record.member == member_user.member
    assert record.due_date == timezone.localdate(record.recorded_at) + datetime.timedelta(days=15)
    assert response.data["status"] == "open"


def test_staff_records_at_a_station_on_behalf_of_a_member(api, users, committee):
    member = f.MemberFactory(committee=committee)
    station = f.StationFactory(committee=committee)
    body = {"member": member.pk, "station": station.pk, "citizen": "张某", "demand": "路灯不亮。"}
    response = api(users["committee_staff"]).post(URL, body, format="json")
    assert response.status_code == 201, response.data
    assert GrassrootsRecord.objects.get().recorded_by == users["committee_staff"]


def test_staff_must_name_the_member(api, users):
    response = api(users["office"]).post(URL, {"citizen": "张某", "demand": "路灯不亮。"}, format="json")
    assert response.status_code == 400 and "member" in response.data
    assert not GrassrootsRecord.objects.exists()


def test_station_of_another_committee_is_400(api, member_user, other_committee):
    station = f.StationFactory(committee=other_committee)
    body = {"station": station.pk, "citizen": "张某", "demand": "路灯不亮。"}
    assert api(member_user).post(URL, body, format="json").status_code == 400
    assert not GrassrootsRecord.objects.exists()


@pytest.mark.parametrize("body", [{"citizen": "张某", "demand": " "}, {"citizen": "", "demand": "x"}, {}])
def test_empty_demand_or_citizen_is_400(api, member_user, body):
    assert api(member_user).post(URL, body, format="json").status_code == 400
    assert not GrassrootsRecord.objects.exists()


def test_respond_once(api, member_user):
    record = _record(member_user.member)
    client = api(member_user)
    assert client.post(f"{URL}{record.pk}/respond/", {"text": ""}, format="json").status_code == 400
    response = client.post(f"{URL}{record.pk}/respond/", {"text": "已联系交通局，月底修好。"}, format="json")
    assert response.status_code == 200
    assert response.data["status"] == "responded" and response.data["responded_at"]
    assert client.post(f"{URL}{record.pk}/respond/", {"text": "再答"}, format="json").status_code == 409


def test_overdue_filter(api, users, committee):
    member = f.MemberFactory(committee=committee)
    old = _record(member, recorded_at=timezone.now() - datetime.timedelta(days=20))
    _record(member)
    answered = _record(member, recorded_at=timezone.now() - datetime.timedelta(days=20))
    services.grassroots_respond(actor=None, record=answered, text="已答复")
    data = api(users["office"]).get(URL + "?overdue=true").data
    assert [r["id"] for r in data["results"]] == [old.pk]
    assert data["results"][0]["is_overdue"] is True


def test_scoping_member_own_sibling_none(api, member_user, committee, other_committee, make_user):
    mine = _record(member_user.member)
    theirs = _record(f.MemberFactory(committee=committee))
    ids = {r["id"] for r in api(member_user).get(URL).data["results"]}
    assert ids == {mine.pk}
    assert api(member_user).get(f"{URL}{theirs.pk}/").status_code == 404
    sibling = make_user(Role.OFFICE, other_committee)
    assert api(sibling).get(f"{URL}{mine.pk}/").status_code == 404
    assert api(sibling).post(f"{URL}{mine.pk}/respond/", {"text": "x"}, format="json").status_code == 404


def test_unit_is_403(api, users):
    assert api(users["unit"]).get(URL).status_code == 403


def test_list_query_count(api, users, committee, django_assert_num_queries):
    member = f.MemberFactory(committee=committee)
    _record(member)
    client = api(users["office"])
    with django_assert_num_queries(2):
        client.get(URL)
    for _ in range(5):
        _record(f.MemberFactory(committee=committee), station=f.StationFactory(committee=committee))
    with django_assert_num_queries(2):
        assert client.get(URL).data["count"] == 6


def test_a_record_becomes_an_opinion_report_once(api, member_user):
    record = _record(member_user.member)
    client = api(member_user)
    response = client.post(f"{URL}{record.pk}/to-opinion/", {"title": "关于修桥的建议"}, format="json")
    assert response.status_code == 201, response.data
    report = OpinionReport.objects.get()
    assert report.author == member_user.member and report.source_record == record
    assert report.content == record.demand
    assert client.post(f"{URL}{record.pk}/to-opinion/", {"title": "再转"}, format="json").status_code == 409
    assert OpinionReport.objects.count() == 1


def test_reminders_tell_member_and_office_once(committee, make_user, django_capture_on_commit_callbacks):
    member_user = make_user(Role.MEMBER, committee)
    office = make_user(Role.OFFICE, committee)
    overdue = _record(member_user.member, recorded_at=timezone.now() - datetime.timedelta(days=16))
    due = _record(member_user.member, recorded_at=timezone.now() - datetime.timedelta(days=13))
    _record(member_user.member)  # due in 15 days: no reminder yet
    with django_capture_on_commit_callbacks(execute=True):
        call_command("grassroots_reminders")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("grassroots_reminders")
    assert set(Notification.objects.values_list("user_id", "key")) == {
        (member_user.pk, f"grassroots:{overdue.pk}:overdue"),
        (office.pk, f"grassroots:{overdue.pk}:overdue"),
        (member_user.pk, f"grassroots:{due.pk}:due"),
    }


@pytest.mark.parametrize(
    "recorded_at",
    ["0001-01-01", "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-12:00", "1899-12-31T12:00:00", "3000-01-01"],
)
def test_a_record_time_outside_1900_to_2999_is_400(api, member_user, recorded_at):
    body = {"citizen": "王大妈", "demand": "希望增设公交站。", "recorded_at": recorded_at}
    response = api(member_user).post(URL, body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert response.json() == {"recorded_at": ["时间超出范围（1900—2999 年）。"]}
    assert not GrassrootsRecord.objects.exists()


def test_a_record_time_in_range_is_kept(api, member_user):
    body = {"citizen": "王大妈", "demand": "希望增设公交站。", "recorded_at": "1900-01-01T08:00:00+08:00"}
    response = api(member_user).post(URL, body, format="json")
    assert response.status_code == 201, response.content[:300]
    assert timezone.localtime(GrassrootsRecord.objects.get().recorded_at).year == 1900
