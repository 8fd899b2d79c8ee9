"""Pages of opinion reports, bulletins and grassroots records.

Each view checks the role with permissions.py, fetches through the scoped selectors (rows
out of scope are 404; handling steps need the report to be held by the viewer's committee),
calls one service and renders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
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
    require,
    rule_required,
    version_field,
)
from luzhi.core.permissions import can
from luzhi.core.roles import Role
from luzhi.core.scoping import access_by_id, check_version, visible_to
from luzhi.opinions import permissions, services
from luzhi.opinions.documents import bulletin_document
from luzhi.opinions.forms import (
    AdoptForm,
    BulletinForm,
    GrassrootsForm,
    InstructionForm,
    RejectForm,
    ReportForm,
    RespondForm,
    SendForm,
    ToOpinionForm,
)
from luzhi.opinions.models import CONTENT_MAX, Bulletin, GrassrootsRecord, Level, OpinionReport
from luzhi.opinions.selectors import (
    adoptable_reports,
    bulletin_list,
    bulletin_reports,
    grassroots_list,
    opinion_held,
    opinion_list,
    opinion_queue,
    opinion_same_recent,
    opinion_similar,
    opinion_similar_many,
    opinion_statistics,
    opinion_trail,
)
from luzhi.opinions.workflow import allowed_steps
from luzhi.org.selectors import acting_committee

# ---- forms ---------------------------------------------------------------------------------


def _run(form: forms.Form, write: Callable[[dict[str, Any]], Any]) -> Any:
    """Validate the form and call the service; a ValidationError goes back onto the form."""
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return write(dict(form.cleaned_data))
    except ValidationError as exc:
        add_service_errors(form, exc)
    except IntegrityError:
        form.add_error(None, "数据与已有记录冲突，未保存。")
    return None


# ---- reports -------------------------------------------------------------------------------


@rule_required(permissions.REPORTS, "write")
def opinion_create(request: AuthedHttpRequest) -> HttpResponse:
    """Write a report (phone-first); similar earlier reports are shown as the text is typed."""
    user = request.user
    on_behalf = user.role not in (Role.MEMBER, Role.LEADER)
    form = ReportForm(posted(request), user=user, with_author=on_behalf)
    if request.method == "POST":
        # Back and submit again: this render's token already made a report; show it, make no second.
        made = once.prior(user=user, token=request.POST.get(once.FIELD, ""), model=OpinionReport)
        if made is not None:
            messages.info(request, "这篇信息刚才已经报送，没有重复报送。")
            return redirect("opinions:detail", made)

    def write(data: dict[str, Any]) -> OpinionReport | None:
        author = data.get("author") if on_behalf else user.member
        if author is not None and request.POST.get("confirm_duplicate") != "on":
            same = opinion_same_recent(author_id=author.pk, title=data["title"], content=data["content"])
            if same is not None:
                form.fields["confirm_duplicate"] = forms.BooleanField(
                    label="我确认这不是重复报送，仍要报送", required=False
                )
                form.add_error(None, f"一天内已报送过相同的信息“{same.title}”，请勿重复报送。")
                return None
        return services.opinion_submit(
            actor=user,
            committee=acting_committee(viewer=user),
            title=data["title"],
            content=data["content"],
            author=author,
            once_token=data.get(once.FIELD) or "",
        )

    report = _run(form, write)
    if report is None and form.is_bound and form.is_valid():
        # A concurrent post of the same token won the race (_run caught the IntegrityError): show its report.
        made = once.prior(user=user, token=request.POST.get(once.FIELD, ""), model=OpinionReport)
        if made is not None:
            messages.info(request, "这篇信息刚才已经报送，没有重复报送。")
            return redirect("opinions:detail", made)
    if report is not None:
        messages.success(request, "信息已报送，办理进展会显示在“我的信息”中。")
        return redirect("opinions:detail", report.pk)
    similar = []
    if form.is_bound:
        similar = opinion_similar(
            viewer=user, text=f"{request.POST.get('title', '')}\n{request.POST.get('content', '')}"
        )
    return render(request, "opinions/form.html", {"form": form, "similar": similar, "content_max": CONTENT_MAX})


@require_POST
@rule_required(permissions.REPORTS)
def opinion_similar_partial(request: HttpRequest) -> HttpResponse:
    """The duplicate hints for the text being written (htmx; POST: the text is too long for a request line)."""
    text = f"{request.POST.get('title', '')}\n{request.POST.get('content', '')}"[:5000]
    exclude = request.POST.get("exclude")
    similar = opinion_similar(viewer=request.user, text=text, exclude_id=as_id(exclude))
    return render(request, "opinions/_similar.html", {"similar": similar})


@rule_required(permissions.REPORTS)
def opinion_mine(request: AuthedHttpRequest) -> HttpResponse:
    """The member's own reports, each with what happened to it."""
    user = request.user
    if user.member_id is None:
        return redirect("opinions:list")
    qs = opinion_list(viewer=user).filter(author_id=user.member_id)
    return render(request, "opinions/mine.html", {"page": paginate(request, qs)})


@rule_required(permissions.HANDLING)
def opinion_index(request: HttpRequest) -> HttpResponse:
    """Every report the committee sees: its own and those forwarded to it, with a status filter."""
    qs = opinion_list(viewer=request.user)
    status = request.GET.get("status")
    if status in OpinionReport.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "opinions/list.html",
        {"page": paginate(request, qs), "statuses": OpinionReport.Status.choices, "status": status},
    )


@rule_required(permissions.HANDLING)
def opinion_queue_page(request: HttpRequest) -> HttpResponse:
    """The office queue: reports the committee holds now (own incoming and forwarded to it)."""
    page = paginate(request, opinion_queue(viewer=request.user))
    similar = opinion_similar_many(
        viewer=request.user, texts={r.pk: (f"{r.title}\n{r.content}", r.pk) for r in page}, limit=3
    )
    rows = [(r, similar[r.pk]) for r in page]
    return render(request, "opinions/queue.html", {"page": page, "rows": rows})


@rule_required(permissions.REPORTS)
def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report with its whole trail; its holder's office also gets the handling forms."""
    report = access_by_id(request.user, OpinionReport, pk, qs=opinion_list(viewer=request.user))
    user = request.user
    holds = permissions.may(user, "edit", report)
    steps = [step for step in allowed_steps(report) if permissions.may(user, step, report)]
    similar = (
        opinion_similar(viewer=user, text=f"{report.title}\n{report.content}", exclude_id=report.pk) if holds else []
    )
    return render(
        request,
        "opinions/detail.html",
        {
            "report": report,
            "trail": opinion_trail(report=report),
            "steps": steps,
            "holds": holds,
            "handles": can(user, permissions.HANDLING),
            "adopt_form": AdoptForm(),
            "instruction_form": InstructionForm(),
            "reject_form": RejectForm(),
            "send_form": SendForm(),
            "similar": similar,
            "parent": report.holder.parent if "forward" in steps else None,
        },
    )


@rule_required(permissions.HANDLING, "write")
def opinion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a held report; the author's original stays viewable."""
    report = opinion_held(viewer=request.user, pk=pk)
    initial = {"title": report.title, "content": report.content}
    form = ReportForm(posted(request) or None, initial=initial, user=request.user, with_author=False)
    # The version shown travels with the form: a submit from an older one is refused, not saved over.
    form.fields["version"] = version_field(report)

    def write(d: dict[str, Any]) -> OpinionReport:
        check_version(report, d.get("version"))
        return services.opinion_edit(actor=request.user, report=report, title=d["title"], content=d["content"])

    try:
        saved = _run(form, write)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("opinions:detail", report.pk)
    if saved is not None:
        messages.success(request, "已保存修改，原稿仍可查看。")
        return redirect("opinions:detail", report.pk)
    return render(request, "opinions/edit.html", {"form": form, "report": report, "content_max": CONTENT_MAX})


_STEP_FORMS: dict[str, type[forms.Form] | None] = {
    "adopt": AdoptForm,
    "forward": None,
    "instruction": InstructionForm,
    "reject": RejectForm,
    "send": SendForm,
}
_STEP_DONE = {
    "adopt": "已采用。",
    "instruction": "已登记批示。",
    "reject": "已作不予采用处理。",
    "send": "已登记报送。",
}


@require_POST
@rule_required(permissions.HANDLING, "write")
def opinion_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Take one handling step on a held report; errors come back as messages."""
    report = opinion_held(viewer=request.user, pk=pk)
    form_class = _STEP_FORMS[step]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        errors = "；".join(
            f"{form.fields[k].label if k in form.fields else ''}：{'，'.join(str(m) for m in v)}"
            for k, v in form.errors.items()
        )
        messages.error(request, f"未保存：{errors}")
        return redirect("opinions:detail", report.pk)
    data = form.cleaned_data if form is not None else {}
    actor = request.user
    try:
        if step == "adopt":
            services.opinion_adopt(actor=actor, report=report, issue=data["issue"])
        elif step == "forward":
            services.opinion_forward(actor=actor, report=report)
        elif step == "instruction":
            services.opinion_instruct(actor=actor, report=report, **data)
        elif step == "reject":
            services.opinion_reject(actor=actor, report=report, reason=data["reason"])
        else:
            services.opinion_send(actor=actor, report=report, recipient=data["recipient"])
    except WorkflowError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "未保存：" + error_text(exc))
    else:
        done = f"已上报{report.holder}。" if step == "forward" else _STEP_DONE[step]
        messages.success(request, done)
    return redirect("opinions:detail", report.pk)


# ---- bulletins -----------------------------------------------------------------------------


@rule_required(permissions.BULLETINS)
def bulletin_index(request: HttpRequest) -> HttpResponse:
    """The committee's bulletin issues."""
    return render(request, "opinions/bulletins.html", {"page": paginate(request, bulletin_list(viewer=request.user))})


@rule_required(permissions.BULLETINS, "write")
def bulletin_compose(request: AuthedHttpRequest) -> HttpResponse:
    """Compose an issue: pick adopted reports and their order (the number beside each)."""
    user = request.user
    today = clock.today()
    last = bulletin_list(viewer=user).filter(year=today.year).order_by("-number").first()
    form = BulletinForm(
        posted(request),
        initial={"year": today.year, "number": (last.number + 1) if last else 1, "date": today, "title": "社情民意"},
    )
    candidates = list(adoptable_reports(viewer=user)[:200])
    chosen: list[tuple[int, OpinionReport]] = []
    if request.method == "POST":
        by_id = {r.pk: r for r in candidates}
        for key in request.POST.getlist("report"):
            if key.isdigit() and int(key) in by_id:
                order = request.POST.get(f"order-{key}", "")
                chosen.append((int(order) if order.isdigit() else 999, by_id[int(key)]))
        chosen.sort(key=lambda pair: pair[0])

    def write(data: dict[str, Any]) -> Bulletin:
        return services.bulletin_compose(
            actor=user,
            committee=acting_committee(viewer=user),
            reports=[r for _, r in chosen],
            **data,
        )

    bulletin = _run(form, write)
    if bulletin is not None:
        messages.success(request, f"已编成{bulletin}。")
        return redirect("opinions:bulletin-detail", bulletin.pk)
    selected = {r.pk for _, r in chosen}
    return render(
        request, "opinions/bulletin_form.html", {"form": form, "candidates": candidates, "selected": selected}
    )


@rule_required(permissions.BULLETINS)
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One issue with its reports in order and the downloads."""
    bulletin = access_by_id(request.user, Bulletin, pk)
    return render(
        request, "opinions/bulletin_detail.html", {"bulletin": bulletin, "reports": bulletin_reports(bulletin=bulletin)}
    )


@rule_required(permissions.BULLETINS)
def bulletin_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The issue as DOCX or PDF."""
    bulletin = access_by_id(request.user, Bulletin, pk)
    return document_response(
        bulletin_document(bulletin), fmt, f"bulletin-{bulletin.year}-{bulletin.number}", request=request
    )


# ---- grassroots records --------------------------------------------------------------------


@rule_required(permissions.GRASSROOTS)
def grassroots_index(request: HttpRequest) -> HttpResponse:
    """Grassroots records, overdue ones in red; ?overdue=1 shows only those."""
    overdue = request.GET.get("overdue") in ("1", "true")
    qs = grassroots_list(viewer=request.user, overdue=overdue)
    status = request.GET.get("status")
    if status in GrassrootsRecord.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "opinions/grassroots_list.html",
        {"page": paginate(request, qs), "overdue": overdue, "status": status, "today": clock.today()},
    )


@rule_required(permissions.GRASSROOTS, "write")
def grassroots_create(request: AuthedHttpRequest) -> HttpResponse:
    """Write down a citizen's demand (staff at a station record it for a member)."""
    user = request.user
    on_behalf = user.role not in (Role.MEMBER, Role.LEADER)
    form = GrassrootsForm(
        posted(request), user=user, on_behalf=on_behalf, initial={"station": request.GET.get("station")}
    )

    if request.method == "POST":
        # Back and submit again: this render's token already made a record; show it, make no second.
        made = once.prior(user=user, token=request.POST.get(once.FIELD, ""), model=GrassrootsRecord)
        if made is not None:
            messages.info(request, "这条民情记录刚才已经保存，没有重复记录。")
            return redirect("opinions:grassroots-detail", made)

    def write(data: dict[str, Any]) -> GrassrootsRecord:
        member = data.pop("member", None) if on_behalf else user.member
        token = data.pop(once.FIELD, "") or ""
        return services.grassroots_record_create(
            actor=user,
            committee=acting_committee(viewer=user),
            member=member,  # type: ignore[arg-type]  # None: the service's full_clean says who is missing
            once_token=token,
            **data,
        )

    record = _run(form, write)
    if record is not None:
        messages.success(request, f"已记录，请于{record.due_date:%Y年%m月%d日}前回应。")
        return redirect("opinions:grassroots-detail", record.pk)
    return render(request, "opinions/grassroots_form.html", {"form": form})


@rule_required(permissions.GRASSROOTS)
def grassroots_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One record; its member or staff respond, or turn it into an opinion report."""
    record = access_by_id(request.user, GrassrootsRecord, pk, qs=grassroots_list(viewer=request.user))
    respond_form = RespondForm(request.POST if request.POST.get("do") == "respond" else None)
    to_opinion_form = ToOpinionForm(request.POST if request.POST.get("do") == "to-opinion" else None)
    writes = can(request.user, permissions.GRASSROOTS, "write")
    if request.method == "POST":
        require(request.user, permissions.GRASSROOTS, "write")
        try:
            if _run(
                respond_form, lambda d: services.grassroots_respond(actor=request.user, record=record, text=d["text"])
            ):
                messages.success(request, "已记录回应。")
                return redirect("opinions:grassroots-detail", record.pk)
            report = _run(
                to_opinion_form,
                lambda d: services.grassroots_to_opinion(actor=request.user, record=record, title=d["title"]),
            )
            if report is not None:
                messages.success(request, "已转为社情民意信息。")
                return redirect("opinions:detail", report.pk)
        except WorkflowError as exc:
            messages.error(request, exc.message)
            return redirect("opinions:grassroots-detail", record.pk)
    reports = visible_to(OpinionReport.objects.filter(source_record=record), request.user)
    return render(
        request,
        "opinions/grassroots_detail.html",
        {
            "record": record,
            "respond_form": respond_form,
            "to_opinion_form": to_opinion_form,
            "writes": writes,
            "reports": reports,
        },
    )


# ---- statistics ----------------------------------------------------------------------------


@rule_required(permissions.STATISTICS)
def statistics_page(request: HttpRequest) -> HttpResponse:
    """Reports by author, sector and status; adoptions and instructions by level; grassroots on time."""
    year = query_year(request, clock.today().year)
    stats = opinion_statistics(viewer=request.user, year=year)
    levels = dict(Level.choices)
    return render(
        request,
        "opinions/statistics.html",
        {
            "stats": stats,
            "year": year,
            "years": range(clock.today().year, clock.today().year - 6, -1),
            "statuses": [(label, stats["by_status"][value]) for value, label in OpinionReport.Status.choices],
            "adoptions": [(levels[k], v) for k, v in stats["adoptions_by_level"].items()],
            "instructions": [(levels[k], v) for k, v in stats["instructions_by_level"].items()],
        },
    )
