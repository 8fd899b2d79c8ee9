"""A date on a page form lies in years 1900 to 2999: year 1 or 9999 is a form error, nothing saved."""

import pytest

from luzhi.activities.models import Activity
from luzhi.org.models import Member

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "日期超出范围（1900—2999 年）。"


@pytest.fixture
def office(users, page):
    return page(users["office"])


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"])
def test_a_member_born_outside_1900_to_2999_is_a_form_error(office, day):
    body = {"name": "李四", "gender": "F", "birth_date": day, "party": "cdl", "position": "member", "status": "active"}
    response = office.post("/org/members/new/", body)
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()
    assert not Member.objects.filter(name="李四").exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_activity_outside_1900_to_2999_is_a_form_error(office, day):
    response = office.post("/activities/new/", {"kind": "study", "title": "学习", "start": day, "end": day})
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()
    assert not Activity.objects.exists()


def test_a_date_in_range_is_accepted(office):
    body = {"kind": "study", "title": "学习", "start": "1900-01-01", "end": "1900-01-01"}
    assert office.post("/activities/new/", body).status_code == 302
    assert Activity.objects.get().start.year == 1900


def test_the_audit_filter_with_year_1_is_no_500(users, page):
    response = page(users["auditor"]).get("/accounts/audit/", {"date_from": "0001-01-01", "date_to": "9999-12-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "起始日期超出范围（1900—2999 年）" in html and "截止日期超出范围" in html  # each names its field, once
    assert "起始日期起始日期" not in html
