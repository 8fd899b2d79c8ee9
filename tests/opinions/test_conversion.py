"""A proposal converted to an opinion (转社情民意) arrives as a report of its lead with a link back."""

from types import SimpleNamespace

from luzhi.opinions.models import OpinionEvent, OpinionReport
from luzhi.opinions.services import opinion_create_from_proposal
from tests import factories as f


def _proposal(committee, **kw):
    lead = f.MemberFactory(committee=committee)
    base = dict(pk=41, title="关于村道照明的提案", reason="村道夜间无灯。", suggestions="加装路灯。", lead=lead)
    base.update(kw)
    return SimpleNamespace(committee=committee, committee_id=committee.pk, **base)


def test_conversion_creates_a_report_held_by_the_committee(committee, users):
    proposal = _proposal(committee)
    report = opinion_create_from_proposal(actor=users["office"], proposal=proposal)
    assert report.author == proposal.lead
    assert report.source_proposal_id == 41
    assert report.holder == committee and report.committee == committee
    assert report.status == OpinionReport.Status.SUBMITTED
    assert "村道夜间无灯" in report.content and "加装路灯" in report.content
    assert report.events.get().kind == OpinionEvent.Kind.SUBMITTED


def test_converting_twice_keeps_one_report(committee, users):
    proposal = _proposal(committee)
    first = opinion_create_from_proposal(actor=users["office"], proposal=proposal)
    second = opinion_create_from_proposal(actor=users["office"], proposal=proposal)
    assert first.pk == second.pk
    assert OpinionReport.objects.count() == 1


def test_a_long_proposal_converts_whole(committee, users):
    proposal = _proposal(committee, reason="长" * 2000)
    report = opinion_create_from_proposal(actor=users["office"], proposal=proposal)
    assert len(report.content) > 2000
