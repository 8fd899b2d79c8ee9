"""/proposals/similar/ and /proposals/stats/ of API.md."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from luzhi.proposals import services
from luzhi.proposals.models import Proposal
from tests import factories as f
from tests.proposals.factories import ProposalFactory

URL = "/api/v1/proposals/"


def submitted(committee: Any, lead: Any, title: str, reason: str, year: int | None = None) -> Proposal:
    p = ProposalFactory(
        committee=committee, lead=lead.member, title=title, reason=reason, suggestions="", year=year or 2024
    )
    services.proposal_submit(actor=lead, proposal=p)
    return p


def test_similar_finds_a_rewritten_proposal_of_a_past_year(api: Any, people: Any, committee: Any) -> None:
    old = submitted(
        committee,
        people.lead,
        "关于发展农村互助养老的建议",
        "农村留守老人多，子女外出务工，老人生活无人照料。建议利用闲置村部建设互助幸福院，组织低龄老人照顾高龄老人。",
        year=2023,
    )
    services.proposal_review(actor=people.office, proposal=old, decision="accept")
    submitted(committee, people.lead, "关于治理城区扬尘的建议", "建筑工地多，渣土车抛洒，扬尘污染严重。建议密闭运输。")
    text = (
        "推广乡村邻里互助式养老。乡村里儿女外出打工，留守老年人缺少照顾，"
        "可以把闲置村委会房屋改成互助幸福院，由低龄老人照看高龄老人。"
    )
    r = api(people.other_member).get(f"{URL}similar/", {"text": text, "limit": 5})
    assert r.status_code == 200
    rows = r.json()
    assert rows[0]["id"] == old.pk and rows[0]["year"] == 2023 and rows[0]["score"] > 0.3
    assert set(rows[0]) >= {"id", "title", "year", "score"}
    assert all(row["score"] <= 0.3 for row in rows[1:])
    assert [row["score"] for row in rows] == sorted((row["score"] for row in rows), reverse=True)


def test_similar_bad_input_and_roles(api: Any, people: Any) -> None:
    assert api(people.lead).get(f"{URL}similar/").status_code == 400
    assert api(people.lead).get(f"{URL}similar/", {"text": "养老", "limit": "x"}).status_code == 400
    assert api(people.lead).get(f"{URL}similar/", {"text": "养老", "limit": 0}).status_code == 400
    assert api(people.unit).get(f"{URL}similar/", {"text": "养老"}).status_code == 403
    assert api(people.office).get(f"{URL}similar/", {"text": "养老"}).json() == []


def test_similar_never_shows_other_committees(api: Any, people: Any, other_committee: Any, make_user: Any) -> None:
    outsider = make_user("member", other_committee)
    submitted(other_committee, outsider, "关于发展农村互助养老的建议", "建设互助幸福院。")
    assert api(people.lead).get(f"{URL}similar/", {"text": "农村互助养老幸福院"}).json() == []


def test_similar_hides_others_unreviewed_proposals_from_members(api: Any, people: Any, committee: Any) -> None:
    submitted(committee, people.lead, "关于发展农村互助养老的建议", "建设互助幸福院。")
    assert api(people.other_member).get(f"{URL}similar/", {"text": "农村互助养老幸福院"}).json() == []
    assert len(api(people.office).get(f"{URL}similar/", {"text": "农村互助养老幸福院"}).json()) == 1


def test_stats(api: Any, people: Any, case: Any, committee: Any) -> None:
    year = timezone.localdate().year
    case("closed")  # on time, satisfied
    late = case("replied")
    Proposal.objects.filter(pk=late.pk).update(replied_on_time=False)
    case("assigned")
    case("rejected")
    case("submitted")
    unhappy = case("replied")
    services.proposal_evaluate(actor=people.lead, proposal=unhappy, rating="unsatisfied")
    r = api(people.office).get(f"{URL}stats/", {"year": year})
    assert r.status_code == 200
    s = r.json()
    assert s["total"] == 6 and s["accepted"] == 4
    assert s["replied"] == 3 and s["replied_on_time"] == 2
    assert s["on_time_rate"] == round(2 / 3, 4)
    assert s["satisfaction_rate"] == 0.5
    assert s["by_category"] == {"social": 4}
    assert s["by_unit"] == [
        {"unit": people.unit.unit.pk, "name": people.unit.unit.name, "assigned": 4, "replied": 3, "on_time": 2}
    ]
    assert s["by_status"]["rejected"] == 1
    assert api(people.office).get(f"{URL}stats/", {"year": 1990}).json()["total"] == 0


def test_stats_roles_and_bad_year(api: Any, people: Any) -> None:
    assert api(people.unit).get(f"{URL}stats/").status_code == 403
    assert api(people.office).get(f"{URL}stats/", {"year": "abc"}).status_code == 400
    assert api(people.leader).get(f"{URL}stats/").status_code == 200


def test_stats_query_count_is_fixed(
    api: Any, people: Any, case: Any, committee: Any, django_assert_num_queries: Any
) -> None:
    client = api(people.office)
    case("closed")
    client.get(f"{URL}stats/")
    with django_assert_num_queries(6):
        client.get(f"{URL}stats/")
    for _ in range(3):
        case("closed", sector=f.SectorFactory(committee=committee), submitter_type="sector")
    with django_assert_num_queries(6):
        assert client.get(f"{URL}stats/").json()["total"] == 4


@pytest.mark.parametrize("role", ["office", "leader"])
def test_stats_allowed(api: Any, people: Any, role: str) -> None:
    assert api(getattr(people, role)).get(f"{URL}stats/").status_code == 200
