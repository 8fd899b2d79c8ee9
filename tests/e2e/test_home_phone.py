"""The member's home on a phone (390×844): to-dos with the unread badge, cards, no sideways scrolling.

Screenshots go to test-artifacts/screenshots/ (member-home-390x844.png and the others named below).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from luzhi.core.roles import Role
from luzhi.notifications.services import notify
from luzhi.scoring import rules
from luzhi.scoring.models import ScoreRuleSet
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.scoring import factories as sf

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Interactive elements in <main> smaller than 44×44 CSS px (links inside running text are exempt).
SMALL_TARGETS = """
() => Array.from(document.querySelectorAll(
    'main a.btn, main button, main .list-group-item-action, main input:not([type=hidden]), main select, '
    + 'main textarea, nav.navbar a.lz-bell, nav.navbar .navbar-toggler'))
  .filter((el) => el.offsetParent !== null)
  .map((el) => ({el: el.outerHTML.slice(0, 80), w: el.getBoundingClientRect().width,
                 h: el.getBoundingClientRect().height}))
  .filter((r) => r.h < 44 || r.w < 44)
"""


@pytest.fixture
def member(committee, make_user):
    today = timezone.localdate()
    ScoreRuleSet.objects.create(
        committee=committee, year=today.year, items=rules.DEFAULT_ITEMS, grades=rules.DEFAULT_GRADES
    )
    user = make_user(Role.MEMBER, committee)
    user.member.name = "张建国"
    user.member.save()
    soon = today + dt.timedelta(days=3)
    act = sf.activity(committee, "consultation_monthly", soon, title="关于城区停车难的月度协商会")
    sf.attend(act, user.member, "invited")
    sf.proposal(user.member, year=today.year, status="replied")
    sf.grassroots(user.member, responded=False, at=timezone.now())
    with transaction.atomic():
        notify(users=[user], kind="invitation", title="邀请您参加月度协商会", key="phone-home-1")
        notify(users=[user], kind="reply", title="您的提案已答复", key="phone-home-2")
    return user


def _fits(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844})
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways at {width}px: {scroll}"


def test_member_home_on_a_phone(phone_page, live_server, member):
    login(phone_page, live_server, member.username, PASSWORD)
    phone_page.goto(f"{live_server.url}/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone_page.screenshot(path=str(SHOTS / "member-home-390x844.png"))
    phone_page.screenshot(path=str(SHOTS / "member-home-390x844-full.png"), full_page=True)

    assert phone_page.inner_text("h1") == "张建国，您好"
    bell = phone_page.locator("#lz-unread")
    assert bell.get_attribute("aria-label") == "2 条未读消息"
    assert bell.is_visible()  # in the top bar without opening the menu
    assert "关于城区停车难的月度协商会" in phone_page.inner_text("[data-todo=invitations]")
    assert phone_page.locator("[data-todo=ratings]").is_visible()
    # The to-dos come before the tile grid, 撰写提案 and 消息 at the top.
    assert phone_page.locator(".lz-quick a:has-text('撰写提案')").bounding_box()["y"] < 300
    assert phone_page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
    assert phone_page.evaluate(SMALL_TARGETS) == []
    _fits(phone_page, 390)
    _fits(phone_page, 360)


def test_new_proposal_form_and_the_list_fit_a_small_phone(phone_page, live_server, member):
    login(phone_page, live_server, member.username, PASSWORD)
    phone_page.goto(f"{live_server.url}/proposals/new/")
    phone_page.set_viewport_size({"width": 360, "height": 800})
    phone_page.screenshot(path=str(SHOTS / "proposal-new-360.png"), full_page=True)
    _fits(phone_page, 360)
    assert phone_page.evaluate(SMALL_TARGETS) == []

    phone_page.goto(f"{live_server.url}/proposals/")
    phone_page.set_viewport_size({"width": 390, "height": 844})
    phone_page.screenshot(path=str(SHOTS / "proposal-list-390-cards.png"), full_page=True)
    _fits(phone_page, 390)
    row = phone_page.locator("table.lz-cards tbody tr").first
    assert row.evaluate("(tr) => getComputedStyle(tr).display") == "block"  # a card, not a table row
    label = row.locator("td[data-label='状态']").evaluate("(td) => getComputedStyle(td, '::before').content")
    assert "状态" in label
