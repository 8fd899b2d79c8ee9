"""Builders of the records scoring reads, written straight to the tables of their apps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from luzhi.activities.models import Activity, Attendance, ReadingLog
from luzhi.opinions.models import GrassrootsRecord, OpinionAdoption, OpinionInstruction, OpinionReport
from luzhi.org.models import Committee, Member
from luzhi.proposals.models import Cosignature, Proposal


def activity(committee: Committee, kind: str, start: dt.date, days: int = 1, **kw: Any) -> Activity:
    return Activity.objects.create(
        committee=committee,
        kind=kind,
        title=kw.pop("title", f"{kind} {start}"),
        start=start,
        end=start + dt.timedelta(days=days - 1),
        days=days,
        **kw,
    )


def attend(act: Activity, member: Member, status: str = "present", speech: bool = False) -> Attendance:
    return Attendance.objects.create(committee=act.committee, activity=act, member=member, status=status, speech=speech)


def proposal(
    member: Member, year: int = 2025, status: str = "accepted", is_key: bool = False, cosigners: tuple = ()
) -> Proposal:
    p = Proposal.objects.create(
        committee=member.committee,
        year=year,
        title=f"关于{member.name}所提事项的建议{Proposal.objects.count() + 1}",
        reason="案由",
        suggestions="建议",
        lead=member,
        status=status,
        is_key=is_key,
        reviewed_at=timezone.make_aware(dt.datetime(year, 3, 1, 10, 0)),
    )
    for cosigner in cosigners:
        Cosignature.objects.create(proposal=p, member=cosigner, confirmed_at=timezone.now())
    return p


def report(member: Member, title: str = "关于农村饮水的情况反映") -> OpinionReport:
    return OpinionReport.objects.create(
        committee=member.committee,
        holder=member.committee,
        author=member,
        title=title,
        content="情况、问题、建议。",
        submitted_at=timezone.make_aware(dt.datetime(2025, 2, 1, 9, 0)),
    )


def adopt(rep: OpinionReport, committee: Committee, on: dt.date = dt.date(2025, 4, 1)) -> OpinionAdoption:
    return OpinionAdoption.objects.create(report=rep, committee=committee, level=committee.level, date=on)


def instruct(rep: OpinionReport, level: str, on: dt.date = dt.date(2025, 5, 1)) -> OpinionInstruction:
    return OpinionInstruction.objects.create(
        report=rep, committee=rep.committee, level=level, leader="副市长", text="请认真研究。", date=on
    )


def reading(member: Member, n: int, on: dt.date = dt.date(2025, 6, 1)) -> None:
    ReadingLog.objects.bulk_create(
        ReadingLog(committee=member.committee, member=member, kind="article", title=f"文章{i}", date=on)
        for i in range(n)
    )


def grassroots(member: Member, responded: bool, at: dt.datetime | None = None) -> GrassrootsRecord:
    at = at or timezone.make_aware(dt.datetime(2025, 7, 1, 9, 0))
    return GrassrootsRecord.objects.create(
        committee=member.committee,
        member=member,
        citizen="张大爷",
        demand="村口路灯坏了",
        recorded_at=at,
        status="responded" if responded else "open",
        response="已修好" if responded else "",
        responded_at=at + dt.timedelta(days=3) if responded else None,
    )
