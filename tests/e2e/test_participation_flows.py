"""Browser flow of issue 9: on a phone a member reads a notice, posts a suggestion to an open topic and files a
self-report with a photo; the office verifies it and the report counts from then on."""

import pytest

from luzhi.core.roles import Role
from luzhi.participation.models import NoticeReceipt, Post, SelfReport
from luzhi.participation.services import notice_publish
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.participation.factories import PNG, TopicFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_reads_posts_and_files_on_a_phone_and_the_office_verifies(
    page, phone_page, live_server, committee, make_user, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    member = make_user(Role.MEMBER, committee)
    office = make_user(Role.OFFICE, committee)
    notice_publish(
        actor=office,
        committee=committee,
        kind="briefing",
        title="三季度全县经济运行情况通报",
        body="生产总值增长6.1%。",
    )
    topic = TopicFactory(committee=committee, title="如何推进县域居家养老")

    login(phone_page, live_server, member.username, PASSWORD)
    phone_page.goto(f"{live_server.url}/participation/notices/")
    assert "未读" in phone_page.inner_text("#notice-list")
    phone_page.click("text=三季度全县经济运行情况通报")
    assert "生产总值增长6.1%" in phone_page.inner_text("#notice-body")
    assert NoticeReceipt.objects.get(member=member.member).read_at is not None

    phone_page.goto(f"{live_server.url}/participation/topics/{topic.pk}/")
    phone_page.fill("#id_text", "建议在中心村建设互助幸福院。")
    phone_page.click("#post-form button[type=submit]")
    phone_page.wait_for_selector("text=建议已发表。")
    assert "建议在中心村建设互助幸福院。" in phone_page.inner_text("#posts")
    assert Post.objects.get().author == member.member

    photo = tmp_path / "走访.png"
    photo.write_bytes(PNG)
    phone_page.goto(f"{live_server.url}/participation/reports/new/")
    phone_page.select_option("#id_kind", "visit")
    phone_page.fill("#id_place", "城关镇东关村")
    phone_page.fill("#id_content", "走访困难群众5户。")
    phone_page.set_input_files("#id_files", str(photo))
    phone_page.click("#report-form button[type=submit]")
    phone_page.wait_for_selector("text=履职备案已提交")
    assert "待核实" in phone_page.inner_text("#report-status")
    report = SelfReport.objects.get()
    assert report.evidence.get().kind == "image"
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the report page must fit a phone"

    login(page, live_server, office.username, PASSWORD)
    page.goto(f"{live_server.url}/participation/reports/?status=pending")
    page.click("#report-list a")
    page.click("#verify")
    page.wait_for_selector("text=已核实。")
    report.refresh_from_db()
    assert report.status == "verified"

    phone_page.goto(f"{live_server.url}/participation/reports/")
    assert "已核实" in phone_page.inner_text("#report-list")
