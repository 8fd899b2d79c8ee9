"""REST endpoints of proposals (API.md "Proposals")."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.urls import URLPattern
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from luzhi.core import clock
from luzhi.core.api import ScopedModelViewSet, as_id, request_dict
from luzhi.core.pagination import Pagination
from luzhi.core.periods import YEAR_MAX, YEAR_MIN, year_of_request
from luzhi.core.permissions import can
from luzhi.core.scoping import access_by_id
from luzhi.org.models import Member, Unit
from luzhi.proposals import permissions, selectors, services
from luzhi.proposals.models import Proposal
from luzhi.proposals.serializers import ProposalSerializer, SupervisionSerializer


def _text(data: Any, name: str, max_length: int = 20000) -> str:
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise exceptions.ValidationError({name: ["应为文本。"]})
    if len(value) > max_length:
        raise exceptions.ValidationError({name: [f"不能超过 {max_length} 字。"]})
    return value


def _related(user: Any, model: type[models.Model], value: Any, field: str, required: bool = True) -> Any:
    if value in (None, "") and not required:
        return None
    pk = as_id(value)
    if pk is None:
        raise exceptions.ValidationError({field: ["请选择有效的对象。"]})
    try:
        return access_by_id(user, model, pk)
    except Exception:  # noqa: BLE001 - out of scope is "does not exist" here: a 400 on the body
        raise exceptions.ValidationError({field: ["对象不存在。"]}) from None


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        raise exceptions.ValidationError({field: ["日期格式应为 YYYY-MM-DD。"]}) from None
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise exceptions.ValidationError({field: [f"日期超出范围（{YEAR_MIN}—{YEAR_MAX} 年）。"]})
    return day


def _forbidden(exc: PermissionDenied) -> exceptions.PermissionDenied:
    return exceptions.PermissionDenied(str(exc) or "无权这样做。")


class _PageByIds(Paginator):
    """Chooses the page's rows by a narrow subquery, then reads the wide rows of that page only.

    A year holds thousands of proposals: sorting them all joined with their lead, sector and
    supervisor and with their long texts cost tens of ms (more when the table's statistics are
    stale); sorting their ids costs little. Same query count, same order.
    """

    def _get_page(self, object_list: Any, number: int, paginator: Paginator) -> Any:
        full = self.object_list
        if isinstance(object_list, models.QuerySet) and isinstance(full, models.QuerySet):
            # The filters (scope included) are in the subquery; the outer query only looks the ids up.
            page = full.model._default_manager.filter(pk__in=object_list.values("pk"))
            page.query.select_related = full.query.select_related
            page = page.prefetch_related(*full._prefetch_related_lookups)  # type: ignore[attr-defined]  # not in the stubs
            object_list = page.order_by(*full.query.order_by) if full.query.order_by else page
        return super()._get_page(object_list, number, paginator)  # type: ignore[misc]  # Django's, not in the stubs


class _ProposalPagination(Pagination):
    django_paginator_class = _PageByIds


_COUNTS = serializers.DictField(child=serializers.IntegerField(), help_text="code → number")
STATS_SCHEMA = inline_serializer(
    "ProposalStats",
    {
        "year": serializers.IntegerField(),
        **{
            name: serializers.IntegerField()
            for name in ("total", "accepted", "replied", "replied_on_time", "key", "overdue")
        },
        "on_time_rate": serializers.FloatField(help_text="0..1"),
        "satisfaction_rate": serializers.FloatField(help_text="0..1"),
        "by_status": _COUNTS,
        "by_category": _COUNTS,
        "by_sector": serializers.ListField(
            child=inline_serializer(
                "ProposalStatsSector",
                {
                    "sector": serializers.IntegerField(allow_null=True),
                    "name": serializers.CharField(),
                    "count": serializers.IntegerField(),
                },
            )
        ),
        "by_unit": serializers.ListField(
            child=inline_serializer(
                "ProposalStatsUnit",
                {
                    "unit": serializers.IntegerField(),
                    "name": serializers.CharField(),
                    "assigned": serializers.IntegerField(),
                    "replied": serializers.IntegerField(),
                    "on_time": serializers.IntegerField(),
                },
            )
        ),
        "by_rating": _COUNTS,
    },
)


class ProposalViewSet(ScopedModelViewSet):
    model = Proposal
    serializer_class = ProposalSerializer
    pagination_class = _ProposalPagination
    permission_rule = permissions.PROPOSALS
    xlsx_filename = "proposals"
    action_rules = {
        "submit": (permissions.SUBMIT, "write"),
        "cosign": (permissions.SUBMIT, "write"),
        "cosign_decline": (permissions.SUBMIT, "write"),
        "withdraw": (permissions.SUBMIT, "write"),
        "review": (permissions.REVIEW, "write"),
        "assign": (permissions.REVIEW, "write"),
        "adjust_request": (permissions.HANDLE, "write"),
        "reply": (permissions.HANDLE, "write"),
        "co_opinion": (permissions.HANDLE, "write"),
        "evaluate": (permissions.EVALUATE, "write"),
        "mark_key": (permissions.MARK_KEY, "write"),
        "supervisions": (permissions.SUPERVISE, "read"),
        "similar": (permissions.SIMILAR, "read"),
        "stats": (permissions.STATS, "read"),
    }

    def get_queryset(self) -> models.QuerySet:
        qs = selectors.proposal_list(viewer=self.request.user)
        params = self.request.query_params
        if (year := year_of_request(self.request, default=0)) != 0:
            qs = qs.filter(year=year)
        if (status := params.get("status")) in Proposal.Status.values:
            qs = qs.filter(status=status)
        if (category := params.get("category")) in Proposal.Category.values:
            qs = qs.filter(category=category)
        if params.get("is_key") in ("true", "1"):
            qs = qs.filter(is_key=True)
        if q := params.get("q"):
            qs = qs.filter(title__icontains=q[:100])
        return qs

    def xlsx_headers(self) -> list[tuple[str, str]]:
        fields = cast(serializers.Serializer, self.get_serializer()).fields
        names = ["year", "number", "title", "category", "submitter_type", "lead", "status", "units"]
        names += ["assigned_at", "due_date", "replied_at", "replied_on_time", "is_key", "supervisor", "rating"]
        return [(n, str(fields[n].label or n)) for n in names]

    def _call(self, fn: Any, **kwargs: Any) -> Any:
        try:
            return fn(actor=self.request.user, **kwargs)
        except PermissionDenied as exc:
            raise _forbidden(exc) from None

    def create_object(self, data: dict[str, Any]) -> Proposal:
        data.pop("committee", None)
        return self._call(services.proposal_create, committee=self.committee_for_write(), data=data)

    def update_object(self, instance: Proposal, data: dict[str, Any]) -> Proposal:
        return self._call(services.proposal_update, proposal=instance, data=data)

    def perform_destroy(self, instance: Proposal) -> None:
        self._call(services.proposal_delete, proposal=instance)

    def _done(self, proposal: Proposal, status: int = 200) -> Response:
        fresh = selectors.proposal_list(viewer=self.request.user).filter(pk=proposal.pk).first()
        return Response(self.get_serializer(fresh or proposal).data, status=status)

    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        """Hand the draft to the proposal committee (lead proposer)."""
        return self._done(self._call(services.proposal_submit, proposal=self.get_object()))

    @action(detail=True, methods=["post"])
    def cosign(self, request: Request, pk: Any = None) -> Response:
        """Confirm, as a cosigner, from one's own account."""
        proposal = self.get_object()
        self._call(services.proposal_cosign_confirm, proposal=proposal)
        return self._done(proposal)

    @action(detail=True, methods=["post"], url_path="cosign-decline")
    def cosign_decline(self, request: Request, pk: Any = None) -> Response:
        """Decline, as an invited cosigner, from one's own account."""
        proposal = self.get_object()
        self._call(services.proposal_cosign_decline, proposal=proposal)
        return self._done(proposal)

    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        """Take a submitted proposal back to a draft before the office reviews it (lead proposer)."""
        return self._done(self._call(services.proposal_withdraw, proposal=self.get_object()))

    @extend_schema(
        request=inline_serializer(
            "ProposalReview",
            {
                "decision": serializers.ChoiceField(["accept", "reject", "convert_opinion", "convert_letter", "merge"]),
                "reason": serializers.CharField(required=False),
                "merge_into": serializers.IntegerField(required=False),
            },
        )
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: Any = None) -> Response:
        """Accept (numbered), reject, convert or merge a submitted proposal (office)."""
        proposal = self.get_object()
        data = request_dict(request)
        decision = data.get("decision")
        merge_into = None
        if decision == "merge":
            merge_into = _related(request.user, Proposal, data.get("merge_into"), "merge_into")
        proposal = self._call(
            services.proposal_review,
            proposal=proposal,
            decision=decision if isinstance(decision, str) else "",
            reason=_text(data, "reason"),
            merge_into=merge_into,
        )
        return self._done(proposal)

    @extend_schema(
        request=inline_serializer(
            "ProposalAssign",
            {
                "lead_unit": serializers.IntegerField(),
                "co_units": serializers.ListField(child=serializers.IntegerField(), required=False),
                "due_date": serializers.DateField(required=False),
            },
        )
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: Any = None) -> Response:
        """Hand an accepted proposal to a lead unit and co-units (office)."""
        proposal = self.get_object()
        data = request_dict(request)
        lead_unit = _related(request.user, Unit, data.get("lead_unit"), "lead_unit")
        co_raw = data.get("co_units") or []
        if not isinstance(co_raw, list):
            raise exceptions.ValidationError({"co_units": ["应为承办单位编号的列表。"]})
        co_units = [_related(request.user, Unit, v, "co_units") for v in co_raw]
        due = _date(data.get("due_date"), "due_date")
        return self._done(
            self._call(
                services.proposal_assign, proposal=proposal, lead_unit=lead_unit, co_units=co_units, due_date=due
            )
        )

    @action(detail=True, methods=["post"], url_path="adjust-request")
    def adjust_request(self, request: Request, pk: Any = None) -> Response:
        """Ask for re-assignment within five working days of assignment (lead unit)."""
        proposal = self.get_object()
        self._call(services.proposal_adjust_request, proposal=proposal, reason=_text(request_dict(request), "reason"))
        return self._done(proposal, status=201)

    @action(detail=True, methods=["post"], url_path="co-opinion")
    def co_opinion(self, request: Request, pk: Any = None) -> Response:
        """Send the co-unit's opinion to the lead unit (co-unit)."""
        proposal = self.get_object()
        self._call(services.proposal_co_opinion, proposal=proposal, text=_text(request_dict(request), "text"))
        return self._done(proposal)

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "ProposalReply",
                {
                    "category": serializers.ChoiceField(["A", "B", "C"]),
                    "text": serializers.CharField(),
                    "file": serializers.FileField(required=False),
                },
            )
        }
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def reply(self, request: Request, pk: Any = None) -> Response:
        """Answer the proposal with a category, a text and an optional document (lead unit)."""
        proposal = self.get_object()
        data = request_dict(request)
        category = data.get("category")
        self._call(
            services.proposal_reply,
            proposal=proposal,
            category=category if isinstance(category, str) else "",
            text=_text(data, "text"),
            file=request.FILES.get("file"),
        )
        return self._done(proposal)

    @extend_schema(
        request=inline_serializer(
            "ProposalEvaluate",
            {
                "rating": serializers.ChoiceField(["satisfied", "basically_satisfied", "unsatisfied"]),
                "comment": serializers.CharField(required=False),
            },
        )
    )
    @action(detail=True, methods=["post"])
    def evaluate(self, request: Request, pk: Any = None) -> Response:
        """Rate the reply (lead proposer); the first 不满意 sends it back once."""
        proposal = self.get_object()
        data = request_dict(request)
        rating = data.get("rating")
        self._call(
            services.proposal_evaluate,
            proposal=proposal,
            rating=rating if isinstance(rating, str) else "",
            comment=_text(data, "comment"),
        )
        return self._done(proposal)

    @extend_schema(request=inline_serializer("ProposalMarkKey", {"supervisor": serializers.IntegerField()}))
    @action(detail=True, methods=["post"], url_path="mark-key")
    def mark_key(self, request: Request, pk: Any = None) -> Response:
        """Flag a key proposal with its supervising leader (office, leader)."""
        proposal = self.get_object()
        supervisor = _related(request.user, Member, request_dict(request).get("supervisor"), "supervisor")
        return self._done(self._call(services.proposal_mark_key, proposal=proposal, supervisor=supervisor))

    @extend_schema(
        request=inline_serializer(
            "SupervisionCreate", {"date": serializers.DateField(), "note": serializers.CharField()}
        ),
        responses=SupervisionSerializer(many=True),
    )
    @action(detail=True, methods=["get", "post"])
    def supervisions(self, request: Request, pk: Any = None) -> Response:
        """The supervision activities of a key proposal; POST records one (office, its supervising leader)."""
        proposal = self.get_object()
        if request.method == "POST":
            if not can(request.user, permissions.SUPERVISE, "write"):
                raise exceptions.PermissionDenied("只有办公室或督办领导可以记录督办。")
            data = request_dict(request)
            record = self._call(
                services.proposal_supervise,
                proposal=proposal,
                date=_date(data.get("date"), "date"),
                note=_text(data, "note", 5000),
            )
            return Response(SupervisionSerializer(record).data, status=201)
        records = proposal.supervisions.select_related("leader")
        return Response(SupervisionSerializer(records, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("text", str, required=True), OpenApiParameter("limit", int)],
        responses=inline_serializer(
            "SimilarProposal",
            {
                "id": serializers.IntegerField(),
                "title": serializers.CharField(),
                "year": serializers.IntegerField(),
                "score": serializers.FloatField(),
            },
            many=True,
        ),
    )
    @action(detail=False, methods=["get"])
    def similar(self, request: Request) -> Response:
        """The proposals of all years most like `text`, best first (score 0..1)."""
        text = request.query_params.get("text", "")
        if not text.strip():
            raise exceptions.ValidationError({"text": ["请提供要比对的文本。"]})
        limit_raw = request.query_params.get("limit", "5")
        limit = as_id(limit_raw)
        if limit is None or limit > 50:
            raise exceptions.ValidationError({"limit": ["limit 应为 1 到 50 的整数。"]})
        exclude = as_id(request.query_params.get("exclude", "")) if request.query_params.get("exclude") else None
        rows = selectors.proposal_similar(viewer=request.user, text=text[:5000], limit=limit, exclude_id=exclude)
        return Response([{k: r[k] for k in ("id", "title", "year", "number", "score")} for r in rows])

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=STATS_SCHEMA)
    @action(detail=False, methods=["get"])
    def stats(self, request: Request) -> Response:
        """The year's totals, on-time and satisfaction rates, by category, sector and unit."""
        year = year_of_request(request, default=clock.today().year)
        return Response(selectors.proposal_stats(viewer=request.user, year=year))


def register(router: SimpleRouter) -> list[URLPattern]:
    """Add the proposals viewset to the API router."""
    router.register("proposals", ProposalViewSet, basename="proposal")
    return []
