"""Reads of opinion reports, bulletins and grassroots records: scoped, with their relations fetched."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from luzhi.core import clock
from luzhi.core.scoping import visible_to
from luzhi.core.similarity import find_similar_many
from luzhi.opinions.models import (
    SIMILARITY_NAMESPACE,
    Bulletin,
    GrassrootsRecord,
    Level,
    OpinionAdoption,
    OpinionEvent,
    OpinionInstruction,
    OpinionReport,
)

# Below this a match shares only common words; the writer would learn nothing from it.
SIMILAR_MIN_SCORE = 0.2


def opinion_same_recent(*, author_id: int, title: str, content: str) -> OpinionReport | None:
    """Return the author's report of the last day with the same title or the same text, if any."""
    since = timezone.now() - datetime.timedelta(days=1)
    found: OpinionReport | None = (
        OpinionReport.objects.filter(author_id=author_id, submitted_at__gte=since)
        .filter(Q(title=title.strip()) | Q(content=content.strip()))
        .order_by("-id")
        .first()
    )
    return found


def opinion_list(*, viewer: Any) -> QuerySet[Any]:
    """Return the reports the viewer may see, with their adoptions and instructions."""
    return (
        visible_to(OpinionReport.objects.all(), viewer)
        .select_related("author", "committee", "holder")
        .prefetch_related(
            Prefetch("adoptions", queryset=OpinionAdoption.objects.select_related("committee")),
            "instructions",
        )
    )


def opinion_trail(*, report: OpinionReport) -> QuerySet[Any]:
    """Return every step taken on the report, oldest first."""
    return OpinionEvent.objects.filter(report=report).select_related("committee", "actor")


def opinion_queue(*, viewer: Any) -> QuerySet[Any]:
    """Return the reports the viewer's committee holds now: its own incoming and those forwarded to it."""
    return (
        opinion_list(viewer=viewer).filter(holder_id=viewer.committee_id).exclude(status=OpinionReport.Status.REJECTED)
    )


def opinion_held(*, viewer: Any, pk: Any) -> OpinionReport:
    """Fetch a report the viewer's committee holds (only its office acts on it), else 404."""
    qs = visible_to(OpinionReport.objects.select_related("holder", "holder__parent", "committee", "author"), viewer)
    if not viewer.is_superuser:
        qs = qs.filter(holder_id=viewer.committee_id)
    try:
        result: OpinionReport = qs.get(pk=pk)
        return result
    except (OpinionReport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def bulletin_list(*, viewer: Any) -> QuerySet[Any]:
    """Return the viewer's committee's bulletin issues with the number of reports in each."""
    # An aggregate drops Meta.ordering: order explicitly, or pages could repeat or skip issues.
    result: QuerySet[Any] = (
        visible_to(Bulletin.objects.all(), viewer)
        .annotate(report_count=Count("entries"))
        .order_by("-year", "-number", "-id")
    )
    return result


def bulletin_reports(*, bulletin: Bulletin) -> list[OpinionReport]:
    """Return the reports of an issue in their printed order."""
    return [
        e.report
        for e in bulletin.entries.select_related("report", "report__author", "report__committee").order_by("position")
    ]


def adoptable_reports(*, viewer: Any) -> QuerySet[Any]:
    """Return the reports the viewer's committee adopted, newest first (candidates for an issue)."""
    adopted = OpinionAdoption.objects.filter(committee_id=viewer.committee_id).values("report_id")
    return (
        visible_to(OpinionReport.objects.all(), viewer)
        .filter(pk__in=adopted)
        .select_related("author", "committee")
        .order_by("-submitted_at", "-id")
    )


def grassroots_list(*, viewer: Any, overdue: bool = False) -> QuerySet[Any]:
    """Return the grassroots records the viewer may see; only overdue open ones when asked."""
    qs = visible_to(GrassrootsRecord.objects.all(), viewer).select_related("member", "station")
    if overdue:
        qs = qs.filter(status=GrassrootsRecord.Status.OPEN, due_date__lt=clock.today())
    return qs


def grassroots_due(*, within_days: int = 3) -> QuerySet[Any]:
    """Return open records of every committee due within the given days or already overdue."""
    limit = clock.today() + datetime.timedelta(days=within_days)
    return GrassrootsRecord.objects.filter(status=GrassrootsRecord.Status.OPEN, due_date__lte=limit).select_related(
        "member", "committee"
    )


def _levels(counts: dict[str, int]) -> dict[str, int]:
    return {level: counts.get(level, 0) for level in Level.values}


def opinion_statistics(*, viewer: Any, year: int | None = None) -> dict[str, Any]:
    """Return reports by author, sector and status, adoptions and instructions by level, grassroots on time."""
    reports = visible_to(OpinionReport.objects.all(), viewer).filter(committee_id=viewer.committee_id)
    if year:
        reports = reports.filter(submitted_at__year=year)
    by_status = dict(reports.values_list("status").annotate(n=Count("id")).order_by())
    by_author = list(
        reports.filter(author__isnull=False)
        .values("author_id", "author__name")
        .annotate(total=Count("id", distinct=True), adopted=Count("adoptions", distinct=True))
        .order_by("-total", "author__name")[:50]
    )
    by_sector = list(
        reports.values("author__sector__name").annotate(total=Count("id")).order_by("-total", "author__sector__name")
    )
    adoptions = OpinionAdoption.objects.filter(report__in=reports)
    instructions = OpinionInstruction.objects.filter(report__in=reports)
    adoptions_by_level = dict(adoptions.values_list("level").annotate(n=Count("id")).order_by())
    instructions_by_level = dict(instructions.values_list("level").annotate(n=Count("id")).order_by())
    records = visible_to(GrassrootsRecord.objects.all(), viewer).filter(committee_id=viewer.committee_id)
    if year:
        records = records.filter(recorded_at__year=year)
    today = clock.today()
    grassroots = records.aggregate(
        total=Count("id"),
        responded=Count("id", filter=Q(status=GrassrootsRecord.Status.RESPONDED)),
        on_time=Count(
            "id",
            filter=Q(status=GrassrootsRecord.Status.RESPONDED, responded_at__date__lte=F("due_date")),
        ),
        overdue=Count("id", filter=Q(status=GrassrootsRecord.Status.OPEN, due_date__lt=today)),
    )
    grassroots["on_time_rate"] = round(grassroots["on_time"] / grassroots["total"], 3) if grassroots["total"] else None
    return {
        "year": year,
        "total": sum(by_status.values()),
        "by_status": {s: by_status.get(s, 0) for s in OpinionReport.Status.values},
        "by_author": [
            {"member": r["author_id"], "name": r["author__name"], "total": r["total"], "adopted": r["adopted"]}
            for r in by_author
        ],
        "by_sector": [{"sector": r["author__sector__name"] or "", "total": r["total"]} for r in by_sector],
        "adoptions_by_level": _levels(adoptions_by_level),
        "instructions_by_level": _levels(instructions_by_level),
        "grassroots": grassroots,
    }


def opinion_similar(*, viewer: Any, text: str, limit: int = 5, exclude_id: int | None = None) -> list[dict[str, Any]]:
    """Return earlier reports the viewer's committee has seen that read like the text, best first."""
    return opinion_similar_many(viewer=viewer, texts={None: (text, exclude_id)}, limit=limit)[None]


def opinion_similar_many(
    *, viewer: Any, texts: dict[Any, tuple[str, int | None]], limit: int = 5
) -> dict[Any, list[dict[str, Any]]]:
    """For each key's (text, report to leave out): similar reports, best first — in one query for all keys."""
    found: dict[Any, dict[int, float]] = {key: {} for key in texts}
    if viewer.committee_id is not None:
        hits = find_similar_many(
            namespace=SIMILARITY_NAMESPACE, committee_id=viewer.committee_id, texts=texts, limit=limit
        )
        found = {key: {pk: score for pk, score in rows if score >= SIMILAR_MIN_SCORE} for key, rows in hits.items()}
    wanted = {pk for scores in found.values() for pk in scores}
    rows = (
        {
            r.pk: r
            for r in visible_to(OpinionReport.objects.all(), viewer)
            .filter(pk__in=wanted)
            .select_related("author", "committee")
        }
        if wanted
        else {}
    )
    return {
        key: [
            {
                "id": r.pk,
                "title": r.title,
                "committee": r.committee.name,
                "author": r.author.name if r.author_id else "",
                "status": r.status,
                "year": r.submitted_at.year,
                "score": round(scores[r.pk], 3),
            }
            for r in sorted((rows[pk] for pk in scores if pk in rows), key=lambda r: -scores[r.pk])
        ]
        for key, scores in found.items()
    }
