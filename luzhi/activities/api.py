"""REST endpoints of activities, attendance, leave, reading logs and cadence (API.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from luzhi.activities import ics, permissions, selectors, services, signin
from luzhi.activities import serializers as s
from luzhi.activities.cadence import cadence_report
from luzhi.activities.filters import ActivityFilter, ReadingLogFilter
from luzhi.activities.models import Activity, CadenceRule, LeaveRequest, ReadingLog
from luzhi.core.api import ScopedModelViewSet, as_id, request_dict
from luzhi.core.periods import parse_year
from luzhi.core.permissions import RolePermission
from luzhi.core.scoping import access_by_id
from luzhi.org.models import Member, MemberGroup, Sector, SpecialCommittee
from luzhi.org.selectors import acting_committee

INVITE_MODELS = {"special_committee": SpecialCommittee, "group": MemberGroup, "sector": Sector}


class ActivityViewSet(ScopedModelViewSet):
    model = Activity
    serializer_class = s.ActivitySerializer
    permission_rule = permissions.ACTIVITIES
    filterset_class = ActivityFilter
    xlsx_filename = "activities"
    action_rules = {
        "attendance": (permissions.ATTENDANCE, "write"),
        "invite": (permissions.ACTIVITIES, "write"),
        "sign_in": (permissions.SIGN_IN, "write"),
        "leave": (permissions.LEAVE, "write"),
    }

    def get_queryset(self):  # type: ignore[override]
        return selectors.activity_list(viewer=self.request.user, ids_only=True)

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("many") and args:
            rows = list(args[0])
            selectors.attach_participant_ids(rows)
            args = (rows, *args[1:])
        return super().get_serializer(*args, **kwargs)

    def create_object(self, data: dict[str, Any]) -> Activity:
        participants = data.pop("participants", [])
        committee = data.pop("committee")
        return services.activity_schedule(
            actor=self.request.user, committee=committee, data=data, participants=participants
        )

    def update_object(self, instance: Activity, data: dict[str, Any]) -> Activity:
        participants = data.pop("participants", None)
        return services.activity_update(
            actor=self.request.user, activity=instance, data=data, participants=participants
        )

    def perform_destroy(self, instance: Activity) -> None:
        services.activity_cancel(actor=self.request.user, activity=instance)

    @extend_schema(request=s.AttendanceEntrySerializer(many=True), responses=s.AttendanceEntrySerializer(many=True))
    @action(detail=True, methods=["get", "put"])
    def attendance(self, request: Request, pk: Any = None) -> Response:
        """The invited list with each member's status and speech; PUT records them (invited members only)."""
        activity = self.get_object()
        if request.method == "PUT":
            if not isinstance(request.data, list):
                raise exceptions.ParseError("请求内容应为 JSON 数组：[{member, status, speech}]。")
            entries = []
            for item in request.data:
                if not isinstance(item, dict):
                    raise exceptions.ValidationError({"attendance": ["每一条应为 {member, status, speech}。"]})
                entries.append({**item, "member": as_id(item.get("member"))})
            services.attendance_record(actor=request.user, activity=activity, entries=entries)
        rows = selectors.activity_attendance(activity=activity).order_by("member_id")
        return Response(s.AttendanceEntrySerializer(rows, many=True).data)

    @extend_schema(request=s.InviteSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def invite(self, request: Request, pk: Any = None) -> Response:
        """Invite the active members of a special committee, group or sector, the standing members or everyone."""
        activity = self.get_object()
        form = s.InviteSerializer(data=request_dict(request))
        form.is_valid(raise_exception=True)
        by, value = form.validated_data["by"], form.validated_data.get("id")
        if by in INVITE_MODELS:
            value = access_by_id(request.user, INVITE_MODELS[by], value).pk
        members = selectors.invitees(committee=activity.committee, by=by, value=value)
        added = services.activity_invite(actor=request.user, activity=activity, members=members)
        return Response({"invited": added, "participants": activity.attendance.count()})

    @extend_schema(request=s.SignInSerializer, responses={200: s.AttendanceEntrySerializer})
    @action(detail=True, methods=["post"], url_path="sign-in")
    def sign_in(self, request: Request, pk: Any = None) -> Response:
        """Sign in with the token of the activity's QR code: marks the caller present (twice → 409)."""
        activity = self.get_object()
        form = s.SignInSerializer(data=request_dict(request))
        form.is_valid(raise_exception=True)
        row = services.attendance_sign_in(actor=request.user, activity=activity, token=form.validated_data["token"])
        return Response(s.AttendanceEntrySerializer(row).data)

    @extend_schema(
        request=serializers.Serializer, responses={201: s.LeaveRequestSerializer}, description="Body: {reason}"
    )
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: Any = None) -> Response:
        """Ask for leave from this activity (a member invited to it)."""
        activity = self.get_object()
        reason = request_dict(request).get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise exceptions.ValidationError({"reason": ["请填写请假事由。"]})
        leave = services.leave_request_create(actor=request.user, activity=activity, reason=reason[:1000])
        return Response(s.LeaveRequestSerializer(leave).data, status=201)


class LeaveRequestViewSet(ScopedModelViewSet):
    model = LeaveRequest
    serializer_class = s.LeaveRequestSerializer
    permission_rule = permissions.LEAVE
    xlsx_filename = "leave-requests"
    http_method_names = ["get", "post", "head", "options"]
    action_rules = {
        "approve": (permissions.LEAVE_DECIDE, "write"),
        "refuse": (permissions.LEAVE_DECIDE, "write"),
    }

    def get_queryset(self):  # type: ignore[override]
        return selectors.leave_requests(viewer=self.request.user)

    def create_object(self, data: dict[str, Any]) -> LeaveRequest:
        return services.leave_request_create(actor=self.request.user, activity=data["activity"], reason=data["reason"])

    def _decide(self, request: Request, approve: bool) -> Response:
        leave = self.get_object()
        form = s.DecisionSerializer(data=request_dict(request))
        form.is_valid(raise_exception=True)
        note = form.validated_data.get("note", "")
        leave = services.leave_request_decide(actor=request.user, leave=leave, approve=approve, note=note)
        return Response(s.LeaveRequestSerializer(leave).data)

    @extend_schema(request=s.DecisionSerializer, responses=s.LeaveRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        """Approve: the member's attendance becomes `leave` and the member is told."""
        return self._decide(request, True)

    @extend_schema(request=s.DecisionSerializer, responses=s.LeaveRequestSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: Any = None) -> Response:
        """Refuse, with a note; the member is told."""
        return self._decide(request, False)


class ReadingLogViewSet(ScopedModelViewSet):
    model = ReadingLog
    serializer_class = s.ReadingLogSerializer
    permission_rule = permissions.READING
    filterset_class = ReadingLogFilter
    xlsx_filename = "reading-logs"
    select_related = ("member",)
    http_method_names = ["get", "post", "delete", "head", "options"]

    def create_object(self, data: dict[str, Any]) -> ReadingLog:
        data.pop("committee", None)
        return services.reading_log_add(actor=self.request.user, data=data)


class CadenceRuleViewSet(ScopedModelViewSet):
    model = CadenceRule
    serializer_class = s.CadenceRuleSerializer
    permission_rule = permissions.CADENCE_RULES
    xlsx_filename = "cadence-rules"


class CadenceReportView(APIView):
    permission_classes = [IsAuthenticated, RolePermission]
    permission_rule = permissions.CADENCE_REPORT

    @extend_schema(parameters=[OpenApiParameter("year", int, required=True)], responses={200: dict})
    def get(self, request: Request) -> Response:
        """Each cadence rule of the caller's committee, per subject and period of the year: met / missed / open."""
        if not request.query_params.get("year", "").strip():
            raise exceptions.ValidationError({"year": ["请提供年份，如 2026。"]})
        year = parse_year(request.query_params.get("year"), default=0)
        committee = acting_committee(viewer=request.user)
        return Response(cadence_report(committee=committee, year=year))


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A member's invitations as iCalendar; the private token in the URL is the only key (forged → 401)."""
    member_id = signin.feed_member_id(token)
    member = Member.objects.filter(pk=member_id).first() if member_id else None
    if member is None or request.method not in ("GET", "HEAD"):
        return JsonResponse({"detail": "日历订阅链接无效。"}, status=401)
    body = ics.calendar_text(member=member, activities=selectors.member_invitations(member=member))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="luzhi.ics"'
    return response


def register(router: SimpleRouter) -> list[URLPattern]:
    """Add this app's viewsets to the API router; return the cadence report's path."""
    router.register("activities", ActivityViewSet, basename="activity")
    router.register("leave-requests", LeaveRequestViewSet, basename="leave-request")
    router.register("reading-logs", ReadingLogViewSet, basename="reading-log")
    router.register("cadence-rules", CadenceRuleViewSet, basename="cadence-rule")
    return [
        path("cadence/report/", CadenceReportView.as_view(), name="cadence-report"),
        path("calendar-feeds/<str:token>.ics", calendar_feed, name="activity-feed"),
    ]
