"""The home page is the person's own: to-dos per role, the unread badge, real names, phone cards."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luzhi.activities.models import Attendance, LeaveRequest, ReadingLog
from luzhi.core.roles import Role
from luzhi.notifications.services import notify
from luzhi.proposals.models import Cosignature, Proposal, ProposalUnit
from luzhi.scoring import rules
from luzhi.scoring.models import ScoreRuleSet
from tests import factories as f
from tests.scoring import factories as sf

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _todo(html: str, name: str) -> str:
    """The markup of one to-do card (data-todo="name") up to the next one."""
    start = html.index(f'data-todo="{name}"')
    rest = html[start + 10 :]
    end = rest.find("data-todo=")
    return rest if end < 0 else rest[:end]


@pytest.fixture
def today():
    return timezone.localdate()


def _invite(member, title, start, status="invited"):
    act = sf.activity(member.committee, "consultation_monthly", start, title=title)
    sf.attend(act, member, status)
    return act


def test_a_member_sees_only_their_own_invitations_and_a_leave_request_answers_one(users, committee, today):
    me = users["member"].member
    other = f.MemberFactory(committee=committee)
    _invite(me, "我的协商会", today + dt.timedelta(days=3))
    _invite(other, "别人的协商会", today + dt.timedelta(days=4))
    _invite(me, "已过去的会", today - dt.timedelta(days=30))
    _invite(me, "已出席的会", today + dt.timedelta(days=5), status="present")
    asked = _invite(me, "已请假的会", today + dt.timedelta(days=6))
    LeaveRequest.objects.create(committee=committee, activity=asked, member=me, reason="出差")

    html = _client(users["member"]).get("/").content.decode()
    card = _todo(html, "invitations")
    assert "我的协商会" in card
    for hidden in ("别人的协商会", "已过去的会", "已出席的会", "已请假的会"):
        assert hidden not in html
    assert html.index('id="lz-todos"') < html.index("您可以")  # to-dos come before the tile grid


def test_a_member_sees_replies_to_rate_cosignatures_and_records_due(users, committee):
    me = users["member"].member
    other = f.MemberFactory(committee=committee)
    replied = sf.proposal(me, status="replied")
    sf.proposal(other, status="replied")  # someone else's reply: not mine to rate
    theirs = sf.proposal(other, status="submitted")
    Cosignature.objects.create(proposal=theirs, member=me)
    confirmed = sf.proposal(other, status="submitted")
    Cosignature.objects.create(proposal=confirmed, member=me, confirmed_at=timezone.now())
    record = sf.grassroots(me, responded=False, at=timezone.now())
    sf.grassroots(other, responded=False, at=timezone.now())

    html = _client(users["member"]).get("/").content.decode()
    assert replied.title in _todo(html, "ratings")
    cosign = _todo(html, "cosign")
    assert theirs.title in cosign and confirmed.title not in cosign
    assert f"/opinions/grassroots/{record.pk}/" in _todo(html, "records")
    assert re.search(r"data-todo-total>\s*3\s*<", html)  # one reply, one cosignature, one record


def test_an_idle_member_is_told_there_is_nothing_waiting(users):
    html = _client(users["member"]).get("/").content.decode()
    assert "data-todo-empty" in html and 'data-todo="invitations"' not in html


def test_the_reading_pledge_shows_what_is_due_in_each_period(users, committee, today):
    me = users["member"].member
    ReadingLog.objects.create(committee=committee, member=me, kind="article", title="本周一文", date=today)
    ReadingLog.objects.create(
        committee=committee, member=me, kind="talk", title="去年的讲题", date=today - dt.timedelta(days=400)
    )
    card = _todo(_client(users["member"]).get("/").content.decode(), "reading")
    assert "本周已完成" in card  # 周学一文 done this week
    assert "本月待完成" in card  # 月讲一题: last year's talk does not count
    assert card.count("待完成") == 3


def test_score_so_far_and_what_is_missing_for_qualified(users, committee, today):
    ScoreRuleSet.objects.create(
        committee=committee,
        year=today.year,
        items=rules.DEFAULT_ITEMS,
        grades=rules.DEFAULT_GRADES,
        shared_caps=rules.DEFAULT_SHARED_CAPS,
        warnings=rules.DEFAULT_WARNINGS,
    )
    me = users["member"].member
    sf.proposal(me, year=today.year)  # an accepted proposal as lead: 10 points
    sf.attend(sf.activity(committee, "standing_committee", dt.date(today.year, 1, 2)), me)  # 3 points
    card = _todo(_client(users["member"]).get("/").content.decode(), "score")
    assert re.search(r"data-score>\s*13\s*<", card)
    assert "不合格" in card
    missing = Decimal(rules.DEFAULT_GRADES["qualified"]) - 13
    assert f"还差 <strong>{missing}</strong> 分" in card


def test_a_unit_sees_its_assigned_proposals_by_deadline(users, committee, today):
    unit = users["unit"].unit
    other_unit = f.UnitFactory(committee=committee)
    lead = f.MemberFactory(committee=committee)
    late = sf.proposal(lead, status="assigned")
    soon = sf.proposal(lead, status="assigned")
    foreign = sf.proposal(lead, status="assigned")
    Proposal.objects.filter(pk=late.pk).update(due_date=today - dt.timedelta(days=2))
    Proposal.objects.filter(pk=soon.pk).update(due_date=today + dt.timedelta(days=20))
    ProposalUnit.objects.create(proposal=soon, unit=unit, role="lead")
    ProposalUnit.objects.create(proposal=late, unit=unit, role="lead")
    ProposalUnit.objects.create(proposal=foreign, unit=other_unit, role="lead")

    html = _client(users["unit"]).get("/").content.decode()
    card = _todo(html, "lead")
    assert card.index(late.title) < card.index(soon.title)  # nearest deadline first
    assert foreign.title not in html
    assert "data-overdue>1 件已超过办理期限" in html
    assert "撰写提案" not in html.split("您可以")[0]  # a unit writes no proposals


def test_the_office_sees_what_waits_on_it(users, committee, today):
    member = f.MemberFactory(committee=committee)
    act = sf.activity(committee, "consultation_monthly", today + dt.timedelta(days=2))
    sf.attend(act, member)
    LeaveRequest.objects.create(committee=committee, activity=act, member=member, reason="出差")
    sf.proposal(member, status="submitted")
    sf.proposal(member, status="submitted")
    sf.proposal(f.MemberFactory(committee=f.CommitteeFactory()), status="submitted")  # another committee

    html = _client(users["office"]).get("/").content.decode()
    todos = html[html.index('id="lz-todos"') : html.index("</section>", html.index('id="lz-todos"'))]
    assert re.search(r'data-todo="待审批的请假">.*?lz-stat text-danger">1<', todos, re.S)
    assert re.search(r'data-todo="待审查的提案">.*?lz-stat text-danger">2<', todos, re.S)
    assert 'href="/proposals/?status=submitted"' in todos
    assert html.index('id="lz-todos"') < html.index("委员总数")  # the roster figures come after


def test_members_reach_writing_and_messages_at_the_top(users):
    html = _client(users["member"]).get("/").content.decode()
    top = html[: html.index('id="lz-todos"')]
    assert 'href="/proposals/new/"' in top or "撰写提案" in top
    assert "消息" in top and "我的履职" in top
    assert "委员总数" not in html  # the roster statistics are not a member's home


def test_real_names_greet_and_the_login_name_stays_in_the_menu(users):
    user = users["member"]
    html = _client(user).get("/").content.decode()
    name = user.member.name
    assert f"{name}，您好" in html
    bar = html[html.index("<nav") : html.index("</nav>")]
    assert name in bar
    assert f">{user.username}<" not in bar.replace("\n", "")
    unit_html = _client(users["unit"]).get("/").content.decode()
    assert f"{users['unit'].unit.name}，您好" in unit_html


def test_the_unread_badge_on_every_page(users, django_capture_on_commit_callbacks):
    user = users["member"]
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            notify(users=[user], kind="test", title=f"消息{i}", key=f"home-test-{i}")
        notify(users=[users["office"]], kind="test", title="别人的", key="home-test-other")
    client = _client(user)
    for url in ("/", "/proposals/", "/activities/reading/"):
        html = client.get(url).content.decode()
        assert 'aria-label="3 条未读消息"' in html, url
        assert re.search(r'class="lz-bell-count"[^>]*>3<', html), url
    from luzhi.notifications.models import Notification

    Notification.objects.filter(user=user).update(read_at=timezone.now())
    html = client.get("/").content.decode()
    assert 'aria-label="0 条未读消息"' in html and "lz-bell-count" not in html


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_the_member_home_query_count_does_not_grow_with_records(users, committee, today):
    ScoreRuleSet.objects.create(
        committee=committee, year=today.year, items=rules.DEFAULT_ITEMS, grades=rules.DEFAULT_GRADES
    )
    me = users["member"].member
    client = _client(users["member"])
    _invite(me, "第一次会", today + dt.timedelta(days=1))
    sf.proposal(me, status="replied")
    sf.grassroots(me, responded=False, at=timezone.now())
    few = _home_queries(client)
    for i in range(8):
        _invite(me, f"会{i}", today + dt.timedelta(days=2 + i))
        sf.proposal(me, status="replied")
        sf.grassroots(me, responded=False, at=timezone.now())
        other = sf.proposal(f.MemberFactory(committee=committee), status="submitted")
        Cosignature.objects.create(proposal=other, member=me)
    many = _home_queries(client)
    # more than SHOWN rows adds one COUNT per list (invitations, cosign, ratings, records), nothing per row
    assert many <= few + 4, (few, many)
    assert many <= 30, many
    assert Attendance.objects.filter(member=me).count() == 9


def test_list_tables_become_cards_on_phones(users, committee):
    me = users["member"].member
    sf.proposal(me, status="accepted")
    html = _client(users["member"]).get("/proposals/").content.decode()
    assert re.search(r'<table class="[^"]*\blz-cards\b', html)
    for label in ("年度", "标题", "状态", "办理期限"):
        assert f'data-label="{label}"' in html


def test_the_page_shell_links_manifest_icons_and_defers_scripts(users):
    html = _client(users["member"]).get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'name="theme-color"' in html
    for src in re.findall(r"<script [^>]*src=\"([^\"]+)\"[^>]*>", html):
        tag = re.search(rf'<script [^>]*src="{re.escape(src)}"[^>]*>', html).group(0)
        assert " defer" in tag, tag


def test_manifest_and_service_worker_are_served_at_the_root_to_anyone():
    client = Client()
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest["Content-Type"].startswith("application/manifest+json")
    data = json.loads(b"".join(manifest.streaming_content))
    assert data["name"] == "履职" and data["start_url"] == "/" and data["display"] == "standalone"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png["Content-Type"] == "image/png"
        body = b"".join(png.streaming_content) if png.streaming else png.content
        assert body[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(body[16:20], "big"), int.from_bytes(body[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]
    sw = client.get("/sw.js")
    assert sw.status_code == 200
    assert sw["Content-Type"].split(";")[0] in ("text/javascript", "application/javascript")
    offline = client.get("/static/luzhi/offline.html")
    assert offline.status_code == 200


def _sw_source() -> str:
    client = Client()
    response = client.get("/sw.js")
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def test_the_service_worker_caches_only_the_static_shell():
    source = _sw_source()
    shell = re.search(r"const SHELL = \[(.*?)\];", source, re.S).group(1)
    urls = re.findall(r'"([^"]+)"', shell) + (["OFFLINE"] if "OFFLINE" in shell else [])
    offline = re.search(r'const OFFLINE = "([^"]+)"', source).group(1)
    cached = [offline if u == "OFFLINE" else u for u in urls]
    assert cached and all(u.startswith("/static/") for u in cached), cached
    # Only responses to /static/ requests are ever put in the cache; pages go to the network.
    assert source.count("cache.put(") == 1
    put_at = source.index("cache.put(")
    assert source.rfind("if (isShell(url))", 0, put_at) != -1
    assert 'url.pathname.startsWith("/static/")' in source
    assert "/api/" not in source.replace("API answer", "")


def test_the_roles_without_to_dos_still_get_a_home(make_user, committee):
    for role in (Role.SYSADMIN, Role.COMMITTEE_STAFF, Role.LEADER):
        user = make_user(role, committee)
        client = Client()
        if role == Role.SYSADMIN:
            from tests.conftest import verified_login

            verified_login(client, user)
        else:
            client.force_login(user)
        response = client.get("/")
        assert response.status_code == 200, role


def test_the_member_home_query_count_is_pinned(users, django_assert_num_queries):
    """session, user, member; notices, reading, invitations, cosignatures, ratings, records; rule set;
    committee (top bar); unread badge — one COUNT. A rule set adds the one ledger query."""
    client = _client(users["member"])
    client.get("/")
    with django_assert_num_queries(12):
        client.get("/")
