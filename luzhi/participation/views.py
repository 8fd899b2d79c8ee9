"""Pages of the members' channels: notices, online deliberation, self-reports, guests and the library.

Phone-first: a member reads, posts and files from a phone; the office works the same pages on a desk.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from luzhi.activities.models import Activity
from luzhi.core import clock
from luzhi.core.api import as_id
from luzhi.core.documents import document_response
from luzhi.core.errors import WorkflowError
from luzhi.core.pages import add_service_errors, paginate, posted, require, rule_required
from luzhi.core.permissions import can
from luzhi.core.scoping import access_by_id, visible_to
from luzhi.core.services import object_create
from luzhi.core.uploads import upload_response
from luzhi.org.selectors import acting_committee
from luzhi.participation import forms as f
from luzhi.participation import permissions, selectors, services
from luzhi.participation.documents import topic_summary_document
from luzhi.participation.models import (
    ActivityGuest,
    Evidence,
    Material,
    Notice,
    NoticeAttachment,
    Post,
    SelfReport,
    StudyEntry,
    Theme,
    Topic,
)


def home_page(request: HttpRequest) -> HttpResponse:
    return redirect("participation:notices")


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(m for v in getattr(exc, "message_dict", {"": exc.messages}).values() for m in v)
    return getattr(exc, "message", None) or str(exc) or "无权这样做。"


# ---- notices -------------------------------------------------------------------------------


@rule_required(permissions.NOTICES)
def notices_page(request: HttpRequest) -> HttpResponse:
    """The notices sent to me (members) or all notices with their read counts (office)."""
    qs = selectors.notice_list(viewer=request.user)
    kind = request.GET.get("kind", "")
    if kind in ("notice", "briefing"):
        qs = qs.filter(kind=kind)
    if request.GET.get("unread") == "1":
        qs = qs.filter(my_read_at__isnull=True)  # type: ignore[misc]  # annotated by notice_list
    return render(
        request,
        "participation/notices.html",
        {"page": paginate(request, qs), "kind": kind, "office": permissions.is_office(request.user)},
    )


@rule_required(permissions.NOTICES, "write")
def notice_new_page(request: HttpRequest) -> HttpResponse:
    form = f.NoticeForm(posted(request), request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "files"}
        try:
            notice = services.notice_publish(
                actor=request.user,
                committee=acting_committee(viewer=request.user),
                files=request.FILES.getlist("files"),
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已发布，送达 {notice.receipts.count()} 位委员。")
            return redirect("participation:notice", pk=notice.pk)
    return render(request, "participation/notice_form.html", {"form": form})


@rule_required(permissions.NOTICES)
def notice_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One notice; opening it marks it read. The office sees who has read it and may remind the others."""
    notice = access_by_id(request.user, Notice, pk)
    office = permissions.is_office(request.user)
    if request.method == "POST":
        require(request.user, permissions.RECEIPTS, "write")
        try:
            n = services.notice_remind(actor=request.user, notice=notice)
            messages.success(request, f"已提醒 {n} 位未读委员。")
        except WorkflowError as exc:
            messages.info(request, exc.message)
        return redirect("participation:notice", pk=pk)
    services.notice_open(actor=request.user, notice=notice)
    notice = selectors.notice_list(viewer=request.user).get(pk=pk)
    receipts = paginate(request, selectors.notice_receipts(notice=notice), per_page=100) if office else None
    return render(
        request,
        "participation/notice.html",
        {"notice": notice, "attachments": notice.attachments.all(), "receipts": receipts, "office": office},
    )


# ---- online deliberation -----------------------------------------------------------------------


@rule_required(permissions.TOPICS)
def topics_page(request: HttpRequest) -> HttpResponse:
    qs = selectors.topic_list(viewer=request.user)
    state = request.GET.get("state", "")
    if state == "open":
        qs = qs.filter(selectors.open_topic_q())
    elif state == "closed":
        qs = qs.exclude(selectors.open_topic_q())
    return render(
        request,
        "participation/topics.html",
        {"page": paginate(request, qs), "state": state, "office": permissions.is_office(request.user)},
    )


@rule_required(permissions.TOPICS, "write")
def topic_new_page(request: HttpRequest) -> HttpResponse:
    form = f.TopicForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_open(
                actor=request.user, committee=acting_committee(viewer=request.user), data=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "议题已发布。")
            return redirect("participation:topic", pk=topic.pk)
    return render(request, "participation/topic_form.html", {"form": form})


@rule_required(permissions.TOPICS)
def topic_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A topic: background, suggestions with replies, the post form for its audience; moderation for the office."""
    topic = access_by_id(request.user, Topic, pk, qs=selectors.topic_list(viewer=request.user))
    office = permissions.is_office(request.user)
    member = getattr(request.user, "member", None)
    may_post = can(request.user, permissions.POSTS, "write") and topic.reaches(member) and topic.is_open()
    form = f.PostForm(posted(request)) if may_post else None
    if request.method == "POST":
        if form is None:
            if not topic.is_open():
                messages.error(request, "议题已截止，不能再发言。")
                return redirect("participation:topic", pk=pk)
            raise PermissionDenied("本议题不面向您，不能发言。")
        if form.is_valid():
            parent = None
            if form.cleaned_data.get("parent"):
                parent = Post.objects.filter(topic=topic, pk=form.cleaned_data["parent"]).first()
            try:
                post = services.post_create(
                    actor=request.user, topic=topic, text=form.cleaned_data["text"], parent=parent
                )
            except (ValidationError, WorkflowError) as exc:
                messages.error(request, _message(exc))
            else:
                messages.success(request, "建议已发表。")
                return redirect(f"{request.path}#post-{post.pk}")
    posts = selectors.post_list(viewer=request.user).filter(topic=topic)
    top = list(
        posts.filter(parent__isnull=True).prefetch_related(
            Prefetch("replies", queryset=posts.filter(parent__isnull=False), to_attr="visible_replies")
        )
    )
    return render(
        request,
        "participation/topic.html",
        {
            "topic": topic,
            "posts": top,
            "form": form,
            "office": office,
            "themes": list(topic.themes.all()) if office else [],
            "is_open": topic.is_open(),
        },
    )


@rule_required(permissions.MODERATE, "write")
def topic_action_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The office's steps on a topic: close it, add a theme."""
    topic = access_by_id(request.user, Topic, pk)
    if request.method != "POST":
        return redirect("participation:topic", pk=pk)
    step = request.POST.get("action")
    try:
        if step == "close":
            services.topic_close(actor=request.user, topic=topic)
            messages.success(request, "议题已结束。")
        elif step == "theme":
            object_create(
                actor=request.user,
                model=Theme,
                data={
                    "committee": topic.committee,
                    "topic": topic,
                    "name": request.POST.get("name", "").strip()[:100],
                    "order": topic.themes.count() + 1,
                },
            )
            messages.success(request, "已添加主题。")
    except (ValidationError, WorkflowError) as exc:
        messages.error(request, _message(exc))
    return redirect("participation:topic", pk=pk)


@rule_required(permissions.MODERATE, "write")
def post_action_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The office's steps on a post: hide with a reason, group under a theme, convert to a proposal or report."""
    post = access_by_id(request.user, Post, pk)
    if request.method != "POST":
        return redirect("participation:topic", pk=post.topic_id)
    step = request.POST.get("action")
    try:
        if step == "hide":
            services.post_hide(actor=request.user, post=post, reason=request.POST.get("reason", ""))
            messages.success(request, "已隐藏该发言。")
        elif step == "theme":
            raw = request.POST.get("theme", "")
            theme = Theme.objects.filter(topic_id=post.topic_id, pk=int(raw)).first() if raw.isdigit() else None
            services.post_set_theme(actor=request.user, post=post, theme=theme)
            messages.success(request, "已归类。")
        elif step == "to_proposal":
            proposal = services.post_to_proposal(actor=request.user, post=post)
            messages.success(request, f"已转为{post.author.name}的提案草稿（#{proposal.pk}）。")
        elif step == "to_opinion":
            report = services.post_to_opinion(actor=request.user, post=post)
            messages.success(request, f"已转为{post.author.name}的社情民意信息（#{report.pk}）。")
    except (ValidationError, WorkflowError) as exc:
        messages.error(request, _message(exc))
    return redirect(f"/participation/topics/{post.topic_id}/#post-{post.pk}")


@rule_required(permissions.MODERATE)
def topic_summary_page(request: HttpRequest, pk: int) -> HttpResponse:
    topic = access_by_id(request.user, Topic, pk)
    if topic.is_open():
        messages.error(request, "议题尚未结束，结束后才能汇总。")
        return redirect("participation:topic", pk=pk)
    return document_response(topic_summary_document(topic), "docx", f"网络议政汇总-{topic.pk}", request=request)


# ---- duty self-reports ---------------------------------------------------------------------------


@rule_required(permissions.SELF_REPORTS)
def reports_page(request: HttpRequest) -> HttpResponse:
    """My self-reports (members) or the office's queue, pending first."""
    qs = selectors.self_report_list(viewer=request.user)
    status = request.GET.get("status", "")
    if status in SelfReport.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "participation/reports.html",
        {
            "page": paginate(request, qs),
            "status": status,
            "statuses": SelfReport.Status.choices,
            "office": permissions.is_office(request.user),
            "may_file": can(request.user, permissions.SELF_REPORTS, "write"),
        },
    )


@rule_required(permissions.SELF_REPORTS, "write")
def report_new_page(request: HttpRequest) -> HttpResponse:
    form = f.SelfReportForm(posted(request), request.FILES or None, initial={"date": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "files"}
        try:
            report = services.self_report_file(actor=request.user, files=request.FILES.getlist("files"), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "履职备案已提交，待办公室核实。")
            return redirect("participation:report", pk=report.pk)
    return render(request, "participation/report_form.html", {"form": form})


@rule_required(permissions.SELF_REPORTS)
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One self-report with its evidence; the office verifies it or returns it with a reason."""
    report = access_by_id(request.user, SelfReport, pk, qs=selectors.self_report_list(viewer=request.user))
    office = permissions.is_office(request.user)
    form = f.ReasonForm(posted(request) if request.POST.get("action") == "return" else None)
    if request.method == "POST":
        require(request.user, permissions.VERIFY, "write")
        step = request.POST.get("action")
        try:
            if step == "verify":
                services.self_report_verify(actor=request.user, report=report)
                messages.success(request, "已核实。")
                return redirect("participation:report", pk=pk)
            if step == "return" and form.is_valid():
                services.self_report_return(actor=request.user, report=report, reason=form.cleaned_data["reason"])
                messages.success(request, "已退回。")
                return redirect("participation:report", pk=pk)
        except (ValidationError, WorkflowError) as exc:
            messages.error(request, _message(exc))
            return redirect("participation:report", pk=pk)
    return render(
        request,
        "participation/report.html",
        {"report": report, "office": office, "form": form, "pending": report.status == SelfReport.Status.PENDING},
    )


# ---- guests ----------------------------------------------------------------------------------------


@rule_required(permissions.GUESTS)
def guests_page(request: HttpRequest) -> HttpResponse:
    """The external guests of one activity (or of recent activities), with the add form for staff."""
    activities = visible_to(Activity.objects.all(), request.user).order_by("-start", "-id")
    raw = request.GET.get("activity", "")
    activity = access_by_id(request.user, Activity, pk) if (pk := as_id(raw)) is not None else None
    writes = can(request.user, permissions.GUESTS, "write")
    form = f.GuestForm(posted(request)) if activity and writes else None
    if request.method == "POST":
        if form is None or activity is None:  # a form only for an activity
            raise PermissionDenied("请选择活动。")
        if form.is_valid():
            try:
                object_create(
                    actor=request.user,
                    model=ActivityGuest,
                    data={**form.cleaned_data, "activity": activity, "committee": activity.committee},
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已添加特邀人员。")
                return redirect(f"{request.path}?activity={activity.pk}")
    guests = selectors.guest_list(viewer=request.user)
    guests = guests.filter(activity=activity) if activity else guests.order_by("-activity__start", "id")
    return render(
        request,
        "participation/guests.html",
        {"activity": activity, "activities": activities[:100], "page": paginate(request, guests), "form": form},
    )


# ---- the library -----------------------------------------------------------------------------------


@rule_required(permissions.LIBRARY)
def library_page(request: HttpRequest) -> HttpResponse:
    """The rules and study materials, the recommended list (荐读) first."""
    qs = selectors.material_list(viewer=request.user)
    kind = request.GET.get("kind", "")
    if kind in Material.Kind.values:
        qs = qs.filter(kind=kind)
    form = None
    if permissions.is_office(request.user):
        form = f.MaterialForm(posted(request))
        if request.method == "POST" and form.is_valid():
            try:
                material = object_create(
                    actor=request.user,
                    model=Material,
                    data={**form.cleaned_data, "committee": acting_committee(viewer=request.user)},
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已加入书库。")
                return redirect("participation:material", pk=material.pk)
    elif request.method == "POST":
        raise PermissionDenied("只有办公室可以维护书库。")
    return render(
        request,
        "participation/library.html",
        {
            "recommended": qs.filter(recommended=True)[:10] if not kind else [],
            "page": paginate(request, qs),
            "kind": kind,
            "kinds": Material.Kind.choices,
            "form": form,
        },
    )


@rule_required(permissions.LIBRARY)
def material_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One material with its talks and reviews; a member logs 读、讲、评 here."""
    material = access_by_id(request.user, Material, pk, qs=selectors.material_list(viewer=request.user))
    writes = can(request.user, permissions.STUDY, "write")
    form = f.StudyForm(posted(request), initial={"date": clock.today(), "kind": "read"}) if writes else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("只有委员可以记录读讲评。")
        if form.is_valid():
            try:
                services.study_log(actor=request.user, material=material, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已记录。")
                return redirect("participation:material", pk=pk)
    entries = selectors.study_entry_list(viewer=request.user).filter(material=material)
    return render(
        request,
        "participation/material.html",
        {
            "material": material,
            "entries": entries.exclude(kind=StudyEntry.Kind.READ)[:100],
            "readers": entries.filter(kind=StudyEntry.Kind.READ).count(),
            "form": form,
        },
    )


# ---- files ---------------------------------------------------------------------------------------


def _serve(field: Any, name: str) -> FileResponse:
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except OSError:
        raise Http404 from None
    return upload_response(handle, name=name)


@rule_required(permissions.NOTICES)
def notice_file(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment, only for who may see its notice."""
    attachment = access_by_id(request.user, NoticeAttachment, pk)
    return _serve(attachment.file, attachment.name)


@rule_required(permissions.SELF_REPORTS)
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, only for its member and the office."""
    evidence = access_by_id(request.user, Evidence, pk)
    return _serve(evidence.file, evidence.name)


@rule_required(permissions.LIBRARY)
def library_file(request: HttpRequest, pk: int) -> FileResponse:
    material = access_by_id(request.user, Material, pk)
    return _serve(material.file, material.file.name.rsplit("/", 1)[-1] if material.file and material.file.name else "")
