"""A member's first day and a meeting, on a phone (390×844).

Issue 13: given an account in bulk, the member logs in with the one-time password from the
text, must change it, sees the invitation on the home page with the unread badge, answers it.
Issue 14: at the meeting the member signs in by opening the door's code URL, votes, and the
office's screen page shows the result.
"""

import re
from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from luzhi.accounts import bulk
from luzhi.activities import services as activity_services
from luzhi.activities import signin
from luzhi.activities.models import Activity, Attendance, Vote
from luzhi.core import sms
from luzhi.org.models import Member
from tests import factories as f
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Lvzhi#2026new"


@pytest.fixture(autouse=True)
def _texts_in_memory(settings):
    settings.LUZHI_SMS_BACKEND = "locmem"
    sms.outbox.clear()


def test_first_login_with_the_texted_password_then_the_invitation_on_the_home_page(phone_page, live_server, users):
    committee = users["office"].committee
    member = f.MemberFactory(committee=committee, name="孙晓梅", phone="13912345678")
    with TestCase.captureOnCommitCallbacks(execute=True):
        bulk.member_accounts_create(actor=users["sysadmin"], committee=committee, members=[member])
    text = next(m["text"] for m in sms.outbox if m["to"] == "13912345678")
    one_time = re.search(r"初始密码：(\S+?)。", text).group(1)

    starts_at = timezone.localtime() + timedelta(days=3)
    with TestCase.captureOnCommitCallbacks(execute=True):
        activity = activity_services.activity_schedule(
            actor=users["office"],
            committee=committee,
            data={
                "kind": Activity.Kind.STANDING_COMMITTEE,
                "title": "县政协常委会第十次会议",
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(hours=2),
                "location": "政协机关三楼会议室",
            },
            participants=[member],
        )

    page = phone_page
    login(page, live_server, "13912345678", one_time)
    # Someone else chose that password: every page sends the member to change it first.
    assert "/accounts/password/" in page.url
    page.goto(f"{live_server.url}/proposals/")
    assert "/accounts/password/" in page.url
    page.fill("input[name=old_password]", one_time)
    page.fill("input[name=new_password]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    page.get_by_role("button", name="确认修改").click()
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/")
    assert "孙晓梅" in page.content()  # greeted by name, not by the phone number
    badge = page.locator("#lz-unread")
    assert badge.get_attribute("aria-label").startswith("1 ")  # the invitation is an unread message
    invitation = page.locator("[data-todo=invitations] a", has_text="县政协常委会第十次会议")
    assert invitation.count() == 1
    invitation.click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="回执：参加").click()
    page.wait_for_load_state("networkidle")
    assert "我的回执" in page.content()
    assert Attendance.objects.get(activity=activity, member=member).answer == "attend"
    # Answered: the home page no longer asks.
    page.goto(f"{live_server.url}/")
    assert page.locator("[data-todo=invitations]").count() == 0


def test_sign_in_by_the_door_code_vote_and_the_result_on_the_screen(page, phone_page, live_server, users):
    committee = users["office"].committee
    me = users["member"]
    others = [f.MemberFactory(committee=committee, status=Member.Status.ACTIVE) for _ in range(2)]
    starts_at = timezone.localtime() - timedelta(minutes=5)
    activity = activity_services.activity_schedule(
        actor=users["office"],
        committee=committee,
        data={
            "kind": Activity.Kind.STANDING_COMMITTEE,
            "title": "常委会全体会议",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2),
        },
        participants=[me.member, *others],
    )
    Attendance.objects.filter(member__in=others).update(status="present")

    # The member replies, then scans the door's code: the QR opens this URL.
    login(phone_page, live_server, me.username, f.PASSWORD)
    phone_page.goto(f"{live_server.url}/activities/{activity.pk}/")
    phone_page.get_by_role("button", name="回执：参加").click()
    phone_page.wait_for_load_state("networkidle")
    code = signin.current_code(activity.pk)[0]
    phone_page.goto(f"{live_server.url}/activities/{activity.pk}/signin/?code={code}")
    phone_page.get_by_role("button", name="签到").click()
    phone_page.wait_for_load_state("networkidle")
    assert "签到成功" in phone_page.content()

    # The office sets up and opens a vote; the screen page is open on the projector.
    login(page, live_server, users["office"].username, f.PASSWORD)
    page.goto(f"{live_server.url}/activities/{activity.pk}/votes/new/")
    page.fill("input[name=title]", "关于通过常委会工作报告的决议")
    page.select_option("select[name=threshold]", "majority_of_present")
    page.get_by_role("button", name="创建").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="开始表决").click()
    page.wait_for_load_state("networkidle")
    vote = Vote.objects.get()

    phone_page.goto(f"{live_server.url}/activities/votes/{vote.pk}/")
    phone_page.get_by_role("button", name="赞成").click()
    phone_page.wait_for_load_state("networkidle")
    assert "您已投票" in phone_page.content()

    page.reload()
    assert page.locator("[data-cast]").inner_text() == "1"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="结束表决").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-outcome]").inner_text().strip() == "未通过"  # 1 yes of 3 present
    assert Vote.objects.get().status == "closed"
