"""Pages of activities: calendar, detail with attendance, leave, sign-in, reading log and the cadence report."""

from __future__ import annotations

import calendar
import io
from datetime import date, timedelta
from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from luzhi.accounts.requests import AuthedHttpRequest
from luzhi.activities import hall, permissions, selectors, services, signin, votes
from luzhi.activities.cadence import cadence_cell_records, cadence_report, lacks_first_topic
from luzhi.activities.forms import ActivityForm, InviteForm, LeaveForm, ReadingLogForm, SignInForm, VoteForm
from luzhi.activities.models import (
    Activity,
    ActivityMaterial,
    Attendance,
    CadenceRule,
    LeaveRequest,
    ReadingLog,
    Vote,
)
from luzhi.core import clock
from luzhi.core.errors import WorkflowError
from luzhi.core.pages import add_service_errors, error_text, paginate, posted, query_year, rule_required
from luzhi.core.periods import periods_of_year
from luzhi.core.permissions import can
from luzhi.core.scoping import access_by_id, visible_to
from luzhi.org.models import MemberGroup, Sector, SpecialCommittee
from luzhi.org.selectors import acting_committee

SUMMARY_ABOVE = 12
WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]
INVITE_MODELS: dict[str, type[Any]] = {"special_committee": SpecialCommittee, "group": MemberGroup, "sector": Sector}


def _int(value: Any, default: int, low: int, high: int) -> int:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and low <= int(text) <= high else default


# ---- calendar and list -----------------------------------------------------------------


@rule_required(permissions.ACTIVITIES)
def activity_list_page(request: HttpRequest) -> HttpResponse:
    """A month of activities as a calendar (desktop) and a list (every screen)."""
    today = clock.today()
    year = query_year(request, today.year)
    month = _int(request.GET.get("month"), today.month if year == today.year else 1, 1, 12)
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    activities = list(selectors.activities_between(viewer=request.user, first=first, last=last))
    kind = request.GET.get("kind", "")
    if kind in Activity.Kind.values:
        activities = [a for a in activities if a.kind == kind]
    weeks = []
    for week in calendar.Calendar().monthdatescalendar(year, month):
        weeks.append([(d, d.month == month, [a for a in activities if a.start <= d <= a.end]) for d in week])
    prev_month = first - timedelta(days=1)
    next_month = last + timedelta(days=1)
    return render(
        request,
        "activities/activity_list.html",
        {
            "year": year,
            "month": month,
            "weeks": weeks,
            "weekdays": WEEKDAYS,
            "activities": activities,
            "today": today,
            "kind": kind,
            "kinds": Activity.Kind.choices,
            "prev": prev_month,
            "next": next_month,
            "can_write": can(request.user, permissions.ACTIVITIES, "write"),
        },
    )


# ---- one activity ----------------------------------------------------------------------


@rule_required(permissions.ACTIVITIES)
def activity_detail_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """An activity: its facts, the invited list with attendance taking, leave requests, the sign-in QR code."""
    activity = access_by_id(request.user, Activity, pk, qs=selectors.activity_list(viewer=request.user))
    manage = permissions.may_manage(request.user, activity)
    member = getattr(request.user, "member", None)
    mine = activity.attendance.filter(member=member).first() if member else None
    materials = visible_to(activity.materials.all(), request.user)
    agenda = list(
        activity.agenda.prefetch_related(Prefetch("materials", queryset=materials, to_attr="shown")).order_by("order")
    )
    context: dict[str, Any] = {
        "activity": activity,
        "agenda": agenda,
        "materials": list(materials.order_by("id")),
        "votes": list(activity.votes.order_by("id")),
        "sign_in_open": activity.opens_at() - signin.OPENS_BEFORE <= timezone.now() <= activity.closes_at(),
        "manage": manage,
        "mine": mine,
        "statuses": [c for c in Attendance.Status.choices if c[0] != Attendance.Status.INVITED],
        "leave_form": LeaveForm(),
        "my_leaves": activity.leave_requests.filter(member=member) if member else [],
    }
    if manage:
        rows = list(selectors.activity_attendance(activity=activity))
        context.update(
            rows=rows,
            counts={s: sum(1 for r in rows if r.status == s) for s in Attendance.Status.values},
            answers={
                "attend": sum(1 for r in rows if r.answer == Attendance.Answer.ATTEND),
                "leave": sum(1 for r in rows if r.answer == Attendance.Answer.LEAVE),
                "none": sum(1 for r in rows if not r.answer),
            },
            invite_form=InviteForm(),
            invite_choices={
                "special_committee": SpecialCommittee.objects.filter(committee=activity.committee),
                "group": MemberGroup.objects.filter(committee=activity.committee),
                "sector": Sector.objects.filter(committee=activity.committee),
            },
            leaves=activity.leave_requests.select_related("member").order_by("-created_at"),
            agenda_rows=[*agenda, *[None] * AGENDA_BLANK_ROWS],
            agenda_row_count=len(agenda) + AGENDA_BLANK_ROWS,
        )
    from luzhi.activities.record_views import records_context

    context.update(records_context(request, activity, manage))
    return render(request, "activities/activity_detail.html", context)


@rule_required(permissions.ACTIVITIES, "write")
def activity_form_page(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Schedule an activity or change one; end before start and other bad input are shown, nothing saved."""
    activity = access_by_id(request.user, Activity, pk) if pk is not None else None
    if activity is not None and not permissions.may_manage(request.user, activity):
        raise PermissionDenied("专委会工作人员只能管理本专委会的活动。")
    initial = {}
    if activity is None and request.user.special_committee_id:
        initial["special_committee"] = request.user.special_committee_id
    form = ActivityForm(posted(request), instance=activity, viewer=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        participants = data.pop("participants")
        try:
            if activity is None:
                saved = services.activity_schedule(
                    actor=request.user,
                    committee=acting_committee(viewer=request.user),
                    data=data,
                    participants=participants,
                )
            else:
                saved = services.activity_update(
                    actor=request.user, activity=activity, data=data, participants=participants
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("special_committee", str(exc))
        else:
            messages.success(request, f"已保存活动“{saved}”。")
            return redirect("activities:activity-detail", pk=saved.pk)
    return render(request, "activities/activity_form.html", {"form": form, "activity": activity})


@require_POST
@rule_required(permissions.ACTIVITIES, "write")
def activity_delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an activity whose attendance has not been taken."""
    activity = access_by_id(request.user, Activity, pk)
    try:
        services.activity_cancel(actor=request.user, activity=activity)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("activities:activity-detail", pk=pk)
    messages.success(request, "已删除活动。")
    return redirect("activities:activity-list")


@require_POST
@rule_required(permissions.ATTENDANCE, "write")
def attendance_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the attendance form: one status (and speech) per invited member, all or nothing."""
    activity = access_by_id(request.user, Activity, pk)
    entries = []
    # "The rest are present": every member left unrecorded on the form gets this status (no 44 drop-downs).
    fill = request.POST.get("fill", "")
    for row in activity.attendance.all():
        status = request.POST.get(f"status-{row.member_id}", "") or fill
        if status:
            entries.append(
                {
                    "member": row.member_id,
                    "status": status,
                    "speech": request.POST.get(f"speech-{row.member_id}") == "on",
                }
            )
    try:
        services.attendance_record(actor=request.user, activity=activity, entries=entries)
    except ValidationError as exc:
        messages.error(request, "未保存：" + error_text(exc))
    except WorkflowError as exc:
        messages.error(request, "未保存：" + exc.message)
    else:
        messages.success(request, f"已保存 {len(entries)} 名委员的出席情况。")
    return redirect("activities:activity-detail", pk=pk)


@require_POST
@rule_required(permissions.ACTIVITIES, "write")
def invite_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite a whole special committee, group, sector, the standing members or everyone."""
    activity = access_by_id(request.user, Activity, pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择邀请范围。")
        return redirect("activities:activity-detail", pk=pk)
    by, value = form.cleaned_data["by"], form.cleaned_data.get("id")
    if by in INVITE_MODELS:
        if value is None:
            messages.error(request, "请选择专委会、委员小组或界别。")
            return redirect("activities:activity-detail", pk=pk)
        value = access_by_id(request.user, INVITE_MODELS[by], value).pk
    members = selectors.invitees(committee=activity.committee, by=by, value=value)
    try:
        added = services.activity_invite(actor=request.user, activity=activity, members=members)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"新邀请 {added} 名委员。")
    return redirect("activities:activity-detail", pk=pk)


def _local_next(request: HttpRequest) -> str:
    """The posted `next` when it is a path on this site (never another site: no open redirect)."""
    target = request.POST.get("next", "")
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts=None) and target.startswith("/")
    return target if ok and not target.startswith("//") else ""


def _managed(request: HttpRequest, pk: int) -> Activity:
    activity = access_by_id(request.user, Activity, pk)
    if not permissions.may_manage(request.user, activity):
        raise PermissionDenied("专委会工作人员只能管理本专委会的活动。")
    return activity


def _door_context(request: HttpRequest, activity: Activity) -> dict[str, Any]:
    code, expires_at = signin.current_code(activity.pk)
    url = request.build_absolute_uri(reverse("activities:signin", args=[activity.pk])) + f"?code={code}"
    qr = segno.make(url, error="m")
    return {"activity": activity, "code": code, "expires_at": expires_at, "url": url, "qr": qr}


@rule_required(permissions.ATTENDANCE, "write")
def door_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The screen at the door: the QR of the current sign-in code, renewed every minute, and the count so far."""
    activity = _managed(request, pk)
    context = _door_context(request, activity)
    counts = activity.attendance.aggregate(
        invited=Count("id"), present=Count("id", filter=models.Q(status=Attendance.Status.PRESENT))
    )
    context.update(counts=counts, now=timezone.now())
    template = "activities/door_code.html" if request.headers.get("HX-Request") else "activities/door.html"
    return render(request, template, context)


@rule_required(permissions.ATTENDANCE, "write")
def hall_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The hall screen (大屏) for the projector; its htmx poll gets the fragment, cached for a second."""
    activity = _managed(request, pk)
    fragment = hall.screen_fragment(activity=activity)
    if request.headers.get("HX-Request"):
        response = HttpResponse(fragment)
    else:
        response = render(request, "activities/hall.html", {"activity": activity, "fragment": fragment})
    response["Cache-Control"] = "no-store"
    return response


@rule_required(permissions.ATTENDANCE, "write")
def hall_control_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The office moves the screen's current agenda item (上一项/下一项, or any item): a page usable on a phone."""
    activity = _managed(request, pk)
    if request.method == "POST":
        step, item = request.POST.get("step", ""), request.POST.get("item", "")
        try:
            if step in ("prev", "next"):
                activity = services.current_item_step(
                    actor=request.user, activity=activity, step=1 if step == "next" else -1
                )
            elif item == "" or (item.isascii() and item.isdigit()):
                activity = services.current_item_set(
                    actor=request.user, activity=activity, item=int(item) if item else None
                )
            else:
                raise ValidationError({"item": "请选择议程。"})
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            hall.screen_forget(activity.pk)
            shown = activity.current_item
            messages.success(request, f"大屏当前议程：{shown.order}. {shown.title}" if shown else "大屏不显示议程。")
        return redirect(_local_next(request) or reverse("activities:hall-control", args=[pk]))
    context = {
        "activity": activity,
        "agenda": list(activity.agenda.order_by("order")),
        "votes": list(activity.votes.exclude(status=Vote.Status.DRAFT).order_by("-id")[:5]),
    }
    return render(request, "activities/hall_control.html", context)


@rule_required(permissions.ATTENDANCE, "write")
def activity_qr_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The current sign-in code's QR as a standalone SVG image (with its namespace, so it shows)."""
    activity = _managed(request, pk)
    buffer = io.BytesIO()
    _door_context(request, activity)["qr"].save(buffer, kind="svg", scale=6, border=2, xmldecl=False)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@rule_required(permissions.SIGN_IN)
def sign_in_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Opened from the QR at the door (code filled in) or by hand: one tap signs the invited member in."""
    activity = access_by_id(request.user, Activity, pk)
    form = SignInForm(request.POST if request.method == "POST" else None, initial={"code": request.GET.get("code")})
    outcome = message = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_sign_in(actor=request.user, activity=activity, code=form.cleaned_data["code"].strip())
        except ValidationError as exc:
            outcome, message = "danger", error_text(exc)
        except WorkflowError as exc:
            outcome, message = "warning", exc.message
        except PermissionDenied as exc:
            outcome, message = "danger", str(exc)
        else:
            outcome, message = "success", "签到成功，欢迎参加！"
    return render(
        request,
        "activities/sign_in.html",
        {"activity": activity, "form": form, "outcome": outcome, "message": message},
        status=200,
    )


AGENDA_BLANK_ROWS = 3


@require_POST
@rule_required(permissions.ATTENDANCE, "write")
def rsvp_remind_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Remind the invited members who have not answered (by their own notification channels)."""
    activity = _managed(request, pk)
    try:
        n = services.invitation_remind(actor=request.user, activity=activity)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"已提醒 {n} 名未回执的委员。" if n else "没有需要提醒的委员（均已回执，或尚未开通账号）。"
        )
    return redirect("activities:activity-detail", pk=pk)


@require_POST
@rule_required(permissions.ACTIVITIES, "write")
def agenda_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the agenda form: one row per item (empty rows ignored), all or nothing."""
    activity = _managed(request, pk)
    items: list[Any] = []
    errors: list[str] = []
    for n in range(1, int(_int(request.POST.get("rows"), 0, 0, services.AGENDA_MAX + AGENDA_BLANK_ROWS)) + 1):
        title = request.POST.get(f"title-{n}", "").strip()
        if not title:
            continue
        minutes = request.POST.get(f"minutes-{n}", "").strip()
        chosen = [int(m) for m in request.POST.getlist(f"materials-{n}") if m.isascii() and m.isdigit()]
        if minutes and not (minutes.isascii() and minutes.isdigit() and 1 <= int(minutes) <= 1440):
            errors.append(f"第{n}行：时长应为1–1440的分钟数。")
        items.append(
            {
                "order": len(items) + 1,
                "title": title[:200],
                "presenter": request.POST.get(f"presenter-{n}", "").strip()[:100],
                "minutes": int(minutes) if minutes and not errors else None,
                "first_topic": request.POST.get(f"first-{n}") == "on",
                "materials": chosen[:50],
            }
        )
    if not errors:
        try:
            services.agenda_set(actor=request.user, activity=activity, items=items)
        except ValidationError as exc:
            errors = exc.messages
    if errors:
        messages.error(request, "议程未保存：" + "；".join(errors))
    else:
        messages.success(request, f"已保存议程（{len(items)}项）。")
    return redirect(reverse("activities:activity-detail", args=[pk]) + "#agenda")


@require_POST
@rule_required(permissions.ACTIVITIES, "write")
def material_upload_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload one paper of the meeting."""
    activity = _managed(request, pk)
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, "请选择要上传的文件。")
    else:
        try:
            services.material_add(actor=request.user, activity=activity, file=file, title=request.POST.get("title", ""))
        except ValidationError as exc:
            messages.error(request, "未上传：" + error_text(exc))
        else:
            messages.success(request, "已上传会议材料。")
    return redirect(reverse("activities:activity-detail", args=[pk]) + "#materials")


@require_POST
@rule_required(permissions.ACTIVITIES, "write")
def material_withdraw_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a paper: members can no longer open it."""
    material = access_by_id(request.user, ActivityMaterial, pk)
    try:
        services.material_withdraw(actor=request.user, material=material)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已收回“{material.title}”。")
    return redirect(reverse("activities:activity-detail", args=[material.activity_id]) + "#materials")


@rule_required(permissions.MATERIALS)
def material_file_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Open a paper in the browser (only the invited, the office and leaders; others 404)."""
    from luzhi.activities.api import material_response

    return material_response(request, access_by_id(request.user, ActivityMaterial, pk))


@rule_required(permissions.MATERIALS)
def material_view_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Read a PDF paper in the page with pdf.js (phones whose browser shows no PDF); the same readers as the file."""
    material = access_by_id(request.user, ActivityMaterial, pk, qs=ActivityMaterial.objects.select_related("activity"))
    if not material.is_pdf:
        return redirect("activities:material-file", pk=pk)
    from django.conf import settings

    # pdf.js fetches these by file name from a base URL: the plain (unhashed) static paths.
    vendor = f"{settings.STATIC_URL}vendor/pdfjs/"
    urls = {"cmaps": f"{vendor}cmaps/", "fonts": f"{vendor}standard_fonts/", "wasm": f"{vendor}wasm/"}
    return render(request, "activities/material_view.html", {"material": material, **urls})


# ---- votes ------------------------------------------------------------------------------


@rule_required(permissions.VOTES, "write")
def vote_new_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Set up a vote at this meeting: a resolution (赞成/反对/弃权) or an election (candidates, seats)."""
    activity = _managed(request, pk)
    form = VoteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "activity": activity}
        try:
            vote = votes.vote_create(actor=request.user, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已创建表决“{vote.title}”。")
            return redirect("activities:vote-ballot", pk=vote.pk)
    return render(request, "activities/vote_form.html", {"form": form, "activity": activity})


def _vote_context(request: HttpRequest, vote: Vote) -> dict[str, Any]:
    result = votes.vote_result(vote)
    member_id: Any = getattr(request.user, "member_id", None)
    mine = {
        "elector": bool(member_id) and vote.electorate.filter(pk=member_id).exists(),
        "voted": bool(member_id) and vote.turnout.filter(member_id=member_id).exists(),
        "present": bool(member_id)
        and vote.activity.attendance.filter(member_id=member_id, status=Attendance.Status.PRESENT).exists(),
    }
    counts = result["counts"] or {}
    labels = {str(o["id"]): o["label"] for o in vote.options}
    rows = [(votes.CHOICE_LABELS.get(k) or labels.get(k, k), n) for k, n in counts.items()]
    elected = [labels.get(str(i), i) for i in result["elected"] or []]
    return {
        "vote": vote,
        "result": result,
        "rows": rows,
        "elected": elected,
        "mine": mine,
        "manage": permissions.may_manage(request.user, vote.activity),
    }


@rule_required(permissions.VOTES)
def vote_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One vote: the member's ballot on a phone; for staff the controls and the hall screen (turnout, then result)."""
    vote = access_by_id(request.user, Vote, pk, qs=Vote.objects.select_related("activity"))
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step in ("open", "close"):
                if not can(request.user, permissions.VOTES, "write"):
                    raise PermissionDenied("只有会务人员可以开始或结束表决。")
                (votes.vote_open if step == "open" else votes.vote_close)(actor=request.user, vote=vote)
                messages.success(request, "表决已开始。" if step == "open" else "表决已结束。")
            else:
                picked = [int(c) for c in request.POST.getlist("choices") if c.isascii() and c.isdigit()]
                votes.ballot_cast(
                    actor=request.user,
                    vote=vote,
                    choice=request.POST.get("choice") or None,
                    choices=picked if vote.kind == Vote.Kind.ELECTION else None,
                )
                messages.success(request, "投票成功。")
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        except (WorkflowError, PermissionDenied) as exc:
            messages.error(request, getattr(exc, "message", None) or str(exc))
        return redirect("activities:vote-ballot", pk=pk)
    context = _vote_context(request, vote)
    if request.headers.get("HX-Request"):
        return render(request, "activities/vote_screen.html", context)
    return render(request, "activities/vote.html", context)


@require_POST
@rule_required(permissions.SIGN_IN, "write")
def rsvp_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The invited member's reply from the activity page: attend, or leave with a reason."""
    activity = access_by_id(request.user, Activity, pk)
    answer = request.POST.get("answer", "")
    try:
        services.invitation_answer(
            actor=request.user, activity=activity, answer=answer, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, "未提交：" + error_text(exc))
    except (WorkflowError, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
    else:
        done = "已回执：参加。" if answer == Attendance.Answer.ATTEND else "已回执请假，请假申请已提交，请等待审批。"
        messages.success(request, done)
    return redirect(_local_next(request) or reverse("activities:activity-detail", args=[pk]))


# ---- leave -----------------------------------------------------------------------------


@require_POST
@rule_required(permissions.LEAVE, "write")
def leave_ask_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A member asks for leave from an activity they are invited to."""
    activity = access_by_id(request.user, Activity, pk)
    form = LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写请假事由。")
        return redirect("activities:activity-detail", pk=pk)
    try:
        services.leave_request_create(actor=request.user, activity=activity, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "请假申请已提交，请等待审批。")
    return redirect("activities:activity-detail", pk=pk)


@rule_required(permissions.LEAVE_DECIDE)
def leave_list_page(request: HttpRequest) -> HttpResponse:
    """Leave requests to decide (pending first), with the history below."""
    show_all = request.GET.get("all") == "1"
    qs = selectors.leave_requests(viewer=request.user, pending_only=not show_all).order_by("status", "-created_at")
    return render(request, "activities/leave_list.html", {"page": paginate(request, qs), "show_all": show_all})


@require_POST
@rule_required(permissions.LEAVE_DECIDE, "write")
def leave_decide_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or refuse one leave request."""
    leave = access_by_id(request.user, LeaveRequest, pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.leave_request_decide(
            actor=request.user, leave=leave, approve=approve, note=request.POST.get("note", "")
        )
    except WorkflowError as exc:
        messages.error(request, exc.message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已{'批准' if approve else '不批准'}{leave.member}的请假。")
    return redirect(_local_next(request) or reverse("activities:leave-list"))


# ---- member's own pages: invitations, reading log, calendar feed ----------------------------


@rule_required(permissions.READING)
def reading_page(request: HttpRequest) -> HttpResponse:
    """A member's reading log (phone first): add an entry, see this year's count against the pledge."""
    member = getattr(request.user, "member", None)
    form = ReadingLogForm(posted(request), viewer=request.user, initial={"date": clock.today()})
    if request.method == "POST":
        if not can(request.user, permissions.READING, "write"):
            raise PermissionDenied("只有委员本人可以填写读书学习记录。")
        if form.is_valid():
            try:
                services.reading_log_add(actor=request.user, data=dict(form.cleaned_data))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已记录。")
                return redirect("activities:reading")
    logs = selectors.reading_logs(viewer=request.user).order_by("-date", "-id")
    year = clock.today().year
    counts = dict(logs.filter(date__year=year).order_by().values_list("kind").annotate(n=Count("id"))) if member else {}
    pledge = [(value, label, counts.get(value, 0)) for value, label in ReadingLog.Kind.choices]
    return render(
        request,
        "activities/reading.html",
        {
            "form": form,
            "page": paginate(request, logs),
            "pledge": pledge,
            "year": year,
            "is_member": member is not None,
        },
    )


@rule_required(permissions.CALENDAR_FEED)
def my_activities_page(request: AuthedHttpRequest) -> HttpResponse:
    """A member's invitations from today on, with the private calendar feed link."""
    member = request.user.member
    if member is None:
        raise Http404
    if request.method == "POST" and request.POST.get("renew_feed"):
        services.feed_renew(actor=request.user, member=member)
        messages.success(request, "已生成新的订阅链接，旧链接已失效，请在日历应用中重新订阅。")
        return redirect("activities:mine")
    token = signin.feed_token(member.pk, services.feed_key(member))
    feed = request.build_absolute_uri(reverse("activity-feed", args=[token]))
    upcoming = selectors.my_upcoming(member=member, today=clock.today())
    return render(request, "activities/mine.html", {"rows": upcoming, "feed": feed})


# ---- cadence ---------------------------------------------------------------------------


@rule_required(permissions.CADENCE_REPORT)
def cadence_page(request: HttpRequest) -> HttpResponse:
    """The grid of rules × periods for a year, red where missed, with per-subject rows."""
    today = clock.today()
    year = query_year(request, today.year)
    committee = acting_committee(viewer=request.user)
    report = cadence_report(committee=committee, year=year, today=today)
    for rule in report["rules"]:
        labels = periods_of_year(rule["period"], year)
        rule["labels"] = [p.label for p in labels]
        rule["missed"] = sum(1 for row in rule["rows"] for c in row["periods"] if c["status"] == "missed")
        rule["met"] = sum(1 for row in rule["rows"] for c in row["periods"] if c["status"] == "met")
        rule["lacking"] = [m for row in rule["rows"] for c in row["periods"] for m in c.get("lacking", [])]
        rule["scope_label"] = CadenceRule.Scope(rule["scope"]).label
        rule["period_label"] = CadenceRule.Period(rule["period"]).label
        rule["many"] = len(rule["rows"]) > SUMMARY_ABOVE
        if rule["many"]:
            # Hundreds of members × 53 weeks is too much for one page: a summary row, the rows on request.
            rule["summary"] = [
                {
                    "met": sum(1 for row in rule["rows"] if row["periods"][i]["status"] == "met"),
                    "missed": sum(1 for row in rule["rows"] if row["periods"][i]["status"] == "missed"),
                }
                for i in range(len(labels))
            ]
            rule["total"] = len(rule["rows"])
            if str(rule["rule"]) == request.GET.get("rule"):
                rule["page"] = Paginator(rule["rows"], 50).get_page(request.GET.get("page"))
                rule["rows"] = rule["page"].object_list
            else:
                rule["rows"] = []
    return render(
        request,
        "activities/cadence.html",
        {"report": report, "year": year, "years": range(today.year - 4, today.year + 1)},
    )


@rule_required(permissions.CADENCE_REPORT)
def cadence_cell_page(request: HttpRequest, rule_id: int) -> HttpResponse:
    """The records behind one cell of the report: the activities (or reading entries) that count."""
    rule = access_by_id(request.user, CadenceRule, rule_id)
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
        end = date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        raise Http404 from None
    subject = _int(request.GET.get("subject"), 0, 1, 2**62)
    records = cadence_cell_records(rule=rule, subject_id=subject, start=start, end=end)
    lacking = set(lacks_first_topic(records).values_list("pk", flat=True)) if rule.first_topic else set()
    return render(
        request,
        "activities/cadence_cell.html",
        {
            "rule": rule,
            "start": start,
            "end": end,
            "records": records[:500],
            "reading": rule.source == "reading",
            "subject_name": request.GET.get("name", ""),
            "lacking": lacking,
        },
    )
