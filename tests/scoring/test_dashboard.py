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
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.scoring import factories as sf

    client = _client(users["office"])
    client.get("/?year=2025")
    with CaptureQueriesContext(connection) as few:
        client.get("/?year=2025")
    for i in range(5):
        sf.attend(year.others[i], year.members["c"])
        sf.proposal(year.members["c"])
        sf.adopt(sf.report(year.members["d"], title=f"报告{i}"), committee)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/?year=2025")
