"""REST endpoints of activities, attendance, leave, reading logs and cadence (API.md)."""

from __future__ import annotations

import io
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from luzhi.accounts.requests import AuthedRequest
from luzhi.activities import ics, permissions, records, seating, selectors, services, signin, votes
from luzhi.activities import serializers as s
from luzhi.activities.cadence import cadence_report
from luzhi.activities.filters import ActivityFilter, ReadingLogFilter
from luzhi.activities.models import (
    Activity,
    ActivityMaterial,
    CadenceRule,
    Decision,
    LeaveRequest,
    Minutes,
    ReadingLog,
    SeatingPlan,
    Vote,
    meeting_records_readable,
)
from luzhi.activities.watermark import watermark_pdf
from luzhi.core import clock, schema
from luzhi.core.api import ScopedModelViewSet, as_id, request_dict
from luzhi.core.api import if_match_version as if_match_version_of
from luzhi.core.documents import document_response
from luzhi.core.periods import year_of_request
from luzhi.core.permissions import RolePermission
from luzhi.core.roles import Role
from luzhi.core.scoping import access_by_id, check_version
from luzhi.core.uploads import upload_response
from luzhi.ledger import permissions as ledger_permissions
from luzhi.org.models import MemberGroup, Sector, SpecialCommittee
from luzhi.org.selectors import committee_acted_for

INVITE_MODELS: dict[str, type[Any]] = {"special_committee": SpecialCommittee, "group": MemberGroup, "sector": Sector}


class ActivityViewSet(ScopedModelViewSet):
    request: AuthedRequest  # behind IsAuthenticated: an account
    model = Activity
    serializer_class = s.ActivitySerializer
    permission_rule = permissions.ACTIVITIES
    filterset_class = ActivityFilter
    xlsx_filename = "activities"
    action_rules = {
        "attendance": (permissions.ATTENDANCE, "write"),
        "invite": (permissions.ACTIVITIES, "write"),
        "rsvp": (permissions.ATTENDANCE, "read"),
        "materials": (permissions.ACTIVITIES, "write"),
        "rsvp_answer": (permissions.SIGN_IN, "write"),
        "signin_code": (permissions.ATTENDANCE, "write"),
        "signin": (permissions.SIGN_IN, "write"),
        "leave": (permissions.LEAVE, "write"),
        "current_item": (permissions.ACTIVITIES, "read"),
        "current_item_move": (permissions.ACTIVITIES, "write"),
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
    def invite(self, request: AuthedRequest, pk: Any = None) -> Response:
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

    @extend_schema(responses=s.RsvpRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def rsvp(self, request: Request, pk: Any = None) -> Response:
        """Every invited member's reply (回执): `answer` null for those who have not answered."""
        activity = self._managed()
        rows = selectors.activity_attendance(activity=activity).order_by("member_id")
        return Response(s.RsvpRowSerializer(rows, many=True).data)

    @extend_schema(request=s.RsvpSerializer, responses=s.RsvpRowSerializer)
    @rsvp.mapping.post
    def rsvp_answer(self, request: Request, pk: Any = None) -> Response:
        """The invited caller answers: attend, or leave with a reason (which becomes a leave request)."""
        activity = self.get_object()
        form = s.RsvpSerializer(data=request_dict(request))
        form.is_valid(raise_exception=True)
        row = services.invitation_answer(
            actor=request.user,
            activity=activity,
            answer=form.validated_data["answer"],
            reason=form.validated_data.get("reason", ""),
        )
        return Response(s.RsvpRowSerializer(row).data)

    @extend_schema(responses=s.SignInCodeShownSerializer)
    @action(detail=True, methods=["get"], url_path="signin-code")
    def signin_code(self, request: Request, pk: Any = None) -> Response:
        """The code the door screen shows now (it changes every minute)."""
        activity = self._managed()
        code, expires_at = signin.current_code(activity.pk)
        return Response(s.SignInCodeShownSerializer({"code": code, "expires_at": expires_at}).data)

    @extend_schema(request=s.SignInCodeSerializer, responses=s.AttendanceEntrySerializer)
    @action(detail=True, methods=["post"])
    def signin(self, request: Request, pk: Any = None) -> Response:
        """Sign in with the door's code: the invited caller becomes present (again: harmless)."""
        activity = self.get_object()
        form = s.SignInCodeSerializer(data=request_dict(request))
        form.is_valid(raise_exception=True)
        row = services.attendance_sign_in(actor=request.user, activity=activity, code=form.validated_data["code"])
        return Response(s.AttendanceEntrySerializer(row).data)

    @extend_schema(responses=s.CurrentItemShownSerializer)
    @action(detail=True, methods=["get"], url_path="current-item")
    def current_item(self, request: Request, pk: Any = None) -> Response:
        """The agenda item the hall screen shows now (`item` null when none)."""
        return Response(_current_item_shown(self.get_object()))

    @extend_schema(request=s.CurrentItemSerializer, responses=s.CurrentItemShownSerializer)
    @current_item.mapping.post
    def current_item_move(self, request: Request, pk: Any = None) -> Response:
        """Show this agenda item on the hall screen (`{"item": id}`), or none (`{"item": null}`)."""
        activity = self._managed()
        form = s.CurrentItemSerializer(data=request_dict(request))
        form.is_valid(raise_exception=True)
        activity = services.current_item_set(actor=request.user, activity=activity, item=form.validated_data["item"])
        return Response(_current_item_shown(activity))

    @extend_schema(request=s.AgendaItemSerializer(many=True), responses=s.AgendaItemSerializer(many=True))
    @action(detail=True, methods=["get", "put"])
    def agenda(self, request: Request, pk: Any = None) -> Response:
        """The ordered agenda; PUT replaces it whole (staff managing the activity)."""
        activity = self.get_object()
        if request.method == "PUT":
            activity = self._managed()
            if not isinstance(request.data, list):
                raise exceptions.ParseError("请求内容应为 JSON 数组：[{order, title, presenter, minutes, materials}]。")
            form = s.AgendaItemSerializer(data=request.data, many=True)
            form.is_valid(raise_exception=True)
            services.agenda_set(actor=request.user, activity=activity, items=form.validated_data)
        rows = activity.agenda.prefetch_related("materials").order_by("order")
        return Response(s.AgendaItemSerializer(rows, many=True).data)

    @extend_schema(request={"multipart/form-data": dict}, responses={201: s.ActivityMaterialSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def materials(self, request: Request, pk: Any = None) -> Response:
        """Upload one paper of the meeting (multipart `file`, `title`)."""
        activity = self._managed()
        file = request.FILES.get("file")
        if file is None:
            raise exceptions.ValidationError({"file": ["请选择文件。"]})
        title = cast(dict[str, Any], request.data).get("title", "")
        if not isinstance(title, str) or len(title) > 200:
            raise exceptions.ValidationError({"title": ["标题最多200字。"]})
        material = services.material_add(actor=request.user, activity=activity, file=file, title=title)
        return Response(s.ActivityMaterialSerializer(material).data, status=201)

    @extend_schema(request=s.SeatingSerializer, responses=s.SeatingSerializer)
    @action(detail=True, methods=["get", "put"])
    def seating(self, request: Request, pk: Any = None) -> Response:
        """The meeting's hall and seats (a member sees only their own seat); PUT sets the hall's layout (staff)."""
        activity = self.get_object()
        if request.method == "PUT":
            activity = self._managed()
            plan = SeatingPlan.objects.filter(activity=activity).first()
            form = s.SeatingSerializer(plan, data=request_dict(request), partial=plan is not None)
            form.is_valid(raise_exception=True)
            if plan is not None:
                check_version(plan, if_match_version_of(request))
            plan = seating.seating_set_layout(actor=request.user, activity=activity, data=dict(form.validated_data))
        else:
            plan = SeatingPlan.objects.filter(activity=activity).first()
            if plan is None:
                raise Http404
        return Response(self._seating_data(plan))

    def _seating_data(self, plan: SeatingPlan) -> dict[str, Any]:
        user = self.request.user
        sees_all = user.is_superuser or user.role == Role.LEADER or permissions.may_manage(user, plan.activity)
        context = {"request": self.request, "only_member": None if sees_all else (user.member_id or 0)}
        return s.SeatingSerializer(plan, context=context).data

    @extend_schema(request=s.GenerateSeatingSerializer, responses=s.SeatingSerializer)
    @action(detail=True, methods=["post"], url_path="seating/generate")
    def seating_generate(self, request: Request, pk: Any = None) -> Response:
        """Seat the invited: leaders in front, then each sector (`by: sector`) or group (`by: group`) together."""
        activity = self._managed()
        form = s.GenerateSeatingSerializer(data=request_dict(request))
        form.is_valid(raise_exception=True)
        plan = seating.seating_generate(actor=request.user, activity=activity, by=form.validated_data["by"])
        return Response(self._seating_data(plan))

    @extend_schema(request=s.SwapSeatsSerializer, responses=s.SeatingSerializer)
    @action(detail=True, methods=["post"], url_path="seating/swap")
    def seating_swap(self, request: Request, pk: Any = None) -> Response:
        """Swap the people of two seats `{"a": [row, seat], "b": [row, seat]}` (one may be empty)."""
        activity = self._managed()
        form = s.SwapSeatsSerializer(data=request_dict(request))
        form.is_valid(raise_exception=True)
        data = form.validated_data
        plan = seating.seating_swap(actor=request.user, activity=activity, a=data["a"], b=data["b"])
        return Response(self._seating_data(plan))

    @extend_schema(responses=schema.PDF)
    @action(detail=True, methods=["get"], url_path="seating/pdf")
    def seating_pdf(self, request: AuthedRequest, pk: Any = None) -> HttpResponse:
        """The printable seating chart of the hall (staff and leaders)."""
        activity = self.get_object()
        if not (request.user.role == Role.LEADER or permissions.may_manage(request.user, activity)):
            raise exceptions.PermissionDenied("座次表只供会务人员和主席会议成员打印。")
        plan = SeatingPlan.objects.filter(activity=activity).select_related("activity__committee").first()
        if plan is None:
            raise Http404
        return document_response(seating.seating_document(plan), "pdf", f"{activity.title}座次表")

    def _managed(self) -> Activity:
        activity = self.get_object()
        if not permissions.may_manage(self.request.user, activity):
            raise exceptions.PermissionDenied("专委会工作人员只能管理本专委会的活动。")
        return activity

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


def _current_item_shown(activity: Activity) -> dict[str, Any]:
    item = activity.current_item
    if item is None:
        return {"item": None, "order": None, "title": None}
    return {"item": item.pk, "order": item.order, "title": item.title}


class ActivityMaterialViewSet(ScopedModelViewSet):
    """Meeting papers: the invited, the office and leaders read them (others 404); staff withdraw them."""

    model = ActivityMaterial
    serializer_class = s.ActivityMaterialSerializer
    permission_rule = permissions.MATERIALS
    xlsx_filename = "activity-materials"
    http_method_names = ["get", "post", "head", "options"]
    action_rules = {"withdraw": (permissions.ACTIVITIES, "write")}

    def get_queryset(self):  # type: ignore[override]
        qs = super().get_queryset().order_by("-id")
        activity = self.request.query_params.get("activity", "")
        return qs.filter(activity_id=int(activity)) if activity.isascii() and activity.isdigit() else qs

    @extend_schema(request={"multipart/form-data": dict}, responses={201: s.ActivityMaterialSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Upload a paper (multipart `activity`, `file`, `title`); the same as activities/{id}/materials/."""
        activity_id = as_id(request.data.get("activity") if hasattr(request.data, "get") else None)
        if activity_id is None:
            raise exceptions.ValidationError({"activity": ["请指定会议（activity）。"]})
        activity = access_by_id(request.user, Activity, activity_id)
        if not permissions.may_manage(request.user, activity):
            raise exceptions.PermissionDenied("专委会工作人员只能管理本专委会的活动。")
        file = request.FILES.get("file") if hasattr(request, "FILES") else None
        if file is None:
            raise exceptions.ValidationError({"file": ["请选择文件。"]})
        title = cast(dict[str, Any], request.data).get("title", "")
        if not isinstance(title, str) or len(title) > 200:
            raise exceptions.ValidationError({"title": ["标题最多200字。"]})
        material = services.material_add(actor=request.user, activity=activity, file=file, title=title)
        return Response(s.ActivityMaterialSerializer(material).data, status=201)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def file(self, request: Request, pk: Any = None) -> HttpResponseBase:
        """The file itself, inline; a PDF served to a member carries the reader's name on every page."""
        return material_response(request, self.get_object())

    @extend_schema(request=None, responses=s.ActivityMaterialSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        """Withdraw the material (after the meeting): only the office reads it from now on."""
        material = services.material_withdraw(actor=request.user, material=self.get_object())
        return Response(s.ActivityMaterialSerializer(material).data)


def material_response(request: Any, material: ActivityMaterial) -> HttpResponseBase:
    """Serve a material inline (readable in the phone's browser); watermarked for readers outside the office."""
    try:
        with material.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        raise Http404 from None
    user = request.user
    if user.role in (Role.MEMBER, Role.LEADER) and data.startswith(b"%PDF-"):
        reader = user.member.name if user.member_id else user.username
        stamped = watermark_pdf(data, f"{reader} {clock.today():%Y-%m-%d} 仅供本人阅读")
        data = stamped if stamped is not None else data
    response = upload_response(io.BytesIO(data), name=material.name)
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline", 1)
    response["Cache-Control"] = "private, no-store"
    return response


class VoteViewSet(ScopedModelViewSet):
    """Electronic votes (表决): set up by staff, opened and closed, cast by present members of the electorate."""

    model = Vote
    serializer_class = s.VoteSerializer
    permission_rule = permissions.VOTES
    xlsx_filename = "votes"
    prefetch_related = ("electorate",)
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_rules = {
        "open": (permissions.VOTES, "write"),
        "close": (permissions.VOTES, "write"),
        "ballot": (permissions.BALLOT, "write"),
        "result": (permissions.VOTES, "read"),
        "ballots": (permissions.VOTES, "read"),
        "sheet": (permissions.VOTES, "read"),
    }

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("many") and args:
            rows = list(args[0])
            for row in rows:
                row.participant_ids = [m.pk for m in row.electorate.all()]
            args = (rows, *args[1:])
        elif args and isinstance(args[0], Vote):
            args[0].participant_ids = sorted(m.pk for m in args[0].electorate.all())  # type: ignore[attr-defined]
        return super().get_serializer(*args, **kwargs)

    def create_object(self, data: dict[str, Any]) -> Vote:
        data.pop("committee", None)
        electorate = data.pop("electorate", None)
        return votes.vote_create(actor=self.request.user, data=data, electorate=electorate)

    def update_object(self, instance: Vote, data: dict[str, Any]) -> Vote:
        electorate = data.pop("electorate", None)
        return votes.vote_update(actor=self.request.user, vote=instance, data=data, electorate=electorate)

    def _step(self, step: Any) -> Response:
        vote = step(actor=self.request.user, vote=self.get_object())
        vote = self.get_queryset().get(pk=vote.pk)
        return Response(self.get_serializer(vote).data)

    @extend_schema(request=None, responses=s.VoteSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk: Any = None) -> Response:
        """Open the vote (draft → open); the present electorate is told."""
        return self._step(votes.vote_open)

    @extend_schema(request=None, responses=s.VoteSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        """Close the vote (open → closed); the count becomes visible."""
        return self._step(votes.vote_close)

    @extend_schema(request=s.BallotSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def ballot(self, request: Request, pk: Any = None) -> Response:
        """Cast the caller's ballot: {"choice"} for a resolution, {"choices":[option ids]} for an election."""
        vote = self.get_object()
        form = s.BallotSerializer(data=request_dict(request))
        form.is_valid(raise_exception=True)
        votes.ballot_cast(
            actor=request.user,
            vote=vote,
            choice=form.validated_data.get("choice"),
            choices=form.validated_data.get("choices"),
        )
        return Response(status=204)

    @extend_schema(responses=s.VoteResultSerializer)
    @action(detail=True, methods=["get"])
    def result(self, request: Request, pk: Any = None) -> Response:
        """Turnout, and once closed the counts and whether it was adopted (or who was elected)."""
        return Response(s.VoteResultSerializer(votes.vote_result(self.get_object())).data)

    @extend_schema(responses=schema.PDF)
    @action(detail=True, methods=["get"])
    def sheet(self, request: AuthedRequest, pk: Any = None) -> HttpResponse:
        """The result sheet (表决结果) of a closed vote as PDF; 409 while it is a draft or open."""
        vote = self.get_object()
        if not meeting_records_readable(request.user, vote.activity):
            raise Http404
        return document_response(records.vote_sheet_document(vote), "pdf", f"表决结果-{vote.pk}")

    @extend_schema(responses=s.BallotShownSerializer(many=True))
    @action(detail=True, methods=["get"])
    def ballots(self, request: Request, pk: Any = None) -> Response:
        """Named vote: who chose what. Secret vote: only who voted."""
        return Response(votes.ballots_shown(self.get_object()))


def _by_activity(request: Request, qs: Any) -> Any:
    activity = request.query_params.get("activity", "")
    return qs.filter(activity_id=int(activity)) if activity.isascii() and activity.isdigit() else qs


class MinutesViewSet(ScopedModelViewSet):
    """Meeting minutes (会议纪要): the office writes and publishes; readers as the meeting's papers (others 404)."""

    model = Minutes
    serializer_class = s.MinutesSerializer
    permission_rule = permissions.MINUTES
    xlsx_filename = "meeting-minutes"
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_rules = {
        "publish": (permissions.MINUTES, "write"),
        "docx": (permissions.MINUTES, "read"),
        "pdf": (permissions.MINUTES, "read"),
    }

    def get_queryset(self):  # type: ignore[override]
        return _by_activity(self.request, super().get_queryset())

    def create_object(self, data: dict[str, Any]) -> Minutes:
        return records.minutes_create(actor=self.request.user, activity=data["activity"], text=data.get("text", ""))

    def update_object(self, instance: Minutes, data: dict[str, Any]) -> Minutes:
        return records.minutes_update(actor=self.request.user, minutes=instance, data=data)

    @extend_schema(request=None, responses=s.MinutesSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: Any = None) -> Response:
        """Publish the minutes (draft → published; again: 409): the invited are told and may read them."""
        minutes = records.minutes_publish(actor=request.user, minutes=self.get_object())
        return Response(s.MinutesSerializer(minutes, context=self.get_serializer_context()).data)

    def _document(self, fmt: str) -> HttpResponse:
        minutes = self.get_object()
        return document_response(records.minutes_document(minutes), fmt, f"{minutes.activity.title}纪要")

    @extend_schema(responses=schema.DOCX)
    @action(detail=True, methods=["get"])
    def docx(self, request: Request, pk: Any = None) -> HttpResponse:
        """The minutes as an editable DOCX in the official layout."""
        return self._document("docx")

    @extend_schema(responses=schema.PDF)
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: Any = None) -> HttpResponse:
        """The minutes as a PDF with the Chinese fonts embedded."""
        return self._document("pdf")


class MeetingDecisionViewSet(ScopedModelViewSet):
    """Decisions (议定事项) of meetings, in order; the office turns one into a plan item of the ledger."""

    model = Decision
    serializer_class = s.MeetingDecisionSerializer
    permission_rule = permissions.DECISIONS
    xlsx_filename = "meeting-decisions"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    action_rules = {"plan_item": (ledger_permissions.PLAN_ITEMS, "write")}

    def get_queryset(self):  # type: ignore[override]
        return _by_activity(self.request, super().get_queryset().order_by("activity_id", "order", "id"))

    def create_object(self, data: dict[str, Any]) -> Decision:
        data.pop("committee", None)
        activity = data.pop("activity")
        return records.decision_create(actor=self.request.user, activity=activity, data=data)

    def update_object(self, instance: Decision, data: dict[str, Any]) -> Decision:
        data.pop("activity", None)
        return records.decision_update(actor=self.request.user, decision=instance, data=data)

    def perform_destroy(self, instance: Decision) -> None:
        records.decision_delete(actor=self.request.user, decision=instance)

    @extend_schema(request=s.ToPlanItemSerializer, responses={201: s.MeetingDecisionSerializer})
    @action(detail=True, methods=["post"], url_path="plan-item")
    def plan_item(self, request: Request, pk: Any = None) -> Response:
        """Turn the decision into a plan item of the meeting year's plan (once; again 409; no plan 409)."""
        decision = self.get_object()
        form = s.ToPlanItemSerializer(data=request_dict(request), context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        decision = records.decision_to_plan_item(actor=request.user, decision=decision, **form.validated_data)
        return Response(s.MeetingDecisionSerializer(decision, context=self.get_serializer_context()).data, status=201)


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

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, required=True),
            OpenApiParameter("committee", int, description="超级用户指定政协（其他账号为所属政协）"),
        ],
        responses={200: dict, 400: dict},
    )
    def get(self, request: Request) -> Response:
        """Each cadence rule of the caller's committee, per subject and period of the year: met / missed / open."""
        year = year_of_request(request, default=None)
        # The API's rule for a superuser: the committee it names, else the only county (400 when neither).
        committee = committee_acted_for(viewer=request.user, requested=request.query_params.get("committee"))
        return Response(cadence_report(committee=committee, year=year))


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A member's invitations as iCalendar; the private token in the URL is the only key (forged → 401)."""
    member = services.feed_member(token)
    if member is None or request.method not in ("GET", "HEAD"):
        return JsonResponse({"detail": "日历订阅链接无效或已更新，请在“我的活动”页面重新订阅。"}, status=401)
    body = ics.calendar_text(member=member, activities=selectors.member_invitations(member=member))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="luzhi.ics"'
    return response


def register(router: SimpleRouter) -> list[URLPattern]:
    """Add this app's viewsets to the API router; return the cadence report's path."""
    router.register("activities", ActivityViewSet, basename="activity")
    router.register("leave-requests", LeaveRequestViewSet, basename="leave-request")
    router.register("activity-materials", ActivityMaterialViewSet, basename="activity-material")
    router.register("votes", VoteViewSet, basename="vote")
    router.register("meeting-minutes", MinutesViewSet, basename="meeting-minutes")
    router.register("meeting-decisions", MeetingDecisionViewSet, basename="meeting-decision")
    router.register("reading-logs", ReadingLogViewSet, basename="reading-log")
    router.register("cadence-rules", CadenceRuleViewSet, basename="cadence-rule")
    return [
        path("cadence/report/", CadenceReportView.as_view(), name="cadence-report"),
        path("calendar-feeds/<str:token>.ics", calendar_feed, name="activity-feed"),
    ]
