"""Pages: the member's own year (fixed queries), scores, appeals queue, rules and the inbox."""

from __future__ import annotations

import pytest
from django.test import Client

from luzhi.scoring import ledger
from luzhi.scoring.models import ScoreAppeal, ScoreRuleSet
from tests.scoring import factories as sf

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_my_page_shows_score_band_ledger_and_records(year):
    response = _client(year.member_user).get("/scoring/mine/?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-total>119<" in html and "优秀" in html and "前10%" in html and "第1名 / 6人" in html
    assert f'href="/activities/{year.p1.pk}/"' in html and "关于农村饮水的情况反映" in html
    assert "对这条记录有异议" in html


@pytest.mark.parametrize(
    ("rank", "count", "band"),
    [
        (1, 1, "前10%"),
        (1, 6, "前10%"),
        (2, 10, "前10%"),
        (3, 10, "前30%"),
        (4, 10, "前30%"),
        (8, 10, "中间段"),
        (9, 10, "后30%"),
    ],
)
def test_rank_bands(rank, count, band):
    from luzhi.scoring.selectors import rank_band

    assert rank_band(rank, count) == band


def test_my_page_runs_a_fixed_number_of_queries(year, django_assert_num_queries, committee):
    client = _client(year.member_user)
    client.get("/scoring/mine/?year=2025")  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/scoring/mine/?year=2025")
    a = year.members["a"]
    sf.reading(a, 20)
    for act in year.others[:5]:
        sf.attend(act, year.members["c"])
    rep = sf.report(a, title="第二篇")
    sf.adopt(rep, committee)
    sf.proposal(a)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/scoring/mine/?year=2025")
    assert len(few.captured_queries) <= 20


def test_my_page_without_a_rule_set_says_so(year):
    response = _client(year.member_user).get("/scoring/mine/?year=2024")
    assert response.status_code == 200 and "2024年度尚未制定考评细则" in response.content.decode()


def test_users_without_a_member_record_cannot_open_my_page(users):
    assert _client(users["office"]).get("/scoring/mine/").status_code == 403
    assert _client(users["unit"]).get("/scoring/mine/").status_code == 403


def test_a_member_appeals_from_the_page_and_the_office_accepts(year, users, committee):
    b = year.members["b"]
    entry = next(e for e in ledger.member_ledger(member=b, year=2025) if e.code == "absent")
    response = _client(year.b_user).post(
        "/scoring/mine/appeal/", {"entry": entry.key, "year": 2025, "reason": "当天已请假"}
    )
    assert response.status_code == 302
    appeal = ScoreAppeal.objects.get()
    assert "申诉处理中" in _client(year.b_user).get("/scoring/mine/?year=2025").content.decode()
    office = _client(users["office"])
    assert "当天已请假" in office.get("/scoring/appeals/").content.decode()
    office.post(f"/scoring/appeals/{appeal.pk}/accept/", {"points": "5", "reason": "属实"})
    appeal.refresh_from_db()
    assert appeal.status == "accepted"
    assert "data-total>7.5<" in _client(year.b_user).get("/scoring/mine/?year=2025").content.decode()


def test_an_appeal_on_someone_elses_entry_from_the_page_saves_nothing(year):
    entry = next(e for e in ledger.member_ledger(member=year.members["b"], year=2025) if e.code == "absent")
    _client(year.member_user).post("/scoring/mine/appeal/", {"entry": entry.key, "year": 2025, "reason": "x"})
    assert not ScoreAppeal.objects.exists()


def test_members_cannot_decide_appeals_on_pages(year, api):
    entry = next(e for e in ledger.member_ledger(member=year.members["b"], year=2025) if e.code == "absent")
    _client(year.b_user).post("/scoring/mine/appeal/", {"entry": entry.key, "year": 2025, "reason": "x"})
    appeal = ScoreAppeal.objects.get()
    response = _client(year.b_user).post(f"/scoring/appeals/{appeal.pk}/accept/", {"points": "5", "reason": "x"})
    assert response.status_code == 403


def test_scores_page_for_office_and_leaders_only(year, users):
    html = _client(users["leader"]).get("/scoring/?year=2025").content.decode()
    assert "委员A" in html and "履职预警" in html and "无故缺席全体会议2次" in html
    assert _client(users["member"]).get("/scoring/").status_code == 403
    assert (
        "委员A" in _client(users["office"]).get(f"/scoring/members/{year.members['a'].pk}/?year=2025").content.decode()
    )
    assert _client(year.member_user).get(f"/scoring/members/{year.members['b'].pk}/").status_code == 403


def test_the_office_starts_a_new_year_from_the_rules_page(users, rule_set):
    response = _client(users["office"]).post("/scoring/rules/", {"year": 2026})
    assert response.status_code == 302
    assert ScoreRuleSet.objects.get(year=2026).items == rule_set.items
    assert _client(users["member"]).post("/scoring/rules/", {"year": 2027}).status_code == 403
    assert "2025年度" in _client(users["member"]).get("/scoring/rules/").content.decode()
