"""Browser flow of issue 7: a member opens their page on a phone and disputes a ledger entry;
the office accepts with an adjustment; the member's total changes."""

import datetime as dt

import pytest
from django.utils import timezone

from luzhi.core.roles import Role
from luzhi.scoring import rules
from luzhi.scoring.models import ScoreRuleSet
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.scoring import factories as sf

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_disputes_an_absence_and_the_office_accepts(page, phone_page, live_server, committee, make_user):
    year = timezone.localdate().year
    ScoreRuleSet.objects.create(
        committee=committee,
        year=year,
        items=rules.DEFAULT_ITEMS,
        grades=rules.DEFAULT_GRADES,
        shared_caps=rules.DEFAULT_SHARED_CAPS,
    )
    member_user = make_user(Role.MEMBER, committee)
    office = make_user(Role.OFFICE, committee)
    member = member_user.member
    plenary = sf.activity(committee, "plenary", dt.date(year, 1, 10), days=2, title="全体委员会议")
    sf.attend(plenary, member)  # 2 days × 5 = 10
    standing = sf.activity(committee, "standing_committee", dt.date(year, 3, 5), title="常委会第八次会议")
    sf.attend(standing, member, "absent")  # −5

    # On the phone: the score is 5; the absence is disputed with a reason.
    login(phone_page, live_server, member_user.username, PASSWORD)
    phone_page.goto(f"{live_server.url}/scoring/mine/")
    assert phone_page.inner_text("[data-total]") == "5"
    absence = phone_page.locator("details[data-code=absent]")
    absence.locator("li[data-entry] summary").click()
    absence.locator("textarea[name=reason]").fill("当天因公出差，已提前向办公室请假。")
    absence.locator("button:has-text('提交申诉')").click()
    phone_page.wait_for_selector("text=申诉已提交")
    assert "申诉处理中" in phone_page.inner_text("details[data-code=absent]")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390

    # The office accepts it with +5 (the absence becomes the approved leave's 0).
    login(page, live_server, office.username, PASSWORD)
    page.goto(f"{live_server.url}/scoring/appeals/")
    card = page.locator("[data-appeal]").first
    assert "当天因公出差" in card.inner_text()
    card.locator("input[name=points]").fill("5")
    card.locator("form:has(button:has-text('采纳并调整')) textarea[name=reason]").fill("经核实已请假，按请假计。")
    card.locator("button:has-text('采纳并调整')").click()
    page.wait_for_selector("text=积分已调整")

    # Back on the phone the total has changed and the answer is there.
    phone_page.goto(f"{live_server.url}/scoring/mine/")
    assert phone_page.inner_text("[data-total]") == "10"
    main = phone_page.inner_text("main")
    assert "已采纳" in main and "经核实已请假，按请假计。" in main and "申诉调整" in main
