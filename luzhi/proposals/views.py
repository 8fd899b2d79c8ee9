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
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from luzhi.accounts.requests import AuthedHttpRequest
from luzhi.core import clock, once
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
from luzhi.core.text import pinyin_key
from luzhi.core.uploads import upload_response
from luzhi.org.models import Member, Unit
from luzhi.proposals import permissions, selectors, services
from luzhi.proposals.documents import compilation_document, reply_document
from luzhi.proposals.forms import ProposalForm, search_key
from luzhi.proposals.models import Evaluation, Proposal, ProposalAttachment, ProposalUnit, Reply
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
    form = ProposalForm(posted(request), request.FILES or None, instance=instance, user=request.user)
    duplicate = None
    if request.method == "POST" and instance is None:
        # Back and submit again: the form's token already made a proposal; show it, make no second.
        made = once.prior(user=request.user, token=request.POST.get(once.FIELD, ""), model=Proposal)
        if made is not None:
            messages.info(request, "这份提案刚才已经保存，没有重复创建。")
            return redirect("proposals:detail", made)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if instance is None and not data.pop("confirm_duplicate", False) and request.user.member_id:
            duplicate = selectors.proposal_same_recent(
                lead_id=request.user.member_id,
                title=data["title"],
                reason=data["reason"],
                suggestions=data["suggestions"],
            )
        if duplicate is None:
            try:
                return _save_proposal(request, instance, data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except (WorkflowError, PermissionDenied) as exc:
                form.add_error(None, getattr(exc, "message", None) or str(exc))
            except IntegrityError:  # the same token spent by a concurrent post: that one made it
                made = once.prior(user=request.user, token=data.get(once.FIELD, ""), model=Proposal)
                if made is None:
                    raise
                messages.info(request, "这份提案刚才已经保存，没有重复创建。")
                return redirect("proposals:detail", made)
    return render(request, "proposals/form.html", {"form": form, "proposal": instance, "duplicate": duplicate})


def _save_proposal(request: AuthedHttpRequest, instance: Proposal | None, data: dict[str, Any]) -> HttpResponse:
    token = data.pop(once.FIELD, "") or ""
    data.pop("confirm_duplicate", None)
    files = request.FILES.getlist("files")
    with transaction.atomic():
        if instance is None:
            proposal = services.proposal_create(
                actor=request.user, committee=request.user.committee, data=data, files=files, once_token=token
            )
        else:
            proposal = services.proposal_update(actor=request.user, proposal=instance, data=data, files=files)
        if "submit" in request.POST and proposal.status == Proposal.Status.DRAFT:
            services.proposal_submit(actor=request.user, proposal=proposal)
            messages.success(request, "提案已提交，等待提案委员会审查。")
        else:
            messages.success(request, "已保存。" if proposal.status != Proposal.Status.DRAFT else "草稿已保存。")
    return redirect("proposals:detail", proposal.pk)


@require_POST
@rule_required(permissions.SIMILAR)
def similar_panel(request: HttpRequest) -> HttpResponse:
    """The htmx panel beside the write form: similar proposals of this and past years (POST: long texts)."""
    text = " ".join(request.POST.get(k, "") for k in ("title", "reason", "suggestions")).strip()
    exclude = request.POST.get("exclude", "")
    rows = []
    if len(text) >= 4:
        rows = selectors.proposal_similar(viewer=request.user, text=text[:5000], limit=5, exclude_id=as_id(exclude))
    return render(request, "proposals/_similar.html", {"rows": rows, "text": text})


def _steps(user: Any, p: Proposal) -> dict[str, bool]:
    """The steps the case page offers: the user may take it (permissions.may) and the status allows it."""
    pending_cosign = any(
        c.member_id == user.member_id and not c.confirmed_at and not c.declined_at and c.source == "cosign"
        for c in p.cosignatures.all()
    )
    return {
        "edit": permissions.may(user, "edit", p) and allowed("edit", p.status),
        "submit": permissions.may(user, "submit", p) and allowed("submit", p.status),
        "withdraw": permissions.may(user, "withdraw", p) and allowed("withdraw", p.status),
        "cosign": permissions.may(user, "cosign", p) and pending_cosign and allowed("cosign", p.status),
        "decline_cosign": permissions.may(user, "cosign", p) and pending_cosign and allowed("decline_cosign", p.status),
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


def _detail(request: HttpRequest, p: Proposal, *, posted: Any = None, failed: str = "") -> HttpResponse:
    """The case page; after a refused step, with what was posted so the form keeps the choices."""
    steps = _steps(request.user, p)
    context: dict[str, Any] = {
        "p": p,
        "steps": steps,
        "adjust_deadline": services.adjust_deadline(p),
        "supervisions": list(p.supervisions.select_related("leader")) if p.is_key else [],
        "today": clock.today(),
        "posted": posted if posted is not None else {},
        "failed": failed,
        "ratings": Evaluation.Rating.choices,
    }
    if steps["review"]:
        context["similar"] = selectors.proposal_similar(viewer=request.user, text=p.text, limit=5, exclude_id=p.pk)
    if steps["assign"]:
        context.update(_assign_choices(request.user, posted if failed == "assign" else None))
    if steps["mark_key"]:
        context["leaders"] = [
            m for m in visible_to(Member.objects.all(), request.user).filter(position__in=Member.LEADER_POSITIONS)
        ]
    return render(request, "proposals/detail.html", context)


def _assign_choices(user: Any, posted: Any) -> dict[str, Any]:
    """The units to hand a case to, by pinyin, with the lead and co-units chosen in a refused post."""
    units = sorted(visible_to(Unit.objects.all(), user).only("pk", "name"), key=lambda u: pinyin_key(u.name))
    chosen_lead = as_id(posted.get("lead_unit", "")) if posted is not None else None
    chosen_co = {as_id(v) for v in posted.getlist("co_units")} if posted is not None else set()
    return {
        "units": [{"pk": u.pk, "name": u.name, "search": search_key(u.name), "co": u.pk in chosen_co} for u in units],
        "chosen_lead": chosen_lead,
        "chosen_due": posted.get("due_date", "") if posted is not None else "",
    }


@rule_required(permissions.PROPOSALS)
def proposal_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _case(request, pk))


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
        "withdraw": lambda: services.proposal_withdraw(actor=user, proposal=p),
        "cosign": lambda: services.proposal_cosign_confirm(actor=user, proposal=p),
        "decline_cosign": lambda: services.proposal_cosign_decline(actor=user, proposal=p),
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
        result = calls[step]()
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except (WorkflowError, PermissionDenied, ValueError) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc) or "无权这样做。")
    else:
        messages.success(request, _done(step, p, result))
        return redirect("proposals:detail", p.pk)
    # Refused: the case page again, its forms holding what was chosen, nothing saved.
    return _detail(request, _case(request, pk), posted=data, failed=step)


def _done(step: str, p: Proposal, result: Any) -> str:
    """What a step did, in the words of the case (not 操作成功)."""
    if step == "review":
        outcomes: dict[str, str] = {
            Proposal.Status.ACCEPTED: f"已立案，编号第{p.number}号。",
            Proposal.Status.REJECTED: "已作不立案处理，已通知提案人。",
            Proposal.Status.CONVERTED_OPINION: "已转为社情民意信息。",
            Proposal.Status.CONVERTED_LETTER: "已转为意见建议。",
            Proposal.Status.MERGED: f"已并入“{p.merged_into}”。",
        }
        return outcomes.get(p.status, "已审查。")
    if step == "assign":
        links = ProposalUnit.objects.filter(proposal=p).select_related("unit").order_by("-role", "id")  # lead before co
        units = "、".join(f"{link.unit.name}（{link.get_role_display()}）" for link in links)
        return f"已交办给{units}，办理期限{p.due_date:%Y年%m月%d日}。"
    if step == "reply":
        return f"已答复（{result.get_category_display()}），已请提案人评价。"
    if step == "evaluate":
        if p.status == Proposal.Status.CLOSED:
            return f"已评价：{result.get_rating_display()}，提案办结。"
        return f"已评价：{result.get_rating_display()}，提案退回承办单位重新办理。"
    return {
        "submit": "提案已提交，等待提案委员会审查。",
        "withdraw": "提案已撤回为草稿，可以修改后再提交，或删除。",
        "cosign": "已确认联名。",
        "decline_cosign": "已谢绝联名，已告知第一提案人。",
        "adjust": "调整申请已送提案委员会。",
        "co_opinion": "协办意见已送主办单位。",
        "mark_key": f"已列为重点提案，督办领导：{p.supervisor.name if p.supervisor else ''}。",
        "supervise": "已记录督办活动。",
    }.get(step, "已完成。")


@rule_required(permissions.PROPOSALS)
def reply_file_page(request: HttpRequest, pk: int) -> FileResponse:
    reply = Reply.objects.filter(pk=pk).select_related("proposal").first()
    if reply is None or not reply.file:
        raise Http404
    _case(request, reply.proposal_id)
    # Served under the name it was uploaded with (RFC 5987 filename*= for the Chinese), else the stored one.
    name = reply.file_name or reply.file.rsplit("/", 1)[-1]
    return upload_response(default_storage.open(reply.file, "rb"), name=name)


@rule_required(permissions.PROPOSALS)
def attachment_page(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment of a proposal the viewer may see, under the name it was uploaded with."""
    attachment = ProposalAttachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    _case(request, attachment.proposal_id)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404 from None
    return upload_response(handle, name=attachment.name)


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
