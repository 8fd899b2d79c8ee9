"""REST endpoints of the plan and its supervision ledger (API.md "Research … and the supervision ledger")."""

from __future__ import annotations

from typing import Any

import django_filters
from django.urls import URLPattern
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from luzhi.core import clock
from luzhi.core.api import ScopedModelViewSet, request_dict
from luzhi.core.filters import YearFilter
from luzhi.core.periods import year_of_request
from luzhi.ledger import permissions
from luzhi.ledger import serializers as s
from luzhi.ledger.models import MonthlyPlan, Plan, PlanItem
from luzhi.ledger.selectors import board, plan_item_list, plan_item_reports, plan_list
from luzhi.ledger.services import monthly_plan_save, plan_item_report_progress
from luzhi.org.filters import IdFilter


def _year(request: Request) -> int:
    return year_of_request(request, default=clock.today().year)


class PlanFilter(django_filters.FilterSet):
    year = YearFilter(field_name="year", label="年度")

    class Meta:
        model = Plan
        fields = ["year"]


class PlanViewSet(ScopedModelViewSet):
    model = Plan
    serializer_class = s.PlanSerializer
    permission_rule = permissions.PLANS
    filterset_class = PlanFilter
    xlsx_filename = "plans"

    def get_queryset(self):  # type: ignore[override]
        return plan_list(viewer=self.request.user)


class PlanItemFilter(django_filters.FilterSet):
    year = YearFilter(field_name="plan__year", label="年度")
    plan = IdFilter(field_name="plan_id", label="计划")
    responsible = IdFilter(field_name="responsible_id", label="责任专委会")
    lead = IdFilter(field_name="lead_id", label="牵头领导")
    status = django_filters.ChoiceFilter(field_name="state", choices=PlanItem.Status.choices, label="状态")
    stale = django_filters.BooleanFilter(field_name="is_stale", label="本月未调度")

    class Meta:
        model = PlanItem
        fields: list[str] = []


class PlanItemViewSet(ScopedModelViewSet):
    model = PlanItem
    serializer_class = s.PlanItemSerializer
    permission_rule = permissions.PLAN_ITEMS
    filterset_class = PlanItemFilter
    xlsx_filename = "plan-items"
    paged_actions = ("reports",)  # the other actions answer plain lists (core.schema.AutoSchema)
    action_rules = {
        "progress": (permissions.PROGRESS, "write"),
        "reports": (permissions.PROGRESS, "read"),
        "board": (permissions.BOARD, "read"),
    }

    def get_queryset(self):  # type: ignore[override]
        return plan_item_list(viewer=self.request.user, today=clock.today())

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": clock.today()}

    def get_serializer_class(self):  # type: ignore[override]
        if self.action == "progress":
            return s.ProgressInputSerializer
        if self.action == "reports":
            return s.ProgressReportSerializer
        if self.action == "board":
            return s.BoardRowSerializer
        return super().get_serializer_class()

    @extend_schema(request=s.ProgressInputSerializer, responses={201: s.ProgressReportSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: Any = None) -> Response:
        """Report the item's progress (月度调度); it never goes down without a note."""
        item = self.get_object()
        data = request_dict(request)
        if "progress" not in data:
            raise exceptions.ValidationError({"progress": ["请填写进度（0 到 100）。"]})
        body = s.ProgressInputSerializer(data=data)
        body.is_valid(raise_exception=True)
        report = plan_item_report_progress(actor=request.user, item=item, **body.validated_data)
        return Response(s.ProgressReportSerializer(report, context=self.get_serializer_context()).data, status=201)

    @extend_schema(responses=s.ProgressReportSerializer(many=True))
    @action(detail=True, methods=["get"])
    def reports(self, request: Request, pk: Any = None) -> Response:
        """The item's progress reports, newest first."""
        item = self.get_object()
        rows = plan_item_reports(item=item)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.ProgressReportSerializer(page, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses=s.BoardRowSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def board(self, request: Request) -> Response:
        """The board (公示栏): each special committee's items, done, overdue, stale, average progress — best first."""
        rows = board(viewer=request.user, year=_year(request), today=clock.today())
        return Response(s.BoardRowSerializer(rows, many=True).data)


class MonthlyPlanFilter(django_filters.FilterSet):
    month = django_filters.DateFilter(field_name="month")
    special_committee = IdFilter(field_name="special_committee_id")

    class Meta:
        model = MonthlyPlan
        fields: list[str] = []


class MonthlyPlanViewSet(ScopedModelViewSet):
    model = MonthlyPlan
    serializer_class = s.MonthlyPlanSerializer
    permission_rule = permissions.MONTHLY_PLANS
    filterset_class = MonthlyPlanFilter
    xlsx_filename = "monthly-plans"
    select_related = ("special_committee",)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def create_object(self, data: dict[str, Any]) -> MonthlyPlan:
        return monthly_plan_save(
            actor=self.request.user,
            committee=data["committee"],
            special_committee=data.get("special_committee"),
            month=data["month"],
            tasks=data.get("tasks", []),
        )

    def update_object(self, instance: MonthlyPlan, data: dict[str, Any]) -> MonthlyPlan:
        return monthly_plan_save(
            actor=self.request.user,
            committee=instance.committee,
            special_committee=instance.special_committee,
            month=instance.month,
            tasks=data.get("tasks", instance.tasks),
        )


def register(router: SimpleRouter) -> list[URLPattern]:
    """Add the ledger's viewsets to the API router."""
    router.register("plans", PlanViewSet, basename="plan")
    router.register("plan-items", PlanItemViewSet, basename="plan-item")
    router.register("monthly-plans", MonthlyPlanViewSet, basename="monthly-plan")
    return []
