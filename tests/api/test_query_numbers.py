"""Numbers in query strings (year, ids, limits): a bad one is 400 with a clear message, never a 500."""

import pytest

from luzhi.core.periods import YEAR_INVALID

pytestmark = pytest.mark.django_db

YEAR_URLS = [
    "/api/v1/reading-logs/",
    "/api/v1/self-reports/",
    "/api/v1/activities/",
    "/api/v1/research-topics/",
    "/api/v1/plans/",
    "/api/v1/plan-items/",
    "/api/v1/plan-items/board/",
    "/api/v1/cadence/report/",
    "/api/v1/score-rules/",
    "/api/v1/scores/",
    "/api/v1/scores/warnings/",
    "/api/v1/proposals/",
    "/api/v1/proposals/stats/",
    "/api/v1/opinions/stats/",
]
BAD_YEARS = ["1e9", "0", "-1", "1899", "3000", "abc", "２０２６", "²", "99999999999999999999", "2026.5"]


@pytest.fixture
def office(users, api):
    return api(users["office"])


@pytest.mark.parametrize("url", YEAR_URLS)
def test_a_bad_year_is_400_with_one_message(office, url):
    for year in BAD_YEARS:
        response = office.get(url, {"year": year})
        assert response.status_code == 400, (url, year, response.content[:300])
        assert response.json() == {"year": [YEAR_INVALID]}, (url, year)


@pytest.mark.parametrize("url", YEAR_URLS)
def test_a_year_in_range_is_answered(office, url):
    for year in ("1900", "2026", "2999", ""):
        response = office.get(url, {"year": year})
        if url.startswith("/api/v1/scores/") and response.status_code == 400:
            # No rule set for that year: the domain's own message, not a refusal of the year.
            assert "考评细则" in response.json()["year"][0], (url, year)
        elif url == "/api/v1/cadence/report/" and year == "":
            assert response.status_code == 400
        else:
            assert response.status_code == 200, (url, year, response.content[:300])


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/api/v1/research-topics/", {"step": "1e9"}, "step"),
        ("/api/v1/research-topics/", {"step": "NaN"}, "step"),
        ("/api/v1/research-topics/", {"step": "99999999999999999999"}, "step"),
        ("/api/v1/research-topics/", {"step": "1.5"}, "step"),
    ],
)
def test_other_bad_numbers_are_400(office, url, params, field):
    response = office.get(url, params)
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()
