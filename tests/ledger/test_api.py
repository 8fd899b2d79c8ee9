"""The plan and its items through the API: progress, permissions, bad input, the board."""

from datetime import date

import pytest

from luzhi.core.models import AuditEntry
from luzhi.ledger.models import Plan, PlanItem, ProgressReport
from luzhi.org.models import Member
from tests import factories as f
from tests.ledger.factories import PlanFactory, PlanItemFactory, ProgressReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(committee, users, today):
    """An item led by the `leader` user's member and run by the `committee_staff` user's committee."""
    return PlanItemFactory(
        committee=committee,
        lead=users["leader"].member,
        responsible=users["committee_staff"].special_committee,
        deadline=date(2026, 12, 31),
        progress=40,
    )


def _item_body(committee, plan, leader, special, **extra):
    body = {
        "plan": plan.pk,
        "kind": "research",
        "origin": "government",
        "title": "乡村振兴产业发展调研",
        "lead": leader.pk,
        "responsible": special.pk,
        "deadline": "2026-09-30",
        "milestones": [{"title": "制定方案", "due": "2026-04-30"}, {"title": "形成报告", "due": "2026-09-30"}],
    }
    return {**body, **extra}


# ---- plans and items ---------------------------------------------------------------------


def test_office_creates_a_plan_with_its_approval_and_an_item(committee, users, api, today):
    client = api(users["office"])
    response = client.post(
        "/api/v1/plans/",
        {"year": 2026, "title": "2026年度协商计划", "approved_at": "2026-02-10", "approved_by": "县委常委会第3次会议"},
        format="json",
    )
    assert response.status_code == 201, response.data
    plan = Plan.objects.get(pk=response.data["id"])
    assert plan.approved_at == date(2026, 2, 10) and plan.committee == committee
    leader = users["leader"].member
    special = f.SpecialCommitteeFactory(committee=committee)
    response = client.post("/api/v1/plan-items/", _item_body(committee, plan, leader, special), format="json")
    assert response.status_code == 201, response.data
    assert response.data["status"] == "overdue"  # deadline 2026-09-30 passed at 0 %
    assert response.data["progress"] == 0 and response.data["stale"] is True


def test_members_read_items_but_only_the_office_creates_them(committee, users, api, item):
    assert api(users["member"]).get("/api/v1/plan-items/").data["count"] == 1
    body = _item_body(committee, item.plan, item.lead, item.responsible)
    for role in ("member", "leader", "committee_staff", "unit"):
        assert api(users[role]).post("/api/v1/plan-items/", body, format="json").status_code == 403
    assert api(users["unit"]).get("/api/v1/plan-items/").status_code == 403
    assert PlanItem.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"milestones": [{"title": "形成报告", "due": "2026-10-01"}]}, "milestones"),  # after the deadline
        ({"milestones": [{"title": "形成报告", "due": "2026-02-30"}]}, "milestones"),
        ({"milestones": [{"title": "", "due": "2026-05-01"}]}, "milestones"),
        ({"milestones": "明天"}, "milestones"),
        ({"links": [{"type": "poem", "id": 1}]}, "links"),
        ({"links": [{"type": "activity", "id": 999999}]}, "links"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_bad_items_are_400_and_nothing_saved(committee, users, api, item, change, field):
    body = _item_body(committee, item.plan, item.lead, item.responsible, **change)
    response = api(users["office"]).post("/api/v1/plan-items/", body, format="json")
    assert response.status_code == 400 and field in response.data
    assert PlanItem.objects.count() == 1


def test_a_lead_who_is_not_a_leader_or_of_another_committee_is_refused(committee, other_committee, users, api, item):
    ordinary = f.MemberFactory(committee=committee, position=Member.Position.MEMBER)
    foreign = f.MemberFactory(committee=other_committee, position=Member.Position.CHAIR)
    client = api(users["office"])
    response = client.post(
        "/api/v1/plan-items/", _item_body(committee, item.plan, ordinary, item.responsible), format="json"
    )
    assert response.status_code == 400 and "主席会议成员" in response.data["lead"][0]
    response = client.post(
        "/api/v1/plan-items/", _item_body(committee, item.plan, foreign, item.responsible), format="json"
    )
    assert response.status_code == 400 and "lead" in response.data
    assert PlanItem.objects.count() == 1


def test_another_committees_item_is_404(other_committee, users, api, today):
    theirs = PlanItemFactory(committee=other_committee)
    client = api(users["office"])
    assert client.get(f"/api/v1/plan-items/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/plan-items/{theirs.pk}/progress/", {"progress": 50}).status_code == 404
    assert not ProgressReport.objects.exists()


def test_status_filters_use_the_derived_status(committee, users, api, today):
    PlanItemFactory(committee=committee, deadline=date(2026, 11, 24), progress=50)  # overdue
    PlanItemFactory(committee=committee, deadline=date(2026, 11, 25), progress=50)  # due today
    PlanItemFactory(committee=committee, deadline=date(2026, 1, 1), progress=100)  # done
    client = api(users["office"])
    assert client.get("/api/v1/plan-items/?status=overdue").data["count"] == 1
    assert client.get("/api/v1/plan-items/?status=in_progress").data["count"] == 1
    assert client.get("/api/v1/plan-items/?status=done").data["count"] == 1
    assert client.get("/api/v1/plan-items/?status=late").status_code == 400


# ---- progress ----------------------------------------------------------------------------


def test_the_lead_leader_reports_progress(users, api, item):
    response = api(users["leader"]).post(
        f"/api/v1/plan-items/{item.pk}/progress/", {"progress": 70, "note": "完成走访", "problems": "数据不全"}
    )
    assert response.status_code == 201, response.data
    item.refresh_from_db()
    assert item.progress == 70 and item.last_report_at == date(2026, 11, 25)
    report = ProgressReport.objects.get(item=item)
    assert (report.progress, report.problems, report.reported_by) == (70, "数据不全", users["leader"])
    assert AuditEntry.objects.filter(model="ledger.progressreport", user=users["leader"]).exists()
    data = api(users["leader"]).get(f"/api/v1/plan-items/{item.pk}/").data
    assert data["stale"] is False and data["status"] == "in_progress"


def test_a_leader_reports_only_on_items_they_lead(committee, users, api, item, make_user):
    other_leader = make_user("leader", committee)
    client = api(other_leader)
    assert client.get(f"/api/v1/plan-items/{item.pk}/").status_code == 200  # sees all
    assert client.post(f"/api/v1/plan-items/{item.pk}/progress/", {"progress": 60}).status_code == 403
    item.refresh_from_db()
    assert item.progress == 40 and not ProgressReport.objects.exists()


def test_staff_report_only_on_their_special_committees_items(committee, users, api, item, make_user):
    assert (
        api(users["committee_staff"]).post(f"/api/v1/plan-items/{item.pk}/progress/", {"progress": 50}).status_code
        == 201
    )
    other_staff = make_user("committee_staff", committee)
    assert api(other_staff).post(f"/api/v1/plan-items/{item.pk}/progress/", {"progress": 60}).status_code == 403
    assert api(users["member"]).post(f"/api/v1/plan-items/{item.pk}/progress/", {"progress": 60}).status_code == 403
    assert api(users["office"]).post(f"/api/v1/plan-items/{item.pk}/progress/", {"progress": 60}).status_code == 201
    item.refresh_from_db()
    report = ProgressReport.objects.get()  # the office's report of the same day amends the staff's
    assert item.progress == 60 and (report.progress, report.reported_by) == (60, users["office"])


def test_progress_goes_down_only_with_a_note(users, api, item):
    client = api(users["leader"])
    url = f"/api/v1/plan-items/{item.pk}/progress/"
    response = client.post(url, {"progress": 30})
    assert response.status_code == 400 and "note" in response.data
    response = client.post(url, {"progress": 30, "note": "   "})
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.progress == 40 and item.last_report_at is None and not ProgressReport.objects.exists()
    assert client.post(url, {"progress": 30, "note": "原方案被县委调整，重新调研"}).status_code == 201
    assert client.post(url, {"progress": 30}).status_code == 201  # the same value needs no note
    item.refresh_from_db()
    assert item.progress == 30


@pytest.mark.parametrize("value", [120, 101, -1, "五十", "", None, True, 50.5, [50], {"a": 1}])
def test_bad_progress_is_400_and_nothing_saved(users, api, item, value):
    response = api(users["office"]).post(f"/api/v1/plan-items/{item.pk}/progress/", {"progress": value}, format="json")
    assert response.status_code == 400 and "progress" in response.data
    item.refresh_from_db()
    assert item.progress == 40 and not ProgressReport.objects.exists()


def test_progress_is_not_written_through_the_item(users, api, item):
    response = api(users["office"]).patch(f"/api/v1/plan-items/{item.pk}/", {"progress": 100}, format="json")
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.progress == 40


def test_reports_of_an_item_newest_first(users, api, item):
    ProgressReportFactory(item=item, progress=10, date=date(2026, 3, 5))
    ProgressReportFactory(item=item, progress=40, date=date(2026, 4, 5))
    data = api(users["member"]).get(f"/api/v1/plan-items/{item.pk}/reports/").data
    assert [r["progress"] for r in data["results"]] == [40, 10]


# ---- the board ----------------------------------------------------------------------------


def _expected_board(items, today):
    rows = {}
    for it in items:
        row = rows.setdefault(it.responsible_id, {"total": 0, "done": 0, "overdue": 0, "stale": 0, "sum": 0})
        row["total"] += 1
        row["done"] += it.progress >= 100
        row["overdue"] += it.deadline < today and it.progress < 100
        row["stale"] += it.progress < 100 and (it.last_report_at is None or it.last_report_at < today.replace(day=1))
        row["sum"] += it.progress
    return {
        pk: {
            "special_committee": pk,
            "total": r["total"],
            "done": r["done"],
            "overdue": r["overdue"],
            "stale": r["stale"],
            "avg_progress": round(r["sum"] / r["total"], 1),
        }
        for pk, r in rows.items()
    }


def test_board_figures_equal_those_computed_from_the_items(committee, other_committee, users, api, today):
    import random

    rng = random.Random(6)
    specials = [f.SpecialCommitteeFactory(committee=committee) for _ in range(4)]
    plan = PlanFactory(committee=committee, year=2026)
    items = [
        PlanItemFactory(
            committee=committee,
            plan=plan,
            responsible=rng.choice(specials),
            progress=rng.choice([0, 10, 35, 60, 99, 100]),
            deadline=date(2026, rng.randint(1, 12), rng.randint(1, 28)),
            last_report_at=rng.choice([None, date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 20)]),
        )
        for _ in range(40)
    ]
    PlanItemFactory(committee=committee, plan=PlanFactory(committee=committee, year=2025), responsible=specials[0])
    PlanItemFactory(committee=other_committee, progress=100)
    data = api(users["member"]).get("/api/v1/plan-items/board/?year=2026").json()
    expected = _expected_board(items, date(2026, 11, 25))
    assert {
        row["special_committee"]: {k: row[k] for k in expected[row["special_committee"]]} for row in data
    } == expected
    averages = [row["avg_progress"] for row in data]
    assert averages == sorted(averages, reverse=True)
    assert [row["rank"] for row in data] == list(range(1, len(data) + 1))


def test_board_moves_with_today(committee, users, api, today):
    PlanItemFactory(committee=committee, deadline=date(2026, 10, 31), progress=50, last_report_at=date(2026, 10, 31))
    client = api(users["member"])
    today(date(2026, 10, 31))
    row = client.get("/api/v1/plan-items/board/?year=2026").json()[0]
    assert (row["overdue"], row["stale"]) == (0, 0)
    today(date(2026, 11, 1))
    row = client.get("/api/v1/plan-items/board/?year=2026").json()[0]
    assert (row["overdue"], row["stale"]) == (1, 1)


def test_board_denied_and_bad_year(users, api, today):
    assert api(users["unit"]).get("/api/v1/plan-items/board/?year=2026").status_code == 403
    assert api(users["auditor"]).get("/api/v1/plan-items/board/?year=2026").status_code == 403
    assert api(users["member"]).get("/api/v1/plan-items/board/?year=二〇二六").status_code == 400
    assert api(None).get("/api/v1/plan-items/board/?year=2026").status_code == 401


# ---- query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 30])
def test_item_list_and_board_query_counts_do_not_grow(committee, users, api, today, n, django_assert_num_queries):
    plan = PlanFactory(committee=committee)
    PlanItemFactory.create_batch(n, committee=committee, plan=plan)
    client = api(users["office"])
    client.get("/api/v1/plan-items/")  # warm the session/auth caches
    with django_assert_num_queries(2):  # count + page
        assert client.get("/api/v1/plan-items/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/api/v1/plan-items/board/?year=2026").status_code == 200


# ---- monthly plans --------------------------------------------------------------------------


def test_staff_file_their_monthly_plan_and_not_anothers(committee, users, api, make_user):
    special = users["committee_staff"].special_committee
    client = api(users["committee_staff"])
    body = {"special_committee": special.pk, "month": "2026-11-01", "tasks": ["开展养老服务调研", "召开对口协商会"]}
    response = client.post("/api/v1/monthly-plans/", body, format="json")
    assert response.status_code == 201, response.data
    other = f.SpecialCommitteeFactory(committee=committee)
    response = client.post("/api/v1/monthly-plans/", {**body, "special_committee": other.pk}, format="json")
    assert response.status_code == 403
    assert api(users["member"]).post("/api/v1/monthly-plans/", body, format="json").status_code == 403
    response = client.post("/api/v1/monthly-plans/", {**body, "tasks": []}, format="json")
    assert response.status_code == 400  # the office view needs something to show
    assert api(users["member"]).get("/api/v1/monthly-plans/?month=2026-11-01").data["count"] == 1


def test_item_list_exports_xlsx_with_chinese_labels(users, api, item):
    from tests.api.conftest import read_xlsx

    response = api(users["office"]).get("/api/v1/plan-items/?format=xlsx")
    assert response.status_code == 200
    rows = read_xlsx(response.content)
    assert "状态" in rows[0] and "牵头领导" in rows[0]
    assert rows[1][rows[0].index("状态")] == "推进中" and rows[1][rows[0].index("事项")] == item.title
