"""Browser flows of the hall: a member reads a PDF paper on a phone through pdf.js (local files, no
CSP violation), and the hall screen follows a sign-in and the office's move of the agenda within 2 s."""

import datetime as dt

import pytest
from django.utils import timezone

from luzhi.activities.models import AgendaItem, Attendance
from tests import factories as f
from tests.activities import factories as af
from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _meeting(users):
    committee = users["office"].committee
    starts_at = timezone.now() - dt.timedelta(minutes=10)
    activity = af.ActivityFactory(
        committee=committee, kind="plenary", title="全体委员会议", starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=3),
    )  # fmt: skip
    af.AttendanceFactory(activity=activity, committee=committee, member=users["member"].member, status="present")
    late = f.MemberFactory(committee=committee)
    af.AttendanceFactory(activity=activity, committee=committee, member=late)
    return activity, late


def test_a_member_reads_a_pdf_paper_on_a_phone(phone_page, live_server, users):
    from django.core.files.base import ContentFile
    from weasyprint import HTML

    from luzhi.activities.models import ActivityMaterial

    activity, _ = _meeting(users)
    data = HTML(string="<h1>政协工作报告</h1><p>第一页</p><p style='page-break-before: always'>第二页</p>").write_pdf()
    material = ActivityMaterial(committee=activity.committee, activity=activity, title="工作报告", name="报告.pdf")
    material.size = len(data)
    material.file.save("报告.pdf", ContentFile(data), save=False)
    material.save()
    login(phone_page, live_server, users["member"].username, PASSWORD)
    phone_page.goto(f"{live_server.url}/activities/{activity.pk}/")
    phone_page.get_by_role("link", name="工作报告").first.click()
    phone_page.wait_for_url(f"**/activities/materials/{material.pk}/view/")
    phone_page.wait_for_selector("canvas[data-page='1'][data-drawn='true']", timeout=15_000)
    assert phone_page.locator("canvas.lz-pdf-page").count() == 2
    assert "共 2 页" in phone_page.locator("[data-pdf-status]").inner_text()
    # As wide as the phone, and drawn at the screen's pixel density.
    box = phone_page.locator("canvas[data-page='1']").bounding_box()
    assert box and 300 <= box["width"] <= 390
    assert phone_page.evaluate("document.querySelector(\"canvas[data-page='1']\").width") >= box["width"]


def test_the_hall_screen_follows_sign_ins_and_the_agenda(page, live_server, users):
    from playwright.sync_api import expect

    activity, late = _meeting(users)
    AgendaItem.objects.create(
        committee=activity.committee, activity=activity, order=1, title="学习讲话精神", first_topic=True
    )
    AgendaItem.objects.create(committee=activity.committee, activity=activity, order=2, title="审议工作报告")
    login(page, live_server, users["office"].username, PASSWORD)
    page.goto(f"{live_server.url}/activities/{activity.pk}/screen/")
    assert page.locator("[data-present]").inner_text() == "1"
    Attendance.objects.filter(activity=activity, member=late).update(status="present")
    expect(page.locator("[data-present]")).to_have_text("2", timeout=2_500)
    # The office moves the item from another tab (a phone); the projector follows.
    control = page.context.new_page()
    control.goto(f"{live_server.url}/activities/{activity.pk}/screen/control/")
    control.get_by_role("button", name="下一项").click()
    control.wait_for_load_state("networkidle")
    expect(page.locator("[data-item]")).to_have_text("学习讲话精神", timeout=2_500)
    assert page.locator("[data-first-topic]").count() == 1
    control.close()
