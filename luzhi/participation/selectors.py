"""Reads of the members' channels: scoped querysets with their counts computed in SQL."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from luzhi.core import clock
from luzhi.core.scoping import visible_to
from luzhi.participation.models import (
    ActivityGuest,
    Material,
    Notice,
    NoticeReceipt,
    Post,
    SelfReport,
    StudyEntry,
    Theme,
    Topic,
)


def notice_list(*, viewer: Any) -> QuerySet[Notice]:
    """The notices the viewer may see, with recipient and read counts and the viewer's own read time."""
    own = NoticeReceipt.objects.filter(notice=OuterRef("pk"), member_id=getattr(viewer, "member_id", None) or 0)
    result: QuerySet[Notice] = (
        visible_to(Notice.objects.all(), viewer)
        .select_related("sector", "special_committee", "group", "published_by")
        .annotate(
            recipient_count=Count("receipts", distinct=True),
            read_count=Count("receipts", filter=Q(receipts__read_at__isnull=False), distinct=True),
            my_read_at=Subquery(own.values("read_at")[:1]),
        )
        .order_by("-published_at", "-id")
    )
    return result


def notice_receipts(*, notice: Notice) -> QuerySet[NoticeReceipt]:
    """Who the notice went to, unread first."""
    return (
        NoticeReceipt.objects.filter(notice=notice)
        .select_related("member")
        .order_by(F("read_at").asc(nulls_first=True), "member_id")
    )


def topic_list(*, viewer: Any) -> QuerySet[Topic]:
    """The topics the viewer may see, with their visible post and participant counts."""
    result: QuerySet[Topic] = (
        visible_to(Topic.objects.all(), viewer)
        .select_related("sector", "special_committee", "group")
        .annotate(
            post_count=Count("posts", filter=Q(posts__hidden=False), distinct=True),
            participant_count=Count("posts__author", filter=Q(posts__hidden=False), distinct=True),
        )
        .order_by("-created_at", "-id")
    )
    return result


def open_topic_q(today: Any = None) -> Q:
    today = today or clock.today()
    return Q(closed_at__isnull=True, closes_on__gte=today)


def post_list(*, viewer: Any) -> QuerySet[Post]:
    """The posts the viewer may see (members: not hidden ones), oldest first."""
    return visible_to(Post.objects.all(), viewer).select_related("author", "theme")


def theme_list(*, viewer: Any) -> QuerySet[Theme]:
    return visible_to(Theme.objects.all(), viewer)


def self_report_list(*, viewer: Any) -> QuerySet[SelfReport]:
    return (
        visible_to(SelfReport.objects.all(), viewer)
        .select_related("member", "reviewed_by")
        .prefetch_related("evidence")
    )


def guest_list(*, viewer: Any) -> QuerySet[ActivityGuest]:
    return visible_to(ActivityGuest.objects.all(), viewer).select_related("activity")


def material_list(*, viewer: Any) -> QuerySet[Material]:
    """The library with how many members read, talked about and reviewed each material."""
    member_id = getattr(viewer, "member_id", None) or 0
    result: QuerySet[Material] = (
        visible_to(Material.objects.all(), viewer)
        .annotate(
            read_count=Count("entries", filter=Q(entries__kind=StudyEntry.Kind.READ), distinct=True),
            talk_count=Count("entries", filter=Q(entries__kind=StudyEntry.Kind.TALK), distinct=True),
            review_count=Count("entries", filter=Q(entries__kind=StudyEntry.Kind.REVIEW), distinct=True),
            read_by_me=Exists(
                StudyEntry.objects.filter(material=OuterRef("pk"), member_id=member_id, kind=StudyEntry.Kind.READ)
            ),
        )
        .order_by("kind", "-recommended_on", "-id")
    )
    return result


def study_entry_list(*, viewer: Any) -> QuerySet[StudyEntry]:
    return visible_to(StudyEntry.objects.all(), viewer).select_related("member", "material")
