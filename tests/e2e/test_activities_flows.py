"""Browser flow of activities: a leader asks for leave on a phone, the office approves and takes
attendance, and the cadence report's cells change accordingly."""

import datetime as dt

import pytest
from django.utils import timezone

from luzhi.activities.models import Activity, Attendance, LeaveRequest
from luzhi.org.models import Member
from tests import factories as f
from tests.activities import factories as af
from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

RULE = "主席会议成员每季度沉浸式调研不少于2天"


def _cell(page, live_server, member):
    """The current quarter's cell of the immersive-research rule for one leader, as 'value/minimum'."""
    page.goto(f"{live_server.url}/activities/cadence/")
    card = page.locator(".card", has_text=RULE).first
    row = card.locator("tr", has_text=member.name).first
    quarter = (timezone.localdate().month - 1) // 3
    return row.locator("td.lz-cell").nth(quarter).inner_text().strip()


def test_leave_on_a_phone_then_approval_and_attendance_change_the_report(page, phone_page, live_server, users):
    committee = users["office"].committee
    asking = users["leader"].member
    other = f.MemberFactory(committee=committee, name="贾副主席", position=Member.Position.VICE_CHAIR)
    today = timezone.localdate()
    start = today - dt.timedelta(days=1) if today.day > 1 else today  # two days inside this quarter
    activity = af.ActivityFactory(
        committee=committee, kind=Activity.Kind.IMMERSIVE_RESEARCH, title="沉浸式调研：乡村养老", start=start, end=today
    )
    for member in (asking, other):
        af.AttendanceFactory(activity=activity, committee=committee, member=member)
    days = activity.days

    # The leader asks for leave from a phone.
    login(phone_page, live_server, users["leader"].username, PASSWORD)
    phone_page.goto(f"{live_server.url}/activities/{activity.pk}/")
    phone_page.fill("#id_reason", "参加县委常委会")
    phone_page.get_by_role("button", name="回执：请假").click()
    phone_page.wait_for_load_state("networkidle")
    assert "参加县委常委会" in phone_page.content()
    assert LeaveRequest.objects.get(activity=activity, member=asking).status == LeaveRequest.Status.PENDING

    # The office sees the report before anything is recorded: nobody has any days yet.
    login(page, live_server, users["office"].username, PASSWORD)
    assert _cell(page, live_server, other) == "0/2"

    # The office approves the leave and records the other leader present.
    page.goto(f"{live_server.url}/activities/{activity.pk}/")
    page.locator("li", has_text="参加县委常委会").get_by_role("button", name="批准", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert Attendance.objects.get(activity=activity, member=asking).status == Attendance.Status.LEAVE
    page.select_option(f"select[name='status-{other.pk}']", "present")
    page.get_by_role("button", name="保存出席情况").click()
    page.wait_for_load_state("networkidle")

    # The report now credits the leader who went, and not the one on leave.
    assert _cell(page, live_server, other) == f"{days}/2"
    assert _cell(page, live_server, asking) == "0/2"

    # The leader is told about the decision.
    phone_page.goto(f"{live_server.url}/activities/{activity.pk}/")
    assert "请假" in phone_page.locator("#my-status").inner_text()
