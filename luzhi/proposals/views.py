"""Pages of proposals: the member's write form with similar proposals, the case page with each role's
step, the unit's portal, reminders, statistics, the year's compilation and printable replies.

Every step posts to one view that calls the matching service; a WorkflowError or a refusal is
shown as a message, bad input as the form's errors — nothing half-saved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from luzhi.accounts.requests import AuthedHttpRequest
from luzhi.core import clock
from luzhi.core.api import as_id
from luzhi.core.documents import document_response
from luzhi.core.errors import WorkflowError
from luzhi.core.pages import (
    add_service_errors,
    error_text,
    paginate,
    posted,
    query_year,
    rule_required,
)
from luzhi.core.permissions import can
from luzhi.core.roles import Role
from luzhi.core.scoping import access_by_id, visible_to
from luzhi.core.uploads import upload_response
from luzhi.org.models import Member, Unit
from luzhi.proposals import permissions, selectors, services
from luzhi.proposals.documents import compilation_document, reply_document
from luzhi.proposals.forms import ProposalForm
from luzhi.proposals.models import Proposal, Reply
from luzhi.proposals.workflow import allowed


def _case(request: HttpRequest, pk: int) -> Proposal:
    return access_by_id(request.user, Proposal, pk, selectors.proposal_list(viewer=request.user))


@rule_required(permissions.PROPOSALS)
def proposal_list_page(request: AuthedHttpRequest) -> HttpResponse:
    qs = selectors.proposal_list(viewer=request.user)
    year = query_year(request, 0) or ""
    status = request.GET.get("status", "")
    if year:
        qs = qs.filter(year=year)
    if status in Proposal.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("key") == "1":
        qs = qs.filter(is_key=True)
    title = "承办提案" if request.user.role == Role.UNIT else "提案"
    return render(
        request,
        "proposals/list.html",
        {
            "page": paginate(request, qs),
            "title": title,
            "statuses": Proposal.Status.choices,
            "status": status,
            "year": year,
            "query": request.GET.urlencode(),
            "can_write": can(request.user, permissions.PROPOSALS, "write"),
        },
    )


@rule_required(permissions.PROPOSALS, "write")
def proposal_form_page(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    instance = _case(request, pk) if pk else None
    form = ProposalForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            if instance is None:
                proposal = services.proposal_create(
                    actor=request.user, committee=request.user.committee, data=dict(form.cleaned_data)
                )
            else:
                proposal = services.proposal_update(actor=request.user, proposal=instance, data=dict(form.cleaned_data))
            if "submit" in request.POST:
                services.proposal_submit(actor=request.user, proposal=proposal)
                messages.success(request, "提案已提交，等待提案委员会审查。")
            else:
                messages.success(request, "草稿已保存。")
            return redirect("proposals:detail", proposal.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (WorkflowError, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "message", None) or str(exc))
    return render(request, "proposals/form.html", {"form": form, "proposal": instance})


@rule_required(permissions.SIMILAR)
def similar_panel(request: HttpRequest) -> HttpResponse:
    """The htmx panel beside the write form: similar proposals of this and past years."""
    text = " ".join(request.GET.get(k, "") for k in ("title", "reason", "suggestions")).strip()
    exclude = request.GET.get("exclude", "")
    rows = []
    if len(text) >= 4:
        rows = selectors.proposal_similar(viewer=request.user, text=text[:5000], limit=5, exclude_id=as_id(exclude))
    return render(request, "proposals/_similar.html", {"rows": rows, "text": text})


def _steps(user: Any, p: Proposal) -> dict[str, bool]:
    """The steps the case page offers: the user may take it (permissions.may) and the status allows it."""
    pending_cosign = any(c.member_id == user.member_id and not c.confirmed_at for c in p.cosignatures.all())
    return {
        "edit": permissions.may(user, "edit", p) and allowed("edit", p.status),
        "submit": permissions.may(user, "submit", p) and allowed("submit", p.status),
        "cosign": permissions.may(user, "cosign", p) and pending_cosign and allowed("cosign", p.status),
        "review": permissions.may(user, "review", p) and allowed("accept", p.status),
        "assign": permissions.may(user, "assign", p)
        and (
            allowed("assign", p.status)
            or (p.status == "assigned" and p.adjust_requests.filter(resolved=False).exists())
        ),
        "adjust": permissions.may(user, "adjust", p) and allowed("adjust_request", p.status),
        "reply": permissions.may(user, "reply", p) and allowed("reply", p.status),
        "co_opinion": permissions.may(user, "co_opinion", p) and allowed("co_opinion", p.status),
        "evaluate": permissions.may(user, "evaluate", p) and allowed("close", p.status),
        "mark_key": permissions.may(user, "mark_key", p) and allowed("mark_key", p.status),
        "supervise": p.is_key and allowed("supervise", p.status) and permissions.may(user, "supervise", p),
    }


@rule_required(permissions.PROPOSALS)
def proposal_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    p = _case(request, pk)
    steps = _steps(request.user, p)
    context: dict[str, Any] = {
        "p": p,
        "steps": steps,
        "adjust_deadline": services.adjust_deadline(p),
        "supervisions": list(p.supervisions.select_related("leader")) if p.is_key else [],
        "today": clock.today(),
    }
    if steps["review"]:
        context["similar"] = selectors.proposal_similar(viewer=request.user, text=p.text, limit=5, exclude_id=p.pk)
    if steps["assign"]:
        context["units"] = visible_to(Unit.objects.all(), request.user).order_by("name")
    if steps["mark_key"]:
        context["leaders"] = [
            m for m in visible_to(Member.objects.all(), request.user).filter(position__in=Member.LEADER_POSITIONS)
        ]
    return render(request, "proposals/detail.html", context)


@require_POST
@rule_required(permissions.PROPOSALS)
def proposal_step_page(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Take one workflow step from the case page."""
    p = _case(request, pk)
    data = request.POST
    user = request.user

    def related(model: type, field: str) -> Any:
        value = data.get(field, "")
        if not value.isdigit():
            raise ValidationError({field: ["请选择。"]})
        try:
            return access_by_id(user, model, int(value))
        except Http404:
            raise ValidationError({field: ["对象不存在。"]}) from None

    calls = {
        "submit": lambda: services.proposal_submit(actor=user, proposal=p),
        "cosign": lambda: services.proposal_cosign_confirm(actor=user, proposal=p),
        "review": lambda: services.proposal_review(
            actor=user,
            proposal=p,
            decision=data.get("decision", ""),
            reason=data.get("reason", ""),
            merge_into=related(Proposal, "merge_into") if data.get("decision") == "merge" else None,
        ),
        "assign": lambda: services.proposal_assign(
            actor=user,
            proposal=p,
            lead_unit=related(Unit, "lead_unit"),
            co_units=[access_by_id(user, Unit, int(v)) for v in data.getlist("co_units") if v.isdigit()],
            due_date=dt.date.fromisoformat(data["due_date"]) if data.get("due_date") else None,
        ),
        "adjust": lambda: services.proposal_adjust_request(actor=user, proposal=p, reason=data.get("reason", "")),
        "reply": lambda: services.proposal_reply(
            actor=user,
            proposal=p,
            category=data.get("category", ""),
            text=data.get("text", ""),
            file=request.FILES.get("file"),
        ),
        "co_opinion": lambda: services.proposal_co_opinion(actor=user, proposal=p, text=data.get("text", "")),
        "evaluate": lambda: services.proposal_evaluate(
            actor=user, proposal=p, rating=data.get("rating", ""), comment=data.get("comment", "")
        ),
        "mark_key": lambda: services.proposal_mark_key(
            actor=user, proposal=p, supervisor=related(Member, "supervisor")
        ),
        "supervise": lambda: services.proposal_supervise(
            actor=user,
            proposal=p,
            date=dt.date.fromisoformat(data["date"]) if data.get("date") else None,
            note=data.get("note", ""),
        ),
    }
    if step == "supervise" and not can(user, permissions.SUPERVISE, "write"):
        raise PermissionDenied
    if step not in calls:
        raise Http404
    try:
        calls[step]()
        messages.success(request, "操作成功。")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except (WorkflowError, PermissionDenied, ValueError) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc) or "无权这样做。")
    return redirect("proposals:detail", p.pk)


@rule_required(permissions.PROPOSALS)
def reply_file_page(request: HttpRequest, pk: int) -> FileResponse:
    reply = Reply.objects.filter(pk=pk).select_related("proposal").first()
    if reply is None or not reply.file:
        raise Http404
    _case(request, reply.proposal_id)
    return upload_response(default_storage.open(reply.file, "rb"), name=reply.file.rsplit("/", 1)[-1])


@rule_required(permissions.PROPOSALS)
def reply_document_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Each reply as a printable document (PDF, or DOCX with ?format=docx)."""
    reply = Reply.objects.filter(pk=pk).select_related("proposal", "unit", "proposal__committee").first()
    if reply is None:
        raise Http404
    p = _case(request, reply.proposal_id)
    doc = reply_document(reply, proposal=p)
    fmt = "docx" if request.GET.get("format") == "docx" else "pdf"
    return document_response(doc, fmt, f"提案答复-第{p.number}号", request=request)


@rule_required(permissions.EXPORT)
def compilation_page(request: AuthedHttpRequest) -> HttpResponse:
    """The year's compilation of accepted proposals (提案汇编) as DOCX, in number order."""
    year = query_year(request, clock.today().year)
    qs = (
        visible_to(Proposal.objects.all(), request.user)
        .filter(year=year, number__isnull=False)
        .select_related("lead")
        .order_by("number")
    )
    doc = compilation_document(year=year, proposals=list(qs), issuer=f"{request.user.committee or ''}提案委员会")
    return document_response(doc, "docx", f"{year}年提案汇编", request=request)


@rule_required(permissions.REVIEW)
def reminders_page(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    rows = list(selectors.proposal_reminders(viewer=request.user, today=today))
    return render(request, "proposals/reminders.html", {"rows": rows, "today": today})


@rule_required(permissions.STATS)
def stats_page(request: HttpRequest) -> HttpResponse:
    year = query_year(request, clock.today().year)
    stats = selectors.proposal_stats(viewer=request.user, year=year)
    labels = dict(Proposal.Category.choices)
    status_labels = dict(Proposal.Status.choices)
    return render(
        request,
        "proposals/stats.html",
        {
            "s": stats,
            "year": year,
            "categories": [(labels.get(k, k), v) for k, v in stats["by_category"].items()],
            "statuses": [
                (label, stats["by_status"][k]) for k, label in status_labels.items() if k in stats["by_status"]
            ],
            "on_time_pct": round(stats["on_time_rate"] * 100, 1),
            "satisfaction_pct": round(stats["satisfaction_rate"] * 100, 1),
        },
    )
