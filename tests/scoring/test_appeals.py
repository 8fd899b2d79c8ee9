"""Appeals: a member disputes their own entry; the office accepts with an adjustment or refuses; both are kept."""

from __future__ import annotations

import pytest

from luzhi.activities.models import Attendance
from luzhi.notifications.models import Notification
from luzhi.scoring import ledger
from luzhi.scoring.models import ScoreAdjustment, ScoreAppeal

pytestmark = pytest.mark.django_db
URL = "/api/v1/score-appeals/"


def _entry(year, key, code):
    rows = ledger.member_ledger(member=year.members[key], year=2025)
    return next(e for e in rows if e.code == code)


def _total(committee, member):
    return next(r for r in ledger.scores(committee_id=committee.pk, year=2025) if r["member"] == member.pk)["total"]


@pytest.fixture
def appeal(api, year):
    entry = _entry(year, "b", "absent")
    response = api(year.b_user).post(
        URL, {"year": 2025, "entry": entry.key, "reason": "当天在医院，已向办公室电话请假。"}, format="json"
    )
    assert response.status_code == 201, response.content
    return ScoreAppeal.objects.get(pk=response.json()["id"])


def test_the_office_is_told_of_a_new_appeal(api, users, year, django_capture_on_commit_callbacks):
    entry = _entry(year, "b", "absent")
    with django_capture_on_commit_callbacks(execute=True):
        api(year.b_user).post(URL, {"year": 2025, "entry": entry.key, "reason": "有误"}, format="json")
    assert Notification.objects.filter(user=users["office"], kind="score_appeal").count() == 1


def test_a_member_appeals_their_own_entry(appeal, year):
    entry = _entry(year, "b", "absent")
    assert (appeal.member, appeal.code, appeal.source_type, appeal.source_id) == (
        year.members["b"],
        "absent",
        "attendance",
        entry.source_id,
    )
    assert appeal.points == -5 and appeal.status == "pending" and appeal.title == entry.title


def test_an_appeal_on_another_members_entry_is_400_and_nothing_saved(api, year):
    others = _entry(year, "b", "absent")
    response = api(year.member_user).post(URL, {"year": 2025, "entry": others.key, "reason": "不对"}, format="json")
    assert response.status_code == 400 and "entry" in response.json()
    assert not ScoreAppeal.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"year": 2025, "entry": "absent:attendance:999999", "reason": "x"},
        {"year": 2025, "entry": "nonsense", "reason": "x"},
        {"year": 2025, "reason": "x"},
        {"year": 2024, "entry": "absent:attendance:1", "reason": "x"},
        {"year": 1800, "entry": "absent:attendance:1", "reason": "x"},
    ],
)
def test_bad_appeals_are_400(api, year, body):
    assert api(year.b_user).post(URL, body, format="json").status_code == 400
    assert not ScoreAppeal.objects.exists()


def test_a_blank_reason_is_400(api, year):
    entry = _entry(year, "b", "absent")
    response = api(year.b_user).post(URL, {"year": 2025, "entry": entry.key, "reason": "  "}, format="json")
    assert response.status_code == 400 and not ScoreAppeal.objects.exists()


def test_a_second_pending_appeal_on_the_same_entry_is_409(api, year, appeal):
    response = api(year.b_user).post(URL, {"year": 2025, "entry": appeal.entry_key, "reason": "再申诉"}, format="json")
    assert response.status_code == 409 and ScoreAppeal.objects.count() == 1


def test_the_office_accepts_with_an_adjustment_and_the_total_changes(api, users, year, appeal, committee):
    b = year.members["b"]
    before = _total(committee, b)
    response = api(users["office"]).post(
        f"{URL}{appeal.pk}/accept/", {"points": 5, "reason": "核实属实，按请假处理。"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted" and body["decision"] == "核实属实，按请假处理。"
    assert body["adjustment"]["points"] == "5.00" and body["adjustment"]["author"] == users["office"].username
    assert _total(committee, b) == before + 5
    # the original entry is untouched; the adjustment is a new entry of its own
    assert Attendance.objects.get(pk=appeal.source_id).status == "absent"
    rows = ledger.member_ledger(member=b, year=2025)
    assert any(e.key == appeal.entry_key and e.points == -5 for e in rows)
    adjustment = ScoreAdjustment.objects.get()
    assert any(e.code == "adjustment" and e.source_id == adjustment.pk and e.points == 5 for e in rows)


def test_the_office_refuses_with_a_reason_the_member_reads(api, users, year, appeal, committee):
    b = year.members["b"]
    before = _total(committee, b)
    response = api(users["office"]).post(f"{URL}{appeal.pk}/refuse/", {"reason": "未履行请假手续。"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "refused"
    assert _total(committee, b) == before
    mine = api(year.b_user).get(URL).json()["results"]
    assert [(a["status"], a["decision"]) for a in mine] == [("refused", "未履行请假手续。")]


def test_a_decided_appeal_cannot_be_decided_again(api, users, appeal):
    client = api(users["office"])
    assert client.post(f"{URL}{appeal.pk}/refuse/", {"reason": "否"}, format="json").status_code == 200
    assert client.post(f"{URL}{appeal.pk}/accept/", {"points": 5, "reason": "是"}, format="json").status_code == 409
    assert not ScoreAdjustment.objects.exists()


@pytest.mark.parametrize(
    "body", [{"points": 5}, {"points": "abc", "reason": "x"}, {"points": 0, "reason": "x"}, {"reason": "x"}]
)
def test_bad_decisions_are_400_and_the_appeal_stays_pending(api, users, appeal, body):
    assert api(users["office"]).post(f"{URL}{appeal.pk}/accept/", body, format="json").status_code == 400
    appeal.refresh_from_db()
    assert appeal.status == "pending" and not ScoreAdjustment.objects.exists()


def test_members_cannot_decide_and_see_only_their_own_appeals(api, users, year, appeal):
    assert (
        api(year.b_user).post(f"{URL}{appeal.pk}/accept/", {"points": 5, "reason": "x"}, format="json").status_code
        == 403
    )
    assert api(year.member_user).get(f"{URL}{appeal.pk}/").status_code == 404
    assert api(year.member_user).get(URL).json()["count"] == 0
    assert api(users["leader"]).get(URL).json()["count"] == 1


def test_another_committees_office_cannot_see_or_decide(api, make_user, other_committee, appeal):
    office = make_user("office", other_committee)
    assert api(office).get(f"{URL}{appeal.pk}/").status_code == 404
    assert api(office).post(f"{URL}{appeal.pk}/accept/", {"points": 5, "reason": "x"}, format="json").status_code == 404


def test_the_office_cannot_file_an_appeal(api, users, year):
    entry = _entry(year, "b", "absent")
    response = api(users["office"]).post(URL, {"year": 2025, "entry": entry.key, "reason": "x"}, format="json")
    assert response.status_code == 403


def test_the_member_is_told_of_the_decision(api, users, year, appeal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api(users["office"]).post(f"{URL}{appeal.pk}/refuse/", {"reason": "未履行请假手续。"}, format="json")
    assert list(Notification.objects.filter(kind="score_appeal_decided").values_list("user_id", flat=True)) == [
        year.b_user.pk
    ]


def test_an_adjustment_cannot_itself_be_appealed(api, users, year, appeal):
    api(users["office"]).post(f"{URL}{appeal.pk}/accept/", {"points": 5, "reason": "属实"}, format="json")
    adjustment = _entry(year, "b", "adjustment")
    response = api(year.b_user).post(URL, {"year": 2025, "entry": adjustment.key, "reason": "再加点"}, format="json")
    assert response.status_code == 400 and ScoreAppeal.objects.count() == 1
