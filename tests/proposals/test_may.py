"""Who may take each step on one proposal: permissions.may answers, the services enforce the same answer."""

import pytest
from django.core.exceptions import PermissionDenied

from luzhi.proposals import permissions, services

pytestmark = pytest.mark.django_db

WHO = {
    "edit": {"lead"},
    "submit": {"lead"},
    "evaluate": {"lead"},
    "cosign": {"cosigner"},
    "review": {"office"},
    "assign": {"office"},
    "adjust": {"unit"},
    "reply": {"unit"},
    "co_opinion": {"co_unit"},
    "mark_key": {"office", "leader"},
    "supervise": {"office"},  # a leader only on the key proposals they supervise
}


def test_each_step_has_its_people(case, people):
    p = case("assigned", cosigners=[people.cosigner.member])
    for step, expected in WHO.items():
        who = {name for name in vars(people) if permissions.may(getattr(people, name), step, p)}
        assert who == expected, step


def test_the_supervising_leader_may_supervise_and_no_other_leader(case, people, committee):
    from tests.proposals.conftest import leader_member

    p = case("assigned")
    p.is_key, p.supervisor = True, people.leader.member
    assert permissions.may(people.leader, "supervise", p)
    p.supervisor = leader_member(committee)
    assert not permissions.may(people.leader, "supervise", p)


def test_the_services_enforce_it_with_the_reason(case, people):
    p = case("submitted")
    with pytest.raises(PermissionDenied, match="只有办公室可以审查和交办提案。"):
        services.proposal_review(actor=people.leader, proposal=p, decision="accept")
    with pytest.raises(PermissionDenied, match="只有第一提案人可以这样做。"):
        services.proposal_update(actor=people.cosigner, proposal=p, data={"title": "改"})
    assigned = case("assigned")
    with pytest.raises(PermissionDenied, match="不是本单位承办的提案。"):
        services.proposal_co_opinion(actor=people.unit, proposal=assigned, text="意见")
    with pytest.raises(PermissionDenied, match="只有主办单位可以这样做。"):
        services.proposal_reply(actor=people.co_unit, proposal=assigned, category="A", text="答复")


def test_an_unknown_step_is_a_programming_error(case, people):
    with pytest.raises(ValueError):
        permissions.may(people.office, "fly", case())
