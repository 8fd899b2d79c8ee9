"""The person's own to-dos for the home page: a fixed number of SQL queries per role, never one per row.

A member sees only what waits on them (their invitations, their proposals and records, their
reading and score); a unit its assigned proposals by deadline; the office what waits on the
office. Each list is cut to SHOWN rows with its full count beside it, both in SQL.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from luzhi.activities.models import Attendance, LeaveRequest, ReadingLog
from luzhi.core import clock
from luzhi.core.roles import Role
from luzhi.core.scoping import visible_to
from luzhi.opinions.models import GrassrootsRecord, OpinionReport
from luzhi.participation.models import NoticeReceipt, SelfReport
from luzhi.proposals.models import AdjustRequest, Cosignature, Proposal, ProposalUnit
from luzhi.scoring import ledger, rules
from luzhi.scoring.models import ScoreAppeal, ScoreRuleSet

SHOWN = 5


def _cut(qs: Any) -> dict[str, Any]:
    """The first SHOWN rows and how many there are (one query when they all fit, else two)."""
    rows = list(qs[: SHOWN + 1])
    count = len(rows) if len(rows) <= SHOWN else qs.count()
    return {"rows": rows[:SHOWN], "count": count}


def _period_starts(today: dt.date) -> dict[str, dt.date]:
    """The first day of the week, month, quarter and year that each reading pledge is counted in."""
    return {
        ReadingLog.Kind.ARTICLE: today - dt.timedelta(days=today.weekday()),
        ReadingLog.Kind.TALK: today.replace(day=1),
        ReadingLog.Kind.BOOK: dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1),
        ReadingLog.Kind.ESSAY: dt.date(today.year, 1, 1),
    }


PERIOD_WORDS: dict[str, str] = {
    ReadingLog.Kind.ARTICLE: "本周",
    ReadingLog.Kind.TALK: "本月",
    ReadingLog.Kind.BOOK: "本季度",
    ReadingLog.Kind.ESSAY: "今年",
}


def reading_due(*, member_id: int, today: dt.date) -> list[dict[str, Any]]:
    """书香政协: each kind of the pledge with whether it is done in its current period (one query)."""
    starts = _period_starts(today)
    done = ReadingLog.objects.filter(member_id=member_id, date__gte=starts[ReadingLog.Kind.ESSAY]).aggregate(
        **{kind: Count("id", filter=Q(kind=kind, date__gte=start)) for kind, start in starts.items()}
    )
    return [
        {"kind": kind, "label": label, "period": PERIOD_WORDS[kind], "done": done[kind] or 0}
        for kind, label in ReadingLog.Kind.choices
    ]


def member_score(*, member: Any, year: int) -> dict[str, Any] | None:
    """Score so far under the year's rule set, its grade and what is missing for 合格 (two queries)."""
    rule_set = ScoreRuleSet.objects.filter(committee_id=member.committee_id, year=year).first()
    if rule_set is None:
        return None
    total, grade = ledger.member_total(member=member, year=year, rule_set=rule_set)
    qualified = Decimal(str(rule_set.grades["qualified"]))
    excellent = Decimal(str(rule_set.grades["excellent"]))
    return {
        "total": total,
        "grade": grade,
        "grade_label": rules.GRADE_LABELS[grade],
        "qualified": qualified,
        "missing": max(Decimal(0), qualified - total).quantize(Decimal("0.01")),
        "to_excellent": max(Decimal(0), excellent - total).quantize(Decimal("0.01")),
        "percent": int(min(Decimal(100), max(Decimal(0), total * 100 / qualified))) if qualified > 0 else 100,
    }


def member_todos(*, member: Any, today: dt.date | None = None) -> dict[str, Any]:
    """What waits on one member, only their own rows."""
    today = today or clock.today()
    asked_leave = LeaveRequest.objects.filter(
        activity_id=OuterRef("activity_id"), member_id=member.pk, status=LeaveRequest.Status.PENDING
    )
    invitations = (
        Attendance.objects.filter(
            member_id=member.pk, status=Attendance.Status.INVITED, answer="", activity__end__gte=today
        )
        .exclude(Exists(asked_leave))
        .select_related("activity")
        .order_by("activity__start", "id")
    )
    cosign = (
        Cosignature.objects.filter(
            member_id=member.pk,
            confirmed_at__isnull=True,
            proposal__status__in=(Proposal.Status.DRAFT, Proposal.Status.SUBMITTED),
        )
        .select_related("proposal")
        .order_by("proposal__submitted_at", "id")
    )
    ratings = Proposal.objects.filter(lead_id=member.pk, status=Proposal.Status.REPLIED).order_by("replied_at", "id")
    records = GrassrootsRecord.objects.filter(member_id=member.pk, status=GrassrootsRecord.Status.OPEN).order_by(
        "due_date", "id"
    )
    notices = NoticeReceipt.objects.filter(member_id=member.pk, read_at__isnull=True).count()
    reading = reading_due(member_id=member.pk, today=today)
    result: dict[str, Any] = {
        "invitations": _cut(invitations),
        "cosign": _cut(cosign),
        "ratings": _cut(ratings),
        "records": _cut(records),
        "notices": notices,
        "reading": reading,
        "reading_due": sum(1 for r in reading if not r["done"]),
        "score": member_score(member=member, year=today.year),
        "year": today.year,
        "today": today,
    }
    result["total"] = (
        result["invitations"]["count"]
        + result["cosign"]["count"]
        + result["ratings"]["count"]
        + result["records"]["count"]
    )
    return result


def unit_todos(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """A unit's assigned proposals still to answer, nearest deadline first, and co-opinions owed."""
    today = today or clock.today()
    if not user.unit_id:
        return {"lead": {"rows": [], "count": 0}, "co": {"rows": [], "count": 0}, "overdue": 0, "today": today}
    mine = ProposalUnit.objects.filter(unit_id=user.unit_id, proposal__status=Proposal.Status.ASSIGNED)
    lead = mine.filter(role=ProposalUnit.Role.LEAD).select_related("proposal").order_by("proposal__due_date", "id")
    co = (
        mine.filter(role=ProposalUnit.Role.CO, opinion="")
        .select_related("proposal")
        .order_by("proposal__due_date", "id")
    )
    overdue = mine.filter(role=ProposalUnit.Role.LEAD, proposal__due_date__lt=today).count()
    return {"lead": _cut(lead), "co": _cut(co), "overdue": overdue, "today": today}


def office_todos(*, user: Any) -> list[dict[str, Any]]:
    """What waits on the office (or a special committee's staff): one COUNT per queue, each with its page."""
    items: list[dict[str, Any]] = []

    def add(label: str, count: int, url: str, icon: str) -> None:
        items.append({"label": label, "count": count, "url": url, "icon": icon})

    leave = visible_to(LeaveRequest.objects.filter(status=LeaveRequest.Status.PENDING), user).count()
    add("待审批的请假", leave, reverse("activities:leave-list"), "calendar-x")
    if user.role != Role.OFFICE and not user.is_superuser:
        return items
    proposals = visible_to(Proposal.objects.filter(status=Proposal.Status.SUBMITTED), user).count()
    add("待审查的提案", proposals, f"{reverse('proposals:list')}?status=submitted", "file-earmark-text")
    adjust = AdjustRequest.objects.filter(resolved=False, proposal__in=visible_to(Proposal.objects.all(), user)).count()
    add("承办单位调整申请", adjust, f"{reverse('proposals:list')}?status=assigned", "arrow-left-right")
    opinions = (
        visible_to(OpinionReport.objects.all(), user)
        .filter(
            holder_id=user.committee_id, status__in=(OpinionReport.Status.SUBMITTED, OpinionReport.Status.FORWARDED)
        )
        .count()
    )
    add("待处理的社情民意", opinions, reverse("opinions:queue"), "megaphone")
    reports = visible_to(SelfReport.objects.filter(status=SelfReport.Status.PENDING), user).count()
    add("待核实的履职备案", reports, reverse("participation:reports"), "clipboard-check")
    appeals = visible_to(ScoreAppeal.objects.filter(status=ScoreAppeal.Status.PENDING), user).count()
    add("待处理的积分申诉", appeals, reverse("scoring:appeals"), "chat-square-quote")
    return items
