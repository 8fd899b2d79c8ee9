"""Writes of activities: scheduling, invitations, attendance, leave, sign-in, reading and cadence rules."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from luzhi.activities import signin
from luzhi.activities.models import (
    Activity,
    ActivityMaterial,
    AgendaItem,
    Attendance,
    CadenceRule,
    CalendarFeedKey,
    LeaveRequest,
    ReadingLog,
)
from luzhi.activities.permissions import may_manage
from luzhi.activities.workflow import leave_next_status
from luzhi.core.audit import delete_as, save_as
from luzhi.core.clock import cn_date
from luzhi.core.errors import WorkflowError
from luzhi.core.services import object_create, object_delete, object_update
from luzhi.core.uploads import check_upload
from luzhi.notifications.services import broadcast, notify
from luzhi.org.models import Committee, Member

SEED_RULES = Path(__file__).resolve().parents[1] / "org" / "data" / "seed_rules.yaml"
RULE_FIELDS = ("name", "source", "kinds", "study", "scope", "measure", "minimum", "period", "first_topic")
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


def _days(activity: Activity) -> str:
    """The activity's day or days as messages write them: 2026年12月3日 (至2026年12月4日)."""
    if activity.start == activity.end:
        return cn_date(activity.start)
    return f"{cn_date(activity.start)}至{cn_date(activity.end)}"


def _notify_invited(activity: Activity, members: Iterable[Member]) -> None:
    from luzhi.accounts.models import User

    member_ids = [m.pk for m in members]
    if not member_ids:
        return
    when = _days(activity)
    notify(
        users=User.objects.filter(member_id__in=member_ids, is_active=True),
        kind="activity_invited",
        title=f"邀请您参加：{activity.title}",
        body=f"时间：{when}。请按时参加；不能参加请在平台上请假。",
        link=reverse("activities:activity-detail", args=[activity.pk]),
        key=f"activity_invited:{activity.pk}",
    )


def _broadcast_activity(activity: Activity, kind: str, verb: str) -> None:
    dates = _days(activity)
    broadcast(
        committee=activity.committee_id,
        kind=kind,
        title=f"【{verb}】{activity.title}",
        body=f"{activity.get_kind_display()}，{dates}",
        link=reverse("activities:activity-detail", args=[activity.pk]),
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


def _times_follow_dates(activity: Activity, data: dict[str, Any]) -> dict[str, Any]:
    """Moving a timed meeting to other days (dates given, times not) keeps its times of day."""
    data = dict(data)
    for day, moment in (("start", "starts_at"), ("end", "ends_at")):
        old = getattr(activity, moment)
        if day in data and moment not in data and old is not None and data[day] is not None:
            clock = timezone.localtime(old).time()
            data[moment] = timezone.make_aware(datetime.combine(data[day], clock))
    return data


@transaction.atomic
def activity_update(
    *, actor: Any, activity: Activity, data: dict[str, Any], participants: Iterable[Member] | None = None
) -> Activity:
    """Change an activity (and, when given, its invited list)."""
    _check_manage(actor, activity)
    data = _times_follow_dates(activity, data)
    dates_move = "start" in data or "end" in data
    if dates_move and "days" not in data and activity.days == (activity.end - activity.start).days + 1:
        activity.days = None  # type: ignore[assignment]  # save() sets the default that follows the new dates
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
    seen: set[Any] = set()
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
    if timezone.now() < activity.opens_at() and any(e["status"] != Attendance.Status.LEAVE for e in entries):
        raise WorkflowError("活动尚未开始，只能登记请假；出席、缺席、列席须在开始后登记。")
    for entry in entries:
        row = rows[entry["member"]]
        speech = entry.get("speech", False)
        if row.status != entry["status"] or row.speech != speech:
            if entry["status"] == Attendance.Status.PRESENT and row.status != Attendance.Status.PRESENT:
                row.signed_in_at, row.signed_in_via = timezone.now(), Attendance.Via.OFFICE
            elif entry["status"] != Attendance.Status.PRESENT:
                row.signed_in_at, row.signed_in_via = None, ""
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


def _my_row(actor: Any, activity: Activity, *, lock: bool = False) -> Attendance:
    """The caller's own attendance row of the activity, or PermissionDenied when not invited."""
    member = getattr(actor, "member", None)
    rows = activity.attendance.select_for_update() if lock else activity.attendance.all()
    row = rows.filter(member=member).first() if member else None
    if row is None:
        raise PermissionDenied("您不在该活动的参加名单中。")
    result: Attendance = row
    return result


# Wrong sign-in codes one member may try per activity before waiting (a code has 10^6 values).
SIGN_IN_TRIES = 10
SIGN_IN_LOCK_SECONDS = 600


@transaction.atomic
def attendance_sign_in(*, actor: Any, activity: Activity, code: str, now: datetime | None = None) -> Attendance:
    """Mark the invited caller present with the code shown at the door; signing in twice is harmless."""
    from django.core.cache import cache

    now = now or timezone.now()
    row = _my_row(actor, activity, lock=True)
    if now < activity.opens_at() - signin.OPENS_BEFORE:
        raise WorkflowError("签到尚未开始：会议开始前1小时起可以签到。")
    if now > activity.closes_at():
        raise WorkflowError("会议已结束，不能再签到。")
    if row.status == Attendance.Status.PRESENT:
        return row
    tries_key = f"luzhi:sign-in-tries:{activity.pk}:{row.member_id}"
    tries = cache.get(tries_key, 0)
    if tries >= SIGN_IN_TRIES:
        raise ValidationError({"code": "签到码错误次数过多，请10分钟后再试，或请会务人员登记。"})
    if not signin.code_is_valid(code, activity.pk, now):
        cache.set(tries_key, tries + 1, SIGN_IN_LOCK_SECONDS)
        raise ValidationError({"code": "签到码不正确或已过期，请扫描会场屏幕上最新的二维码。"})
    row.status = Attendance.Status.PRESENT
    row.signed_in_at, row.signed_in_via = now, Attendance.Via.CODE
    save_as(row, actor=actor)
    return row


@transaction.atomic
def invitation_answer(*, actor: Any, activity: Activity, answer: str, reason: str = "") -> Attendance:
    """The invited member's reply (回执): attend, or leave — which becomes a leave request to decide."""
    row = _my_row(actor, activity, lock=True)
    if answer not in Attendance.Answer.values:
        raise ValidationError({"answer": "回执只能是参加（attend）或请假（leave）。"})
    reason = (reason or "").strip()
    if answer == Attendance.Answer.LEAVE and not reason:
        raise ValidationError({"reason": "请假请填写事由。"})
    if timezone.now() > activity.closes_at():
        raise WorkflowError("活动已结束，不能再回执。")
    if row.status != Attendance.Status.INVITED:
        raise WorkflowError(f"您的出席情况已登记为“{row.get_status_display()}”，不能再回执。")
    pending = activity.leave_requests.filter(member=row.member, status=LeaveRequest.Status.PENDING).exists()
    if answer == Attendance.Answer.ATTEND and pending:
        raise WorkflowError("您的请假申请正在审批，如改为参加请联系会务人员。")
    if answer == Attendance.Answer.LEAVE and not pending:
        leave_request_create(actor=actor, activity=activity, reason=reason[:1000])
    row.answer, row.answer_reason, row.answered_at = answer, reason[:500], timezone.now()
    save_as(row, actor=actor)
    return row


def invitation_remind(*, actor: Any, activity: Activity) -> int:
    """Remind the invited members who have not answered yet; return how many were reminded."""
    _check_manage(actor, activity)
    if timezone.now() > activity.closes_at():
        raise WorkflowError("活动已结束，无需再催回执。")
    waiting = activity.attendance.filter(answer="", status=Attendance.Status.INVITED).values("member_id")
    from luzhi.accounts.models import User

    users = list(User.objects.filter(member_id__in=waiting, is_active=True).only("pk"))
    notify(
        users=users,
        kind="activity_rsvp_reminder",
        title=f"请回执：{activity.title}",
        body="请在手机上回执参加或请假。",
        link=reverse("activities:activity-detail", args=[activity.pk]),
        key=f"rsvp-remind-{activity.pk}-{timezone.now():%Y%m%d%H%M}",
    )
    return len(users)


# ---- agenda and materials ---------------------------------------------------------------


@transaction.atomic
def material_add(*, actor: Any, activity: Activity, file: Any, title: str = "") -> ActivityMaterial:
    """Store one paper of the meeting (a PDF, Word, image…, checked by its content)."""
    _check_manage(actor, activity)
    check_upload(file, field="file", accept="any")
    title = (title or "").strip() or PurePosixPath(file.name).stem
    return object_create(
        actor=actor,
        model=ActivityMaterial,
        data={
            "committee": activity.committee,
            "activity": activity,
            "title": title[:200],
            "file": file,
            "name": file.name[:200],
            "size": file.size,
        },
    )


@transaction.atomic
def material_withdraw(*, actor: Any, material: ActivityMaterial) -> ActivityMaterial:
    """Withdraw a material after the meeting: from now on only the office reads it."""
    _check_manage(actor, material.activity)
    if material.withdrawn_at is None:
        material.withdrawn_at = timezone.now()
        save_as(material, actor=actor)
    return material


AGENDA_MAX = 60


@transaction.atomic
def agenda_set(*, actor: Any, activity: Activity, items: list[dict[str, Any]]) -> list[AgendaItem]:
    """Replace the agenda with these items (all or nothing); 第一议题, when present, must come first."""
    _check_manage(actor, activity)
    if len(items) > AGENDA_MAX:
        raise ValidationError({"agenda": f"议程最多{AGENDA_MAX}项。"})
    own = {m.pk: m for m in activity.materials.all()}
    errors: list[str] = []
    orders = [item["order"] for item in items]
    if len(set(orders)) != len(orders):
        errors.append("议程顺序不能重复。")
    ranked = sorted(items, key=lambda item: item["order"])
    for n, item in enumerate(ranked, start=1):
        if not item["title"].strip():
            errors.append(f"第{n}项：请填写议题。")
        foreign = [m for m in item.get("materials", []) if m not in own]
        if foreign:
            errors.append(f"第{n}项：材料 {foreign} 不属于本活动。")
        if item.get("first_topic") and n != 1:
            errors.append("第一议题须排在议程第一项。")
    if errors:
        raise ValidationError({"agenda": errors})
    # The hall screen keeps showing the item at the same place in the new agenda (or none).
    current_order = activity.current_item.order if activity.current_item is not None else None
    activity.agenda.all().delete()
    saved = AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                committee_id=activity.committee_id,
                activity=activity,
                order=item["order"],
                title=item["title"].strip(),
                presenter=(item.get("presenter") or "").strip(),
                minutes=item.get("minutes"),
                first_topic=bool(item.get("first_topic")),
            )
            for item in ranked
        ]
    )
    if any(row.pk is None for row in saved):  # backends that do not return ids from bulk inserts
        saved = list(activity.agenda.order_by("order"))
    AgendaItem.materials.through.objects.bulk_create(
        [
            AgendaItem.materials.through(agendaitem_id=row.pk, activitymaterial_id=m)
            for row, item in zip(saved, ranked, strict=True)
            for m in dict.fromkeys(item.get("materials", []))
        ]
    )
    activity.current_item = next((row for row in saved if row.order == current_order), None)
    save_as(activity, actor=actor)  # the agenda change is an audited change of the activity
    broadcast(
        committee=activity.committee_id,
        kind="agenda_changed",
        title=f"议程更新：{activity.title}",
        body="；".join(f"{row.order}. {row.title}" for row in saved)[:1000],
        link=reverse("activities:activity-detail", args=[activity.pk]),
        key=f"agenda-{activity.pk}-{activity.version}",
    )
    return saved


@transaction.atomic
def current_item_set(*, actor: Any, activity: Activity, item: int | None) -> Activity:
    """Show this agenda item (an id of the activity's agenda, or None for none) on the hall screen."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _check_manage(actor, activity)
    chosen = None
    if item is not None:
        chosen = activity.agenda.filter(pk=item).first()
        if chosen is None:
            raise ValidationError({"item": "该议程不属于本次会议。"})
    activity.current_item = chosen
    save_as(activity, actor=actor, reason=f"当前议程：{chosen}" if chosen else "当前议程：无")
    return activity


def current_item_step(*, actor: Any, activity: Activity, step: int) -> Activity:
    """Move the hall screen's current item one place forward (+1) or back (-1) in the agenda."""
    orders = list(activity.agenda.order_by("order").values_list("pk", flat=True))
    if not orders:
        raise ValidationError({"item": "本次会议还没有议程。"})
    if activity.current_item_id in orders:
        at = orders.index(activity.current_item_id) + step
    else:
        at = 0 if step > 0 else len(orders) - 1
    if not 0 <= at < len(orders):
        raise WorkflowError("已是最后一项议程。" if step > 0 else "已是第一项议程。")
    return current_item_set(actor=actor, activity=activity, item=orders[at])


def feed_key(member: Member) -> str:
    """The member's current calendar feed key ("" until they first renew the link)."""
    row = CalendarFeedKey.objects.filter(member=member).only("key").first()
    return row.key if row else ""


@transaction.atomic
def feed_renew(*, actor: Any, member: Member) -> str:
    """Give the member a new calendar feed link: every copy of the old one stops working."""
    if getattr(actor, "member_id", None) != member.pk:
        raise PermissionDenied("只能更新自己的日历订阅链接。")
    key = secrets.token_urlsafe(16)
    CalendarFeedKey.objects.update_or_create(member=member, defaults={"key": key})
    return key


def feed_member(token: str) -> Member | None:
    """The active member a feed link belongs to, or None (forged, renewed since, or left the committee)."""
    claim = signin.feed_claim(token)
    if claim is None:
        return None
    member = Member.objects.filter(pk=claim[0], status=Member.Status.ACTIVE).first()
    if member is None or not secrets.compare_digest(feed_key(member), claim[1]):
        return None
    result: Member | None = member
    return result


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
    return [{f: rule.get(f, False if f == "first_topic" else "") for f in RULE_FIELDS} for rule in rules]


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
