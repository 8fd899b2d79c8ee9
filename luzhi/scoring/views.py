"""Pages of scoring: the member's own year (phone-first), the committee's scores, appeals and rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from luzhi.accounts.requests import AuthedHttpRequest
from luzhi.activities.models import Attendance
from luzhi.core import clock
from luzhi.core.errors import WorkflowError
from luzhi.core.pages import error_text, paginate, query_year, rule_required
from luzhi.core.periods import YEAR_INVALID, parse_year
from luzhi.core.permissions import can
from luzhi.core.roles import Role
from luzhi.core.scoping import access_by_id, visible_to
from luzhi.opinions.models import GrassrootsRecord
from luzhi.org.models import Member
from luzhi.org.selectors import acting_committee
from luzhi.proposals.models import Proposal
from luzhi.scoring import ledger, permissions, rules, selectors, services
from luzhi.scoring.forms import AcceptForm, AppealForm, RefuseForm
from luzhi.scoring.models import ScoreAppeal, ScoreRuleSet


def _year(request: HttpRequest) -> int:
    return query_year(request, clock.today().year)


def member_page_context(*, member: Member, year: int) -> dict[str, Any]:
    """Everything of one member's year, in a fixed number of queries."""
    today = clock.today()
    data = selectors.member_year(member=member, year=year)
    attendance = list(selectors.member_attendance(member=member, year=year))
    appeals = list(selectors.member_appeals(member=member, year=year))
    pending = {a.entry_key for a in appeals if a.status == ScoreAppeal.Status.PENDING}
    by_code: dict[str, list] = {}
    for entry in data.get("entries", []):
        by_code.setdefault(entry.code, []).append(entry)
    groups = [{**row, "entries": by_code.get(row["code"], [])} for row in data.get("summary", [])]
    return {
        "groups": groups,
        **data,
        "member": member,
        "attendance": attendance,
        "proposals": list(selectors.member_proposals(member=member, year=year)),
        "opinions": list(selectors.member_opinions(member=member, year=year)),
        "reading": list(selectors.member_reading(member=member, year=year)),
        "appeals": appeals,
        "pending_keys": pending,
        "tasks": {
            "invitations": [
                a for a in attendance if a.status == Attendance.Status.INVITED and a.activity.start >= today
            ],
            "ratings": list(
                Proposal.objects.filter(lead=member, status=Proposal.Status.REPLIED).order_by("due_date", "id")
            ),
            "records": list(
                GrassrootsRecord.objects.filter(member=member, status=GrassrootsRecord.Status.OPEN).order_by(
                    "due_date", "id"
                )
            ),
        },
        "years": [year - 1, year, year + 1] if year < today.year else [year - 1, year],
        "grade_labels": rules.GRADE_LABELS,
    }


@rule_required(permissions.MY_PAGE)
def my_page(request: AuthedHttpRequest) -> HttpResponse:
    """The member's own year: score, rank band, ledger with its sources, records and open tasks."""
    member = request.user.member
    if member is None:
        raise PermissionDenied("您的账号没有关联委员。")
    year = _year(request)
    context = member_page_context(member=member, year=year)
    context.update(own=True, appeal_form=AppealForm(initial={"year": year}))
    return render(request, "scoring/member.html", context)


@rule_required(permissions.SCORES)
def member_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One member's year, for the office and leaders."""
    member = access_by_id(request.user, Member, pk)
    context = member_page_context(member=member, year=_year(request))
    context.update(own=member.pk == request.user.member_id)
    return render(request, "scoring/member.html", context)


@require_POST
@rule_required(permissions.APPEALS, "write")
def appeal_create_page(request: AuthedHttpRequest) -> HttpResponse:
    """File an appeal on one entry of the caller's own ledger."""
    member = request.user.member
    if member is None:
        raise PermissionDenied("您的账号没有关联委员。")
    form = AppealForm(request.POST)
    year = _year(request)
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            services.appeal_create(
                actor=request.user,
                member=member,
                year=year,
                entry=form.cleaned_data["entry"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, "申诉已提交，办公室处理后会通知您。")
        except (ValidationError, WorkflowError) as exc:
            messages.error(request, error_text(exc))
    else:
        messages.error(request, "请填写申诉理由。")
    return redirect(f"{request.path.rsplit('appeal/', 1)[0]}?year={year}")


@rule_required(permissions.SCORES)
def scores_page(request: AuthedHttpRequest) -> HttpResponse:
    """The committee's year: ranking with grades, warnings, and the bulletin to download."""
    year = _year(request)
    committee_id = request.user.committee_id or 0  # a superuser has none: no rows either way
    rule_set = ScoreRuleSet.objects.filter(committee_id=committee_id, year=year).first()
    board, warned = [], []
    if rule_set is not None:
        board = ledger.scores(committee_id=committee_id, year=year, rule_set=rule_set)
        warned = ledger.warnings(committee_id=committee_id, year=year, rule_set=rule_set)
    grade = request.GET.get("grade")
    idle = ledger.idle_members(committee_id=committee_id, year=year) if request.GET.get("idle") else None
    for row in board:
        row["grade_label"] = rules.GRADE_LABELS[row["grade"]]
    shown = [r for r in board if r["grade"] == grade] if grade in rules.GRADE_LABELS else board
    counts = {g: sum(1 for r in board if r["grade"] == g) for g in rules.GRADE_LABELS}
    return render(
        request,
        "scoring/scores.html",
        {
            "year": year,
            "rule_set": rule_set,
            "board": shown,
            "count": len(board),
            "grade": grade,
            "grade_label": rules.GRADE_LABELS.get(grade or "", ""),
            "counts": [(g, rules.GRADE_LABELS[g], counts[g]) for g in rules.GRADE_LABELS],
            "warned": warned,
            "idle": idle,
            "grade_labels": rules.GRADE_LABELS,
            "can_write_rules": can(request.user, permissions.RULE_SETS, "write"),
        },
    )


@rule_required(permissions.APPEALS)
def appeals_page(request: AuthedHttpRequest) -> HttpResponse:
    """The office's queue of appeals, pending first; members are sent to their own page."""
    if request.user.role == Role.MEMBER:
        return redirect("scoring:mine")
    qs = visible_to(ScoreAppeal.objects.select_related("member", "decided_by", "adjustment"), request.user)
    status = request.GET.get("status", "pending")
    if status in ScoreAppeal.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "scoring/appeals.html",
        {
            "page": paginate(request, qs.order_by("-created_at", "-id")),
            "status": status,
            "statuses": ScoreAppeal.Status.choices,
            "can_decide": can(request.user, permissions.APPEAL_DECISIONS, "write"),
            "accept_form": AcceptForm(),
            "refuse_form": RefuseForm(),
        },
    )


@require_POST
@rule_required(permissions.APPEAL_DECISIONS, "write")
def appeal_decide_page(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Accept (with an adjustment) or refuse one appeal."""
    appeal = access_by_id(request.user, ScoreAppeal, pk)
    form = AcceptForm(request.POST) if step == "accept" else RefuseForm(request.POST)
    if step not in ("accept", "refuse"):
        raise Http404
    if not form.is_valid():
        messages.error(request, "请填写分值和处理意见。" if step == "accept" else "请填写未采纳的理由。")
        return redirect("scoring:appeals")
    try:
        if step == "accept":
            services.appeal_accept(
                actor=request.user,
                appeal=appeal,
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, f"已采纳{appeal.member.name}的申诉，积分已调整。")
        else:
            services.appeal_refuse(actor=request.user, appeal=appeal, reason=form.cleaned_data["reason"])
            messages.success(request, f"已答复{appeal.member.name}：未采纳。")
    except (ValidationError, WorkflowError) as exc:
        messages.error(request, error_text(exc))
    return redirect("scoring:appeals")


@rule_required(permissions.RULE_SETS)
def rules_page(request: AuthedHttpRequest) -> HttpResponse:
    """The rule sets by year; the office starts a new year as a copy of the last."""
    sets = list(visible_to(ScoreRuleSet.objects.all(), request.user).order_by("-year"))
    can_write = can(request.user, permissions.RULE_SETS, "write")
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied("您的角色无权进行此操作。")
        try:
            year = parse_year(request.POST.get("year"), default=0) or None
        except ValidationError:
            year = None
        if year is None:
            messages.error(request, YEAR_INVALID)
        else:
            try:
                services.rule_set_create(
                    actor=request.user,
                    committee=acting_committee(viewer=request.user),
                    year=year,
                )
                messages.success(request, f"已建立{year}年度考评细则（沿用上一年度）。")
            except ValidationError as exc:
                messages.error(request, error_text(exc))
        return redirect("scoring:rules")
    for rule_set in sets:
        rule_set.rows = [{**item, "label": rules.LABELS.get(item["code"], item["code"])} for item in rule_set.items]
        rule_set.shared = [
            {"labels": "、".join(rules.LABELS.get(c, c) for c in g["codes"]), "cap": g["cap"]}
            for g in rule_set.shared_caps or []
        ]
    return render(
        request,
        "scoring/rules.html",
        {"sets": sets, "can_write": can_write, "next_year": (sets[0].year + 1) if sets else clock.today().year},
    )
