"""Fixtures of the proposal tests: the people of one case and a helper that walks a case to a status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from luzhi.accounts.models import User
from luzhi.core import similarity
from luzhi.org.models import Committee, Member, Unit
from luzhi.proposals import services
from luzhi.proposals.models import Proposal
from tests import factories as f
from tests.proposals.factories import ProposalFactory


@dataclass
class People:
    office: User
    lead: User  # the lead proposer (a member)
    cosigner: User
    other_member: User
    leader: User
    unit: User  # lead unit
    co_unit: User
    other_unit: User
    staff: User


@pytest.fixture(autouse=True)
def _fresh_similarity(settings: Any, tmp_path: Any) -> None:
    similarity.forget_loaded()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(committee: Committee, make_user: Callable[..., User]) -> People:
    return People(
        office=make_user("office", committee),
        lead=make_user("member", committee),
        cosigner=make_user("member", committee),
        other_member=make_user("member", committee),
        leader=make_user("leader", committee),
        unit=make_user("unit", committee),
        co_unit=make_user("unit", committee),
        other_unit=make_user("unit", committee),
        staff=make_user("committee_staff", committee),
    )


@pytest.fixture
def case(committee: Committee, people: People) -> Callable[..., Proposal]:
    """case(status, **fields) — a proposal of people.lead brought to the status through the services."""

    def make(status: str = Proposal.Status.DRAFT, **fields: Any) -> Proposal:
        cosigners = fields.pop("cosigners", [])
        p = ProposalFactory(committee=committee, lead=people.lead.member, **fields)
        for m in cosigners:
            p.cosignatures.create(member=m)
        order = ["draft", "submitted", "accepted", "assigned", "replied", "closed"]
        if status not in order:
            services.proposal_submit(actor=people.lead, proposal=p)
            decision = {"rejected": "reject", "merged": "merge", "converted_letter": "convert_letter"}[status]
            services.proposal_review(actor=people.office, proposal=p, decision=decision, reason="理由")
            return p
        steps = order[1 : order.index(status) + 1]
        for step in steps:
            if step == "submitted":
                services.proposal_submit(actor=people.lead, proposal=p)
            elif step == "accepted":
                services.proposal_review(actor=people.office, proposal=p, decision="accept")
            elif step == "assigned":
                services.proposal_assign(
                    actor=people.office, proposal=p, lead_unit=people.unit.unit, co_units=[people.co_unit.unit]
                )
            elif step == "replied":
                services.proposal_reply(actor=people.unit, proposal=p, category="A", text="已解决。")
            elif step == "closed":
                services.proposal_evaluate(actor=people.lead, proposal=p, rating="satisfied")
        p.refresh_from_db()
        return p

    return make


def back_date_assignment(proposal: Proposal, days: int) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(assigned_at=proposal.assigned_at - dt.timedelta(days=days))
    proposal.refresh_from_db()


def leader_member(committee: Committee) -> Member:
    return f.MemberFactory(committee=committee, position=Member.Position.VICE_CHAIR)


def unit_of(committee: Committee) -> Unit:
    return f.UnitFactory(committee=committee)
