"""REST endpoints of the organisation (API.md "Organisation")."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpResponse
from django.urls import URLPattern
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from luzhi.accounts.bulk import BulkRefused, ImportAccounts
from luzhi.accounts.requests import AuthedRequest
from luzhi.accounts.serializers import MemberAccountsResultSerializer, member_accounts_response
from luzhi.core.api import ScopedModelViewSet
from luzhi.core.xlsx import XLSX_MIME, xlsx_response
from luzhi.org import permissions
from luzhi.org import serializers as s
from luzhi.org.filters import LiaisonFilter, MemberFilter
from luzhi.org.imports import TEMPLATE_NAME, ImportRejected, members_import, template_bytes
from luzhi.org.models import (
    Committee,
    Liaison,
    Member,
    MemberGroup,
    PartyOrganization,
    Sector,
    SpecialCommittee,
    Station,
    Term,
    Unit,
)
from luzhi.org.selectors import liaison_coverage, member_list


class CommitteeViewSet(ScopedModelViewSet):
    request: AuthedRequest  # behind IsAuthenticated: an account

    model = Committee
    serializer_class = s.CommitteeSerializer
    permission_rule = permissions.COMMITTEES
    xlsx_filename = "committees"
    select_related = ("parent",)

    def check_object_permissions(self, request: AuthedRequest, obj: Committee) -> None:  # type: ignore[override]  # self.request
        super().check_object_permissions(request, obj)
        # Upper committees are visible (the tree is shown whole) but changed only from above.
        user = request.user
        writes = request.method not in SAFE_METHODS and not user.is_superuser
        if writes and obj.pk != user.committee_id and f"/{user.committee_id}/" not in obj.path:
            self.permission_denied(request, "只能修改本政协及其下级政协。")

    def _check_parent(self, data: dict[str, Any]) -> None:
        user = self.request.user
        parent = data.get("parent")
        if user.is_superuser:
            return
        if parent is None or f"/{user.committee_id}/" not in parent.path:
            raise exceptions.ValidationError({"parent": ["只能在本政协之下设立下级政协。"]})

    def create_object(self, data: dict[str, Any]) -> Committee:
        self._check_parent(data)
        return super().create_object(data)

    def update_object(self, instance: Committee, data: dict[str, Any]) -> Committee:
        own = not self.request.user.is_superuser and instance.pk == self.request.user.committee_id
        if own and "parent" in data and data["parent"] != instance.parent:
            raise exceptions.ValidationError({"parent": ["本政协的上级由上级政协设置。"]})
        if not own and "parent" in data:
            self._check_parent(data)
        return super().update_object(instance, data)


class TermViewSet(ScopedModelViewSet):
    model = Term
    serializer_class = s.TermSerializer
    permission_rule = permissions.REFERENCE
    xlsx_filename = "terms"


class SectorViewSet(ScopedModelViewSet):
    model = Sector
    serializer_class = s.SectorSerializer
    permission_rule = permissions.REFERENCE
    xlsx_filename = "sectors"


class SpecialCommitteeViewSet(ScopedModelViewSet):
    model = SpecialCommittee
    serializer_class = s.SpecialCommitteeSerializer
    permission_rule = permissions.REFERENCE
    xlsx_filename = "special-committees"


class MemberGroupViewSet(ScopedModelViewSet):
    model = MemberGroup
    serializer_class = s.MemberGroupSerializer
    permission_rule = permissions.REFERENCE
    xlsx_filename = "member-groups"


class UnitViewSet(ScopedModelViewSet):
    model = Unit
    serializer_class = s.UnitSerializer
    permission_rule = permissions.UNITS
    xlsx_filename = "units"


class StationViewSet(ScopedModelViewSet):
    model = Station
    serializer_class = s.StationSerializer
    permission_rule = permissions.REFERENCE
    xlsx_filename = "stations"


@extend_schema(parameters=[OpenApiParameter("format", str, enum=["json", "xlsx"])])
class MemberViewSet(ScopedModelViewSet):
    model = Member
    serializer_class = s.MemberSerializer
    permission_rule = permissions.MEMBERS
    filterset_class = MemberFilter
    xlsx_filename = "members"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]  # members leave by status
    action_rules = {
        "import_members": (permissions.MEMBERS, "write"),
        "import_template": (permissions.MEMBERS, "write"),
    }

    def get_queryset(self):  # type: ignore[override]
        return member_list(viewer=self.request.user, ids_only=True)

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "MemberImport",
                {
                    "file": serializers.FileField(),
                    "create_accounts": serializers.BooleanField(
                        required=False, help_text="同时为导入的在任委员开通账号（系统管理员）"
                    ),
                },
            )
        },
        responses={
            201: inline_serializer(
                "MemberImportResult",
                {
                    "created": serializers.IntegerField(),
                    "accounts": MemberAccountsResultSerializer(required=False, help_text="同时开通账号时的结果"),
                },
            ),
            400: inline_serializer("MemberImportErrors", {"errors": s.ImportErrorSerializer(many=True)}),
        },
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_members(self, request: Request) -> Response:
        """Create members from an XLSX roster in the template's layout; nothing is saved if any row is bad."""
        upload = request.FILES.get("file")
        if upload is None:
            return Response(
                {"errors": [{"row": 0, "column": "文件", "message": "请选择要导入的 XLSX 文件。"}]},
                status=400,
            )
        committee = self.committee_for_write()
        accounts = None
        if str(cast(dict[str, Any], request.data).get("create_accounts", "")).lower() in {"1", "true", "on", "yes"}:
            try:
                accounts = ImportAccounts(actor=request.user, committee=committee, request=request._request)
            except BulkRefused as exc:
                raise exceptions.PermissionDenied(exc.message) from exc
        try:
            created = members_import(actor=request.user, committee=committee, file=upload, after_save=accounts)
        except ImportRejected as rejected:
            return Response({"errors": [e.as_dict() for e in rejected.errors]}, status=400)
        body: dict[str, Any] = {"created": created}
        if accounts is not None and accounts.result is not None:
            body["accounts"] = member_accounts_response(request, accounts.result)
        return Response(body, status=201)

    @extend_schema(responses={(200, XLSX_MIME): bytes})
    @action(detail=False, methods=["get"], url_path="import-template")
    def import_template(self, request: Request) -> HttpResponse:
        """Download the XLSX template for the roster import."""
        committee = self.committee_for_write()
        return xlsx_response(template_bytes(committee), TEMPLATE_NAME, fallback="member-import-template")


class LiaisonViewSet(ScopedModelViewSet):
    model = Liaison
    serializer_class = s.LiaisonSerializer
    permission_rule = permissions.LIAISONS
    filterset_class = LiaisonFilter
    xlsx_filename = "liaisons"
    select_related = ("from_member", "to_member")

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=[k for k, _ in Liaison.Kind.choices], required=True)],
        responses=s.CoverageSerializer,
    )
    @action(detail=False, methods=["get"])
    def coverage(self, request: Request) -> Response:
        """Who should receive a liaison of this kind, and who is not yet covered."""
        kind = request.query_params.get("kind")
        if kind not in Liaison.Kind.values:
            raise exceptions.ValidationError({"kind": [f"kind 应为 {', '.join(Liaison.Kind.values)} 之一。"]})
        return Response(liaison_coverage(viewer=request.user, kind=kind))


class PartyOrganizationViewSet(ScopedModelViewSet):
    model = PartyOrganization
    serializer_class = s.PartyOrganizationSerializer
    permission_rule = permissions.PARTY_ORGS
    xlsx_filename = "party-organizations"
    prefetch_related = ("members",)


def register(router: SimpleRouter) -> list[URLPattern]:
    """Add the organisation's viewsets to the API router."""
    router.register("committees", CommitteeViewSet, basename="committee")
    router.register("terms", TermViewSet, basename="term")
    router.register("sectors", SectorViewSet, basename="sector")
    router.register("special-committees", SpecialCommitteeViewSet, basename="special-committee")
    router.register("member-groups", MemberGroupViewSet, basename="member-group")
    router.register("units", UnitViewSet, basename="unit")
    router.register("stations", StationViewSet, basename="station")
    router.register("members", MemberViewSet, basename="member")
    router.register("liaisons", LiaisonViewSet, basename="liaison")
    router.register("party-organizations", PartyOrganizationViewSet, basename="party-organization")
    return []
