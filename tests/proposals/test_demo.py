"""The demo proposals: every status through the real services, numbered without gaps, and loaded once."""

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from luzhi.accounts.models import User
from luzhi.core.models import AuditEntry
from luzhi.org import demo as org_demo
from luzhi.org.models import Committee
from luzhi.proposals import demo
from luzhi.proposals.models import Cosignature, Evaluation, Proposal, Reply, Supervision
from luzhi.proposals.selectors import proposal_list, proposal_similar

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The org demo with only this app's demo after it (the others are tested by their own apps).

    Loaded once for the module and rolled back after it; each test runs in its own savepoint.
    """
    with pytest.MonkeyPatch.context() as mp, django_db_blocker.unblock(), transaction.atomic():
        mp.setattr(org_demo, "app_modules", lambda name: [demo])
        org_demo.demo_data_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def county(_loaded: None, db: Any) -> Committee:
    return Committee.objects.get(name=org_demo.COUNTY_NAME)


def test_every_status_is_there_in_the_planned_numbers(county):
    have = Counter(Proposal.objects.filter(committee=county).values_list("status", flat=True))
    assert have == Counter(case.fate for case in (*demo.CASES, *demo.ROUTINE_CASES))
    assert len(demo.ROUTINE_CASES) == 160
    assert set(have) == set(Proposal.Status.values)
    this_year = Proposal.objects.filter(committee=county, year=2026)
    last_year = Proposal.objects.filter(committee=county, year=2025)
    assert last_year.count() == sum(c.last_year for c in demo.CASES) >= 3
    for qs in (this_year, last_year):
        numbers = sorted(qs.exclude(number=None).values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))


def test_the_cases_carry_their_whole_story(county):
    cases = Proposal.objects.filter(committee=county)
    assert set(Reply.objects.filter(proposal__in=cases).values_list("category", flat=True)) == {"A", "B", "C"}
    # The first 不满意 sent one case back; its second reply was then rated.
    sent_back = cases.get(evaluations__rating=Evaluation.Rating.UNSATISFIED)
    assert sent_back.status == Proposal.Status.CLOSED and sent_back.replies.count() == 2
    assert sent_back.rating == Evaluation.Rating.BASICALLY
    rejected = cases.get(status=Proposal.Status.REJECTED)
    assert rejected.review_reason
    converted = cases.get(status=Proposal.Status.CONVERTED_OPINION)
    assert converted.converted_ref.startswith("opinions.OpinionReport:")
    merged = cases.get(status=Proposal.Status.MERGED)
    assert Cosignature.objects.filter(proposal=merged.merged_into, member=merged.lead, source="merge").exists()
    key = cases.filter(is_key=True)
    assert key.count() >= 2 and all(p.supervisor.is_leader for p in key)
    assert Supervision.objects.filter(proposal__in=key).count() >= 3
    assert cases.filter(replied_on_time=False).exists()
    assert cases.filter(adjust_requests__resolved=False).exists()
    # One case overdue and one due within the week, for the reminders page.
    reminders = [p for p in cases.filter(status=Proposal.Status.ASSIGNED) if p.due_date]
    today = timezone.localdate()
    assert any(p.due_date < today for p in reminders)
    assert any(0 <= (p.due_date - today).days <= 7 for p in reminders)
    # Written by the services: every case has its history, named in the audit.
    assert AuditEntry.objects.filter(model="proposals.proposal").count() >= cases.count()


def test_the_demo_logins_each_have_something_to_do(county):
    member, unit, leader = (User.objects.get(username=n) for n in ("member", "unit", "leader"))
    own = proposal_list(viewer=member).filter(lead=member.member)
    assert {Proposal.Status.DRAFT, Proposal.Status.REPLIED, Proposal.Status.CLOSED} <= set(
        own.values_list("status", flat=True)
    )
    cases = proposal_list(viewer=unit)
    assert cases.exists() and all(any(u.unit_id == unit.unit_id for u in p.units.all()) for p in cases)
    assert cases.filter(status=Proposal.Status.ASSIGNED, units__unit=unit.unit, units__role="lead").exists()
    assert Proposal.objects.filter(supervisor=leader.member, status=Proposal.Status.ASSIGNED).exists()
    # Last year's water case is found when a member writes about the same thing this year.
    found = proposal_similar(viewer=member, text="山区村组自来水压力不够，夏天经常断水，建议建设加压泵站、改造管网")
    assert found and found[0]["year"] == 2025


def test_a_second_run_adds_nothing(county):
    before = (Proposal.objects.count(), Reply.objects.count(), AuditEntry.objects.count())
    assert demo.demo_load(county=county) == Counter()
    assert (Proposal.objects.count(), Reply.objects.count(), AuditEntry.objects.count()) == before


def test_a_missing_case_is_added_back_alone(county):
    Proposal.objects.filter(committee=county, status=Proposal.Status.DRAFT).first().delete()
    before = Proposal.objects.count()
    created = demo.demo_load(county=county)
    assert created["proposals.proposal"] == 1
    assert Proposal.objects.count() == before + 1
