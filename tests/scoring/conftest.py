"""A hand-built committee-year (2025) whose every total is worked out by hand in the tests."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from luzhi.core.roles import Role
from luzhi.org.models import Member, Term
from luzhi.scoring import rules
from luzhi.scoring.models import ScoreRuleSet
from tests import factories as f
from tests.scoring import factories as sf

YEAR = 2025


@pytest.fixture
def rule_set(committee: Any) -> ScoreRuleSet:
    """The default set of the issue for 2025."""
    return ScoreRuleSet.objects.create(
        committee=committee,
        year=YEAR,
        items=rules.DEFAULT_ITEMS,
        grades=rules.DEFAULT_GRADES,
        shared_caps=rules.DEFAULT_SHARED_CAPS,
        warnings=rules.DEFAULT_WARNINGS,
    )


@pytest.fixture
def year(committee: Any, rule_set: ScoreRuleSet, make_user: Any) -> SimpleNamespace:
    """Members a..f with the records below; expected totals: a 119, f 25, d 15, e 15, b 2.5, c 0."""
    Term.objects.create(committee=committee, number=10, start=dt.date(2022, 1, 1), end=dt.date(2026, 12, 31))
    m = {
        k: f.MemberFactory(committee=committee, name=f"委员{k.upper()}", position=Member.Position.STANDING)
        for k in "abcdef"
    }
    city, _province = committee.parent, committee.parent.parent
    p1 = sf.activity(committee, "plenary", dt.date(2025, 1, 10), days=3, title="十届四次全体会议")
    p2 = sf.activity(committee, "plenary", dt.date(2025, 6, 1), title="十届五次全体会议")
    s1 = sf.activity(committee, "standing_committee", dt.date(2025, 3, 1), title="常委会第十次会议")
    others = [sf.activity(committee, "consultation_monthly", dt.date(2025, 4, i + 1)) for i in range(12)]
    r1 = sf.activity(committee, "research_visit", dt.date(2025, 5, 1), days=10, title="乡村振兴调研")
    r2 = sf.activity(committee, "immersive_research", dt.date(2025, 8, 1), days=8, title="沉浸式调研")

    # a: plenary 3+1 days (20), speech 3, standing 3, other 14 × 2 = 28 → cap 20, research 18 → cap 15,
    # proposals lead 2 × 10 + cosign 3 × 3 = 29 → shared cap 25, key 5, adopted county 3 + city 5,
    # instruction city 8, reading 25 × 0.5 → cap 10, grassroots 2 answered (1 open) 2  ⇒ 119
    a = m["a"]
    sf.attend(p1, a, speech=True)
    sf.attend(p2, a)
    sf.attend(s1, a)
    for act in [*others, r1, r2]:
        sf.attend(act, a)
    sf.proposal(a, is_key=True)
    sf.proposal(a)
    for _ in range(3):
        sf.proposal(m["f"], cosigners=(a,))
    sf.proposal(m["f"], status="merged", cosigners=(a,))  # not accepted: nothing for anybody
    rep = sf.report(a)
    sf.adopt(rep, committee)
    sf.adopt(rep, city)
    sf.instruct(rep, "city")
    sf.reading(a, 25)
    sf.grassroots(a, True)
    sf.grassroots(a, True)
    sf.grassroots(a, False)

    # b: two plenary absences −10, leave at the standing 0, one other 2, reading 0.5, one accepted lead 10,
    # one rejected 0 ⇒ 2.5 (不合格, two absences without leave)
    b = m["b"]
    sf.attend(p1, b, "absent")
    sf.attend(p2, b, "absent")
    sf.attend(s1, b, "leave")
    sf.attend(others[0], b)
    sf.reading(b, 1)
    sf.proposal(b)
    sf.proposal(b, status="rejected")

    # f leads four proposals (three accepted: 30 → shared cap 25) that a cosigned
    # d and e tie at 15: standing 3 + other 2 + one accepted lead 10
    for k, other in (("d", others[1]), ("e", others[2])):
        sf.attend(s1, m[k])
        sf.attend(other, m[k])
        sf.proposal(m[k])
    # records outside the year or the committee count for nothing in 2025
    sf.attend(sf.activity(committee, "plenary", dt.date(2024, 12, 31)), m["c"], "present")
    sf.proposal(m["c"], year=2024)
    return SimpleNamespace(
        members=m,
        p1=p1,
        p2=p2,
        s1=s1,
        others=others,
        report=rep,
        member_user=make_user(Role.MEMBER, committee, member=a),
        b_user=make_user(Role.MEMBER, committee, member=b),
    )
