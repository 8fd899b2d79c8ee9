"""Numbers in a page's query string or form: a bad one shows a Chinese message, never a 500."""

import pytest
from django.utils import timezone

from luzhi.core.periods import YEAR_INVALID
from tests import factories as f

pytestmark = pytest.mark.django_db

YEAR_PAGES = [
    "/",
    "/research/",
    "/ledger/",
    "/ledger/board/",
    "/activities/",
    "/activities/cadence/",
    "/scoring/",
    "/scoring/mine/",
    "/proposals/",
    "/proposals/stats/",
    "/opinions/statistics/",
]
BAD_YEARS = ["1e9", "0", "-1", "3000", "²", "２０２６", "99999999999999999999"]


@pytest.fixture
def office(users, page):
    return page(users["office"])


@pytest.mark.parametrize("url", YEAR_PAGES)
def test_a_bad_year_shows_the_message_and_this_year(office, users, page, url):
    client = page(users["member"]) if url == "/scoring/mine/" else office
    this_year = timezone.localdate().year
    for year in BAD_YEARS:
        response = client.get(url, {"year": year})
        assert response.status_code == 200, (url, year)
        html = response.content.decode()
        assert YEAR_INVALID in html, (url, year)
        if url != "/proposals/":  # the list shows every year when none is chosen
            assert f"已显示{this_year}年" in html
    good = client.get(url, {"year": "2025"})
    assert good.status_code == 200 and YEAR_INVALID not in good.content.decode()


def test_the_proposal_compilation_with_a_bad_year_is_this_years(office):
    response = office.get("/proposals/compilation/", {"year": "²"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_new_rule_set_for_a_bad_year_is_refused(office):
    for year in ("1e9", "²", "99999999999999999999"):
        response = office.post("/scoring/rules/", {"year": year}, follow=True)
        assert response.status_code == 200
        assert YEAR_INVALID in response.content.decode()


@pytest.mark.parametrize(
    ("method", "url", "params"),
    [
        ("post", "/proposals/similar/", {"title": "关于加强农村道路养护的建议", "exclude": "²"}),
        ("post", "/opinions/similar/", {"title": "关于加强农村道路养护的建议", "exclude": "²"}),
        ("get", "/participation/guests/", {"activity": "²"}),
        ("get", "/participation/guests/", {"activity": "99999999999999999999"}),
    ],
)
def test_a_bad_id_in_the_query_is_no_500(office, method, url, params):
    assert getattr(office, method)(url, params).status_code in (200, 404)


@pytest.mark.parametrize("history_id", ["²", "99999999999999999999"])
def test_restoring_a_bad_history_id_is_a_message(office, committee, history_id):
    member = f.MemberFactory(committee=committee)
    response = office.post(f"/org/members/{member.pk}/restore/", {"history_id": history_id}, follow=True)
    assert response.status_code == 200
    assert "没有这个历史版本" in response.content.decode()
