"""Reads of scoring for pages and documents: one member's year, the committee's year."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from luzhi.activities.models import Attendance, ReadingLog
from luzhi.opinions.models import OpinionReport
from luzhi.org.models import Member
from luzhi.proposals.models import Proposal
from luzhi.scoring import ledger, rules
from luzhi.scoring.models import ScoreAppeal, ScoreRuleSet


def rank_band(rank: int, count: int) -> str:
    """Where a rank falls in the committee: 前10%, 前30%, 中间, 后30%."""
    if count <= 0:
        return ""
    share = (rank - 1) / count  # the share of members ranked above: the first is always in the top band
    if share <= 0.1:
        return "前10%"
    if share <= 0.3:
        return "前30%"
    if share <= 0.7:
        return "中间段"
    return "后30%"


def member_year(*, member: Member, year: int) -> dict[str, Any]:
    """A member's year: rule set, ledger with its summary, total, grade, rank and band, or no rule set."""
    rule_set = ScoreRuleSet.objects.filter(committee_id=member.committee_id, year=year).first()
    if rule_set is None:
        return {"rule_set": None, "year": year}
    entries = ledger.member_ledger(member=member, year=year, rule_set=rule_set)
    standing = ledger.member_standing(member=member, year=year, rule_set=rule_set)
    rank, count = standing["rank"], standing["count"]
    return {
        **standing,
        "year": year,
        "rule_set": rule_set,
        "entries": entries,
        "grade_label": rules.GRADE_LABELS[standing["grade"]],
        "band": rank_band(rank, count) if rank else "",
    }


def member_attendance(*, member: Member, year: int) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(member=member, activity__start__year=year)
        .select_related("activity")
        .order_by("-activity__start", "-id")
    )


def member_proposals(*, member: Member, year: int) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(
            Q(lead=member) | Q(cosignatures__member=member, cosignatures__confirmed_at__isnull=False)
        )
        .filter(year=year)
        .exclude(status=Proposal.Status.DRAFT)
        .distinct()
        .order_by("number", "id")
    )


def member_opinions(*, member: Member, year: int) -> QuerySet[OpinionReport]:
    return (
        OpinionReport.objects.filter(author=member, submitted_at__year=year)
        .prefetch_related("adoptions", "instructions")
        .order_by("-submitted_at", "-id")
    )


def member_reading(*, member: Member, year: int) -> QuerySet[ReadingLog]:
    return ReadingLog.objects.filter(member=member, date__year=year).order_by("-date", "-id")


def member_appeals(*, member: Member, year: int) -> QuerySet[ScoreAppeal]:
    return (
        ScoreAppeal.objects.filter(member=member, year=year)
        .select_related("adjustment", "adjustment__author", "decided_by")
        .order_by("-created_at", "-id")
    )
