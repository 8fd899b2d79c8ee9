"""Every write of the members' channels: one service per use case, atomic, audited, notifications on commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from luzhi.activities.models import Attendance, ReadingLog
from luzhi.core import clock
from luzhi.core.audit import save_as
from luzhi.core.errors import WorkflowError
from luzhi.core.services import object_create
from luzhi.core.uploads import check_upload, check_uploads
from luzhi.notifications.models import Notification
from luzhi.notifications.services import broadcast, notify
from luzhi.org.models import Committee, Member
from luzhi.participation.models import (
    Audience,
    Evidence,
    Material,
    Notice,
    NoticeAttachment,
    NoticeReceipt,
    Post,
    SelfReport,
    StudyEntry,
    Theme,
    Topic,
)
from luzhi.participation.workflow import advance


def _users_of(members: Iterable[Any] | QuerySet[Any]) -> QuerySet[Any]:
    from luzhi.accounts.models import User

    result: QuerySet[Any] = User.objects.filter(member__in=members, is_active=True)
    return result


def _office_users(committee_id: int) -> QuerySet[Any]:
    from luzhi.accounts.models import User
    from luzhi.core.roles import Role

    result: QuerySet[Any] = User.objects.filter(committee_id=committee_id, role=Role.OFFICE, is_active=True)
    return result


def _member_of(actor: Any) -> Member:
    member = getattr(actor, "member", None)
    if member is None:
        raise PermissionDenied("只有委员可以这样做。")
    result: Member = member
    return result


# ---- notices -------------------------------------------------------------------------------


@transaction.atomic
def notice_publish(
    *,
    actor: Any,
    committee: Committee,
    title: str,
    body: str,
    kind: str = Notice.Kind.NOTICE,
    audience: str = Audience.ALL,
    sector: Any = None,
    special_committee: Any = None,
    group: Any = None,
    members: Iterable[Member] = (),
    files: Iterable[Any] = (),
) -> Notice:
    """Publish a notice to its audience: one read receipt and one inbox message per active recipient."""
    files = list(files)
    check_uploads(files, field="files")
    notice = Notice(
        committee=committee,
        kind=kind,
        title=(title or "").strip(),
        body=(body or "").strip(),
        audience=audience,
        sector=sector,
        special_committee=special_committee,
        group=group,
        published_by=actor if getattr(actor, "pk", None) else None,
    )
    notice.full_clean()
    chosen = list(members)
    if audience == Audience.MEMBERS:
        if any(m.committee_id != committee.pk for m in chosen):
            raise ValidationError({"members": ["只能选择本政协的委员。"]})
        recipients: QuerySet[Any] = Member.objects.filter(pk__in=[m.pk for m in chosen], status=Member.Status.ACTIVE)
    else:
        chosen = []
        recipients = notice.audience_members()
    recipient_ids = list(recipients.values_list("pk", flat=True))
    if not recipient_ids:
        field = "members" if audience == Audience.MEMBERS else "audience"
        raise ValidationError({field: ["没有接收人：所选对象中没有在任委员。"]})
    save_as(notice, actor=actor)
    if chosen:
        notice.members.set(chosen)
    # Receipts are derived from the audited notice; one insert for hundreds of recipients.
    NoticeReceipt.objects.bulk_create(
        [NoticeReceipt(committee=committee, notice=notice, member_id=pk) for pk in recipient_ids]
    )
    for file in files:
        attachment = NoticeAttachment(
            committee=committee, notice=notice, file=file, name=str(file.name)[:200], size=file.size
        )
        save_as(attachment, actor=actor)
    notify(
        users=_users_of(recipient_ids),
        kind="notice",
        title=f"【{notice.get_kind_display()}】{notice.title}",
        body=notice.body[:200],
        link=reverse("participation:notice", args=[notice.pk]),
        key=f"notice:{notice.pk}",
    )
    if audience == Audience.ALL:
        # Only a notice to the whole committee is committee news; one to chosen members stays theirs.
        broadcast(
            committee=committee,
            kind="notice_published",
            title=f"【{notice.get_kind_display()}】{notice.title}",
            body=notice.body[:200],
            link=reverse("participation:notice", args=[notice.pk]),
            key=f"notice:{notice.pk}",
        )
    return notice


@transaction.atomic
def notice_attach(*, actor: Any, notice: Notice, file: Any) -> NoticeAttachment:
    """Add one more attachment to a published notice."""
    check_upload(file, field="file")
    attachment = NoticeAttachment(
        committee_id=notice.committee_id, notice=notice, file=file, name=str(file.name)[:200], size=file.size
    )
    save_as(attachment, actor=actor)
    return attachment


@transaction.atomic
def notice_open(*, actor: Any, notice: Notice) -> NoticeReceipt | None:
    """Mark the notice read by the opening member (once), and its inbox messages with it."""
    member_id = getattr(actor, "member_id", None)
    if member_id is None:
        return None
    receipt = NoticeReceipt.objects.filter(notice=notice, member_id=member_id).first()
    if receipt is not None and receipt.read_at is None:
        receipt.read_at = timezone.now()
        save_as(receipt, actor=actor)
        Notification.objects.filter(
            Q(key=f"notice:{notice.pk}") | Q(key__startswith=f"notice:{notice.pk}:"), user=actor, read_at__isnull=True
        ).update(read_at=receipt.read_at)
    return receipt


@transaction.atomic
def notice_remind(*, actor: Any, notice: Notice) -> int:
    """Tell every recipient who has not read the notice yet again; return how many were reminded."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    unread = NoticeReceipt.objects.filter(notice=notice, read_at__isnull=True)
    member_ids = list(unread.values_list("member_id", flat=True))
    if not member_ids:
        raise WorkflowError("所有接收人都已阅读，无需提醒。")
    notice.reminders += 1
    save_as(notice, actor=actor)
    now = timezone.now()
    unread.update(reminded_at=now)
    notify(
        users=_users_of(member_ids),
        kind="notice_reminder",
        title=f"【提醒】请阅读：{notice.title}",
        body=notice.body[:200],
        link=reverse("participation:notice", args=[notice.pk]),
        key=f"notice:{notice.pk}:remind:{notice.reminders}",
    )
    return len(member_ids)


# ---- online deliberation -----------------------------------------------------------------------


@transaction.atomic
def topic_open(*, actor: Any, committee: Committee, data: dict[str, Any]) -> Topic:
    """Open a deliberation topic and tell the members it is for."""
    topic = object_create(actor=actor, model=Topic, data={**data, "committee": committee, "created_by": actor})
    if topic.closes_on < clock.today():
        raise ValidationError({"closes_on": ["截止日期不能早于今天。"]})
    notify(
        users=_users_of(topic.audience_members()),
        kind="topic",
        title=f"【网络议政】{topic.title}",
        body=f"欢迎建言献策，截止{topic.closes_on:%Y-%m-%d}。",
        link=reverse("participation:topic", args=[topic.pk]),
        key=f"topic:{topic.pk}",
    )
    return topic


@transaction.atomic
def topic_close(*, actor: Any, topic: Topic) -> Topic:
    """Close a topic before its closing date (after it, it is closed anyway)."""
    if topic.closed_at is not None:
        raise WorkflowError("议题已结束。")
    topic.closed_at = timezone.now()
    save_as(topic, actor=actor)
    return topic


@transaction.atomic
def post_create(*, actor: Any, topic: Topic, text: str, parent: Post | None = None) -> Post:
    """Post a suggestion (or a reply to another post) to an open topic the member is invited to."""
    member = _member_of(actor)
    if not topic.reaches(member):
        raise PermissionDenied("本议题不面向您，不能发言。")
    if not topic.is_open():
        raise WorkflowError("议题已截止，不能再发言。")
    if parent is not None and (parent.topic_id != topic.pk or parent.hidden):
        raise ValidationError({"parent": ["只能回复本议题下可见的发言。"]})
    post = Post(committee_id=topic.committee_id, topic=topic, author=member, parent=parent, text=(text or "").strip())
    post.full_clean()
    save_as(post, actor=actor)
    if parent is not None and parent.author_id != member.pk:
        notify(
            users=_users_of([parent.author_id]),
            kind="topic_reply",
            title=f"{member.name}回复了您在“{topic.title}”中的建议",
            body=post.text[:200],
            link=reverse("participation:topic", args=[topic.pk]) + f"#post-{post.pk}",
            key=f"post-reply:{post.pk}",
        )
    return post


@transaction.atomic
def post_hide(*, actor: Any, post: Post, reason: str) -> Post:
    """Hide a post from members with a reason; its text stays in the history and the audit log."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写隐藏原因。"]})
    if post.hidden:
        raise WorkflowError("该发言已隐藏。")
    post.hidden, post.hidden_reason, post.hidden_at = True, reason[:500], timezone.now()
    save_as(post, actor=actor)
    return post


@transaction.atomic
def post_set_theme(*, actor: Any, post: Post, theme: Theme | None) -> Post:
    """Group a suggestion under one of its topic's themes (None: ungrouped)."""
    post.theme = theme
    post.full_clean()
    save_as(post, actor=actor)
    return post


@transaction.atomic
def post_to_proposal(*, actor: Any, post: Post, title: str = "", category: str = "other") -> Any:
    """Turn a suggestion into a draft proposal of its author, who completes and submits it."""
    from luzhi.proposals.models import Proposal

    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.proposal_id:
        raise WorkflowError("该建议已转为提案。")
    if post.hidden:
        raise WorkflowError("已隐藏的发言不能转为提案。")
    topic = post.topic
    proposal = object_create(
        actor=actor,
        model=Proposal,
        data={
            "committee": post.committee,
            "year": clock.today().year,
            "title": (title or "").strip() or f"关于{topic.title}的建议"[:200],
            "reason": topic.background,
            "suggestions": post.text,
            "category": category,
            "lead": post.author,
        },
    )
    post.proposal = proposal
    save_as(post, actor=actor)
    notify(
        users=_users_of([post.author_id]),
        kind="topic_to_proposal",
        title=f"您在“{topic.title}”中的建议已转为提案草稿",
        body="请完善后提交。",
        link=reverse("proposals:detail", args=[proposal.pk]),
        key=f"post-proposal:{post.pk}",
    )
    return proposal


@transaction.atomic
def post_to_opinion(*, actor: Any, post: Post, title: str = "") -> Any:
    """Turn a suggestion into an opinion report (社情民意信息) credited to its author."""
    from luzhi.opinions.services import opinion_submit

    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.opinion_id:
        raise WorkflowError("该建议已转为社情民意信息。")
    if post.hidden:
        raise WorkflowError("已隐藏的发言不能转为社情民意信息。")
    report = opinion_submit(
        actor=actor,
        committee=post.committee,
        title=(title or "").strip() or f"关于{post.topic.title}的建议"[:200],
        content=post.text,
        author=post.author,
        note="由网络议政转来",
    )
    post.opinion = report
    save_as(post, actor=actor)
    return report


# ---- duty self-reports ---------------------------------------------------------------------------


def attended_on(member: Member, day: dt.date) -> Attendance | None:
    """The member's attended (present) activity covering that day, if any."""
    return (
        Attendance.objects.filter(
            member=member, status=Attendance.Status.PRESENT, activity__start__lte=day, activity__end__gte=day
        )
        .select_related("activity")
        .first()
    )


def _check_not_attended(report: SelfReport) -> None:
    attended = attended_on(report.member, report.date)
    if attended is not None:
        raise ValidationError(
            {
                "date": [
                    f"您已于当日出席“{attended.activity.title}”，该活动已计入履职记录，无需重复备案；"
                    "如确为另一项履职，请联系办公室。"
                ]
            }
        )


@transaction.atomic
def self_report_file(
    *, actor: Any, kind: str, date: dt.date, place: str, content: str, files: Iterable[Any] = ()
) -> SelfReport:
    """File a duty done outside recorded activities, with photos or documents as evidence."""
    member = _member_of(actor)
    files = list(files)
    kinds = check_uploads(files, field="files")
    report = SelfReport(
        committee_id=member.committee_id,
        member=member,
        kind=kind,
        date=date,
        place=(place or "").strip(),
        content=(content or "").strip(),
    )
    report.full_clean()
    _check_not_attended(report)
    save_as(report, actor=actor)
    for file, file_kind in zip(files, kinds, strict=True):
        evidence = Evidence(
            committee_id=report.committee_id,
            report=report,
            file=file,
            name=str(file.name)[:200],
            kind=file_kind,
            size=file.size,
        )
        save_as(evidence, actor=actor)
    notify(
        users=_office_users(report.committee_id),
        kind="self_report",
        title=f"{member.name}提交了履职备案（{report.get_kind_display()}）",
        link=reverse("participation:report", args=[report.pk]),
        key=f"self-report:{report.pk}:filed",
    )
    return report


@transaction.atomic
def self_report_resubmit(
    *, actor: Any, report: SelfReport, data: dict[str, Any], files: Iterable[Any] = ()
) -> SelfReport:
    """File a returned report again, corrected; only its member may."""
    if getattr(actor, "member_id", None) != report.member_id:
        raise PermissionDenied("只能修改本人的备案。")
    files = list(files)
    kinds = check_uploads(files, field="files")
    advance(report, "resubmit")
    for name in ("kind", "date", "place", "content"):
        if name in data:
            setattr(report, name, data[name])
    report.full_clean()
    _check_not_attended(report)
    save_as(report, actor=actor)
    for file, file_kind in zip(files, kinds, strict=True):
        save_as(
            Evidence(
                committee_id=report.committee_id,
                report=report,
                file=file,
                name=str(file.name)[:200],
                kind=file_kind,
                size=file.size,
            ),
            actor=actor,
        )
    return report


@transaction.atomic
def self_report_verify(*, actor: Any, report: SelfReport) -> SelfReport:
    """Verify a pending report: from now on it counts in the member's record."""
    report = SelfReport.objects.select_for_update().get(pk=report.pk)
    advance(report, "verify")
    # An attendance recorded after filing would make the report count twice.
    _check_not_attended(report)
    report.reviewed_at, report.reviewed_by = timezone.now(), actor
    save_as(report, actor=actor)
    notify(
        users=_users_of([report.member_id]),
        kind="self_report_verified",
        title=f"您的履职备案（{report.date:%Y-%m-%d}）已核实",
        link=reverse("participation:report", args=[report.pk]),
        key=f"self-report:{report.pk}:verified",
    )
    return report


@transaction.atomic
def self_report_return(*, actor: Any, report: SelfReport, reason: str) -> SelfReport:
    """Return a pending report to its member with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写退回原因。"]})
    report = SelfReport.objects.select_for_update().get(pk=report.pk)
    advance(report, "return")
    report.return_reason, report.reviewed_at, report.reviewed_by = reason[:500], timezone.now(), actor
    save_as(report, actor=actor)
    returns = report.history.filter(status=SelfReport.Status.RETURNED).count()
    notify(
        users=_users_of([report.member_id]),
        kind="self_report_returned",
        title=f"您的履职备案（{report.date:%Y-%m-%d}）被退回",
        body=reason,
        link=reverse("participation:report", args=[report.pk]),
        key=f"self-report:{report.pk}:returned:{returns}",
    )
    return report


# ---- the library -------------------------------------------------------------------------------


@transaction.atomic
def study_log(*, actor: Any, material: Material, kind: str, date: dt.date, text: str = "") -> StudyEntry:
    """Log reading (读, also in the reading log), a talk (讲) or a review (评) of a material."""
    member = _member_of(actor)
    entry = StudyEntry(
        committee_id=material.committee_id, material=material, member=member, kind=kind, date=date, text=text or ""
    )
    entry.full_clean()
    if kind == StudyEntry.Kind.READ:
        entry.reading_log = object_create(
            actor=actor,
            model=ReadingLog,
            data={
                "committee": member.committee,
                "member": member,
                "kind": material.reading_kind,
                "title": material.title[:200],
                "date": date,
            },
        )
    save_as(entry, actor=actor)
    return entry
