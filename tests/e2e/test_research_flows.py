"""Browser flows of research and the ledger: a leader completes a step; a clerk reports progress; the board moves."""

from datetime import date

import pytest

from luzhi.ledger.models import PlanItem
from luzhi.research.models import ResearchTopic
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.ledger.factories import PlanItemFactory
from tests.research.factories import ResearchTopicFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("luzhi.core.clock.today", lambda: date(2026, 11, 25))


def test_a_leader_completes_the_current_step_of_a_topic(page, live_server, committee, users):
    topic = ResearchTopicFactory(
        committee=committee,
        title="居家养老服务调研",
        lead=users["leader"].member,
        special_committee=users["committee_staff"].special_committee,
    )
    login(page, live_server, users["leader"].username, PASSWORD)
    page.goto(f"{live_server.url}/research/?year=2026")
    page.get_by_role("link", name="居家养老服务调研").click()
    assert page.locator('[data-step="1"]').get_attribute("data-state") == "current"

    page.get_by_role("button", name="完成本步").click()  # without the plan: refused, still step 1
    page.wait_for_load_state("networkidle")
    assert "请填写选题计划" in page.content()
    page.fill("textarea[name=plan]", "列入2026年度调研计划，由专委会承办")
    page.get_by_role("button", name="完成本步").click()
    page.wait_for_load_state("networkidle")
    assert "已完成第1步" in page.content()
    assert page.locator('[data-step="1"]').get_attribute("data-state") == "done"
    assert page.locator('[data-step="2"]').get_attribute("data-state") == "current"
    assert ResearchTopic.objects.get(pk=topic.pk).step == 2


def test_a_clerk_reports_monthly_progress_and_the_board_changes(page, live_server, committee, users):
    special = users["committee_staff"].special_committee
    item = PlanItemFactory(
        committee=committee,
        title="县域医共体建设督办",
        responsible=special,
        deadline=date(2026, 12, 31),
        progress=20,
        last_report_at=date(2026, 10, 20),
    )
    login(page, live_server, users["committee_staff"].username, PASSWORD)
    page.goto(f"{live_server.url}/ledger/board/?year=2026")
    row = page.locator(f'tr[data-special="{special.pk}"]')
    assert "20.0%" in row.inner_text()
    assert row.locator("td").nth(5).inner_text().strip() == "1"  # stale: no report in November

    page.goto(f"{live_server.url}/ledger/?year=2026")
    page.get_by_role("link", name="县域医共体建设督办").click()
    page.fill("input[name=progress]", "60")
    page.fill("textarea[name=note]", "完成乡镇卫生院走访")
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state("networkidle")
    assert "已报告进度 60%" in page.content()
    assert page.locator("#item-progress").inner_text() == "60"

    page.goto(f"{live_server.url}/ledger/board/?year=2026")
    row = page.locator(f'tr[data-special="{special.pk}"]')
    assert "60.0%" in row.inner_text()
    assert row.locator("td").nth(5).inner_text().strip() == "0"
    assert PlanItem.objects.get(pk=item.pk).reports.count() == 1


def test_the_board_reads_well_on_a_phone(phone_page, live_server, committee, users):
    PlanItemFactory(committee=committee, responsible=users["committee_staff"].special_committee, progress=50)
    login(phone_page, live_server, users["member"].username, PASSWORD)
    phone_page.goto(f"{live_server.url}/ledger/board/?year=2026")
    assert phone_page.get_by_role("img", name="各专委会平均进度按月变化").is_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
