"""REST endpoints of notifications (API.md "Member accounts and reaching people")."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from luzhi.core.api import LuzhiSerializer, ScopedModelViewSet
from luzhi.core.permissions import RolePermission
from luzhi.notifications import permissions, selectors, services
from luzhi.notifications.events import COMMITTEE_EVENTS
from luzhi.notifications.models import Delivery, GroupChannel, Notification, NotificationSettings

BOOL_PARAM = {"true": True, "1": True, "false": False, "0": False}


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField(label="已读")

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "read", "created_at", "read_at"]
        read_only_fields = fields

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


def _bool_param(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if raw.lower() not in BOOL_PARAM:
        raise exceptions.ValidationError({name: ["应为 true 或 false。"]})
    return BOOL_PARAM[raw.lower()]


@extend_schema(
    parameters=[
        OpenApiParameter("read", bool, description="false：只列未读；true：只列已读"),
        OpenApiParameter("unread", bool, description="true：只列未读（旧参数）"),
    ]
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's own inbox (nobody reads another's): newest first, ?read=false; mark read."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated, RolePermission]
    permission_rule = permissions.INBOX
    queryset = Notification.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        read = _bool_param(self.request, "read")
        if read is None and _bool_param(self.request, "unread"):
            read = False
        return selectors.inbox(viewer=self.request.user, read=read)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        """Mark one of one's own messages read (another's is 404)."""
        notification = services.notification_read(user=request.user, notification_id=pk)
        if notification is None:
            raise Http404
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark every unread message read."""
        return Response({"marked": services.notifications_read_all(user=request.user)})


class NotificationSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = NotificationSettings
        fields = ["sms", "email", "wecom", "dingtalk", "digest"]
        extra_kwargs = {name: {"required": True} for name in fields}  # a PUT states them all; PATCH some


class NotificationSettingsView(APIView):
    """The caller's own channel settings (the inbox is always on)."""

    permission_classes = [IsAuthenticated, RolePermission]
    permission_rule = permissions.SETTINGS
    serializer_class = NotificationSettingsSerializer

    def get(self, request: Request) -> Response:
        return Response(NotificationSettingsSerializer(services.settings_of(request.user)).data)

    @extend_schema(request=NotificationSettingsSerializer, responses=NotificationSettingsSerializer)
    def put(self, request: Request) -> Response:
        serializer = NotificationSettingsSerializer(data=request.data, partial=False)
        serializer.is_valid(raise_exception=True)
        prefs = services.notification_settings_update(user=request.user, data=dict(serializer.validated_data))
        return Response(NotificationSettingsSerializer(prefs).data)

    @extend_schema(request=NotificationSettingsSerializer, responses=NotificationSettingsSerializer)
    def patch(self, request: Request) -> Response:
        serializer = NotificationSettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        prefs = services.notification_settings_update(user=request.user, data=dict(serializer.validated_data))
        return Response(NotificationSettingsSerializer(prefs).data)


class GroupChannelSerializer(LuzhiSerializer):
    secret = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=200, label="签名密钥", help_text="钉钉加签密钥"
    )
    has_secret = serializers.SerializerMethodField(label="已设密钥")
    xlsx_labels = {"events": COMMITTEE_EVENTS}
    events = serializers.JSONField(
        label="推送的事件", help_text="事件类别列表：" + "、".join(f"{k}（{v}）" for k, v in COMMITTEE_EVENTS.items())
    )

    class Meta:
        model = GroupChannel
        fields = ["id", "committee", "name", "kind", "url", "secret", "has_secret", "events", "active"]
        read_only_fields = ["committee"]

    def get_has_secret(self, obj: GroupChannel) -> bool:
        return bool(obj.secret)


class GroupChannelViewSet(ScopedModelViewSet):
    """A committee's group robots and webhooks (its office only): committee news, never a person's message."""

    model = GroupChannel
    serializer_class = GroupChannelSerializer
    permission_rule = permissions.CHANNELS
    xlsx_filename = "group-channels"

    def create_object(self, data: dict[str, Any]) -> GroupChannel:
        committee = data.pop("committee")
        return services.group_channel_create(actor=self.request.user, committee=committee, data=data)

    def update_object(self, instance: GroupChannel, data: dict[str, Any]) -> GroupChannel:
        return services.group_channel_update(actor=self.request.user, channel=instance, data=data)

    def perform_destroy(self, instance: GroupChannel) -> None:
        services.group_channel_delete(actor=self.request.user, channel=instance)


class DeliverySerializer(serializers.ModelSerializer):
    recipient = serializers.SerializerMethodField(label="接收人")
    group_channel_name = serializers.SerializerMethodField(label="群聊渠道")

    class Meta:
        model = Delivery
        fields = [
            "id",
            "channel",
            "recipient",
            "group_channel",
            "group_channel_name",
            "target",
            "kind",
            "title",
            "status",
            "attempts",
            "error",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "sent_at",
        ]
        read_only_fields = fields

    def get_recipient(self, obj: Delivery) -> str:
        user = obj.user
        return (user.get_full_name() or user.username) if user else ""

    def get_group_channel_name(self, obj: Delivery) -> str:
        return str(obj.group_channel) if obj.group_channel else ""


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=list(Delivery.Status.values)),
        OpenApiParameter("channel", str, enum=list(Delivery.Channel.values)),
    ]
)
class DeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every delivery attempt of the office's committee: channel, target, status, attempts, error; retry."""

    serializer_class = DeliverySerializer
    permission_classes = [IsAuthenticated, RolePermission]
    permission_rule = permissions.DELIVERIES
    action_rules = {"retry": (permissions.DELIVERIES, "write")}
    queryset = Delivery.objects.none()

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Delivery.objects.none()
        params = self.request.query_params
        status, channel = params.get("status", ""), params.get("channel", "")
        if status and status not in Delivery.Status.values:
            raise exceptions.ValidationError({"status": ["未知的状态。"]})
        if channel and channel not in Delivery.Channel.values:
            raise exceptions.ValidationError({"channel": ["未知的渠道。"]})
        return selectors.delivery_list(viewer=self.request.user, status=status, channel=channel)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: Any = None) -> Response:
        """Send a failed delivery again (409 unless it failed)."""
        delivery = services.delivery_retry(delivery=self.get_object())
        return Response(self.get_serializer(delivery).data)


def register(router: SimpleRouter) -> list[URLPattern]:
    """Add this app's viewsets to the API router and the caller's own settings path."""
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("channels", GroupChannelViewSet, basename="group-channel")
    router.register("notification-deliveries", DeliveryViewSet, basename="notification-delivery")
    return [
        path("me/notification-settings/", NotificationSettingsView.as_view(), name="notification-settings"),
    ]
