"""Pages of meeting records: minutes, decisions, the seating chart and the vote result sheet.

They live on the activity's page (records_context) and post back to it with a message; the
documents download from here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from luzhi.accounts.requests import AuthedHttpRequest
from luzhi.activities import permissions, records, seating
from luzhi.activities.forms import DecisionForm, DecisionPlanItemForm, HallForm
from luzhi.activities.models import Activity, Decision, Minutes, SeatingPlan, Vote, meeting_records_readable
from luzhi.activities.views import _managed
from luzhi.core.documents import document_response
from luzhi.core.errors import WorkflowError
from luzhi.core.pages import error_text, form_error_text, rule_required
from luzhi.core.roles import Role
from luzhi.core.scoping import access_by_id, visible_to
from luzhi.ledger.models import PlanItem
from luzhi.org.models import Member, SpecialCommittee

# Kinds whose page offers a seating chart (a hall full of members).
SEATED_KINDS = (Activity.Kind.PLENARY, Activity.Kind.STANDING_COMMITTEE, Activity.Kind.CONSULTATION_PLENARY)


def records_context(request: AuthedHttpRequest, activity: Activity, manage: bool) -> dict[str, Any]:
    """What the activity page shows of the meeting's records, for this viewer."""
    user = request.user
    minutes = visible_to(Minutes.objects.filter(activity=activity), user).first()
    decisions = list(
        visible_to(activity.decisions.select_related("plan_item"), user).order_by("order", "id")
        if minutes is not None or manage
        else []
    )
    plan = SeatingPlan.objects.filter(activity=activity).first()
    context: dict[str, Any] = {
        "minutes": minutes,
        "decisions": decisions,
        "seating": plan,
        "my_seat": seating.my_seat(activity=activity, member_id=getattr(user, "member_id", None)),
        "seated_kind": activity.kind in SEATED_KINDS or plan is not None,
        "is_office": user.is_superuser or user.role == Role.OFFICE,
        "sees_seating": plan is not None and (manage or user.role == Role.LEADER),
    }
    if context["sees_seating"] and plan is not None and plan.generated_at:
        field = "group" if plan.by == SeatingPlan.By.GROUP else "sector"
        context["seating_grid"] = seating.seating_grid(plan, field)
    if manage and context["is_office"] and any(d.plan_item_id is None for d in decisions):
        context["leaders"] = Member.objects.filter(
            committee=activity.committee, position__in=Member.LEADER_POSITIONS, status=Member.Status.ACTIVE
        ).order_by("id")
        context["special_committees"] = SpecialCommittee.objects.filter(committee=activity.committee)
        context["plan_kinds"] = PlanItem.Kind.choices
    return context


def _back(pk: int, anchor: str) -> HttpResponse:
    return redirect(reverse("activities:activity-detail", args=[pk]) + f"#{anchor}")


def _attempt(request: HttpRequest, step: Callable[[], Any], done: str, failed: str) -> bool:
    """Run a service step (atomic: nothing half-saved); show its success or its Chinese error as a message."""
    try:
        step()
    except ValidationError as exc:
        messages.error(request, f"{failed}：" + error_text(exc))
    except (WorkflowError, PermissionDenied) as exc:
        messages.error(request, f"{failed}：" + (getattr(exc, "message", None) or str(exc)))
    else:
        messages.success(request, done)
        return True
    return False


# ---- minutes and decisions ------------------------------------------------------------------


@require_POST
@rule_required(permissions.MINUTES, "write")
def minutes_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the minutes' text; with `publish`, publish them too."""
    activity = _managed(request, pk)
    text = request.POST.get("text", "")
    publish = request.POST.get("publish") == "1"

    def step() -> None:
        minutes = records.minutes_save(actor=request.user, activity=activity, text=text)
        if publish:
            records.minutes_publish(actor=request.user, minutes=minutes)

    _attempt(request, step, "会议纪要已印发。" if publish else "会议纪要已保存。", "会议纪要未保存")
    return _back(pk, "minutes")


@rule_required(permissions.MINUTES)
def minutes_document_page(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Download the minutes as DOCX or PDF (readers of the minutes only; others 404)."""
    if fmt not in ("docx", "pdf"):
        raise Http404
    minutes = access_by_id(request.user, Minutes, pk, qs=Minutes.objects.select_related("activity__committee"))
    doc = records.minutes_document(minutes)
    return document_response(doc, fmt, f"{minutes.activity.title}纪要", request=request)


@require_POST
@rule_required(permissions.DECISIONS, "write")
def decision_add_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a decision to the meeting."""
    activity = _managed(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "议定事项未添加：" + form_error_text(form))
        return _back(pk, "decisions")
    _attempt(
        request,
        lambda: records.decision_create(actor=request.user, activity=activity, data=form.cleaned_data),
        "已添加议定事项。",
        "议定事项未添加",
    )
    return _back(pk, "decisions")


@require_POST
@rule_required(permissions.DECISIONS, "write")
def decision_delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a decision (not one that became a plan item)."""
    decision = access_by_id(request.user, Decision, pk, qs=Decision.objects.select_related("activity"))
    _attempt(
        request,
        lambda: records.decision_delete(actor=request.user, decision=decision),
        "已删除议定事项。",
        "未删除",
    )
    return _back(decision.activity_id, "decisions")


@require_POST
@rule_required(permissions.DECISIONS, "write")
def decision_plan_item_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn a decision into a plan item of the ledger (the office)."""
    decision = access_by_id(request.user, Decision, pk, qs=Decision.objects.select_related("activity"))
    form = DecisionPlanItemForm(request.POST, committee=decision.activity.committee)
    if not form.is_valid():
        messages.error(request, "未转为督办事项：" + form_error_text(form))
        return _back(decision.activity_id, "decisions")
    data = form.cleaned_data

    def step() -> None:
        records.decision_to_plan_item(
            actor=request.user,
            decision=decision,
            lead=data["lead"],
            responsible=data["responsible"],
            kind=data["kind"],
            deadline=data["deadline"],
        )

    _attempt(request, step, "已转为督办事项。", "未转为督办事项")
    return _back(decision.activity_id, "decisions")


# ---- seating --------------------------------------------------------------------------------


def _position(text: str) -> list[int] | str:
    """“3-12” or “3排12座” → [3, 12]; anything else is returned as given (the service says why)."""
    digits = [part for part in text.replace("排", "-").replace("座", "").replace(" ", "").split("-") if part]
    if len(digits) == 2 and all(d.isascii() and d.isdigit() and len(d) < 5 for d in digits):
        return [int(digits[0]), int(digits[1])]
    return text


@require_POST
@rule_required(permissions.SEATING, "write")
def seating_layout_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the hall of the meeting: name, rows, seats per row, aisle."""
    activity = _managed(request, pk)
    form = HallForm(request.POST)
    if not form.is_valid():
        messages.error(request, "会场设置未保存：" + form_error_text(form))
        return _back(pk, "seating")

    def step() -> None:
        seating.seating_set_layout(actor=request.user, activity=activity, data=form.cleaned_data)

    _attempt(request, step, "已保存会场设置。", "会场设置未保存")
    return _back(pk, "seating")


@require_POST
@rule_required(permissions.SEATING, "write")
def seating_generate_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate the seat assignment by sector or by group."""
    activity = _managed(request, pk)
    by = request.POST.get("by", "")
    _attempt(
        request,
        lambda: seating.seating_generate(actor=request.user, activity=activity, by=by),
        "已按界别排座。" if by == "sector" else "已按委员小组排座。",
        "未排座",
    )
    return _back(pk, "seating")


@require_POST
@rule_required(permissions.SEATING, "write")
def seating_swap_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Swap two seats given as “排-座”."""
    activity = _managed(request, pk)
    a, b = _position(request.POST.get("a", "")), _position(request.POST.get("b", ""))
    _attempt(
        request, lambda: seating.seating_swap(actor=request.user, activity=activity, a=a, b=b), "已调换座位。", "未调换"
    )
    return _back(pk, "seating")


@rule_required(permissions.SEATING)
def seating_pdf_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The printable seating chart (staff and leaders)."""
    activity = access_by_id(request.user, Activity, pk)
    if not (request.user.role == Role.LEADER or permissions.may_manage(request.user, activity)):
        raise PermissionDenied("座次表只供会务人员和主席会议成员打印。")
    plan = SeatingPlan.objects.filter(activity=activity).select_related("activity__committee").first()
    if plan is None:
        raise Http404
    return document_response(seating.seating_document(plan), "pdf", f"{activity.title}座次表", request=request)


# ---- votes ----------------------------------------------------------------------------------


@rule_required(permissions.VOTES)
def vote_sheet_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The result sheet (表决结果) of a closed vote as PDF; while open, back to the vote with a message."""
    vote = access_by_id(request.user, Vote, pk, qs=Vote.objects.select_related("activity__committee"))
    if not meeting_records_readable(request.user, vote.activity):
        raise Http404
    try:
        doc = records.vote_sheet_document(vote)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("activities:vote-ballot", pk=pk)
    return document_response(doc, "pdf", f"表决结果-{vote.title}", request=request)
