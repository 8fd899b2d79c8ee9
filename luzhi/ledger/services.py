"""Writes of the ledger: progress reports (月度调度) and monthly work plans."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from luzhi.core import clock
from luzhi.core.services import object_create, object_update
from luzhi.ledger.models import MonthlyPlan, PlanItem, ProgressReport, month_start
from luzhi.ledger.permissions import may_report, may_write_monthly


def _progress_value(value: Any) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
        raise ValidationError({"progress": "进度应为 0 到 100 之间的整数。"})
    progress = int(text)
    if progress > 100:
        raise ValidationError({"progress": "进度不能超过 100%。"})
    return progress


@transaction.atomic
def plan_item_report_progress(
    *, actor: Any, item: PlanItem, progress: Any, note: str = "", problems: str = "", today: date | None = None
) -> ProgressReport:
    """Record a progress report on an item and move the item's progress to it.

    An item has at most one report a day (月度调度 is one figure per day): a second report on the
    same day amends that day's report — its progress, notes and reporter — instead of adding another,
    and the amended values stay in the report's history. A step back from the item's current figure
    needs a note either way.
    """
    if not may_report(actor, item):
        raise PermissionDenied("只能报告本人牵头或本专委会负责的事项。")
    item = PlanItem.objects.select_for_update().get(pk=item.pk)
    value = _progress_value(progress)
    note, problems = (note or "").strip(), (problems or "").strip()
    if value < item.progress and not note:
        raise ValidationError({"note": f"进度由 {item.progress}% 回退到 {value}%，请在进展情况中说明原因。"})
    today = today or clock.today()
    same_day = item.reports.filter(date=today).order_by("-id").first()
    data = {"progress": value, "note": note, "problems": problems, "reported_by": actor}
    report: ProgressReport
    if same_day is not None:
        report = object_update(actor=actor, instance=same_day, data=data)
    else:
        report = object_create(
            actor=actor, model=ProgressReport, data={"committee": item.committee, "item": item, "date": today, **data}
        )
    object_update(actor=actor, instance=item, data={"progress": value, "last_report_at": today})
    return report


@transaction.atomic
def monthly_plan_save(
    *, actor: Any, committee: Any, special_committee: Any, month: date, tasks: list[str]
) -> MonthlyPlan:
    """Create or replace a special committee's work plan for a month."""
    if not may_write_monthly(actor, getattr(special_committee, "pk", None)):
        raise PermissionDenied("只能填报本专委会的月度工作计划。")
    month = month_start(month)
    tasks = [t.strip() for t in tasks if isinstance(t, str) and t.strip()] if isinstance(tasks, list) else tasks
    existing = MonthlyPlan.objects.filter(special_committee=special_committee, month=month).first()
    if existing is not None:
        result: MonthlyPlan = object_update(
            actor=actor, instance=existing, data={"tasks": tasks, "submitted_by": actor}
        )
        return result
    data = {
        "committee": committee,
        "special_committee": special_committee,
        "month": month,
        "tasks": tasks,
        "submitted_by": actor,
    }
    return object_create(actor=actor, model=MonthlyPlan, data=data)
