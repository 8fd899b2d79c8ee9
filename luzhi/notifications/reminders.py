"""Reminders that no single write triggers: the day before an activity."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse

from luzhi.core import clock
from luzhi.core.clock import cn_date
from luzhi.notifications.services import notify


@transaction.atomic
def activity_remind_tomorrow(*, today: date | None = None) -> int:
    """Remind each invited member (not on leave) of an activity that starts tomorrow; once per activity and day."""
    from luzhi.accounts.models import User
    from luzhi.activities.models import Activity, Attendance

    tomorrow = (today or clock.today()) + timedelta(days=1)
    activities = list(Activity.objects.filter(start=tomorrow).only("id", "title", "start"))
    if not activities:
        return 0
    invited = Attendance.objects.filter(
        activity__in=activities, status=Attendance.Status.INVITED, member__status="active"
    ).values_list("activity_id", "member_id")
    members_of: dict[int, set[int]] = defaultdict(set)
    for activity_id, member_id in invited:
        members_of[activity_id].add(member_id)
    users_of: dict[int, list[int]] = defaultdict(list)
    wanted = {m for ids in members_of.values() for m in ids}
    for user_id, member_id in User.objects.filter(member_id__in=wanted, is_active=True).values_list("pk", "member_id"):
        users_of[member_id].append(user_id)
    reminded = 0
    for activity in activities:
        users = [u for m in members_of.get(activity.pk, ()) for u in users_of.get(m, ())]
        if not users:
            continue
        notify(
            users=users,
            kind="activity_reminder",
            title=f"明天：{activity.title}",
            body=f"{cn_date(activity.start)}的活动，请准时参加；不能参加请及时请假。",
            link=reverse("activities:activity-detail", args=[activity.pk]),
            key=f"activity_reminder:{activity.pk}:{activity.start.isoformat()}",
        )
        reminded += 1
    return reminded
