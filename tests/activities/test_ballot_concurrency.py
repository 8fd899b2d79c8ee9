"""A hall votes at once: 50 members casting in the same instant are each counted once; one member's
ballot sent ten times at once counts once, the others answer 409 (PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone
from rest_framework.test import APIClient

from luzhi.activities.models import AgendaItem, Ballot, Vote, VoteTurnout
from luzhi.core.models import AuditEntry
from tests import factories as f
from tests.activities import factories as af

pytestmark = pytest.mark.django_db(transaction=True)

HALL = 50


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database per write, so ballots cannot race there; run on PostgreSQL")


@pytest.fixture
def open_vote(committee: Any, users: Any, make_user: Any) -> tuple[Vote, list[Any]]:
    """An open secret resolution at a meeting under way, with HALL present members in the electorate."""
    starts_at = timezone.now() - timedelta(minutes=30)
    activity = af.ActivityFactory(committee=committee, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3))
    people = [make_user("member", committee, member=f.MemberFactory(committee=committee)) for _ in range(HALL)]
    for user in people:
        af.AttendanceFactory(activity=activity, committee=committee, member=user.member, status="present")
    AgendaItem.objects.create(committee=committee, activity=activity, order=1, title="表决")
    office = APIClient()
    office.force_authenticate(users["office"])
    body = {"activity": activity.pk, "title": "关于委员会工作报告的决议", "kind": "resolution", "method": "secret"}
    vote_id = office.post("/api/v1/votes/", body, format="json").json()["id"]
    assert office.post(f"/api/v1/votes/{vote_id}/open/").status_code == 200
    return Vote.objects.get(pk=vote_id), people


def _at_once(jobs: list[Any]) -> list[Any]:
    """Run the jobs in threads released together; return their results (or exceptions) in order."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(n: int) -> None:
        try:
            barrier.wait()
            results[n] = jobs[n]()
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            results[n] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _ballot(user: Any, vote: Vote, choice: str) -> Any:
    def cast() -> int:
        client = APIClient()
        client.force_authenticate(user)
        return client.post(f"/api/v1/votes/{vote.pk}/ballot/", {"choice": choice}, format="json").status_code

    return cast


def test_fifty_members_voting_at_once_are_each_counted_once(open_vote: Any) -> None:
    _postgresql_only()
    vote, people = open_vote
    choices = ["yes", "no", "abstain"]
    statuses = _at_once([_ballot(user, vote, choices[n % 3]) for n, user in enumerate(people)])
    assert statuses == [204] * HALL
    assert VoteTurnout.objects.filter(vote=vote).count() == HALL
    assert set(VoteTurnout.objects.filter(vote=vote).values_list("member_id", flat=True)) == {
        p.member_id for p in people
    }
    counted = Counter(Ballot.objects.filter(vote=vote).values_list("choice", flat=True))
    assert counted == Counter(choices[n % 3] for n in range(HALL))
    assert AuditEntry.objects.filter(model="activities.voteturnout", object_id=str(vote.pk)).count() == HALL


def test_one_ballot_sent_ten_times_at_once_counts_once(open_vote: Any) -> None:
    _postgresql_only()
    vote, people = open_vote
    statuses = _at_once([_ballot(people[0], vote, "yes") for _ in range(10)])
    assert sorted(statuses) == [204] + [409] * 9, statuses
    assert VoteTurnout.objects.filter(vote=vote, member_id=people[0].member_id).count() == 1
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_closing_while_the_hall_votes_counts_no_ballot_after_the_close(open_vote: Any, users: Any) -> None:
    _postgresql_only()
    vote, people = open_vote

    def close() -> int:
        client = APIClient()
        client.force_authenticate(users["office"])
        return client.post(f"/api/v1/votes/{vote.pk}/close/").status_code

    statuses = _at_once([_ballot(user, vote, "yes") for user in people[:30]] + [close])
    assert statuses[-1] == 200 and set(statuses[:-1]) <= {204, 409}
    vote.refresh_from_db()
    turnout = VoteTurnout.objects.filter(vote=vote)
    # Every ballot counted was cast before the close, and the count is the accepted ballots.
    assert turnout.count() == statuses.count(204) == Ballot.objects.filter(vote=vote).count()
    assert all(at <= vote.closed_at for at in turnout.values_list("at", flat=True))
