"""Pages of the ledger: the year's plan and items, one item with its progress form, the board, monthly plans."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from luzhi.core import clock
from luzhi.core.documents import document_response
from luzhi.core.pages import (
    add_service_errors,
    paginate,
    posted,
    query_year,
    rule_required,
)
from luzhi.core.permissions import can
from luzhi.core.scoping import access_by_id, visible_to
from luzhi.core.services import object_create, object_update
from luzhi.ledger import charts, permissions
from luzhi.ledger.documents import board_document
from luzhi.ledger.forms import MonthlyPlanForm, PlanForm, PlanItemForm, ProgressForm
from luzhi.ledger.models import Plan, PlanItem, month_start
from luzhi.ledger.permissions import may_report
from luzhi.ledger.selectors import board, board_months, month_view, plan_item_list, plan_item_reports, plan_list
from luzhi.ledger.services import monthly_plan_save, plan_item_report_progress
from luzhi.org.models import SpecialCommittee
from luzhi.org.selectors import acting_committee


def _year(request: HttpRequest) -> int:
    return query_year(request, clock.today().year)


@rule_required(permissions.PLAN_ITEMS)
def plan_page(request: HttpRequest) -> HttpResponse:
    """The year's plan: every item with lead, committee, deadline, progress; overdue and stale in red."""
    year, today = _year(request), clock.today()
    items = plan_item_list(viewer=request.user, today=today).filter(plan__year=year)
    status = request.GET.get("status", "")
    if status in PlanItem.Status.values:
        items = items.filter(state=status)  # type: ignore[misc]  # annotated by with_status()
    elif status == "stale":
        items = items.filter(is_stale=True)  # type: ignore[misc]  # annotated by with_status()
    specials = visible_to(SpecialCommittee.objects.all(), request.user)
    responsible = request.GET.get("responsible", "")
    if responsible.isdigit():
        items = items.filter(responsible_id=int(responsible))
    return render(
        request,
        "ledger/plan.html",
        {
            "year": year,
            "years": [year - 1, year, year + 1],
            "plans": plan_list(viewer=request.user).filter(year=year),
            "page": paginate(request, items),
            "statuses": [*PlanItem.Status.choices, ("stale", "本月未调度")],
            "status": status,
            "specials": specials,
            "responsible": responsible,
            "today": today,
            "can_write": can(request.user, permissions.PLAN_ITEMS, "write"),
        },
    )


@rule_required(permissions.PLAN_ITEMS)
def item_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One item: milestones, links, progress reports and, for who may report, the monthly report form."""
    today = clock.today()
    item = access_by_id(request.user, PlanItem, pk, qs=plan_item_list(viewer=request.user, today=today))
    reports = may_report(request.user, item) and can(request.user, permissions.PROGRESS, "write")
    form = ProgressForm(posted(request), initial={"progress": item.progress})
    if request.method == "POST":
        if not reports:
            raise PermissionDenied("只能报告本人牵头或本专委会负责的事项。")
        if form.is_valid():
            try:
                plan_item_report_progress(actor=request.user, item=item, **form.cleaned_data, today=today)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已报告进度 {form.cleaned_data['progress']}%。")
                return redirect("ledger:item", pk=item.pk)
    return render(
        request,
        "ledger/item.html",
        {
            "item": item,
            "reports": plan_item_reports(item=item)[:50],
            "form": form if reports else None,
            "today": today,
            "can_write": can(request.user, permissions.PLAN_ITEMS, "write"),
        },
    )


@rule_required(permissions.BOARD)
def board_page(request: HttpRequest) -> HttpResponse:
    """The board (公示栏): special committees ranked, with a chart of progress over the months."""
    year, today = _year(request), clock.today()
    rows = board(viewer=request.user, year=year, today=today)
    months = board_months(viewer=request.user, year=year, today=today)
    return render(
        request,
        "ledger/board.html",
        {
            "year": year,
            "years": [year - 1, year, year + 1],
            "rows": rows,
            "chart": charts.line_chart(months["months"], months["series"]),
            "today": today,
        },
    )


@rule_required(permissions.BOARD)
def board_pdf(request: HttpRequest) -> HttpResponse:
    """The board as an A3 landscape PDF for the office wall."""
    year, today = _year(request), clock.today()
    rows = board(viewer=request.user, year=year, today=today)
    committee = acting_committee(viewer=request.user)
    overdue = plan_item_list(viewer=request.user, today=today).filter(  # type: ignore[misc]  # state: with_status()
        plan__year=year, state=PlanItem.Status.OVERDUE
    )
    doc = board_document(year=year, today=today, committee=committee, rows=rows, overdue=overdue)
    return document_response(doc, "pdf", f"{year}年督办公示栏", request=request)


def _month(request: HttpRequest) -> date:
    text = request.GET.get("month", "")
    try:
        return month_start(date.fromisoformat(f"{text}-01"))
    except ValueError:
        return month_start(clock.today())


@rule_required(permissions.MONTHLY_PLANS)
def monthly_page(request: HttpRequest) -> HttpResponse:
    """The office's month view of every special committee's work plan; staff file their own here."""
    month = _month(request)
    writes = can(request.user, permissions.MONTHLY_PLANS, "write")
    form = MonthlyPlanForm(posted(request), viewer=request.user) if writes else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("您的角色无权填报月度工作计划。")
        if form.is_valid():
            try:
                monthly_plan_save(
                    actor=request.user,
                    committee=acting_committee(viewer=request.user),
                    special_committee=form.cleaned_data["special_committee"],
                    month=month,
                    tasks=form.cleaned_data["tasks"].splitlines(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已保存月度工作计划。")
                return redirect(f"{request.path}?month={month:%Y-%m}")
    prev = month_start(date.fromordinal(month.toordinal() - 1))
    following = month_start(date(month.year + (month.month == 12), month.month % 12 + 1, 1))
    return render(
        request,
        "ledger/monthly.html",
        {
            "month": month,
            "prev": prev,
            "next": following,
            "rows": month_view(viewer=request.user, month=month),
            "form": form,
        },
    )


@rule_required(permissions.PLANS, "write")
def plan_create_page(request: HttpRequest) -> HttpResponse:
    """Record the year's plan and its approval by the party committee."""
    form = PlanForm(posted(request), initial={"year": clock.today().year})
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "committee": acting_committee(viewer=request.user)}
        try:
            plan = object_create(actor=request.user, model=Plan, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记“{plan}”。")
            return redirect(f"{reverse('ledger:plan')}?year={plan.year}")
    return render(request, "ledger/form.html", {"form": form, "title": "登记年度计划"})


@rule_required(permissions.PLAN_ITEMS, "write")
def item_form_page(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add an item to a plan (task, lead, responsible committee, deadline, milestones) or change one."""
    item = access_by_id(request.user, PlanItem, pk) if pk is not None else None
    form = PlanItemForm(posted(request), instance=item, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["milestones"] = data.pop("milestone_lines")
        try:
            if item is None:
                data["committee"] = acting_committee(viewer=request.user)
                item = object_create(actor=request.user, model=PlanItem, data=data)
            else:
                item = object_update(actor=request.user, instance=item, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已保存事项“{item}”。")
            return redirect("ledger:item", pk=item.pk)
    return render(request, "ledger/form.html", {"form": form, "title": "编辑督办事项" if item else "新增督办事项"})
