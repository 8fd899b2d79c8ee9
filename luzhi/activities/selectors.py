"""Reads of activities, scoped to the viewer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from luzhi.activities.models import Activity, Attendance, CadenceRule, LeaveRequest, ReadingLog
from luzhi.core.scoping import visible_to
from luzhi.org.models import Member

INVITE_BY = ("special_committee", "group", "sector", "standing", "all")


def activity_list(*, viewer: Any, ids_only: bool = False) -> QuerySet[Activity]:
    """Return the activities the viewer may see, with their invited members' ids prefetched.

    ids_only: the API, which shows related rows by id — no joins, and the caller attaches the
    invited members' ids with `attach_participant_ids` (one query of ids, no Member objects).
    """
    if ids_only:
        return visible_to(Activity.objects.all(), viewer)
    related = Activity.objects.select_related("station", "special_committee", "group").prefetch_related(
        Prefetch("participants", queryset=Member.objects.only("id").order_by("id"))
    )
    return visible_to(related, viewer)


def attach_participant_ids(activities: list[Activity]) -> None:
    """Set `participant_ids` (invited members' ids, ascending) on each activity in one query."""
    ids: dict[int, list[int]] = {a.pk: [] for a in activities}
    if not ids:
        return
    rows = Attendance.objects.filter(activity_id__in=ids).order_by("member_id").values_list("activity_id", "member_id")
    for activity_id, member_id in rows:
        ids[activity_id].append(member_id)
    for activity in activities:
        activity.participant_ids = ids[activity.pk]  # type: ignore[attr-defined]  # for the pages, no field


def activity_attendance(*, activity: Activity) -> QuerySet[Attendance]:
    """Return the invited list of an activity with each member, by name."""
    return activity.attendance.select_related("member", "member__sector").order_by("member__name", "member_id")


def invitees(*, committee: Any, by: str, value: Any = None) -> QuerySet[Member]:
    """Return the active members of a committee to invite: by special committee, group, sector, standing or all."""
    members = Member.objects.filter(committee=committee, status=Member.Status.ACTIVE)
    if by == "standing":
        return members.exclude(position=Member.Position.MEMBER)
    if by == "all":
        return members
    return members.filter(**{f"{by}_id": value})


def activities_between(*, viewer: Any, first: date, last: date) -> QuerySet[Activity]:
    """Return the visible activities that overlap the days first..last, earliest first."""
    qs = Activity.objects.select_related("special_committee", "group").filter(start__lte=last, end__gte=first)
    return visible_to(qs, viewer).order_by("start", "id")


def member_invitations(*, member: Member) -> QuerySet[Activity]:
    """Return the activities a member is invited to, with their own attendance status."""
    mine = Attendance.objects.filter(member=member)
    return (
        Activity.objects.filter(committee_id=member.committee_id, attendance__member=member)
        .prefetch_related(Prefetch("attendance", queryset=mine, to_attr="mine"))
        .order_by("start", "id")
    )


def leave_requests(*, viewer: Any, pending_only: bool = False) -> QuerySet[LeaveRequest]:
    """Return the leave requests the viewer may see, newest first."""
    qs = LeaveRequest.objects.select_related("activity", "member", "decided_by")
    if pending_only:
        qs = qs.filter(status=LeaveRequest.Status.PENDING)
    return visible_to(qs, viewer)


def reading_logs(*, viewer: Any) -> QuerySet[ReadingLog]:
    """Return the reading log entries the viewer may see (a member: their own)."""
    return visible_to(ReadingLog.objects.select_related("member"), viewer)


def cadence_rules(*, viewer: Any) -> QuerySet[CadenceRule]:
    """Return the viewer's committee's cadence rules."""
    return visible_to(CadenceRule.objects.all(), viewer).order_by("id")


def my_upcoming(*, member: Member, today: date) -> QuerySet[Attendance]:
    """Return a member's invitations to activities that have not ended yet."""
    return (
        Attendance.objects.filter(member=member, activity__end__gte=today)
        .select_related("activity")
        .order_by("activity__start")
    )
