"""Two clerks accepting at the same moment get consecutive numbers: no gap, no duplicate (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from luzhi.proposals import services
from luzhi.proposals.models import Proposal
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_accepts_number_without_gaps_or_duplicates(committee: Any, people: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite locks the whole database per write, so it cannot run accepts concurrently; run on PostgreSQL"
        )
    proposals = [
        ProposalFactory(committee=committee, lead=people.lead.member, status=Proposal.Status.SUBMITTED)
        for _ in range(12)
    ]
    barrier = threading.Barrier(len(proposals))
    errors: list[BaseException] = []

    def accept(p: Proposal) -> None:
        try:
            barrier.wait()
            services.proposal_review(actor=people.office, proposal=p, decision="accept")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(p,)) for p in proposals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Proposal.objects.filter(committee=committee).values_list("number", flat=True))
    assert numbers == list(range(1, len(proposals) + 1))
