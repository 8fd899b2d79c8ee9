"""Restoring a proposal is editing it: only its lead, only a draft, and never its status or number."""

from __future__ import annotations

import pytest

from luzhi.core.audit import history_restore
from luzhi.core.models import AuditEntry
from luzhi.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def _first(proposal: Proposal) -> int:
    return proposal.history.order_by("history_id").first().history_id


def _restore(api, user, proposal: Proposal, history_id: int):
    return api(user).post(f"/api/v1/proposals/{proposal.pk}/restore/", {"history_id": history_id}, format="json")


def test_another_member_cannot_restore_a_closed_proposal_into_a_draft(api, case, people):
    proposal = case("closed")
    response = _restore(api, people.other_member, proposal, _first(proposal))
    patched = api(people.other_member).patch(f"/api/v1/proposals/{proposal.pk}/", {"title": "改"}, format="json")
    assert response.status_code == patched.status_code
    assert response.status_code in (403, 404)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.number) == (Proposal.Status.CLOSED, proposal.number)
    assert proposal.number
    for user in (people.office, people.lead, people.unit, people.leader):
        assert api(user).get(f"/api/v1/proposals/{proposal.pk}/").status_code == 200


def test_the_lead_cannot_revive_a_rejected_proposal(api, case, people):
    proposal = case("rejected")
    response = _restore(api, people.lead, proposal, _first(proposal))
    assert response.status_code == 409
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED


def test_the_office_cannot_restore_a_closed_proposal_either(api, case, people):
    proposal = case("closed")
    number = proposal.number
    assert _restore(api, people.office, proposal, _first(proposal)).status_code == 403
    proposal.refresh_from_db()
    assert (proposal.status, proposal.number) == (Proposal.Status.CLOSED, number)


def test_the_lead_restores_the_text_of_a_draft_as_a_logged_restore(api, case, people):
    proposal = case("draft", title="初稿标题")
    first = _first(proposal)
    assert (
        api(people.lead).patch(f"/api/v1/proposals/{proposal.pk}/", {"title": "改后标题"}, format="json").status_code
        == 200
    )
    response = _restore(api, people.lead, proposal, first)
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "初稿标题"
    proposal.refresh_from_db()
    assert (proposal.title, proposal.status) == ("初稿标题", Proposal.Status.DRAFT)
    entry = AuditEntry.objects.filter(model="proposals.proposal", object_id=str(proposal.pk)).latest("pk")
    assert (entry.action, entry.via, entry.user) == (AuditEntry.Action.RESTORE, "restore", people.lead)
    assert entry.changes["title"] == ["改后标题", "初稿标题"]


def test_a_stale_restore_is_refused(api, case, people):
    proposal = case("draft")
    response = api(people.lead).post(
        f"/api/v1/proposals/{proposal.pk}/restore/",
        {"history_id": _first(proposal), "version": proposal.version + 5},
        format="json",
    )
    assert response.status_code == 409


def test_history_restore_of_a_live_row_keeps_its_workflow_fields(case, people):
    proposal = case("accepted", title="原标题")
    first = _first(proposal)
    Proposal.objects.filter(pk=proposal.pk).update(title="新标题")
    history_restore(actor=people.office, model=Proposal, object_id=proposal.pk, history_id=first)
    proposal.refresh_from_db()
    assert proposal.title == "原标题"
    assert proposal.status == Proposal.Status.ACCEPTED
    assert proposal.number and proposal.submitted_at is not None
