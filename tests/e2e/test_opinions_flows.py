"""Browser flow of issue 5: a member writes a report; the county adopts and forwards; the city adopts
with an instruction; the member sees both on their page (on a phone)."""

import pytest

from luzhi.core.roles import Role
from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _logout(page, live_server):
    page.context.clear_cookies()


def test_report_travels_up_and_the_member_sees_the_credits(page, phone_page, live_server, committee, make_user):
    member = make_user(Role.MEMBER, committee)
    county = make_user(Role.OFFICE, committee)
    city = make_user(Role.OFFICE, committee.parent)

    # The member writes on a phone; the counter says how much room is left.
    login(phone_page, live_server, member.username, PASSWORD)
    phone_page.goto(f"{live_server.url}/opinions/new/")
    phone_page.fill("#id_title", "关于山区村组饮水水压不足的建议")
    phone_page.fill("#id_content", "部分山区村组自来水水压不足，夏季经常断水。建议加装加压设施。")
    assert "/ 1500" in phone_page.inner_text("#lz-count")
    phone_page.click("main button[type=submit]")
    phone_page.wait_for_url("**/opinions/*/")
    report_url = phone_page.url

    # The county office adopts it into an issue and forwards it to the city.
    login(page, live_server, county.username, PASSWORD)
    page.goto(f"{live_server.url}/opinions/queue/")
    page.click("text=关于山区村组饮水水压不足的建议")
    page.fill("#adopt-issue", "2026年第5期")
    page.click("button:has-text('采用')")
    page.wait_for_selector("text=已采用。")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('上报示例市政协')")
    page.wait_for_selector("text=已上报示例市政协。")
    assert "我的信息" not in page.inner_text("nav[aria-label=breadcrumb]")  # the office's own way back
    _logout(page, live_server)

    # The city office finds it in its own queue, adopts it and records a vice-mayor's instruction.
    login(page, live_server, city.username, PASSWORD)
    page.goto(f"{live_server.url}/opinions/queue/")
    assert "示例县政协报送" in page.inner_text("main")
    page.click("text=关于山区村组饮水水压不足的建议")
    page.fill("#adopt-issue", "第12期")
    page.click("button:has-text('采用')")
    page.wait_for_selector("text=已采用。")
    page.select_option("select[name=level]", "city")
    page.fill("input[name=leader]", "副市长 周某")
    page.fill("textarea[name=text]", "请市水务局研究解决。")
    page.click("button:has-text('登记批示')")
    page.wait_for_selector("text=已登记批示。")

    # Back on the phone, the member sees both adoptions and the instruction.
    phone_page.goto(f"{live_server.url}/opinions/mine/")
    mine = phone_page.inner_text("main")
    assert "示例县政协采用" in mine and "示例市政协采用" in mine and "副市长 周某" in mine
    phone_page.goto(report_url)
    credits = phone_page.inner_text("#lz-credits")
    assert "2026年第5期" in credits and "第12期" in credits and "市级" in credits
    assert "请市水务局研究解决" in credits
