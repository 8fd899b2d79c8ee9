"""Scores, ledgers and warnings over the API: who sees what, shapes, bad years, query counts."""

from __future__ import annotations

import datetime as dt

import pytest

from luzhi.activities.models import Attendance
from luzhi.scoring.models import ScoreRuleSet
from tests.scoring import factories as sf

pytestmark = pytest.mark.django_db


def test_scores_list_totals_grades_and_ranks(api, users, year):
    response = api(users["office"]).get("/api/v1/scores/?year=2025")
    assert response.status_code == 200
    rows = {r["member"]: r for r in response.json()}
    a = rows[year.members["a"].pk]
    assert {k: a[k] for k in ("name", "total", "grade", "rank")} == {
        "name": "委员A",
        "total": 119,
        "grade": "excellent",
        "rank": 1,
    }
    assert [r["rank"] for r in response.json()][:4] == [1, 2, 3, 3]


def test_leaders_see_scores_members_do_not(api, users, year):
    assert api(users["leader"]).get("/api/v1/scores/?year=2025").status_code == 200
    for role in ("member", "unit", "committee_staff", "auditor"):
        assert api(users[role]).get("/api/v1/scores/?year=2025").status_code == 403


def test_a_year_without_rules_is_400_with_a_message(api, users, year):
    response = api(users["office"]).get("/api/v1/scores/?year=2024")
    assert response.status_code == 400
    assert "2024年度尚未制定考评细则" in response.json()["year"][0]
    assert api(users["office"]).get("/api/v1/scores/warnings/?year=2024").status_code == 400
    assert api(users["office"]).get(f"/api/v1/members/{year.members['a'].pk}/ledger/?year=2024").status_code == 400


@pytest.mark.parametrize("bad", ["abc", "1999", "-1", "2025.5", "99999999999999999999"])
def test_a_bad_year_is_400(api, users, year, bad):
    assert api(users["office"]).get(f"/api/v1/scores/?year={bad}").status_code == 400


def test_scores_export_as_xlsx(api, users, year):
    response = api(users["office"]).get("/api/v1/scores/?year=2025&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_member_reads_their_own_ledger(api, year):
    a = year.members["a"]
    response = api(year.member_user).get(f"/api/v1/members/{a.pk}/ledger/?year=2025")
    assert response.status_code == 200
    rows = response.json()
    plenary = next(r for r in rows if r["code"] == "attend_plenary")
    attendance = Attendance.objects.get(activity=year.p1, member=a)
    assert plenary == {
        "code": "attend_plenary",
        "points": 15.0,
        "date": "2025-01-10",
        "source": {"type": "attendance", "id": attendance.pk},
        "entry": f"attend_plenary:attendance:{attendance.pk}",
        "label": "出席全体会议（每天）",
        "title": "十届四次全体会议",
        "link": f"/activities/{year.p1.pk}/",
    }


def test_a_member_cannot_read_another_members_ledger(api, year):
    other = year.members["b"]
    assert api(year.member_user).get(f"/api/v1/members/{other.pk}/ledger/?year=2025").status_code == 404
    assert api(year.member_user).get(f"/api/v1/members/{other.pk}/duty-report/?year=2025").status_code == 404


def test_office_and_leaders_read_every_ledger_units_none(api, users, year):
    b = year.members["b"]
    for role in ("office", "leader"):
        assert api(users[role]).get(f"/api/v1/members/{b.pk}/ledger/?year=2025").status_code == 200
    assert api(users["unit"]).get(f"/api/v1/members/{b.pk}/ledger/?year=2025").status_code == 403
    assert api(None).get(f"/api/v1/members/{b.pk}/ledger/?year=2025").status_code == 401


def test_another_committees_office_gets_404(api, make_user, other_committee, year, rule_set):
    office = make_user("office", other_committee)
    ScoreRuleSet.objects.create(committee=other_committee, year=2025, items=rule_set.items, grades=rule_set.grades)
    assert api(office).get(f"/api/v1/members/{year.members['a'].pk}/ledger/?year=2025").status_code == 404
    assert year.members["a"].pk not in {r["member"] for r in api(office).get("/api/v1/scores/?year=2025").json()}


def test_warnings_name_each_reason_with_its_records(api, users, year):
    response = api(users["office"]).get("/api/v1/scores/warnings/?year=2025")
    assert response.status_code == 200
    found = {w["member"]: {r["code"]: r for r in w["reasons"]} for w in response.json()}
    b, c = year.members["b"].pk, year.members["c"].pk
    assert set(found[b]) == {"plenary_absences", "unqualified"}
    assert {r["id"] for r in found[b]["plenary_absences"]["records"]} == set(
        Attendance.objects.filter(member_id=b, status="absent").values_list("pk", flat=True)
    )
    assert set(found[c]) == {"unqualified", "no_output"}
    assert year.members["a"].pk not in found


def test_warning_boundaries(api, users, year, rule_set, committee):
    b, d = year.members["b"], year.members["d"]
    # one absence in an earlier year of the same term makes two for d; one before the term does not count
    sf.attend(sf.activity(committee, "plenary", dt.date(2024, 1, 10)), d, "absent")
    sf.attend(sf.activity(committee, "plenary", dt.date(2021, 1, 10)), d, "absent")
    sf.attend(sf.activity(committee, "plenary", dt.date(2025, 9, 1)), d, "absent")
    rows = {
        w["member"]: {r["code"] for r in w["reasons"]}
        for w in api(users["office"]).get("/api/v1/scores/warnings/?year=2025").json()
    }
    assert "plenary_absences" in rows[d.pk] and "plenary_absences" in rows[b.pk]
    rule_set.warnings = {"plenary_absences": 3, "unqualified": True, "no_output": False}
    rule_set.save()
    rows = {
        w["member"]: {r["code"] for r in w["reasons"]}
        for w in api(users["office"]).get("/api/v1/scores/warnings/?year=2025").json()
    }
    assert "plenary_absences" not in rows.get(d.pk, set()) and "plenary_absences" not in rows.get(b.pk, set())
    assert rows, "the unqualified members are still warned"
    assert all("no_output" not in codes for codes in rows.values())


def test_warnings_follow_a_corrected_record(api, users, year, committee):
    b, c = year.members["b"], year.members["c"]
    Attendance.objects.filter(activity=year.p2, member=b).update(status="leave")
    sf.adopt(sf.report(c), committee)
    rows = {
        w["member"]: {r["code"] for r in w["reasons"]}
        for w in api(users["office"]).get("/api/v1/scores/warnings/?year=2025").json()
    }
    assert "plenary_absences" not in rows.get(b.pk, set())
    assert "no_output" not in rows.get(c.pk, set())


def test_members_cannot_list_warnings(api, users, year):
    assert api(users["member"]).get("/api/v1/scores/warnings/?year=2025").status_code == 403


def test_ledger_and_scores_run_a_fixed_number_of_queries(api, users, year, committee, django_assert_num_queries):
    client = api(users["office"])
    a = year.members["a"]
    with django_assert_num_queries(3):  # the member, the rule set, the ledger
        client.get(f"/api/v1/members/{a.pk}/ledger/?year=2025")
    with django_assert_num_queries(2):  # the rule set, the scores
        client.get("/api/v1/scores/?year=2025")
    sf.reading(a, 30)
    for act in year.others:
        sf.attend(act, year.members["c"])
    with django_assert_num_queries(3):  # the member, the rule set, the ledger
        client.get(f"/api/v1/members/{a.pk}/ledger/?year=2025")
    with django_assert_num_queries(2):  # the rule set, the scores
        client.get("/api/v1/scores/?year=2025")
