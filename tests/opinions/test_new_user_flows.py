"""Issue #17, what a new user runs into on the opinion pages: each test failed before its fix."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.messages import get_messages
from django.test import Client

from luzhi.opinions.models import OpinionReport

REPORT = {"title": "关于村道路灯不亮的情况反映", "content": "多个村组路灯损坏，夜间出行不便。建议尽快修复。"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def said(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def token_of(page: str) -> str:
    found = re.search(r'name="once" value="([0-9a-f]{32})"', page)
    assert found, "the write form carries a one-time token"
    return found.group(1)


def test_resubmitting_the_same_form_render_reports_once(member_user: Any) -> None:
    c = _client(member_user)
    token = token_of(c.get("/opinions/new/").content.decode())
    c.post("/opinions/new/", {**REPORT, "once": token})
    again = c.post("/opinions/new/", {**REPORT, "once": token}, follow=True)
    report = OpinionReport.objects.get()
    assert again.redirect_chain[-1][0] == f"/opinions/{report.pk}/"
    assert any("没有重复报送" in m for m in said(again))


def test_same_text_within_a_day_asks_to_confirm(member_user: Any) -> None:
    c = _client(member_user)
    c.post("/opinions/new/", {**REPORT, "once": token_of(c.get("/opinions/new/").content.decode())})
    token = token_of(c.get("/opinions/new/").content.decode())
    r = c.post("/opinions/new/", {**REPORT, "title": "另一个标题", "once": token})
    assert r.status_code == 200 and "一天内已报送过相同的信息" in r.content.decode()
    assert 'name="confirm_duplicate"' in r.content.decode()
    assert OpinionReport.objects.count() == 1
    r = c.post("/opinions/new/", {**REPORT, "title": "另一个标题", "once": token, "confirm_duplicate": "on"})
    assert r.status_code == 302 and OpinionReport.objects.count() == 2


def test_look_alike_check_posts_the_text(offices: Any, report: Any) -> None:
    c = _client(offices["county"])
    long_text = report.content * 20  # some 5 KB URL-encoded: beyond gunicorn's 4 KB request line
    r = c.post("/opinions/similar/", {"title": "", "content": long_text})
    assert r.status_code == 200 and report.title in r.content.decode()
    page = c.get("/opinions/new/").content.decode()
    assert 'hx-post="/opinions/similar/"' in page and "hx-get" not in page


def test_after_forwarding_the_office_breadcrumb_is_not_my_reports(offices: Any, report: Any, city: Any) -> None:
    c = _client(offices["county"])
    r = c.post(f"/opinions/{report.pk}/forward/", follow=True)
    page = r.content.decode()
    crumbs = page[page.index('class="breadcrumb"') : page.index("</ol>")]
    assert "我的信息" not in crumbs and "信息列表" in crumbs
    assert f"已上报{city}。" in said(r)


def test_resubmitting_a_grassroots_record_form_records_once(member_user: Any) -> None:
    from luzhi.opinions.models import GrassrootsRecord

    c = _client(member_user)
    token = token_of(c.get("/opinions/grassroots/new/").content.decode())
    record = {"citizen": "赵大爷", "demand": "村口的桥坏了。", "once": token}
    c.post("/opinions/grassroots/new/", record)
    again = c.post("/opinions/grassroots/new/", record, follow=True)
    made = GrassrootsRecord.objects.get()
    assert again.redirect_chain[-1][0] == f"/opinions/grassroots/{made.pk}/"
    assert any("没有重复记录" in m for m in said(again))
