"""REST endpoints of notices, online deliberation, self-reports, activity guests and the library."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponse
from django.urls import URLPattern
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from luzhi.accounts.requests import AuthedRequest
from luzhi.core import schema
from luzhi.core.api import ScopedModelViewSet, as_id, request_dict
from luzhi.core.documents import document_response
from luzhi.core.errors import WorkflowError
from luzhi.core.filters import YearFilter
from luzhi.core.scoping import access_by_id
from luzhi.org.filters import IdFilter
from luzhi.participation import permissions, selectors, services
from luzhi.participation import serializers as s
from luzhi.participation.documents import topic_summary_document
from luzhi.participation.models import (
    ActivityGuest,
    Material,
    Notice,
    Post,
    SelfReport,
    StudyEntry,
    Theme,
    Topic,
)

_PARSERS = [JSONParser, MultiPartParser, FormParser]


def _files(request: Request, name: str = "files") -> list[Any]:
    return list(request.FILES.getlist(name)) if hasattr(request, "FILES") else []


def _forbidden(exc: PermissionDenied) -> exceptions.PermissionDenied:
    return exceptions.PermissionDenied(str(exc) or "无权这样做。")


# ---- notices ---------------------------------------------------------------------------------


class NoticeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Notice.Kind.choices, label="类别")
    unread = django_filters.BooleanFilter(method="filter_unread", label="未读")

    class Meta:
        model = Notice
        fields: list[str] = []

    def filter_unread(self, qs: models.QuerySet, name: str, value: bool) -> models.QuerySet:
        return qs.filter(my_read_at__isnull=value) if value is not None else qs


class NoticeViewSet(ScopedModelViewSet):
    """Notices and government briefings; opening one marks it read for the member who opens it."""

    model = Notice
    serializer_class = s.NoticeSerializer
    permission_rule = permissions.NOTICES
    filterset_class = NoticeFilter
    paged_actions = ("receipts",)  # the other actions answer plain lists (core.schema.AutoSchema)
    parser_classes = _PARSERS
    xlsx_filename = "notices"
    http_method_names = ["get", "post", "head", "options"]
    action_rules = {
        "receipts": (permissions.RECEIPTS, "read"),
        "remind": (permissions.RECEIPTS, "write"),
        "attach": (permissions.NOTICES, "write"),
    }

    def get_queryset(self):  # type: ignore[override]
        return selectors.notice_list(viewer=self.request.user).prefetch_related("attachments", "members")

    def create_object(self, data: dict[str, Any]) -> Notice:
        data.pop("files", None)
        return services.notice_publish(
            actor=self.request.user, files=_files(self.request), members=data.pop("members", []), **data
        )

    def perform_create(self, serializer: Any) -> None:
        super().perform_create(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        notice = self.get_object()
        if services.notice_open(actor=request.user, notice=notice) is not None:
            notice = self.get_queryset().get(pk=notice.pk)
        return Response(self.get_serializer(notice).data)

    @extend_schema(responses=s.ReceiptSerializer(many=True))
    @action(detail=True, methods=["get"])
    def receipts(self, request: Request, pk: Any = None) -> Response:
        """Who the notice went to and when each read it (unread first)."""
        notice = self.get_object()
        rows = selectors.notice_receipts(notice=notice)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.ReceiptSerializer(page, many=True).data)

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: Any = None) -> Response:
        """Remind every recipient who has not read the notice yet (a new message each time)."""
        reminded = services.notice_remind(actor=request.user, notice=self.get_object())
        return Response({"reminded": reminded})

    @extend_schema(request={"multipart/form-data": dict}, responses={201: s.AttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attach(self, request: Request, pk: Any = None) -> Response:
        """Add an attachment (an image or a document) to a published notice."""
        notice = self.get_object()
        file = request.FILES.get("file")
        if file is None:
            raise exceptions.ValidationError({"file": ["请选择文件。"]})
        attachment = services.notice_attach(actor=request.user, notice=notice, file=file)
        return Response(s.AttachmentSerializer(attachment).data, status=201)


# ---- online deliberation ---------------------------------------------------------------------


class TopicFilter(django_filters.FilterSet):
    open = django_filters.BooleanFilter(method="filter_open", label="进行中")

    class Meta:
        model = Topic
        fields: list[str] = []

    def filter_open(self, qs: models.QuerySet, name: str, value: bool) -> models.QuerySet:
        if value is None:
            return qs
        return qs.filter(selectors.open_topic_q()) if value else qs.exclude(selectors.open_topic_q())


class TopicViewSet(ScopedModelViewSet):
    model = Topic
    serializer_class = s.TopicSerializer
    permission_rule = permissions.TOPICS
    filterset_class = TopicFilter
    xlsx_filename = "deliberation-topics"
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_rules = {
        "close": (permissions.MODERATE, "write"),
        "summary": (permissions.MODERATE, "read"),
    }

    def get_queryset(self):  # type: ignore[override]
        return selectors.topic_list(viewer=self.request.user)

    def create_object(self, data: dict[str, Any]) -> Topic:
        return services.topic_open(actor=self.request.user, committee=data.pop("committee"), data=data)

    def perform_create(self, serializer: Any) -> None:
        super().perform_create(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        """Close the topic now (it closes by itself after its closing date)."""
        topic = services.topic_close(actor=request.user, topic=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=topic.pk)).data)

    @extend_schema(responses=schema.DOCX)
    @action(detail=True, methods=["get"])
    def summary(self, request: Request, pk: Any = None) -> HttpResponse:
        """The consultation summary of a closed topic as DOCX (suggestions by theme, with their authors)."""
        topic = self.get_object()
        if topic.is_open():
            raise WorkflowError("议题尚未结束，结束后才能汇总。")
        return document_response(topic_summary_document(topic), "docx", f"网络议政汇总-{topic.pk}")


class PostFilter(django_filters.FilterSet):
    topic = IdFilter(field_name="topic_id", label="议题")
    author = IdFilter(field_name="author_id", label="委员")
    theme = IdFilter(field_name="theme_id", label="主题")
    hidden = django_filters.BooleanFilter(field_name="hidden", label="已隐藏")

    class Meta:
        model = Post
        fields: list[str] = []


class PostViewSet(ScopedModelViewSet):
    """Suggestions and replies: members of the topic's audience post while it is open."""

    request: AuthedRequest  # behind IsAuthenticated: an account

    model = Post
    serializer_class = s.PostSerializer
    permission_rule = permissions.POSTS
    filterset_class = PostFilter
    xlsx_filename = "deliberation-posts"
    http_method_names = ["get", "post", "head", "options"]
    action_rules = {
        "hide": (permissions.MODERATE, "write"),
        "theme": (permissions.MODERATE, "write"),
        "to_proposal": (permissions.MODERATE, "write"),
        "to_opinion": (permissions.MODERATE, "write"),
    }

    def get_queryset(self):  # type: ignore[override]
        return selectors.post_list(viewer=self.request.user)

    def create_object(self, data: dict[str, Any]) -> Post:
        user = self.request.user
        # The topic of the own committee is fetched unscoped by audience: a member outside it gets 403, not 404.
        # A None id (no committee, no valid id) matches no row; the stubs want a value.
        topic = Topic.objects.filter(
            committee_id=user.committee_id,  # type: ignore[misc]
            pk=as_id(data.get("topic_id")),  # type: ignore[misc]
        ).first()
        if topic is None:
            raise Http404
        parent = None
        if data.get("parent_id") is not None:
            parent = Post.objects.filter(topic=topic, pk=as_id(data["parent_id"])).first()  # type: ignore[misc]  # None: no row
            if parent is None:
                raise exceptions.ValidationError({"parent": ["只能回复本议题下的发言。"]})
        try:
            return services.post_create(actor=user, topic=topic, text=data.get("text", ""), parent=parent)
        except PermissionDenied as exc:
            raise _forbidden(exc) from None

    def _reason(self, request: Request) -> str:
        body = s.ReasonSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        return body.validated_data["reason"]

    @extend_schema(request=s.ReasonSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request: Request, pk: Any = None) -> Response:
        """Hide the post from members, with a reason (its text stays in the audit log)."""
        post = services.post_hide(actor=request.user, post=self.get_object(), reason=self._reason(request))
        return Response(self.get_serializer(post).data)

    @extend_schema(request=s.ThemeChoiceSerializer)
    @action(detail=True, methods=["post"])
    def theme(self, request: Request, pk: Any = None) -> Response:
        """Group the suggestion under a theme of its topic (null: ungrouped)."""
        post = self.get_object()
        body = s.ThemeChoiceSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        theme = None
        if body.validated_data["theme"] is not None:
            theme = Theme.objects.filter(topic_id=post.topic_id, pk=body.validated_data["theme"]).first()
            if theme is None:
                raise exceptions.ValidationError({"theme": ["只能归入本议题的主题。"]})
        post = services.post_set_theme(actor=request.user, post=post, theme=theme)
        return Response(self.get_serializer(post).data)

    @extend_schema(request=s.ConvertSerializer, responses={201: dict})
    @action(detail=True, methods=["post"], url_path="to-proposal")
    def to_proposal(self, request: Request, pk: Any = None) -> Response:
        """Turn the suggestion into a draft proposal of its author."""
        body = s.ConvertSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        proposal = services.post_to_proposal(actor=request.user, post=self.get_object(), **body.validated_data)
        return Response({"proposal": proposal.pk, "lead": proposal.lead_id, "status": proposal.status}, status=201)

    @extend_schema(request=s.ConvertSerializer, responses={201: dict})
    @action(detail=True, methods=["post"], url_path="to-opinion")
    def to_opinion(self, request: Request, pk: Any = None) -> Response:
        """Turn the suggestion into an opinion report credited to its author."""
        body = s.ConvertSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        report = services.post_to_opinion(actor=request.user, post=self.get_object(), **body.validated_data)
        return Response({"opinion": report.pk, "author": report.author_id, "status": report.status}, status=201)


class ThemeViewSet(ScopedModelViewSet):
    model = Theme
    serializer_class = s.ThemeSerializer
    permission_rule = permissions.MODERATE
    filterset_fields = ["topic"]
    xlsx_filename = "deliberation-themes"

    def get_queryset(self):  # type: ignore[override]
        return selectors.theme_list(viewer=self.request.user)


# ---- duty self-reports -------------------------------------------------------------------------


class SelfReportFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SelfReport.Status.choices, label="状态")
    kind = django_filters.ChoiceFilter(choices=SelfReport.Kind.choices, label="类别")
    member = IdFilter(field_name="member_id", label="委员")
    year = YearFilter(field_name="date", lookup_expr="year", label="年度")

    class Meta:
        model = SelfReport
        fields: list[str] = []


class SelfReportViewSet(ScopedModelViewSet):
    """Duty self-reports (履职备案): members file with evidence, the office verifies or returns them."""

    model = SelfReport
    serializer_class = s.SelfReportSerializer
    permission_rule = permissions.SELF_REPORTS
    filterset_class = SelfReportFilter
    parser_classes = _PARSERS
    xlsx_filename = "self-reports"
    http_method_names = ["get", "post", "head", "options"]
    action_rules = {
        "verify": (permissions.VERIFY, "write"),
        "return_": (permissions.VERIFY, "write"),
        "resubmit": (permissions.SELF_REPORTS, "write"),
    }

    def get_queryset(self):  # type: ignore[override]
        return selectors.self_report_list(viewer=self.request.user)

    def create_object(self, data: dict[str, Any]) -> SelfReport:
        data.pop("files", None)
        data.pop("committee", None)
        try:
            return services.self_report_file(actor=self.request.user, files=_files(self.request), **data)
        except PermissionDenied as exc:
            raise _forbidden(exc) from None

    def perform_create(self, serializer: Any) -> None:
        super().perform_create(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def _fresh(self, report: SelfReport) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: Any = None) -> Response:
        """Verify the report: it counts from now on (refused if the member attended an activity that day)."""
        return self._fresh(services.self_report_verify(actor=request.user, report=self.get_object()))

    @extend_schema(request=s.ReasonSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: Any = None) -> Response:
        """Return the report to its member with a reason."""
        body = s.ReasonSerializer(data=request_dict(request))
        body.is_valid(raise_exception=True)
        report = services.self_report_return(
            actor=request.user, report=self.get_object(), reason=body.validated_data["reason"]
        )
        return self._fresh(report)

    @extend_schema(request=s.SelfReportSerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request: Request, pk: Any = None) -> Response:
        """File a returned report again, corrected."""
        report = self.get_object()
        body = s.SelfReportSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = {k: v for k, v in body.validated_data.items() if k != "files"}
        try:
            report = services.self_report_resubmit(actor=request.user, report=report, data=data, files=_files(request))
        except PermissionDenied as exc:
            raise _forbidden(exc) from None
        return self._fresh(report)


# ---- guests and the library --------------------------------------------------------------------


class GuestViewSet(ScopedModelViewSet):
    """External guests of an activity (特邀人员): recorded by name and organisation, no accounts."""

    model = ActivityGuest
    serializer_class = s.GuestSerializer
    permission_rule = permissions.GUESTS
    filterset_fields = ["activity", "role"]
    xlsx_filename = "activity-guests"

    def get_queryset(self):  # type: ignore[override]
        return selectors.guest_list(viewer=self.request.user)


class MaterialFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Material.Kind.choices, label="类别")
    recommended = django_filters.BooleanFilter(field_name="recommended", label="荐读")

    class Meta:
        model = Material
        fields: list[str] = []


class MaterialViewSet(ScopedModelViewSet):
    """The library: rules (章程, 工作规则, 考核办法) and study materials with the recommended list (荐读)."""

    model = Material
    serializer_class = s.MaterialSerializer
    permission_rule = permissions.LIBRARY
    filterset_class = MaterialFilter
    xlsx_filename = "library"

    def get_queryset(self):  # type: ignore[override]
        return selectors.material_list(viewer=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        super().perform_create(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer: Any) -> None:
        super().perform_update(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


class StudyEntryFilter(django_filters.FilterSet):
    material = IdFilter(field_name="material_id", label="资料")
    member = IdFilter(field_name="member_id", label="委员")
    kind = django_filters.ChoiceFilter(choices=StudyEntry.Kind.choices, label="类型")

    class Meta:
        model = StudyEntry
        fields: list[str] = []


class StudyEntryViewSet(ScopedModelViewSet):
    """读、讲、评 against a material; reading is also written to the member's reading log."""

    model = StudyEntry
    serializer_class = s.StudyEntrySerializer
    permission_rule = permissions.STUDY
    filterset_class = StudyEntryFilter
    xlsx_filename = "study-entries"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):  # type: ignore[override]
        return selectors.study_entry_list(viewer=self.request.user)

    def create_object(self, data: dict[str, Any]) -> StudyEntry:
        material = access_by_id(self.request.user, Material, data["material"].pk)
        try:
            return services.study_log(
                actor=self.request.user,
                material=material,
                kind=data["kind"],
                date=data["date"],
                text=data.get("text", ""),
            )
        except PermissionDenied as exc:
            raise _forbidden(exc) from None


def register(router: SimpleRouter) -> list[URLPattern]:
    """Add the members' channels to the API router."""
    router.register("notices", NoticeViewSet, basename="notice")
    router.register("deliberation-topics", TopicViewSet, basename="deliberation-topic")
    router.register("deliberation-posts", PostViewSet, basename="deliberation-post")
    router.register("deliberation-themes", ThemeViewSet, basename="deliberation-theme")
    router.register("self-reports", SelfReportViewSet, basename="self-report")
    router.register("activity-guests", GuestViewSet, basename="activity-guest")
    router.register("library-materials", MaterialViewSet, basename="library-material")
    router.register("study-entries", StudyEntryViewSet, basename="study-entry")
    return []
