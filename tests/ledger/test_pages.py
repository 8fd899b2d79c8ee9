"""Ledger pages: the plan, an item with its progress form, the board with its chart and A3 PDF, monthly plans."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from luzhi.ledger.models import MonthlyPlan, Plan, PlanItem, ProgressReport
from tests import factories as f
from tests.ledger.factories import PlanFactory, PlanItemFactory, ProgressReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(committee, users, today):
    return PlanItemFactory(
        committee=committee,
        title="养老服务体系建设调研",
        lead=users["leader"].member,
        responsible=users["committee_staff"].special_committee,
        deadline=date(2026, 12, 31),
        progress=40,
        last_report_at=date(2026, 11, 3),
    )


def test_plan_page_marks_overdue_and_stale_in_red(committee, users, page, item):
    late = PlanItemFactory(committee=committee, plan=item.plan, title="逾期的事项", deadline=date(2026, 10, 31))
    PlanItemFactory(
        committee=committee,
        plan=item.plan,
        title="上月调度的事项",
        last_report_at=date(2026, 10, 31),
        deadline=date(2026, 12, 1),
    )
    html = page(users["member"]).get("/ledger/?year=2026").content.decode()
    assert "养老服务体系建设调研" in html and "逾期的事项" in html
    assert f'class="table-danger" data-item="{late.pk}"' in html
    assert html.count("本月未调度</div>") == 2  # the overdue item never reported, the other last month
    html = page(users["member"]).get("/ledger/?year=2026&status=overdue").content.decode()
    assert "逾期的事项" in html and "养老服务体系建设调研" not in html


def test_plan_page_denied_to_a_unit(users, page):
    assert page(users["unit"]).get("/ledger/").status_code == 403


def test_the_lead_reports_progress_on_the_item_page(users, page, item):
    client = page(users["leader"])
    assert "报告本月进度" in client.get(f"/ledger/items/{item.pk}/").content.decode()
    response = client.post(f"/ledger/items/{item.pk}/", {"progress": "55", "note": "完成走访", "problems": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.progress == 55


def test_a_decrease_without_a_note_shows_the_error_and_saves_nothing(users, page, item):
    html = page(users["leader"]).post(f"/ledger/items/{item.pk}/", {"progress": "20"}).content.decode()
    assert "请在进展情况中说明原因" in html
    item.refresh_from_db()
    assert item.progress == 40 and not ProgressReport.objects.exists()


def test_another_leader_sees_the_item_without_the_form_and_may_not_post(committee, users, page, item, make_user):
    client = page(make_user("leader", committee))
    html = client.get(f"/ledger/items/{item.pk}/").content.decode()
    assert "养老服务体系建设调研" in html and "报告本月进度" not in html
    assert client.post(f"/ledger/items/{item.pk}/", {"progress": "90"}).status_code == 403
    item.refresh_from_db()
    assert item.progress == 40


def test_another_committees_item_page_is_404(other_committee, users, page, today):
    theirs = PlanItemFactory(committee=other_committee)
    assert page(users["office"]).get(f"/ledger/items/{theirs.pk}/").status_code == 404


def test_board_page_ranks_and_draws_the_months(committee, users, page, item):
    ProgressReportFactory(item=item, progress=20, date=date(2026, 4, 10))
    ProgressReportFactory(item=item, progress=40, date=date(2026, 11, 3))
    other = PlanItemFactory(committee=committee, plan=item.plan, progress=100, deadline=date(2026, 6, 30))
    html = page(users["member"]).get("/ledger/board/?year=2026").content.decode()
    assert html.index(other.responsible.name) < html.index(item.responsible.name)  # 100 % ranks first
    assert "<svg" in html and "<polyline" in html and "11月" in html
    assert page(users["unit"]).get("/ledger/board/").status_code == 403


def test_board_pdf_is_a3_landscape(committee, users, page, item, cjk_fonts):
    response = page(users["member"]).get("/ledger/board/pdf/?year=2026")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 1191 and round(float(box.height)) == 842  # A3 landscape in points
    assert item.responsible.name in reader.pages[0].extract_text()
    assert page(users["unit"]).get("/ledger/board/pdf/").status_code == 403


def test_staff_file_a_monthly_plan_and_the_office_sees_every_committee(committee, users, page, today):
    staff = users["committee_staff"]
    other = f.SpecialCommitteeFactory(committee=committee, name="未报送的专委会")
    client = page(staff)
    response = client.post(
        "/ledger/monthly/?month=2026-11",
        {"special_committee": staff.special_committee_id, "tasks": "开展调研\n召开协商会"},
    )
    assert response.status_code == 302
    plan = MonthlyPlan.objects.get()
    assert plan.tasks == ["开展调研", "召开协商会"] and plan.month == date(2026, 11, 1)
    response = client.post("/ledger/monthly/?month=2026-11", {"special_committee": other.pk, "tasks": "越权"})
    assert response.status_code == 200 and MonthlyPlan.objects.count() == 1  # not a choice for this staff
    html = page(users["office"]).get("/ledger/monthly/?month=2026-11").content.decode()
    assert "召开协商会" in html and "未报送的专委会" in html and "未报送" in html
    assert page(users["member"]).post("/ledger/monthly/", {"tasks": "x"}).status_code == 403


@pytest.mark.parametrize("n", [2, 40])
def test_plan_and_board_query_counts_do_not_grow(committee, users, page, today, n, django_assert_num_queries):
    plan = PlanFactory(committee=committee)
    PlanItemFactory.create_batch(n, committee=committee, plan=plan)
    client = page(users["member"])
    client.get("/ledger/?year=2026")
    # the session is not saved again within a minute; the top bar: the member's name and the unread COUNT
    with django_assert_num_queries(9):
        assert client.get("/ledger/?year=2026").status_code == 200
    client.get("/ledger/board/?year=2026")
    with django_assert_num_queries(BOARD_QUERIES):
        assert client.get("/ledger/board/?year=2026").status_code == 200


# Session, user and menu (the session is not saved again within a minute), the board, the special
# committees, one aggregate per month so far (11 on 2026-11-25), the top bar's member name and unread COUNT.
BOARD_QUERIES = 3 + 1 + 1 + 11 + 2


def test_office_records_a_plan_and_adds_an_item_with_milestones(committee, users, page, today):
    client = page(users["office"])
    body = {"year": "2026", "title": "2026年度协商计划", "approved_at": "2026-02-10", "approved_by": "县委常委会"}
    assert client.post("/ledger/plans/new/", body).status_code == 302
    plan = Plan.objects.get(committee=committee)
    special = users["committee_staff"].special_committee
    item = {
        "plan": plan.pk,
        "kind": "research",
        "origin": "party",
        "title": "养老服务调研",
        "lead": users["leader"].member_id,
        "responsible": special.pk,
        "deadline": "2026-09-30",
        "milestone_lines": "制定方案，2026-04-30\n形成报告，2026-09-30",
    }
    response = client.post("/ledger/items/new/", item)
    assert response.status_code == 302
    saved = PlanItem.objects.get(title="养老服务调研")
    assert saved.milestones == [{"title": "制定方案", "due": "2026-04-30"}, {"title": "形成报告", "due": "2026-09-30"}]
    html = client.post(
        "/ledger/items/new/", {**item, "title": "晚了", "milestone_lines": "报告，2026-10-01"}
    ).content.decode()
    assert "晚于完成时限" in html and not PlanItem.objects.filter(title="晚了").exists()
    response = client.post(f"/ledger/items/{saved.pk}/edit/", {**item, "title": "养老服务体系调研"})
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.title == "养老服务体系调研"


def test_only_the_office_creates_plans_and_items(committee, users, page, item):
    for role in ("leader", "committee_staff", "member"):
        client = page(users[role])
        assert client.get("/ledger/plans/new/").status_code == 403
        assert client.post("/ledger/items/new/", {"title": "x"}).status_code == 403
        assert client.post(f"/ledger/items/{item.pk}/edit/", {"title": "x"}).status_code == 403
    assert PlanItem.objects.count() == 1 and Plan.objects.count() == 1


def test_a_second_report_on_the_same_day_amends_the_first(users, page, item):
    client = page(users["leader"])
    client.post(f"/ledger/items/{item.pk}/", {"progress": "55", "note": "完成走访", "problems": ""})
    response = client.post(
        f"/ledger/items/{item.pk}/", {"progress": "60", "note": "又完成座谈", "problems": "经费不足"}
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(item=item)
    assert (report.progress, report.note, report.problems, report.date) == (
        60,
        "又完成座谈",
        "经费不足",
        date(2026, 11, 25),
    )
    assert [h.progress for h in report.history.order_by("history_id")] == [55, 60]  # the first figure is kept
    item.refresh_from_db()
    assert item.progress == 60


def test_amending_today_downwards_needs_a_note_like_any_step_back(users, page, item):
    client = page(users["leader"])
    client.post(f"/ledger/items/{item.pk}/", {"progress": "55", "note": "完成走访"})
    html = client.post(f"/ledger/items/{item.pk}/", {"progress": "50"}).content.decode()
    assert "进度由 55% 回退到 50%" in html
    assert client.post(f"/ledger/items/{item.pk}/", {"progress": "50", "note": "更正：误填"}).status_code == 302
    assert ProgressReport.objects.get(item=item).progress == 50


def test_reports_on_different_days_are_kept_apart(users, page, item, today):
    client = page(users["leader"])
    client.post(f"/ledger/items/{item.pk}/", {"progress": "55", "note": "完成走访"})
    today(date(2026, 11, 26))
    client.post(f"/ledger/items/{item.pk}/", {"progress": "70", "note": "形成初稿"})
    assert list(ProgressReport.objects.order_by("date").values_list("progress", flat=True)) == [55, 70]
