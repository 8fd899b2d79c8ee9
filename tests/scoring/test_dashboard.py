"""The home page's dashboard for the office and leaders: figures from SQL aggregates, each linking to records."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _data(html: str) -> dict:
    found = re.search(r'<script id="lz-dashboard" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_office_sees_the_year_with_charts_and_links(users, year):
    response = _client(users["office"]).get("/?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in html and "委员总数" in html
    d = _data(html)
    assert d["activities"]["held"][3] == 12  # twelve monthly consultations in April
    assert d["activities"]["links"][3] == "/activities/?year=2025&month=4"
    assert d["scores"]["grade_values"][0] == 1  # one 优秀
    assert d["scores"]["grade_links"][0] == "/scoring/?year=2025&grade=excellent"
    assert sum(d["scores"]["bucket_values"]) == d["scores"]["count"]
    assert d["opinions"]["adopted"][d["opinions"]["labels"].index("县级")] == 1
    idle = {m["name"] for m in d["scores"]["idle"]}
    assert "委员C" in idle and "委员A" not in idle and "委员B" not in idle


def test_leaders_see_the_dashboard_members_do_not(users, year):
    assert "lz-dashboard" in _client(users["leader"]).get("/?year=2025").content.decode()
    html = _client(users["member"]).get("/").content.decode()
    assert "lz-dashboard" not in html and "echarts" not in html


def test_a_year_without_rules_still_shows_the_rest(users, year):
    html = _client(users["office"]).get("/?year=2024").content.decode()
    assert "2024年度尚未制定考评细则" in html and _data(html)["scores"]["rule_set"] is False


def test_the_idle_list_behind_the_figure(users, year):
    html = _client(users["office"]).get("/scoring/?year=2025&idle=1").content.decode()
    idle = html[html.index('id="lz-idle"') :]
    assert "委员C" in idle and "委员A" not in idle.split("</ul>")[0]


def test_the_dashboard_query_count_does_not_grow_with_records(users, year, committee, django_assert_num_queries):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.scoring import factories as sf

    client = _client(users["office"])
    client.get("/?year=2025")
    cache.clear()  # count what computing the dashboard costs, not a cached copy
    with CaptureQueriesContext(connection) as few:
        client.get("/?year=2025")
    computing = len(few.captured_queries)  # now: the query log is a bounded deque
    for i in range(5):
        sf.attend(year.others[i], year.members["c"])
        sf.proposal(year.members["c"])
        sf.adopt(sf.report(year.members["d"], title=f"报告{i}"), committee)
    client.get("/?year=2025")  # the session's once-a-minute write happened above; compare like with like
    cache.clear()
    with django_assert_num_queries(computing):
        client.get("/?year=2025")


def test_the_dashboard_is_cached_until_something_is_written(users, year, committee, make_user):
    """Figures are shared by the same committee and role for a minute, and dropped by any write."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.scoring import factories as sf

    def queries(client) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/?year=2025").status_code == 200
        return len(captured.captured_queries)

    office = _client(users["office"])
    colleague = _client(make_user("office", committee))
    leader = _client(users["leader"])
    for client in (colleague, leader):
        client.get("/org/members/")  # their sessions' first write is behind them
    computed = queries(office)
    hit = queries(office)
    assert hit < computed - 5
    assert queries(colleague) == hit  # a second clerk of the same office shares the cached figures
    assert queries(leader) > hit + 5  # another role never gets the office's copy

    sf.proposal(year.members["c"])  # any write: the next view computes again
    assert queries(office) > hit + 5
    assert queries(office) == hit
