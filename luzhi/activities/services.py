"""Writes of activities: scheduling, invitations, attendance, leave, sign-in, reading and cadence rules."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from luzhi.activities import signin
from luzhi.activities.models import Activity, Attendance, CadenceRule, LeaveRequest, ReadingLog
from luzhi.activities.permissions import may_manage
from luzhi.activities.workflow import leave_next_status
from luzhi.core.audit import delete_as, save_as
from luzhi.core.errors import WorkflowError
from luzhi.core.services import object_create, object_delete, object_update
from luzhi.notifications.services import broadcast, notify
from luzhi.org.models import Committee, Member

SEED_RULES = Path(__file__).resolve().parents[1] / "org" / "data" / "seed_rules.yaml"
RULE_FIELDS = ("name", "source", "kinds", "study", "scope", "measure", "minimum", "period")
RECORDED = (Attendance.Status.PRESENT, Attendance.Status.LEAVE, Attendance.Status.ABSENT, Attendance.Status.OBSERVER)


def _check_manage(actor: Any, activity: Activity) -> None:
    if not may_manage(actor, activity):
        raise PermissionDenied("专委会工作人员只能管理本专委会的活动。")


def _set_participants(*, actor: Any, activity: Activity, members: Iterable[Member]) -> None:
    wanted = {m.pk: m for m in members}
    foreign = [m for m in wanted.values() if m.committee_id != activity.committee_id]
    if foreign:
        raise ValidationError({"participants": "只能邀请本政协的委员。"})
    have = {a.member_id: a for a in activity.attendance.all()}
    for member_id, row in have.items():
        if member_id not in wanted:
            if row.status != Attendance.Status.INVITED:
                raise ValidationError({"participants": f"{row.member}已有出席记录，不能移出参加名单。"})
            delete_as(row, actor=actor)
    new = [member for member_id, member in wanted.items() if member_id not in have]
    for member in new:
        save_as(Attendance(committee_id=activity.committee_id, activity=activity, member=member), actor=actor)
    _notify_invited(activity, new)


def _notify_invited(activity: Activity, members: Iterable[Member]) -> None:
    from luzhi.accounts.models import User

    member_ids = [m.pk for m in members]
    if not member_ids:
        return
    when = activity.start if activity.start == activity.end else f"{activity.start}至{activity.end}"
    notify(
        users=User.objects.filter(member_id__in=member_ids, is_active=True),
        kind="activity_invited",
        title=f"邀请您参加：{activity.title}",
        body=f"时间：{when}。请按时参加；不能参加请在平台上请假。",
        link=f"/activities/{activity.pk}/",
        key=f"activity_invited:{activity.pk}",
    )


def _broadcast_activity(activity: Activity, kind: str, verb: str) -> None:
    dates = str(activity.start) if activity.end == activity.start else f"{activity.start}至{activity.end}"
    broadcast(
        committee=activity.committee_id,
        kind=kind,
        title=f"【{verb}】{activity.title}",
        body=f"{activity.get_kind_display()}，{dates}",
        link=f"/activities/{activity.pk}/",
        key=f"{kind}:{activity.pk}:{activity.version}",
    )


@transaction.atomic
def activity_schedule(
    *, actor: Any, committee: Committee, data: dict[str, Any], participants: Iterable[Member] = ()
) -> Activity:
    """Schedule an activity and invite its participants."""
    activity = Activity(committee=committee)
    for name, value in data.items():
        setattr(activity, name, value)
    _check_manage(actor, activity)
    activity.full_clean()
    save_as(activity, actor=actor)
    _set_participants(actor=actor, activity=activity, members=participants)
    _broadcast_activity(activity, "activity_scheduled", "会议活动安排")
    return activity


@transaction.atomic
def activity_update(
    *, actor: Any, activity: Activity, data: dict[str, Any], participants: Iterable[Member] | None = None
) -> Activity:
    """Change an activity (and, when given, its invited list)."""
    _check_manage(actor, activity)
    dates_move = "start" in data or "end" in data
    if dates_move and "days" not in data and activity.days == (activity.end - activity.start).days + 1:
        activity.days = None  # the default follows the new dates
    activity = object_update(actor=actor, instance=activity, data=data)
    _check_manage(actor, activity)
    if participants is not None:
        _set_participants(actor=actor, activity=activity, members=participants)
    _broadcast_activity(activity, "activity_changed", "会议活动变更")
    return activity


@transaction.atomic
def activity_cancel(*, actor: Any, activity: Activity) -> None:
    """Delete an activity whose attendance has not been taken."""
    _check_manage(actor, activity)
    if activity.attendance.exclude(status=Attendance.Status.INVITED).exists():
        raise WorkflowError("该活动已记录出席情况，不能删除。")
    for row in activity.attendance.all():
        delete_as(row, actor=actor)
    activity.leave_requests.all().delete()
    _broadcast_activity(activity, "activity_cancelled", "会议活动取消")
    object_delete(actor=actor, instance=activity)


@transaction.atomic
def activity_invite(*, actor: Any, activity: Activity, members: Iterable[Member]) -> int:
    """Add members to the invited list; return how many were new."""
    _check_manage(actor, activity)
    have = set(activity.attendance.values_list("member_id", flat=True))
    new = [m for m in members if m.pk not in have and m.committee_id == activity.committee_id]
    for member in new:
        save_as(Attendance(committee_id=activity.committee_id, activity=activity, member=member), actor=actor)
    _notify_invited(activity, new)
    return len(new)


@transaction.atomic
def attendance_record(*, actor: Any, activity: Activity, entries: list[dict[str, Any]]) -> list[Attendance]:
    """Record present / leave / absent / observer and speeches for invited members; all or nothing."""
    _check_manage(actor, activity)
    rows = {a.member_id: a for a in activity.attendance.select_for_update().select_related("member")}
    errors: list[str] = []
    seen: set[int] = set()
    for n, entry in enumerate(entries, start=1):
        member_id, status = entry.get("member"), entry.get("status")
        if member_id not in rows:
            errors.append(f"第{n}条：委员 {member_id} 不在本活动的参加名单中。")
        elif member_id in seen:
            errors.append(f"第{n}条：委员 {member_id} 重复。")
        if status not in RECORDED:
            errors.append(f"第{n}条：出席情况应为 present、leave、absent、observer 之一。")
        if not isinstance(entry.get("speech", False), bool):
            errors.append(f"第{n}条：speech 应为 true 或 false。")
        seen.add(member_id)
    if errors:
        raise ValidationError({"attendance": errors})
    for entry in entries:
        row = rows[entry["member"]]
        speech = entry.get("speech", False)
        if row.status != entry["status"] or row.speech != speech:
            row.status, row.speech = entry["status"], speech
            save_as(row, actor=actor)
    return sorted(rows.values(), key=lambda a: a.member_id)


@transaction.atomic
def leave_request_create(*, actor: Any, activity: Activity, reason: str) -> LeaveRequest:
    """Ask for leave from an activity the member is invited to."""
    member = actor.member
    row = activity.attendance.filter(member=member).first() if member else None
    if row is None:
        raise ValidationError({"activity": "您不在该活动的参加名单中。"})
    if row.status == Attendance.Status.PRESENT:
        raise WorkflowError("您已签到出席该活动，不能再请假。")
    if activity.leave_requests.filter(member=member, status=LeaveRequest.Status.PENDING).exists():
        raise WorkflowError("您已提交过请假申请，正在等待审批。")
    return object_create(
        actor=actor,
        model=LeaveRequest,
        data={"committee": activity.committee, "activity": activity, "member": member, "reason": reason.strip()},
    )


@transaction.atomic
def leave_request_decide(*, actor: Any, leave: LeaveRequest, approve: bool, note: str = "") -> LeaveRequest:
    """Approve (attendance becomes leave) or refuse a leave request, and tell the member."""
    leave = LeaveRequest.objects.select_for_update().select_related("activity", "member").get(pk=leave.pk)
    _check_manage(actor, leave.activity)
    leave.status = leave_next_status(leave, "approve" if approve else "refuse")
    leave.decided_by = actor if getattr(actor, "pk", None) else None
    leave.decided_at = timezone.now()
    leave.note = note.strip()[:500]
    save_as(leave, actor=actor)
    if approve:
        row = leave.activity.attendance.get(member=leave.member)
        if row.status != Attendance.Status.LEAVE:
            row.status = Attendance.Status.LEAVE
            save_as(row, actor=actor)
    verdict = "已批准" if approve else "未批准"
    notify(
        users=leave.member.users.all(),
        kind="leave",
        title=f"请假申请{verdict}：{leave.activity.title}",
        body=leave.note,
        link=reverse("activities:activity-detail", args=[leave.activity_id]),
        key=f"leave-{leave.pk}-{leave.status}",
    )
    return leave


@transaction.atomic
def attendance_sign_in(*, actor: Any, activity: Activity, token: str, today: date | None = None) -> Attendance:
    """Mark the signed-in member present at the activity the signed link names."""
    signin.check_token(token, activity_id=activity.pk, today=today)
    member = getattr(actor, "member", None)
    row = activity.attendance.select_for_update().filter(member=member).first() if member else None
    if row is None:
        raise ValidationError({"detail": "您不在该活动的参加名单中，不能签到。"})
    if row.status == Attendance.Status.PRESENT:
        raise WorkflowError("您已签到，无需重复签到。")
    row.status = Attendance.Status.PRESENT
    row.signed_in_at = timezone.now()
    save_as(row, actor=actor)
    return row


@transaction.atomic
def reading_log_add(*, actor: Any, data: dict[str, Any]) -> ReadingLog:
    """Add an entry to the caller's own reading log."""
    if getattr(actor, "member", None) is None:
        raise PermissionDenied("只有委员本人可以填写读书学习记录。")
    data = {**data, "member": actor.member, "committee": actor.member.committee}
    return object_create(actor=actor, model=ReadingLog, data=data)


def seed_rules() -> list[dict[str, Any]]:
    """The seed's cadence rules, as field dicts."""
    rules = yaml.safe_load(SEED_RULES.read_text("utf-8"))
    return [{f: rule.get(f, "") for f in RULE_FIELDS} for rule in rules]


@transaction.atomic
def cadence_rules_install(*, committee: Committee, actor: Any = None) -> int:
    """Give a committee the seed's cadence rules it does not have yet; return how many were added."""
    have = set(CadenceRule.objects.filter(committee=committee).values_list("name", flat=True))
    added = 0
    for rule in seed_rules():
        if rule["name"] not in have:
            object_create(actor=actor, model=CadenceRule, data={"committee": committee, **rule})
            added += 1
    return added
