"""Reads of proposals: scoped lists, statistics in SQL, similar proposals, reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from luzhi.core import clock, similarity
from luzhi.core.scoping import visible_to
from luzhi.proposals.models import Cosignature, Evaluation, Proposal, ProposalUnit

SIMILARITY_NAMESPACE = "proposal"
REMIND_DAYS = 7


def proposal_list(*, viewer: Any) -> QuerySet[Any]:
    """Return the proposals the viewer may see, with everything a list shows fetched in a fixed number of queries."""
    qs = Proposal.objects.select_related("lead", "supervisor", "sector").prefetch_related(
        Prefetch("cosignatures", Cosignature.objects.select_related("member")),
        # The lead unit before its co-units.
        Prefetch("units", ProposalUnit.objects.select_related("unit").order_by("-role", "id")),
        "replies",
        "evaluations",
        "attachments",
    )
    return visible_to(qs, viewer)


def proposal_same_recent(*, lead_id: int, title: str, reason: str, suggestions: str) -> Proposal | None:
    """Return the lead's proposal of the last day with the same title or the same text, if any."""
    since = timezone.now() - dt.timedelta(days=1)
    same = Q(title=title.strip()) | Q(reason=reason.strip(), suggestions=suggestions.strip())
    found: Proposal | None = (
        Proposal.objects.filter(lead_id=lead_id, created_at__gte=since).filter(same).order_by("-id").first()
    )
    return found


def proposal_similar(*, viewer: Any, text: str, limit: int = 5, exclude_id: int | None = None) -> list[dict[str, Any]]:
    """Return the proposals of all years most similar to text that the viewer may see, best first."""
    found = similarity.find_similar(
        namespace=SIMILARITY_NAMESPACE,
        committee_id=viewer.committee_id,
        text=text,
        limit=limit * 3,
        exclude_id=exclude_id,
    )
    if not found:
        return []
    rows = {
        p["id"]: p
        for p in visible_to(Proposal.objects.all(), viewer)
        .filter(pk__in=[obj for obj, _ in found])
        .values("id", "title", "year", "number", "status")
    }
    result = []
    for obj, score in found:
        if obj in rows:
            result.append({**rows[obj], "score": round(score, 4)})
    return result[:limit]


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def proposal_stats(*, viewer: Any, year: int) -> dict[str, Any]:
    """Return the year's totals, rates and breakdowns, each computed by one SQL aggregate."""
    base = visible_to(Proposal.objects.all(), viewer).filter(year=year).exclude(status=Proposal.Status.DRAFT)
    totals = base.aggregate(
        total=Count("id"),
        accepted=Count("id", filter=Q(number__isnull=False)),
        replied=Count("id", filter=Q(replied_at__isnull=False)),
        replied_on_time=Count("id", filter=Q(replied_on_time=True)),
        key=Count("id", filter=Q(is_key=True)),
        overdue=Count(
            "id", filter=Q(status=Proposal.Status.ASSIGNED, due_date__lt=clock.today(), replied_at__isnull=True)
        ),
    )
    by_status = dict(base.values_list("status").annotate(n=Count("id")).order_by("status"))
    by_category = dict(
        base.filter(number__isnull=False).values_list("category").annotate(n=Count("id")).order_by("category")
    )
    by_sector = [
        {"sector": sector, "name": name or "", "count": n}
        for sector, name, n in base.filter(sector__isnull=False)
        .values_list("sector", "sector__name")
        .annotate(n=Count("id"))
        .order_by("-n", "sector")
    ]
    units = (
        ProposalUnit.objects.filter(proposal__in=base, role=ProposalUnit.Role.LEAD)
        .values("unit", "unit__name")
        .annotate(
            assigned=Count("id"),
            replied=Count("id", filter=Q(proposal__replied_at__isnull=False)),
            on_time=Count("id", filter=Q(proposal__replied_on_time=True)),
        )
        .order_by("-assigned", "unit")
    )
    by_unit = [
        {
            "unit": u["unit"],
            "name": u["unit__name"],
            "assigned": u["assigned"],
            "replied": u["replied"],
            "on_time": u["on_time"],
        }
        for u in units
    ]
    # The satisfaction of a case is its latest rating.
    ratings = dict(base.exclude(rating="").values_list("rating").annotate(n=Count("id")).order_by("rating"))
    rated = sum(ratings.values())
    pleased = ratings.get(Evaluation.Rating.SATISFIED, 0) + ratings.get(Evaluation.Rating.BASICALLY, 0)
    return {
        "year": year,
        **totals,
        "on_time_rate": _rate(totals["replied_on_time"], totals["replied"]),
        "satisfaction_rate": _rate(pleased, rated),
        "by_status": by_status,
        "by_category": by_category,
        "by_sector": by_sector,
        "by_unit": by_unit,
        "by_rating": ratings,
    }


def proposal_reminders(*, viewer: Any = None, today: dt.date | None = None) -> QuerySet[Any]:
    """Return the cases under handling that are due within seven days or overdue, soonest first."""
    today = today or clock.today()
    qs = Proposal.objects.all() if viewer is None else visible_to(Proposal.objects.all(), viewer)
    return (
        qs.filter(status=Proposal.Status.ASSIGNED, due_date__lte=today + dt.timedelta(days=REMIND_DAYS))
        .select_related("committee", "lead")
        .prefetch_related(Prefetch("units", ProposalUnit.objects.select_related("unit")))
        .order_by("due_date", "number")
    )


def unit_cases(*, viewer: Any) -> QuerySet[Any]:
    """Return the unit's cases, open ones first, with its own role on each."""
    qs = proposal_list(viewer=viewer).annotate(
        lead_here=Exists(
            ProposalUnit.objects.filter(
                proposal=OuterRef("pk"), unit_id=viewer.unit_id or 0, role=ProposalUnit.Role.LEAD
            )
        ),
        open_first=Coalesce("due_date", "assigned_at"),
    )
    result: QuerySet[Any] = qs.order_by("-year", "status", "open_first", "number")
    return result
