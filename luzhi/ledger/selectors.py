"""Reads of the ledger, scoped to the viewer; the board's figures are SQL aggregates."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.db.models import Avg, Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Round

from luzhi.core import clock
from luzhi.core.scoping import visible_to
from luzhi.ledger.models import MonthlyPlan, Plan, PlanItem, ProgressReport, month_start
from luzhi.org.models import SpecialCommittee


def plan_list(*, viewer: Any) -> QuerySet[Plan]:
    """Return the plans the viewer may see, newest year first, with their item counts."""
    return visible_to(Plan.objects.annotate(item_count=Count("items")), viewer).order_by("-year", "id")


def plan_item_list(*, viewer: Any, today: date | None = None) -> QuerySet[PlanItem]:
    """Return the plan items the viewer may see, with status and staleness as of today."""
    qs = PlanItem.objects.select_related("plan", "lead", "responsible").with_status(today)
    return visible_to(qs, viewer).order_by("deadline", "id")


def plan_item_reports(*, item: PlanItem) -> QuerySet[ProgressReport]:
    """Return an item's progress reports, newest first, with who reported."""
    return item.reports.select_related("reported_by").order_by("-date", "-id")


def _items_of_year(viewer: Any, year: int) -> QuerySet[PlanItem]:
    return visible_to(PlanItem.objects.filter(plan__year=year), viewer)


def board(*, viewer: Any, year: int, today: date | None = None) -> list[dict[str, Any]]:
    """Return per special committee: items, done, overdue, stale and average progress, best first."""
    today = today or clock.today()
    rows = (
        _items_of_year(viewer, year)
        .order_by()
        .values("responsible", "responsible__name")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=PlanItem.done_q()),
            overdue=Count("id", filter=PlanItem.overdue_q(today)),
            stale=Count("id", filter=PlanItem.stale_q(today)),
            avg_progress=Round(Avg("progress"), 1),
        )
        .order_by("-avg_progress", "overdue", "stale", "-done", "responsible__name")
    )
    return [
        {
            "rank": i,
            "special_committee": row["responsible"],
            "name": row["responsible__name"],
            "total": row["total"],
            "done": row["done"],
            "overdue": row["overdue"],
            "stale": row["stale"],
            "avg_progress": float(row["avg_progress"] or 0),
        }
        for i, row in enumerate(rows, start=1)
    ]


def board_months(*, viewer: Any, year: int, today: date | None = None) -> dict[str, Any]:
    """Return each special committee's average progress at the end of each month of the year so far."""
    today = today or clock.today()
    last_month = 12 if today.year > year else (today.month if today.year == year else 0)
    items = _items_of_year(viewer, year).order_by()
    names = dict(
        visible_to(SpecialCommittee.objects.filter(pk__in=items.values("responsible")), viewer).values_list(
            "pk", "name"
        )
    )
    series: dict[int, list[float]] = {pk: [] for pk in names}
    months = list(range(1, last_month + 1))
    for month in months:
        end = date(year, month, calendar.monthrange(year, month)[1])
        latest = ProgressReport.objects.filter(item=OuterRef("pk"), date__lte=end).order_by("-date", "-id")
        at_end = Coalesce(Subquery(latest.values("progress")[:1]), Value(0), output_field=IntegerField())
        rows = dict(
            items.annotate(at_end=at_end)
            .values("responsible")
            .annotate(avg=Avg(F("at_end")))
            .values_list("responsible", "avg")
        )
        for pk in names:
            series[pk].append(round(float(rows.get(pk) or 0), 1))
    return {"months": months, "series": [{"id": pk, "name": names[pk], "values": series[pk]} for pk in names]}


def month_view(*, viewer: Any, month: date) -> list[dict[str, Any]]:
    """Return every special committee with its work plan for the month (None where none was filed)."""
    month = month_start(month)
    plans = {
        p.special_committee_id: p
        for p in visible_to(MonthlyPlan.objects.filter(month=month).select_related("submitted_by"), viewer)
    }
    specials = visible_to(SpecialCommittee.objects.order_by("id"), viewer)
    return [{"special_committee": s, "plan": plans.get(s.pk)} for s in specials]
