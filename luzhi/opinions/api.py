"""REST endpoints of opinion reports, bulletins and grassroots records (API.md "Opinion reports")."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import URLPattern
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from luzhi.accounts.requests import AuthedRequest
from luzhi.core import schema
from luzhi.core.api import ScopedModelViewSet, as_id, request_dict
from luzhi.core.documents import document_response
from luzhi.core.periods import year_of_request
from luzhi.core.roles import Role
from luzhi.opinions import permissions, services
from luzhi.opinions import serializers as s
from luzhi.opinions.documents import bulletin_document
from luzhi.opinions.models import Bulletin, GrassrootsRecord, OpinionReport
from luzhi.opinions.selectors import (
    bulletin_list,
    grassroots_list,
    opinion_held,
    opinion_list,
    opinion_similar,
    opinion_statistics,
    opinion_trail,
)

_HANDLING_ACTIONS = ("update", "partial_update", "adopt", "forward", "instruction", "reject", "send")


def _own_member(user: Any, requested: Any) -> Any:
    """Members and leaders act as themselves; staff name the member they act for."""
    if user.role in (Role.MEMBER, Role.LEADER):
        if user.member is None:
            raise exceptions.PermissionDenied("您的账号未关联委员。")
        return user.member
    return requested


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request_dict(request))
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema(parameters=[OpenApiParameter("format", str, enum=["json", "xlsx"])])
class OpinionReportViewSet(ScopedModelViewSet):
    model = OpinionReport
    serializer_class = s.OpinionReportSerializer
    permission_rule = permissions.REPORTS
    xlsx_filename = "opinions"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]  # reports are rejected, not deleted
    action_rules = {a: (permissions.HANDLING, "write") for a in _HANDLING_ACTIONS}

    def get_queryset(self):  # type: ignore[override]
        qs = opinion_list(viewer=self.request.user)
        status = self.request.query_params.get("status")
        if self.action == "list" and status in OpinionReport.Status.values:
            qs = qs.filter(status=status)
        if self.action == "list" and self.request.query_params.get("queue") == "true":
            qs = qs.filter(holder_id=self.request.user.committee_id)
        return qs

    def get_object(self) -> OpinionReport:
        if self.action in _HANDLING_ACTIONS:
            return opinion_held(viewer=self.request.user, pk=self.kwargs["pk"])
        return super().get_object()

    def create_object(self, data: dict[str, Any]) -> OpinionReport:
        user = self.request.user
        return services.opinion_submit(
            actor=user,
            committee=data["committee"],
            title=data.get("title", ""),
            content=data.get("content", ""),
            author=_own_member(user, data.get("author")),
        )

    def update_object(self, instance: OpinionReport, data: dict[str, Any]) -> OpinionReport:
        return services.opinion_edit(
            actor=self.request.user,
            report=instance,
            title=data.get("title", instance.title),
            content=data.get("content", instance.content),
        )

    def _result(self, report: OpinionReport) -> Response:
        return Response(self.get_serializer(opinion_list(viewer=self.request.user).get(pk=report.pk)).data)

    @extend_schema(request=s.AdoptSerializer, responses=s.OpinionReportSerializer)
    @action(detail=True, methods=["post"])
    def adopt(self, request: Request, pk: Any = None) -> Response:
        """Adopt the report into the holder's bulletin; credited at the holder's level."""
        report = self.get_object()
        data = _valid(s.AdoptSerializer, request)
        services.opinion_adopt(actor=request.user, report=report, issue=data.get("issue", ""), date=data.get("date"))
        return self._result(report)

    @extend_schema(request=None, responses=s.OpinionReportSerializer)
    @action(detail=True, methods=["post"])
    def forward(self, request: Request, pk: Any = None) -> Response:
        """Forward the report to the holder's parent committee."""
        report = services.opinion_forward(actor=request.user, report=self.get_object())
        return self._result(report)

    @extend_schema(request=s.InstructionInputSerializer, responses=s.OpinionReportSerializer)
    @action(detail=True, methods=["post"])
    def instruction(self, request: Request, pk: Any = None) -> Response:
        """Record a leader's instruction (批示) with the leader's level."""
        report = self.get_object()
        data = _valid(s.InstructionInputSerializer, request)
        services.opinion_instruct(actor=request.user, report=report, **data)
        return self._result(report)

    @extend_schema(request=s.RejectSerializer, responses=s.OpinionReportSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: Any = None) -> Response:
        """Decline the report with a reason."""
        report = self.get_object()
        data = _valid(s.RejectSerializer, request)
        services.opinion_reject(actor=request.user, report=report, reason=data["reason"])
        return self._result(report)

    @extend_schema(request=s.SendSerializer, responses=s.OpinionReportSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: Any = None) -> Response:
        """Record that the adopted report went to a party committee or government department."""
        report = self.get_object()
        data = _valid(s.SendSerializer, request)
        services.opinion_send(actor=request.user, report=report, recipient=data["recipient"])
        return self._result(report)

    @extend_schema(responses=s.EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def trail(self, request: Request, pk: Any = None) -> Response:
        """Every step taken on the report, oldest first."""
        return Response(s.EventSerializer(opinion_trail(report=self.get_object()), many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("text", str, required=True),
            OpenApiParameter("limit", int),
            OpenApiParameter("exclude", int),
        ],
        responses=s.SimilarSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def similar(self, request: Request) -> Response:
        """Earlier reports that read like the text (duplicate hints), best first."""
        text = request.query_params.get("text", "")[:5000]
        limit = as_id(request.query_params.get("limit", 5)) or 5
        exclude = as_id(request.query_params.get("exclude", "")) if request.query_params.get("exclude") else None
        return Response(opinion_similar(viewer=request.user, text=text, limit=min(limit, 20), exclude_id=exclude))

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"], url_path="stats")
    def stats(self, request: AuthedRequest) -> Response:
        """Reports by author, sector and status; adoptions and instructions by level; grassroots on time."""
        if not (request.user.is_superuser or request.user.role in permissions.STATISTICS.read):
            raise exceptions.PermissionDenied("您的角色无权查看统计。")
        year = year_of_request(request, default=0)
        return Response(opinion_statistics(viewer=request.user, year=year or None))


class BulletinViewSet(ScopedModelViewSet):
    model = Bulletin
    serializer_class = s.BulletinSerializer
    permission_rule = permissions.BULLETINS
    xlsx_filename = "bulletins"
    http_method_names = ["get", "post", "head", "options"]
    prefetch_related = ("entries", "reports")  # the serializer reads both (no query per issue)

    def create_object(self, data: dict[str, Any]) -> Bulletin:
        return services.bulletin_compose(
            actor=self.request.user,
            committee=data["committee"],
            year=data["year"],
            number=data["number"],
            reports=list(data.get("reports") or []),
            date=data.get("date"),
            title=data.get("title", "社情民意"),
        )

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        super().perform_create(serializer)
        created = serializer.instance  # set by the create
        serializer.instance = (
            bulletin_list(viewer=self.request.user).prefetch_related("entries").get(pk=getattr(created, "pk", None))
        )

    @extend_schema(responses=schema.DOCX)
    @action(detail=True, methods=["get"])
    def docx(self, request: Request, pk: Any = None) -> HttpResponse:
        """The issue as an editable DOCX in the official layout."""
        bulletin = self.get_object()
        return document_response(bulletin_document(bulletin), "docx", f"bulletin-{bulletin.year}-{bulletin.number}")

    @extend_schema(responses=schema.PDF)
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: Any = None) -> HttpResponse:
        """The issue as a PDF with its Chinese fonts embedded."""
        bulletin = self.get_object()
        return document_response(bulletin_document(bulletin), "pdf", f"bulletin-{bulletin.year}-{bulletin.number}")


@extend_schema(parameters=[OpenApiParameter("overdue", bool), OpenApiParameter("format", str, enum=["json", "xlsx"])])
class GrassrootsRecordViewSet(ScopedModelViewSet):
    request: AuthedRequest  # behind IsAuthenticated: an account

    model = GrassrootsRecord
    serializer_class = s.GrassrootsRecordSerializer
    permission_rule = permissions.GRASSROOTS
    xlsx_filename = "grassroots-records"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    select_related = ("member", "station")

    def get_queryset(self):  # type: ignore[override]
        overdue = self.request.query_params.get("overdue") in ("true", "1")
        qs = grassroots_list(viewer=self.request.user, overdue=overdue and self.action == "list")
        status = self.request.query_params.get("status")
        if self.action == "list" and status in GrassrootsRecord.Status.values:
            qs = qs.filter(status=status)
        return qs

    def create_object(self, data: dict[str, Any]) -> GrassrootsRecord:
        user = self.request.user
        member = _own_member(user, data.get("member"))
        if member is None:
            raise exceptions.ValidationError({"member": ["请选择委员（代委员记录时必填）。"]})
        return services.grassroots_record_create(
            actor=user,
            committee=data["committee"],
            member=member,
            station=data.get("station"),
            citizen=data.get("citizen", ""),
            demand=data.get("demand", ""),
            recorded_at=data.get("recorded_at"),
            due_date=data.get("due_date"),
            follow_up=data.get("follow_up", ""),
        )

    def update_object(self, instance: GrassrootsRecord, data: dict[str, Any]) -> GrassrootsRecord:
        if self.request.user.role in (Role.MEMBER, Role.LEADER):
            data.pop("member", None)
        return super().update_object(instance, data)

    @extend_schema(request=s.RespondSerializer, responses=s.GrassrootsRecordSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: Any = None) -> Response:
        """Record the answer the citizen got."""
        record = self.get_object()
        data = _valid(s.RespondSerializer, request)
        record = services.grassroots_respond(actor=request.user, record=record, text=data["text"])
        return Response(self.get_serializer(record).data)

    @extend_schema(request=s.ToOpinionSerializer, responses={201: s.OpinionReportSerializer})
    @action(detail=True, methods=["post"], url_path="to-opinion")
    def to_opinion(self, request: Request, pk: Any = None) -> Response:
        """Turn the record into an opinion report by its member."""
        record = self.get_object()
        data = _valid(s.ToOpinionSerializer, request)
        report = services.grassroots_to_opinion(actor=request.user, record=record, **data)
        report = opinion_list(viewer=request.user).get(pk=report.pk)
        return Response(s.OpinionReportSerializer(report, context=self.get_serializer_context()).data, status=201)


def register(router: SimpleRouter) -> list[URLPattern]:
    """Add this app's viewsets to the API router."""
    router.register("opinions", OpinionReportViewSet, basename="opinion")
    router.register("opinion-bulletins", BulletinViewSet, basename="opinion-bulletin")
    router.register("grassroots-records", GrassrootsRecordViewSet, basename="grassroots-record")
    return []
