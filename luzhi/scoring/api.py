"""REST endpoints of scoring (API.md "Study log and scoring")."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from luzhi.accounts.requests import AuthedRequest
from luzhi.core import clock, schema
from luzhi.core.api import ScopedModelViewSet, request_dict
from luzhi.core.periods import year_of_request
from luzhi.core.permissions import RolePermission
from luzhi.core.roles import Role
from luzhi.core.scoping import access_by_id
from luzhi.core.xlsx import XLSX_MIME
from luzhi.org.models import Committee, Member
from luzhi.org.selectors import committee_id_acted_for
from luzhi.scoring import documents, ledger, permissions, services
from luzhi.scoring import serializers as s
from luzhi.scoring.models import ScoreAppeal, ScoreRuleSet

YEAR_PARAM = OpenApiParameter("year", int, description="年度，默认今年")


def year_param(request: Any) -> int:
    """The ?year= of the request (this year when absent); anything else than a year of 1900..2999 is 400."""
    return year_of_request(request, default=clock.today().year)


def committee_of(request: Any) -> int:
    """The committee the caller reads (org's committee_acted_for; a superuser names one with ?committee=)."""
    return committee_id_acted_for(viewer=request.user, requested=request.GET.get("committee"))


def ledger_member(user: Any, pk: Any) -> Member:
    """The member whose ledger the user may read: a member only themself (anyone else is 404)."""
    member = access_by_id(user, Member, pk)
    if not user.is_superuser and user.role == Role.MEMBER and member.pk != user.member_id:
        raise Http404
    return member


def _django_400(exc: ValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class FileNegotiation(DefaultContentNegotiation):
    """`?format=docx|pdf|xlsx` picks a generated file, not a DRF renderer: errors still answer in JSON."""

    def select_renderer(self, request: Request, renderers: Any, format_suffix: str | None = None) -> tuple:
        return renderers[0], renderers[0].media_type


class ScoreRuleSetViewSet(ScopedModelViewSet):
    """One rule set per committee and year; a new year without items starts as a copy of the last."""

    model = ScoreRuleSet
    serializer_class = s.ScoreRuleSetSerializer
    permission_rule = permissions.RULE_SETS
    xlsx_filename = "score-rules"

    def get_queryset(self) -> QuerySet:
        qs = super().get_queryset()
        year = year_of_request(self.request, default=0)
        return qs.filter(year=year) if year else qs

    def create_object(self, data: dict[str, Any]) -> ScoreRuleSet:
        year = data.pop("year", None)
        if year is None:
            raise exceptions.ValidationError({"year": ["请填写年度。"]})
        committee = data.pop("committee")
        return services.rule_set_create(actor=self.request.user, committee=committee, year=year, data=data)


class ScoresViewSet(viewsets.ViewSet):
    """The committee's totals, grades and ranks; the exit warnings; the annual duty bulletin."""

    permission_classes = [IsAuthenticated, RolePermission]
    permission_rule = permissions.SCORES
    xlsx_filename = "scores"
    xlsx_title = "委员履职积分"

    def xlsx_headers(self) -> list[tuple[str, str]]:
        return [("rank", "名次"), ("name", "姓名"), ("total", "总分"), ("grade_label", "等次"), ("member", "委员编号")]

    @extend_schema(parameters=[YEAR_PARAM], responses=s.ScoreRowSerializer(many=True))
    def list(self, request: Request) -> Response:
        """Every member's total, grade and rank for the year (ties share a rank)."""
        try:
            rows = ledger.scores(committee_id=committee_of(request), year=year_param(request))
        except ValidationError as exc:
            raise _django_400(exc) from None
        from luzhi.scoring.rules import GRADE_LABELS

        return Response(
            [
                {
                    "member": r["member"],
                    "name": r["name"],
                    "total": r["total"],
                    "grade": r["grade"],
                    "rank": r["rank"],
                    "grade_label": GRADE_LABELS[r["grade"]],
                }
                for r in rows
            ]
        )

    @extend_schema(parameters=[YEAR_PARAM], responses=s.WarningSerializer(many=True))
    @action(detail=False, methods=["get"])
    def warnings(self, request: Request) -> Response:
        """Members crossing the exit rules of the year's rule set, each reason with its records."""
        try:
            return Response(ledger.warnings(committee_id=committee_of(request), year=year_param(request)))
        except ValidationError as exc:
            raise _django_400(exc) from None

    @extend_schema(
        parameters=[YEAR_PARAM, OpenApiParameter("format", str, enum=["docx", "xlsx"])],
        responses={**schema.DOCX, (200, XLSX_MIME): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], content_negotiation_class=FileNegotiation)
    def bulletin(self, request: Request) -> HttpResponse:
        """The annual duty-performance bulletin (委员履职情况通报) as DOCX or XLSX."""
        fmt = request.query_params.get("format", "docx")
        if fmt not in ("docx", "xlsx"):
            raise exceptions.ValidationError({"format": ["format 应为 docx 或 xlsx。"]})
        committee = Committee.objects.get(pk=committee_of(request))
        try:
            return documents.bulletin_response(committee=committee, year=year_param(request), fmt=fmt)
        except ValidationError as exc:
            raise _django_400(exc) from None


class MemberLedgerView(APIView):
    permission_classes = [IsAuthenticated, RolePermission]
    permission_rule = permissions.LEDGER

    @extend_schema(parameters=[YEAR_PARAM], responses=s.LedgerEntrySerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        """A member's ledger of the year: its capped sum is the member's total."""
        member = ledger_member(request.user, pk)
        try:
            entries = ledger.member_ledger(member=member, year=year_param(request))
        except ValidationError as exc:
            raise _django_400(exc) from None
        return Response([e.as_api() for e in entries])


class DutyReportView(APIView):
    permission_classes = [IsAuthenticated, RolePermission]
    permission_rule = permissions.LEDGER
    content_negotiation_class = FileNegotiation

    @extend_schema(
        parameters=[YEAR_PARAM, OpenApiParameter("format", str, enum=["docx", "pdf"])],
        responses=schema.DOCX_OR_PDF,
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        """The member's annual duty report (常委履职报告) as DOCX or PDF."""
        member = ledger_member(request.user, pk)
        fmt = request.query_params.get("format", "docx")
        if fmt not in ("docx", "pdf"):
            raise exceptions.ValidationError({"format": ["format 应为 docx 或 pdf。"]})
        try:
            return documents.duty_report_response(member=member, year=year_param(request), fmt=fmt)
        except ValidationError as exc:
            raise _django_400(exc) from None


class DutyArchiveView(APIView):
    permission_classes = [IsAuthenticated, RolePermission]
    permission_rule = permissions.LEDGER
    content_negotiation_class = FileNegotiation

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["pdf", "docx"])],
        responses=schema.DOCX_OR_PDF,  # ?format=docx answers a DOCX: both are documented
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        """The member's whole-term duty archive (履职档案), year by year from the ledger."""
        member = ledger_member(request.user, pk)
        fmt = request.query_params.get("format", "pdf")
        if fmt not in ("docx", "pdf"):
            raise exceptions.ValidationError({"format": ["format 应为 pdf 或 docx。"]})
        return documents.archive_response(member=member, fmt=fmt)


class ScoreAppealViewSet(ScopedModelViewSet):
    """Appeals on ledger entries: a member files on their own; the office accepts or refuses with reasons."""

    request: AuthedRequest  # behind IsAuthenticated: an account

    model = ScoreAppeal
    serializer_class = s.ScoreAppealSerializer
    permission_rule = permissions.APPEALS
    xlsx_filename = "score-appeals"
    select_related = ("member", "decided_by", "adjustment", "adjustment__author")
    http_method_names = ["get", "post", "head", "options"]
    action_rules = {
        "accept": (permissions.APPEAL_DECISIONS, "write"),
        "refuse": (permissions.APPEAL_DECISIONS, "write"),
    }

    def get_queryset(self) -> QuerySet:
        qs = super().get_queryset()
        if status := self.request.query_params.get("status"):
            qs = qs.filter(status=status)
        return qs

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        user = self.request.user
        member = user.member
        if member is None:
            raise exceptions.PermissionDenied("只有委员本人可以申诉。")
        data = serializer.validated_data
        year = data.get("year") or clock.today().year
        serializer.instance = services.appeal_create(
            actor=user, member=member, year=year, entry=data["entry"], reason=data.get("reason", "")
        )

    @extend_schema(
        request=inline_serializer(
            "AppealAccept",
            {"points": serializers.DecimalField(max_digits=8, decimal_places=2), "reason": serializers.CharField()},
        )
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: Any = None) -> Response:
        """Accept: an adjustment entry of `points` with the reason and its author joins the member's ledger."""
        appeal = self.get_object()
        body = request_dict(request)
        services.appeal_accept(
            actor=request.user, appeal=appeal, points=body.get("points"), reason=str(body.get("reason") or "")
        )
        appeal.refresh_from_db()
        return Response(self.get_serializer(appeal).data)

    @extend_schema(request=inline_serializer("AppealRefuse", {"reason": serializers.CharField()}))
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: Any = None) -> Response:
        """Refuse with a reason the member reads."""
        appeal = self.get_object()
        services.appeal_refuse(actor=request.user, appeal=appeal, reason=str(request_dict(request).get("reason") or ""))
        appeal.refresh_from_db()
        return Response(self.get_serializer(appeal).data)


def register(router: SimpleRouter) -> list[URLPattern]:
    """Add this app's viewsets to the API router; the member paths are matched before the router's."""
    router.register("score-rules", ScoreRuleSetViewSet, basename="score-rule-set")
    router.register("scores", ScoresViewSet, basename="score")
    router.register("score-appeals", ScoreAppealViewSet, basename="score-appeal")
    return [
        path("members/<int:pk>/ledger/", MemberLedgerView.as_view(), name="member-ledger"),
        path("members/<int:pk>/duty-report/", DutyReportView.as_view(), name="member-duty-report"),
        path("members/<int:pk>/archive/", DutyArchiveView.as_view(), name="member-archive"),
    ]
