"""Duplicate hints: earlier reports like the one being written, from core.similarity."""

import pytest

from luzhi.core.roles import Role
from luzhi.core.similarity import forget_loaded
from luzhi.opinions import services

URL = "/api/v1/opinions/similar/"


@pytest.fixture(autouse=True)
def _fresh_index():
    forget_loaded()
    yield
    forget_loaded()


def _write(user, title, content):
    return services.opinion_submit(
        actor=user, committee=user.committee, title=title, content=content, author=getattr(user, "member", None)
    )


def test_a_paraphrase_is_found_and_an_unrelated_report_is_not(api, offices, committee):
    office = offices["county"]
    water = _write(office, "关于解决农村饮水安全问题的建议", "部分村庄自来水水压不足，夏季经常停水，村民饮水困难。")
    _write(office, "关于规范校外培训机构的建议", "校外培训收费混乱，家长负担重。")
    hits = api(office).get(URL, {"text": "乡村供水水压低，村民用水困难，夏天常常停水"}).data
    assert [h["id"] for h in hits] == [water.pk]
    assert 0 < hits[0]["score"] <= 1


def test_hints_never_cross_committees(api, offices, other_committee):
    _write(offices["sibling"], "关于解决农村饮水安全问题的建议", "部分村庄自来水水压不足，夏季经常停水。")
    assert api(offices["county"]).get(URL, {"text": "农村饮水安全 自来水水压不足 停水"}).data == []


def test_the_parent_finds_reports_forwarded_to_it(api, offices, committee):
    first = _write(offices["county"], "关于解决农村饮水安全问题的建议", "部分村庄自来水水压不足，夏季经常停水。")
    assert api(offices["city"]).get(URL, {"text": "农村饮水安全 自来水水压不足 停水"}).data == []
    services.opinion_forward(actor=offices["county"], report=first)
    hits = api(offices["city"]).get(URL, {"text": "农村饮水安全 自来水水压不足 停水"}).data
    assert [h["id"] for h in hits] == [first.pk]


def test_a_member_is_shown_only_their_own_reports(api, committee, make_user):
    author = make_user(Role.MEMBER, committee)
    other = make_user(Role.MEMBER, committee)
    _write(author, "关于解决农村饮水安全问题的建议", "部分村庄自来水水压不足，夏季经常停水。")
    assert api(other).get(URL, {"text": "农村饮水安全 自来水水压不足"}).data == []
    assert len(api(author).get(URL, {"text": "农村饮水安全 自来水水压不足"}).data) == 1


def test_empty_text_gives_nothing_and_units_are_refused(api, offices, users):
    assert api(offices["county"]).get(URL).data == []
    assert api(users["unit"]).get(URL, {"text": "x"}).status_code == 403


def test_the_queue_shows_each_reports_look_alikes_at_a_fixed_query_cost(offices, committee):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    office = offices["county"]
    first = _write(office, "关于解决农村饮水安全问题的建议", "部分村庄自来水水压不足，夏季经常停水，村民饮水困难。")
    second = _write(office, "农村饮水安全问题亟待解决", "部分村庄自来水水压不足，夏季常常停水，村民用水困难。")
    client = Client()
    client.force_login(office)

    def visit() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/opinions/queue/").content.decode()
        return html, len(queries)

    visit()  # the first visit loads the similarity index; count the steady state
    html, few = visit()
    assert f'href="/opinions/{second.pk}/"' in html and f'href="/opinions/{first.pk}/"' in html
    assert html.count("相近：") == 2  # each of the two is the other's look-alike
    assert html.count("农村饮水安全问题亟待解决") == 2  # its own row and the hint under the first report
    for n in range(6):
        _write(office, f"关于第{n}条乡道路灯的建议", f"第{n}条乡道夜间没有路灯，行人出行不安全。")
    visit()
    assert visit()[1] == few
