"""Every write to proposals: one service per use case, atomic, audited, side effects on commit."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from luzhi.core import clock, once, similarity
from luzhi.core.audit import delete_as, save_as
from luzhi.core.clock import cn_date
from luzhi.core.errors import WorkflowError
from luzhi.core.roles import Role
from luzhi.core.uploads import check_uploads, named_as, sniff_upload
from luzhi.core.workdays import add_workdays
from luzhi.notifications.services import notify
from luzhi.org.models import Member, Unit
from luzhi.proposals import permissions
from luzhi.proposals.models import (
    AdjustRequest,
    Cosignature,
    Evaluation,
    Proposal,
    ProposalAttachment,
    ProposalCounter,
    ProposalUnit,
    Reply,
    Supervision,
)
from luzhi.proposals.selectors import SIMILARITY_NAMESPACE
from luzhi.proposals.workflow import advance

ADJUST_WORKDAYS = 5  # 交办后五个工作日内可申请调整
DUE_MONTHS = 3

EDITABLE = (
    "title",
    "reason",
    "suggestions",
    "category",
    "submitter_type",
    "sector",
    "special_committee",
    "party_group",
)


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return d.replace(year=year, month=month, day=min(d.day, last))


def _member_of(actor: Any) -> Member:
    member = getattr(actor, "member", None)
    if member is None:
        raise PermissionDenied("只有委员可以撰写提案。")
    result: Member = member
    return result


def _check_cosigners(proposal: Proposal, cosigners: Iterable[Member]) -> list[Member]:
    result = []
    for member in cosigners:
        if member.committee_id != proposal.committee_id:
            raise ValidationError({"cosigners": ["联名委员不属于本政协。"]})
        if member.pk == proposal.lead_id:
            raise ValidationError({"cosigners": ["第一提案人不必联名。"]})
        result.append(member)
    return result


def _set_cosigners(*, actor: Any, proposal: Proposal, cosigners: list[Member]) -> None:
    """Invite the wanted cosigners (each is told, to confirm or decline from their account); drop the others."""
    wanted = {m.pk for m in cosigners}
    for sig in proposal.cosignatures.filter(source=Cosignature.Source.COSIGN):
        if sig.member_id not in wanted:
            delete_as(sig, actor=actor)
    have = set(proposal.cosignatures.values_list("member_id", flat=True))
    invited = [m for m in cosigners if m.pk not in have]
    for member in invited:
        save_as(Cosignature(proposal=proposal, member=member), actor=actor)
    notify(
        users=_member_users(m.pk for m in invited),
        kind="proposal_cosign",
        title=f"{proposal.lead.name}邀请您联名提案：{proposal.title}",
        body="请打开提案，确认联名或谢绝。",
        link=_link(proposal),
        key=f"proposal:{proposal.pk}:cosign",
    )


def _save_attachments(*, actor: Any, proposal: Proposal, files: list[Any]) -> None:
    for file in files:
        save_as(
            ProposalAttachment(proposal=proposal, file=file, name=str(file.name)[:200], size=file.size),
            actor=actor,
        )


@transaction.atomic
def proposal_create(
    *, actor: Any, committee: Any, data: dict[str, Any], files: Iterable[Any] = (), once_token: str = ""
) -> Proposal:
    """Write a draft proposal with the actor as its lead proposer (once per form render: core.once)."""
    files = list(files)
    check_uploads(files, field="files")
    cosigners = list(data.pop("cosigners", []) or [])
    fields = {k: v for k, v in data.items() if k in EDITABLE}
    proposal = Proposal(committee=committee, lead=_member_of(actor), year=clock.today().year, **fields)
    if cosigners and proposal.submitter_type == Proposal.SubmitterType.MEMBER:
        proposal.submitter_type = Proposal.SubmitterType.JOINT
    proposal.full_clean()
    save_as(proposal, actor=actor)
    _set_cosigners(actor=actor, proposal=proposal, cosigners=_check_cosigners(proposal, cosigners))
    _save_attachments(actor=actor, proposal=proposal, files=files)
    once.spend(user=actor, token=once_token, obj=proposal)
    return proposal


@transaction.atomic
def proposal_update(*, actor: Any, proposal: Proposal, data: dict[str, Any], files: Iterable[Any] = ()) -> Proposal:
    """Edit a draft, or a submitted proposal the office has not reviewed yet; only its lead proposer may."""
    permissions.require(actor, "edit", proposal)
    files = list(files)
    check_uploads(files, field="files")
    proposal = _locked(proposal)
    advance(proposal, "edit")
    for name, value in data.items():
        if name in EDITABLE:
            setattr(proposal, name, value)
    proposal.full_clean()
    save_as(proposal, actor=actor)
    if "cosigners" in data:
        _set_cosigners(actor=actor, proposal=proposal, cosigners=_check_cosigners(proposal, data["cosigners"] or []))
    _save_attachments(actor=actor, proposal=proposal, files=files)
    if proposal.status == Proposal.Status.SUBMITTED:  # the office's similar search sees the new text
        similarity.index_text(
            namespace=SIMILARITY_NAMESPACE,
            committee_id=proposal.committee_id,
            object_id=proposal.pk,
            text=proposal.text,
            year=proposal.year,
        )
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor: Any, proposal: Proposal) -> Proposal:
    """Take a submitted proposal back to a draft, before the office has reviewed it; only its lead may."""
    permissions.require(actor, "withdraw", proposal)
    proposal = _locked(proposal)
    advance(proposal, "withdraw")
    proposal.submitted_at = None
    save_as(proposal, actor=actor)
    similarity.remove_text(namespace=SIMILARITY_NAMESPACE, committee_id=proposal.committee_id, object_id=proposal.pk)
    notify(
        users=_office_users(proposal.committee_id),
        kind="proposal_withdrawn",
        title=f"提案人撤回了提案：{proposal.title}",
        link=_link(proposal),
        key=f"proposal:{proposal.pk}:withdrawn:{timezone.now().isoformat()}",
    )
    return proposal


@transaction.atomic
def proposal_delete(*, actor: Any, proposal: Proposal) -> None:
    """Throw away a draft; only its lead proposer may."""
    permissions.require(actor, "edit", proposal)
    advance(proposal, "delete")
    for sig in proposal.cosignatures.all():
        delete_as(sig, actor=actor)
    for attachment in proposal.attachments.all():
        delete_as(attachment, actor=actor)
    delete_as(proposal, actor=actor)


def _office_users(committee_id: int) -> Any:
    from luzhi.accounts.models import User

    return User.objects.filter(committee_id=committee_id, role=Role.OFFICE, is_active=True)


def _member_users(member_ids: Iterable[int]) -> Any:
    from luzhi.accounts.models import User

    return User.objects.filter(member_id__in=list(member_ids), is_active=True)


def _unit_users(unit_ids: Iterable[int]) -> Any:
    from luzhi.accounts.models import User

    return User.objects.filter(unit_id__in=list(unit_ids), is_active=True)


def _link(proposal: Proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


@transaction.atomic
def proposal_submit(*, actor: Any, proposal: Proposal) -> Proposal:
    """Hand the draft to the proposal committee; it becomes searchable as a similar proposal."""
    permissions.require(actor, "submit", proposal)
    advance(proposal, "submit")
    proposal.submitted_at = timezone.now()
    save_as(proposal, actor=actor)
    similarity.index_text(
        namespace=SIMILARITY_NAMESPACE,
        committee_id=proposal.committee_id,
        object_id=proposal.pk,
        text=proposal.text,
        year=proposal.year,
    )
    pending = proposal.cosignatures.filter(confirmed_at__isnull=True, declined_at__isnull=True).values_list(
        "member_id", flat=True
    )
    notify(
        users=_member_users(pending),
        kind="proposal_cosign",
        title=f"请确认联名提案：{proposal.title}",
        link=_link(proposal),
        key=f"proposal:{proposal.pk}:cosign",
    )
    notify(
        users=_office_users(proposal.committee_id),
        kind="proposal_submitted",
        title=f"新提案待审查：{proposal.title}",
        link=_link(proposal),
        key=f"proposal:{proposal.pk}:submitted:{proposal.submitted_at.isoformat()}",  # again after a withdrawal
    )
    return proposal


@transaction.atomic
def proposal_cosign_confirm(*, actor: Any, proposal: Proposal) -> Cosignature:
    """Confirm, from the cosigner's own account, that they join the proposal."""
    advance(proposal, "cosign")
    permissions.require(actor, "cosign", proposal)
    sig = proposal.cosignatures.get(member_id=actor.member_id)
    if sig.confirmed_at is None:
        sig.confirmed_at = timezone.now()
        sig.declined_at = None
        save_as(sig, actor=actor)
        _tell_lead_about(sig, proposal, "确认联名")
    return sig


@transaction.atomic
def proposal_cosign_decline(*, actor: Any, proposal: Proposal) -> Cosignature:
    """Decline, from the invited member's own account, to join the proposal (the lead is told)."""
    advance(proposal, "decline_cosign")
    permissions.require(actor, "cosign", proposal)
    sig = proposal.cosignatures.get(member_id=actor.member_id)
    if sig.source != Cosignature.Source.COSIGN:
        raise WorkflowError("并案带来的联名不能谢绝。")
    if sig.declined_at is None:
        sig.declined_at = timezone.now()
        sig.confirmed_at = None
        save_as(sig, actor=actor)
        _tell_lead_about(sig, proposal, "谢绝联名")
    return sig


def _tell_lead_about(sig: Cosignature, proposal: Proposal, what: str) -> None:
    notify(
        users=_member_users([proposal.lead_id]),
        kind="proposal_cosign_answer",
        title=f"{sig.member.name}{what}：{proposal.title}",
        link=_link(proposal),
        key=f"proposal:{proposal.pk}:cosign-answer:{sig.member_id}:{what}",
    )


def _next_number(proposal: Proposal) -> int:
    # The counter row is created once (a concurrent creator's row wins) and then locked, so two
    # clerks accepting at the same moment get consecutive numbers, never the same or a gap.
    ProposalCounter.objects.bulk_create(
        [ProposalCounter(committee_id=proposal.committee_id, year=proposal.year)], ignore_conflicts=True
    )
    counter = ProposalCounter.objects.select_for_update().get(committee_id=proposal.committee_id, year=proposal.year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _locked(proposal: Proposal) -> Proposal:
    """Re-read the proposal under a row lock so two clerks cannot take the same step at once."""
    fresh = Proposal.objects.select_for_update().get(pk=proposal.pk)
    proposal.status = fresh.status
    return proposal


@transaction.atomic
def proposal_review(
    *, actor: Any, proposal: Proposal, decision: str, reason: str = "", merge_into: Proposal | None = None
) -> Proposal:
    """Decide on a submitted proposal: accept (numbered), reject, convert, or merge into another."""
    permissions.require(actor, "review", proposal)
    steps = {"accept", "reject", "convert_opinion", "convert_letter", "merge"}
    if decision not in steps:
        raise ValidationError({"decision": [f"decision 应为 {', '.join(sorted(steps))} 之一。"]})
    if decision == "reject" and not reason.strip():
        raise ValidationError({"reason": ["不立案须写明理由。"]})
    if decision == "merge":
        if merge_into is None:
            raise ValidationError({"merge_into": ["请选择要并入的提案。"]})
        if merge_into.pk == proposal.pk or merge_into.committee_id != proposal.committee_id:
            raise ValidationError({"merge_into": ["不能并入这件提案。"]})
        if merge_into.status not in (Proposal.Status.SUBMITTED, *Proposal.PUBLIC):
            raise WorkflowError("只能并入待审查或已立案的提案。")
    proposal = _locked(proposal)
    advance(proposal, decision)
    proposal.reviewed_at = timezone.now()
    proposal.review_reason = reason.strip()
    if decision == "accept":
        proposal.number = _next_number(proposal)
    elif decision == "merge" and merge_into is not None:  # checked above
        proposal.merged_into = merge_into
        _credit_merged_authors(actor=actor, source=proposal, target=merge_into)
    save_as(proposal, actor=actor)
    if decision == "convert_opinion":
        _convert_to_opinion(actor=actor, proposal=proposal)
    outcome = {
        "accept": f"已立案为第{proposal.number}号",
        "reject": "不予立案",
        "convert_opinion": "转为社情民意信息",
        "convert_letter": "转为意见建议",
        "merge": "已并案处理",
    }[decision]
    notify(
        users=_member_users([proposal.lead_id]),
        kind="proposal_reviewed",
        title=f"您的提案“{proposal.title}”{outcome}",
        body=proposal.review_reason,
        link=_link(proposal),
        key=f"proposal:{proposal.pk}:reviewed",
    )
    return proposal


def _convert_to_opinion(*, actor: Any, proposal: Proposal) -> None:
    from luzhi.opinions.services import opinion_create_from_proposal

    report = opinion_create_from_proposal(actor=actor, proposal=proposal)
    proposal.converted_ref = f"opinions.OpinionReport:{report.pk}"
    save_as(proposal, actor=actor)


def _credit_merged_authors(*, actor: Any, source: Proposal, target: Proposal) -> None:
    """The merged proposal's lead and confirmed cosigners are credited on the surviving case."""
    authors = [
        source.lead_id,
        *source.cosignatures.filter(confirmed_at__isnull=False).values_list("member_id", flat=True),
    ]
    have = set(target.cosignatures.values_list("member_id", flat=True)) | {target.lead_id}
    now = timezone.now()
    new = [m for m in dict.fromkeys(authors) if m not in have]
    members = Member.objects.in_bulk(new)  # each row's audit entry names its member: no query per row
    for member_id in new:
        save_as(
            Cosignature(proposal=target, member=members[member_id], confirmed_at=now, source=Cosignature.Source.MERGE),
            actor=actor,
        )


@transaction.atomic
def proposal_assign(
    *,
    actor: Any,
    proposal: Proposal,
    lead_unit: Unit,
    co_units: Iterable[Unit] = (),
    due_date: dt.date | None = None,
) -> Proposal:
    """Hand an accepted proposal (or one whose unit asked to change) to a lead unit and co-units."""
    permissions.require(actor, "assign", proposal)
    co_units = [u for u in co_units if u.pk != lead_unit.pk]
    for unit in (lead_unit, *co_units):
        if unit.committee_id != proposal.committee_id:
            raise ValidationError({"lead_unit": ["承办单位不属于本政协。"]})
    proposal = _locked(proposal)
    step = "reassign" if proposal.status == Proposal.Status.ASSIGNED else "assign"
    if step == "reassign" and not proposal.adjust_requests.filter(resolved=False).exists():
        raise WorkflowError("提案已交办；只有承办单位申请调整后才能重新交办。")
    advance(proposal, step)
    today = clock.today()
    due = due_date or add_months(today, DUE_MONTHS)
    if due <= today:
        raise ValidationError({"due_date": ["办理期限应晚于今天。"]})
    for link in proposal.units.all():
        delete_as(link, actor=actor)
    for req in proposal.adjust_requests.filter(resolved=False):
        req.resolved = True
        save_as(req, actor=actor)
    save_as(ProposalUnit(proposal=proposal, unit=lead_unit, role=ProposalUnit.Role.LEAD), actor=actor)
    for unit in co_units:
        save_as(ProposalUnit(proposal=proposal, unit=unit, role=ProposalUnit.Role.CO), actor=actor)
    proposal.assigned_at = today
    proposal.due_date = due
    save_as(proposal, actor=actor)
    notify(
        users=_unit_users([lead_unit.pk, *(u.pk for u in co_units)]),
        kind="proposal_assigned",
        title=f"交办提案：第{proposal.number}号 {proposal.title}",
        body=f"请于{cn_date(due)}前办理答复。",
        link=_link(proposal),
        key=f"proposal:{proposal.pk}:assigned:{today.isoformat()}:{lead_unit.pk}",
    )
    return proposal


def _unit_link(actor: Any, proposal: Proposal, step: str) -> ProposalUnit:
    """The actor's unit's link to the proposal, once permissions.may says the unit may take the step."""
    prefetch_related_objects([proposal], "units")  # one query for the check and the link
    permissions.require(actor, step, proposal)
    return next(link for link in proposal.units.all() if link.unit_id == actor.unit_id)


def adjust_deadline(proposal: Proposal) -> dt.date | None:
    """The last day on which the lead unit may ask for re-assignment."""
    return add_workdays(proposal.assigned_at, ADJUST_WORKDAYS) if proposal.assigned_at else None


@transaction.atomic
def proposal_adjust_request(*, actor: Any, proposal: Proposal, reason: str) -> AdjustRequest:
    """Ask, as the lead unit, within five working days of assignment, to hand the case to another unit."""
    link = _unit_link(actor, proposal, "adjust")
    advance(proposal, "adjust_request")
    if not reason.strip():
        raise ValidationError({"reason": ["请写明申请调整的理由。"]})
    deadline = adjust_deadline(proposal)
    if deadline is None or clock.today() > deadline:
        raise WorkflowError(
            f"申请调整须在交办后{ADJUST_WORKDAYS}个工作日内（截至{cn_date(deadline)}）提出，已超过期限。"
        )
    if proposal.adjust_requests.filter(resolved=False).exists():
        raise WorkflowError("已有一份调整申请等待办公室处理。")
    request = AdjustRequest(proposal=proposal, unit=link.unit, reason=reason.strip())
    save_as(request, actor=actor)
    notify(
        users=_office_users(proposal.committee_id),
        kind="proposal_adjust",
        title=f"{link.unit}申请调整提案：第{proposal.number}号",
        body=request.reason,
        link=_link(proposal),
        key=f"proposal:{proposal.pk}:adjust:{request.pk}",
    )
    return request


@transaction.atomic
def proposal_co_opinion(*, actor: Any, proposal: Proposal, text: str) -> ProposalUnit:
    """Send, as a co-unit, its opinion to the lead unit."""
    link = _unit_link(actor, proposal, "co_opinion")
    advance(proposal, "co_opinion")
    if not text.strip():
        raise ValidationError({"text": ["请填写协办意见。"]})
    link.opinion = text.strip()
    link.opinion_at = timezone.now()
    save_as(link, actor=actor)
    lead = proposal.units.filter(role=ProposalUnit.Role.LEAD).values_list("unit_id", flat=True)
    notify(
        users=_unit_users(lead),
        kind="proposal_co_opinion",
        title=f"{link.unit}提交了协办意见：第{proposal.number}号",
        link=_link(proposal),
        key=f"proposal:{proposal.pk}:co:{link.pk}:{link.opinion_at.isoformat()}",
    )
    return link


@transaction.atomic
def proposal_reply(*, actor: Any, proposal: Proposal, category: str, text: str, file: Any = None) -> Reply:
    """Answer the proposal as its lead unit; whether it came in time is recorded."""
    link = _unit_link(actor, proposal, "reply")
    proposal = _locked(proposal)
    advance(proposal, "reply")
    errors = {}
    if category not in Reply.Category.values:
        errors["category"] = ["category 应为 A、B、C 之一。"]
    if not (text or "").strip():
        errors["text"] = ["请填写答复内容。"]
    if errors:
        raise ValidationError(errors)
    today = clock.today()
    proposal.reply_rounds += 1
    on_time = proposal.due_date is None or today <= proposal.due_date
    reply = Reply(
        proposal=proposal,
        unit=link.unit,
        category=category,
        text=text.strip(),
        replied_at=today,
        on_time=on_time,
        round=proposal.reply_rounds,
    )
    if file is not None:
        _, kind = sniff_upload(file, field="file", accept="document")
        name = f"proposals/replies/{proposal.committee_id}/{proposal.pk}/{uuid.uuid4().hex}.{kind}"
        reply.file_name = named_as(str(getattr(file, "name", "") or "答复"), kind)[:200]
        reply.file = default_storage.save(name, file)
    save_as(reply, actor=actor)
    if proposal.replied_on_time is None:
        proposal.replied_on_time = on_time
    proposal.replied_at = today
    save_as(proposal, actor=actor)
    notify(
        users=_member_users([proposal.lead_id]),
        kind="proposal_replied",
        title=f"您的提案“{proposal.title}”已答复，请评价",
        link=_link(proposal),
        key=f"proposal:{proposal.pk}:replied:{reply.round}",
    )
    return reply


@transaction.atomic
def proposal_evaluate(*, actor: Any, proposal: Proposal, rating: str, comment: str = "") -> Evaluation:
    """Rate the reply as the lead proposer; the first 不满意 sends the case back for another reply."""
    permissions.require(actor, "evaluate", proposal)
    if rating not in Evaluation.Rating.values:
        # No default: a rating closes the case, so it is never assumed (an empty one is refused).
        raise ValidationError({"rating": ["请选择评价：满意、基本满意或不满意。"]})
    proposal = _locked(proposal)
    first_unsatisfied = (
        rating == Evaluation.Rating.UNSATISFIED
        and not proposal.evaluations.filter(rating=Evaluation.Rating.UNSATISFIED).exists()
    )
    advance(proposal, "send_back" if first_unsatisfied else "close")
    reply = proposal.replies.order_by("-round", "-id").first()
    evaluation = Evaluation(proposal=proposal, reply=reply, member_id=proposal.lead_id, rating=rating, comment=comment)
    save_as(evaluation, actor=actor)
    proposal.rating = rating
    save_as(proposal, actor=actor)
    if first_unsatisfied:
        notify(
            users=_unit_users(proposal.units.filter(role=ProposalUnit.Role.LEAD).values_list("unit_id", flat=True)),
            kind="proposal_sent_back",
            title=f"提案人对答复不满意，请再次办理：第{proposal.number}号",
            body=comment,
            link=_link(proposal),
            key=f"proposal:{proposal.pk}:sent_back",
        )
    return evaluation


@transaction.atomic
def proposal_mark_key(*, actor: Any, proposal: Proposal, supervisor: Member) -> Proposal:
    """Flag a numbered proposal as a key proposal supervised by a leader."""
    permissions.require(actor, "mark_key", proposal)
    advance(proposal, "mark_key")
    if supervisor.committee_id != proposal.committee_id or not supervisor.is_leader:
        raise ValidationError({"supervisor": ["督办领导应为本政协主席会议成员。"]})
    proposal.is_key = True
    proposal.supervisor = supervisor
    proposal.full_clean()
    save_as(proposal, actor=actor)
    notify(
        users=_member_users([supervisor.pk]),
        kind="proposal_key",
        title=f"请督办重点提案：第{proposal.number}号 {proposal.title}",
        link=_link(proposal),
        key=f"proposal:{proposal.pk}:key:{supervisor.pk}",
    )
    return proposal


@transaction.atomic
def proposal_supervise(*, actor: Any, proposal: Proposal, date: dt.date | None, note: str) -> Supervision:
    """Record one supervision activity on a key proposal (the office, or its supervising leader)."""
    permissions.require(actor, "supervise", proposal)
    advance(proposal, "supervise")
    if not proposal.is_key:
        raise WorkflowError("只有重点提案需要记录督办。")
    errors = {}
    if not isinstance(date, dt.date):
        errors["date"] = ["请填写督办日期。"]
    elif date > clock.today():
        errors["date"] = ["督办日期不能晚于今天。"]
    if not (note or "").strip():
        errors["note"] = ["请填写督办情况。"]
    if errors:
        raise ValidationError(errors)
    record = Supervision(proposal=proposal, leader=proposal.supervisor, date=date, note=note.strip())  # type: ignore[misc]  # a date: checked above
    record.full_clean()
    save_as(record, actor=actor)
    return record


def proposal_remind(*, today: dt.date | None = None) -> dict[str, int]:
    """Tell units and the office about cases due within seven days and overdue, once per case and kind."""
    from luzhi.proposals.selectors import proposal_reminders

    today = today or clock.today()
    counts = {"due": 0, "overdue": 0}
    for proposal in proposal_reminders(today=today):
        overdue = proposal.due_date < today
        kind = "overdue" if overdue else "due"
        counts[kind] += 1
        unit_ids = [link.unit_id for link in proposal.units.all()]
        title = (
            f"提案已逾期未答复：第{proposal.number}号 {proposal.title}"
            if overdue
            else f"提案将于{cn_date(proposal.due_date)}到期：第{proposal.number}号 {proposal.title}"
        )
        users = list(_unit_users(unit_ids)) + (list(_office_users(proposal.committee_id)) if overdue else [])
        notify(
            users=users,
            kind=f"proposal_{kind}",
            title=title,
            link=_link(proposal),
            key=f"proposal:{proposal.pk}:{kind}:{proposal.due_date.isoformat()}",
        )
    return counts
