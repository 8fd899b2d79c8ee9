"""Writes of opinion reports, bulletins and grassroots records; each step is recorded on the trail."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from luzhi.core import clock, once
from luzhi.core.audit import save_as
from luzhi.core.errors import WorkflowError
from luzhi.core.roles import Role
from luzhi.core.similarity import index_text
from luzhi.notifications.services import notify
from luzhi.opinions import permissions
from luzhi.opinions.models import (
    SIMILARITY_NAMESPACE,
    Bulletin,
    BulletinEntry,
    GrassrootsRecord,
    OpinionAdoption,
    OpinionEvent,
    OpinionHolding,
    OpinionInstruction,
    OpinionReport,
)
from luzhi.opinions.selectors import grassroots_due
from luzhi.opinions.workflow import transition
from luzhi.org.models import Committee, Member, Station


def _event(report: OpinionReport, *, actor: Any, kind: str, committee: Committee, note: str = "") -> None:
    OpinionEvent.objects.create(
        report=report,
        committee=committee,
        kind=kind,
        note=note[:500],
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _author_users(report: OpinionReport) -> list[Any]:
    from luzhi.accounts.models import User

    if report.author_id is None:
        return []
    return list(User.objects.filter(member_id=report.author_id, is_active=True))


def _tell_author(report: OpinionReport, *, kind: str, title: str, key: str) -> None:
    notify(
        users=_author_users(report),
        kind=kind,
        title=title,
        body=report.title,
        link=reverse("opinions:detail", args=[report.pk]),
        key=f"opinion:{report.pk}:{key}",
    )


def _index(report: OpinionReport, committee_id: int) -> None:
    """Let the committee's later duplicate hints find this report."""
    index_text(
        namespace=SIMILARITY_NAMESPACE,
        committee_id=committee_id,
        object_id=report.pk,
        text=f"{report.title}\n{report.content}",
        year=report.submitted_at.year,
    )


def _save(report: OpinionReport, *, actor: Any, reason: str | None = None) -> None:
    report.full_clean()
    save_as(report, actor=actor, reason=reason)


@transaction.atomic
def opinion_submit(
    *,
    actor: Any,
    committee: Committee,
    title: str,
    content: str,
    author: Member | None = None,
    source_record: GrassrootsRecord | None = None,
    source_proposal_id: int | None = None,
    note: str = "",
    allow_long: bool = False,
    once_token: str = "",
) -> OpinionReport:
    """Submit a report to the own committee's office; the committee holds it first (once per form render)."""
    report = OpinionReport(
        committee=committee,
        holder=committee,
        title=(title or "").strip(),
        content=(content or "").strip(),
        author=author,
        source_record=source_record,
        source_proposal_id=source_proposal_id,
    )
    # A converted proposal may be longer than a report; the office shortens it when editing.
    report.allow_long = allow_long
    _save(report, actor=actor)
    OpinionHolding.objects.create(report=report, committee=committee)
    _index(report, committee.pk)
    _event(report, actor=actor, kind=OpinionEvent.Kind.SUBMITTED, committee=committee, note=note)
    once.spend(user=actor, token=once_token, obj=report)
    return report


@transaction.atomic
def opinion_create_from_proposal(*, actor: Any, proposal: Any) -> OpinionReport:
    """Turn a proposal the office converted (转社情民意) into an opinion report of its lead."""
    existing = OpinionReport.objects.filter(committee_id=proposal.committee_id, source_proposal_id=proposal.pk).first()
    if existing is not None:
        result: OpinionReport = existing
        return result
    parts = [
        str(getattr(proposal, "reason", "") or "").strip(),
        str(getattr(proposal, "suggestions", "") or "").strip(),
    ]
    content = "\n\n".join(p for p in parts if p) or str(proposal.title)
    return opinion_submit(
        actor=actor,
        committee=proposal.committee,
        title=str(proposal.title)[:200],
        content=content,
        author=getattr(proposal, "lead", None),
        source_proposal_id=proposal.pk,
        note="由提案转来",
        allow_long=True,
    )


@transaction.atomic
def opinion_edit(*, actor: Any, report: OpinionReport, title: str, content: str) -> OpinionReport:
    """Edit the report as its holder's office; the author's original is kept on the first edit."""
    permissions.require(actor, "edit", report)
    transition(report, "edit")
    title, content = (title or "").strip(), (content or "").strip()
    if title == report.title and content == report.content:
        return report
    if report.edited_at is None:
        report.original_title, report.original_content = report.title, report.content
    report.title, report.content = title, content
    report.edited_at = timezone.now()
    _save(report, actor=actor)
    for committee_id in report.holdings.values_list("committee_id", flat=True):
        _index(report, committee_id)
    _event(report, actor=actor, kind=OpinionEvent.Kind.EDITED, committee=report.holder)
    return report


@transaction.atomic
def opinion_adopt(
    *, actor: Any, report: OpinionReport, issue: str = "", date: datetime.date | None = None
) -> OpinionAdoption:
    """Adopt the report for the holder's bulletin, credited at the holder's level."""
    permissions.require(actor, "adopt", report)
    transition(report, "adopt")
    issue = str(issue or "").strip()
    if len(issue) > 50:
        raise ValidationError({"issue": "期号不能超过50个字符。"})
    holder = report.holder
    if OpinionAdoption.objects.filter(report=report, committee=holder).exists():
        raise WorkflowError(f"{holder}已采用过这篇信息。")
    _save(report, actor=actor)
    adoption = OpinionAdoption(
        report=report, committee=holder, level=holder.level, issue=issue, date=date or clock.today()
    )
    adoption.full_clean()
    save_as(adoption, actor=actor)
    _event(report, actor=actor, kind=OpinionEvent.Kind.ADOPTED, committee=holder, note=issue)
    _tell_author(report, kind="opinion_adopted", title=f"您的社情民意信息被{holder}采用", key=f"adopt:{holder.pk}")
    return adoption


@transaction.atomic
def opinion_forward(*, actor: Any, report: OpinionReport) -> OpinionReport:
    """Forward the report to the holder's parent committee, whose office then handles it."""
    permissions.require(actor, "forward", report)
    holder = report.holder
    transition(report, "forward")
    parent = holder.parent
    if parent is None:
        raise WorkflowError(f"{holder}没有上级政协，无法上报。")
    report.holder = parent
    _save(report, actor=actor)
    OpinionHolding.objects.get_or_create(report=report, committee=parent)
    _index(report, parent.pk)
    _event(report, actor=actor, kind=OpinionEvent.Kind.FORWARDED, committee=holder, note=f"报送{parent}")
    from luzhi.accounts.models import User

    notify(
        users=User.objects.filter(committee=parent, role=Role.OFFICE, is_active=True),
        kind="opinion_forwarded",
        title=f"{holder}报送社情民意信息",
        body=report.title,
        link=reverse("opinions:detail", args=[report.pk]),
        key=f"opinion:{report.pk}:forward:{parent.pk}",
    )
    _tell_author(report, kind="opinion_forwarded", title=f"您的社情民意信息已报送{parent}", key=f"fwd:{parent.pk}")
    return report


@transaction.atomic
def opinion_instruct(
    *, actor: Any, report: OpinionReport, level: str, leader: str, text: str, date: datetime.date | None = None
) -> OpinionInstruction:
    """Record a leader's instruction (批示) on the report, with the leader's level."""
    permissions.require(actor, "instruct", report)
    transition(report, "instruct")
    instruction = OpinionInstruction(
        report=report,
        committee=report.holder,
        level=level or "",
        leader=(leader or "").strip(),
        text=(text or "").strip(),
        date=date or clock.today(),
    )
    instruction.full_clean()
    save_as(instruction, actor=actor)
    _event(
        report,
        actor=actor,
        kind=OpinionEvent.Kind.INSTRUCTED,
        committee=report.holder,
        note=f"{instruction.leader}（{instruction.get_level_display()}）",
    )
    _tell_author(
        report,
        kind="opinion_instructed",
        title=f"{instruction.leader}对您的社情民意信息作出批示",
        key=f"ins:{instruction.pk}",
    )
    return instruction


@transaction.atomic
def opinion_send(*, actor: Any, report: OpinionReport, recipient: str) -> OpinionReport:
    """Record that the holder sent the adopted report to a party or government department."""
    permissions.require(actor, "send", report)
    transition(report, "send")
    recipient = (recipient or "").strip()
    if not recipient:
        raise ValidationError({"recipient": "请填写报送单位。"})
    _event(report, actor=actor, kind=OpinionEvent.Kind.SENT, committee=report.holder, note=f"报送{recipient}"[:500])
    return report


@transaction.atomic
def opinion_reject(*, actor: Any, report: OpinionReport, reason: str) -> OpinionReport:
    """Decline the report with a reason the author reads."""
    permissions.require(actor, "reject", report)
    transition(report, "reject")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请说明不予采用的理由。"})
    report.reject_reason = reason[:500]
    _save(report, actor=actor)
    _event(report, actor=actor, kind=OpinionEvent.Kind.REJECTED, committee=report.holder, note=reason)
    _tell_author(report, kind="opinion_rejected", title="您的社情民意信息未被采用", key=f"reject:{report.holder_id}")
    return report


@transaction.atomic
def bulletin_compose(
    *,
    actor: Any,
    committee: Committee,
    year: int,
    number: int,
    reports: list[OpinionReport],
    date: datetime.date | None = None,
    title: str = "社情民意",
) -> Bulletin:
    """Compose an issue of the committee's bulletin from reports it adopted, in the given order."""
    if not reports:
        raise ValidationError({"reports": "请至少选择一篇已采用的信息。"})
    adopted = set(
        OpinionAdoption.objects.filter(committee=committee, report__in=reports).values_list("report_id", flat=True)
    )
    missing = [r.title for r in reports if r.pk not in adopted]
    if missing:
        raise ValidationError({"reports": f"只能编入本政协已采用的信息：{'、'.join(missing)}"})
    bulletin = Bulletin(
        committee=committee, year=year, number=number, title=title or "社情民意", date=date or clock.today()
    )
    bulletin.full_clean()
    save_as(bulletin, actor=actor)
    BulletinEntry.objects.bulk_create(
        [BulletinEntry(bulletin=bulletin, report=r, position=i) for i, r in enumerate(reports, start=1)]
    )
    return bulletin


@transaction.atomic
def grassroots_record_create(
    *,
    actor: Any,
    committee: Committee,
    member: Member,
    citizen: str,
    demand: str,
    station: Station | None = None,
    recorded_at: datetime.datetime | None = None,
    due_date: datetime.date | None = None,
    follow_up: str = "",
    once_token: str = "",
) -> GrassrootsRecord:
    """Write down a citizen's demand verbatim; it is due 15 days later unless told otherwise (once per render)."""
    record = GrassrootsRecord(
        committee=committee,
        member=member,
        station=station,
        citizen=(citizen or "").strip(),
        demand=demand or "",
        recorded_at=recorded_at or timezone.now(),
        due_date=due_date,  # type: ignore[misc]  # None: save() sets the default
        follow_up=(follow_up or "").strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if record.due_date is None:
        record.due_date = timezone.localdate(record.recorded_at) + datetime.timedelta(days=15)
    record.full_clean()
    save_as(record, actor=actor)
    once.spend(user=actor, token=once_token, obj=record)
    return record


@transaction.atomic
def grassroots_respond(*, actor: Any, record: GrassrootsRecord, text: str) -> GrassrootsRecord:
    """Record the answer given to the citizen (有回音)."""
    if record.status == GrassrootsRecord.Status.RESPONDED:
        raise WorkflowError("这条民情记录已回应。")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写回应内容。"})
    record.status = GrassrootsRecord.Status.RESPONDED
    record.response = text
    record.responded_at = timezone.now()
    record.full_clean()
    save_as(record, actor=actor)
    return record


@transaction.atomic
def grassroots_to_opinion(
    *, actor: Any, record: GrassrootsRecord, title: str, content: str | None = None
) -> OpinionReport:
    """Turn a grassroots record into an opinion report by the member who took it."""
    if record.opinion_reports.exists():
        raise WorkflowError("这条民情记录已转为社情民意信息。")
    return opinion_submit(
        actor=actor,
        committee=record.committee,
        title=title,
        content=content if content is not None else record.demand,
        author=record.member,
        source_record=record,
    )


def grassroots_remind(*, within_days: int = 3) -> dict[str, int]:
    """Tell members about their open records falling due, and members and offices about overdue ones."""
    from luzhi.accounts.models import User

    today = clock.today()
    due = list(grassroots_due(within_days=within_days).only("pk", "member_id", "committee_id", "citizen", "due_date"))
    member_users: dict[int, list[int]] = {}
    for uid, mid in User.objects.filter(member_id__in={r.member_id for r in due}, is_active=True).values_list(
        "pk", "member_id"
    ):
        member_users.setdefault(mid, []).append(uid)
    office_users: dict[int, list[int]] = {}
    for uid, cid in User.objects.filter(
        committee_id__in={r.committee_id for r in due}, role=Role.OFFICE, is_active=True
    ).values_list("pk", "committee_id"):
        office_users.setdefault(cid, []).append(uid)
    counts = {"due": 0, "overdue": 0}
    for record in due:
        link = reverse("opinions:grassroots-detail", args=[record.pk])
        if record.due_date < today:
            counts["overdue"] += 1
            notify(
                users=member_users.get(record.member_id, []) + office_users.get(record.committee_id, []),
                kind="grassroots_overdue",
                title=f"民情记录已逾期未回应（{record.citizen}）",
                body=f"回应期限为{record.due_date:%Y-%m-%d}。",
                link=link,
                key=f"grassroots:{record.pk}:overdue",
            )
        else:
            counts["due"] += 1
            notify(
                users=member_users.get(record.member_id, []),
                kind="grassroots_due",
                title=f"民情记录即将到期（{record.citizen}）",
                body=f"请于{record.due_date:%Y-%m-%d}前回应。",
                link=link,
                key=f"grassroots:{record.pk}:due",
            )
    return counts
