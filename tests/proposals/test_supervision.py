"""Supervision activities on key proposals: recorded by the office or the supervising leader, API and page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from luzhi.proposals import services
from luzhi.proposals.models import Supervision
from tests.proposals.conftest import leader_member

URL = "/api/v1/proposals/"


@pytest.fixture
def key_case(case: Any, people: Any) -> Any:
    p = case("assigned")
    return services.proposal_mark_key(actor=people.office, proposal=p, supervisor=people.leader.member)


def post(api: Any, user: Any, p: Any, body: dict) -> Any:
    return api(user).post(f"{URL}{p.pk}/supervisions/", body, format="json")


def test_office_and_the_supervising_leader_record_activities(api: Any, people: Any, key_case: Any) -> None:
    today = timezone.localdate()
    r = post(api, people.leader, key_case, {"date": today.isoformat(), "note": "实地察看并召开座谈会。"})
    assert r.status_code == 201, r.content
    assert r.json()["leader"] == people.leader.member.pk and r.json()["note"] == "实地察看并召开座谈会。"
    r = post(api, people.office, key_case, {"date": (today - dt.timedelta(days=3)).isoformat(), "note": "协调资金。"})
    assert r.status_code == 201
    # Everybody who sees the case reads the record, newest first.
    listed = api(people.lead).get(f"{URL}{key_case.pk}/supervisions/")
    assert listed.status_code == 200 and [s["note"] for s in listed.json()] == ["实地察看并召开座谈会。", "协调资金。"]


def test_others_may_not_record(api: Any, people: Any, key_case: Any, committee: Any, make_user: Any) -> None:
    body = {"date": timezone.localdate().isoformat(), "note": "督办。"}
    assert post(api, people.lead, key_case, body).status_code == 403
    assert post(api, people.unit, key_case, body).status_code == 403
    other_leader = make_user("leader", committee, member=leader_member(committee))
    assert post(api, other_leader, key_case, body).status_code == 403
    outsider = make_user("office", committee.parent) if committee.parent else None
    if outsider is not None:
        assert post(api, outsider, key_case, body).status_code == 404
    assert not Supervision.objects.exists()


def test_bad_input_and_wrong_cases_save_nothing(api: Any, people: Any, key_case: Any, case: Any) -> None:
    today = timezone.localdate()
    future = post(api, people.office, key_case, {"date": (today + dt.timedelta(days=1)).isoformat(), "note": "x"})
    assert future.status_code == 400 and "date" in future.json()
    assert post(api, people.office, key_case, {"date": "昨天", "note": "x"}).status_code == 400
    blank = post(api, people.office, key_case, {"date": today.isoformat(), "note": "  "})
    assert blank.status_code == 400 and "note" in blank.json()
    plain = case("assigned")
    assert post(api, people.office, plain, {"date": today.isoformat(), "note": "督办。"}).status_code == 409
    assert not Supervision.objects.exists()


def test_the_case_page_shows_records_and_the_leaders_form(people: Any, key_case: Any) -> None:
    leader, member = Client(), Client()
    leader.force_login(people.leader)
    member.force_login(people.lead)
    page = leader.get(f"/proposals/{key_case.pk}/").content.decode()
    assert "记录督办活动" in page and "尚无督办记录" in page
    assert "记录督办活动" not in member.get(f"/proposals/{key_case.pk}/").content.decode()
    r = leader.post(
        f"/proposals/{key_case.pk}/supervise/", {"date": timezone.localdate().isoformat(), "note": "听取汇报。"}
    )
    assert r.status_code == 302 and Supervision.objects.get().note == "听取汇报。"
    assert "听取汇报。" in member.get(f"/proposals/{key_case.pk}/").content.decode()
    assert member.post(f"/proposals/{key_case.pk}/supervise/", {"date": "2026-01-01", "note": "x"}).status_code == 403
    assert Supervision.objects.count() == 1
