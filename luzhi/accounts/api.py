"""Accounts, the caller, tokens, security settings and the audit log (API.md "Accounts", "Audit")."""

from __future__ import annotations

from typing import Any, NoReturn

import django_filters
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib.auth import authenticate, update_session_auth_hash
from django.http import HttpResponse
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from luzhi.accounts import permissions
from luzhi.accounts.bulk import BulkRefused, member_accounts_create
from luzhi.accounts.letters import letters_response
from luzhi.accounts.models import DeviceToken, SecuritySettings, User
from luzhi.accounts.permissions import AccountChangeRefused, check_account_change
from luzhi.accounts.requests import AuthedRequest
from luzhi.accounts.selectors import device_token_list, office_grant_list
from luzhi.accounts.serializers import (
    AuditEntrySerializer,
    DeviceSerializer,
    MemberAccountsRequestSerializer,
    MemberAccountsResultSerializer,
    MeSerializer,
    OfficeGrantSerializer,
    SecuritySettingsSerializer,
    UserSerializer,
    member_accounts_response,
)
from luzhi.accounts.services import (
    account_unlock,
    device_token_create,
    device_token_revoke,
    password_change,
    security_settings_update,
    user_create,
    user_restore,
    user_update,
)
from luzhi.accounts.smscodes import RateLimited, code_check, code_request, password_reset_by_code
from luzhi.accounts.twofactor import otp_check
from luzhi.core.api import ScopedModelViewSet, XLSXListMixin, as_id, request_dict
from luzhi.core.audit import audit_auth_event
from luzhi.core.models import AuditEntry
from luzhi.core.permissions import RolePermission
from luzhi.core.scoping import visible_to
from luzhi.core.throttling import LoginFailuresCounted, TokenRateThrottle, throttled

LOCKED_MESSAGE = "登录失败次数过多，账号已锁定，请30分钟后再试或联系安全管理员。"
SMS_CODE_ACCEPTED = "如该号码已开通账号，验证码已发送，5分钟内有效。"


class UserViewSet(ScopedModelViewSet):
    model = User
    serializer_class = UserSerializer
    permission_rule = permissions.USERS
    xlsx_filename = "users"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]  # deactivate, never delete
    select_related = ("committee", "member", "unit", "special_committee")

    def get_queryset(self):  # type: ignore[override]
        return super().get_queryset().filter(is_superuser=False)

    def create_object(self, data: dict[str, Any]) -> User:
        data["committee"] = self.committee_for_write()
        try:
            return user_create(actor=self.request.user, data=data)
        except AccountChangeRefused as exc:
            raise exceptions.PermissionDenied(exc.message) from exc

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # An administrator's or one's own account is refused before its fields are even validated.
        try:
            check_account_change(actor=request.user, account=self.get_object(), role=None)
        except AccountChangeRefused as exc:
            raise exceptions.PermissionDenied(exc.message) from exc
        return super().update(request, *args, **kwargs)

    def update_object(self, instance: User, data: dict[str, Any]) -> User:
        if not self.request.user.is_superuser:
            data.pop("committee", None)
        try:
            return user_update(actor=self.request.user, user=instance, data=data)
        except AccountChangeRefused as exc:
            raise exceptions.PermissionDenied(exc.message) from exc

    @extend_schema(
        request=MemberAccountsRequestSerializer,
        responses={201: MemberAccountsResultSerializer, 200: MemberAccountsResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="member-accounts")
    def member_accounts(self, request: Request) -> Response:
        """Give every chosen member without an account a member account with a one-time password (SMS or letter)."""
        data = request_dict(request)
        committee_id = as_id(data.get("committee"))
        if committee_id is None:
            raise exceptions.ValidationError({"committee": ["请提供所属政协编号。"]})
        committee = self.committee_for_write()
        if committee.pk != committee_id:
            raise exceptions.NotFound("未找到该政协，或不是您所属的政协。")
        try:
            result = member_accounts_create(
                actor=request.user,
                committee=committee,
                member_ids=data.get("members"),
                all_active=data.get("all_active"),
                request=request._request,
            )
        except BulkRefused as exc:
            raise exceptions.PermissionDenied(exc.message) from exc
        return Response(member_accounts_response(request, result), status=201 if result.created else 200)

    @extend_schema(
        request=inline_serializer("UserRestoreRequest", {"history_id": serializers.IntegerField()}),
        responses=UserSerializer,
    )
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: Any = None) -> Response:  # type: ignore[override]  # the stubs' ViewSetAction is invariant in self
        """Restore an ordinary account to one of its earlier versions (never to an administrator role)."""
        account = self.get_object()
        history_id = as_id(request_dict(request).get("history_id"))
        if history_id is None or not account.history.filter(history_id=history_id).exists():
            raise exceptions.ValidationError({"history_id": ["没有这个历史版本。"]})
        try:
            restored = user_restore(actor=request.user, user=account, history_id=history_id)
        except AccountChangeRefused as exc:
            raise exceptions.PermissionDenied(exc.message) from exc
        return Response(self.get_serializer(restored).data)


class AccountLettersView(APIView):
    permission_classes = [IsAuthenticated, RolePermission]
    permission_rule = permissions.USERS

    @extend_schema(responses={(200, "application/pdf"): bytes, 404: OpenApiResponse(description="不存在或已过期")})
    def get(self, request: Request, pk: int) -> HttpResponse:
        """Download a PDF of sealed account letters (the committee's sysadmin, within 24 hours)."""
        return letters_response(viewer=request.user, pk=pk)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        """The caller's account, role, committee and member."""
        return Response(MeSerializer(request.user).data)


class PasswordChangeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=inline_serializer(
            "PasswordChangeRequest",
            {"old_password": serializers.CharField(), "new_password": serializers.CharField()},
        ),
        responses={204: None, 400: OpenApiResponse(description="原密码不正确；新密码不符合密码策略或与原密码相同")},
    )
    def post(self, request: AuthedRequest) -> Response:
        """Change one's own password (clears the forced change; the other devices are logged out)."""
        data = request_dict(request)
        keep = request.auth.pk if isinstance(request.auth, DeviceToken) else None
        user = password_change(
            user=request.user,
            old_password=data.get("old_password"),
            new_password=data.get("new_password"),
            keep_device_token=keep,
        )
        if keep is None:
            update_session_auth_hash(request._request, user)  # this session stays logged in
        return Response(status=204)


class SMSCodeRateThrottle(TokenRateThrottle):
    """Code requests per client address (the per-phone limits are the service's)."""

    scope = "sms_code"
    rate = "60/hour"


class SMSCodeView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [SMSCodeRateThrottle]

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        throttled(wait)

    @extend_schema(
        request=inline_serializer(
            "SMSCodeRequest",
            {
                "phone": serializers.CharField(),
                "purpose": serializers.ChoiceField(
                    choices=["login", "reset"], required=False, help_text="短信措辞：登录（默认）或重置密码"
                ),
            },
        ),
        responses={
            202: inline_serializer("SMSCodeAccepted", {"detail": serializers.CharField()}),
            400: OpenApiResponse(description="不是大陆手机号码"),
            429: OpenApiResponse(description="每个号码每分钟1次、每小时5次"),
        },
    )
    def post(self, request: Request) -> Response:
        """Text a 6-digit code to the phone when it belongs to an account; the same answer either way."""
        data = request_dict(request)
        try:
            code_request(phone=data.get("phone"), purpose=data.get("purpose") or "login", request=request._request)
        except RateLimited as exc:
            throttled(exc.wait)
        return Response({"detail": SMS_CODE_ACCEPTED}, status=202)


class PasswordResetView(LoginFailuresCounted, APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        throttled(wait)

    @extend_schema(
        request=inline_serializer(
            "PasswordResetRequest",
            {
                "phone": serializers.CharField(),
                "code": serializers.CharField(),
                "new_password": serializers.CharField(),
            },
        ),
        responses={204: None, 400: OpenApiResponse(description="验证码错误或已过期；新密码不符合密码策略")},
    )
    def post(self, request: Request) -> Response:
        """Set a new password with a code texted to the account's phone."""
        data = request_dict(request)
        password_reset_by_code(
            phone=data.get("phone"),
            code=data.get("code"),
            new_password=data.get("new_password"),
            request=request._request,
        )
        return Response(status=204)


class TokenView(LoginFailuresCounted, APIView):
    """Failed logins are limited per client address before any password is checked; successful ones never are."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        throttled(wait)

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {
                "username": serializers.CharField(required=False),
                "password": serializers.CharField(required=False),
                "phone": serializers.CharField(required=False, help_text="以短信验证码登录：手机号码"),
                "code": serializers.CharField(required=False, help_text="以短信验证码登录：6位验证码"),
                "device_name": serializers.CharField(required=False, help_text="设备名称，便于日后辨认和注销"),
                "otp": serializers.CharField(required=False, help_text="动态验证码（已绑定动态口令的账号必填）"),
            },
        ),
        responses={
            200: inline_serializer(
                "TokenResponse",
                {
                    "token": serializers.CharField(),
                    "expiry": serializers.DateTimeField(),
                    "device": serializers.IntegerField(),
                },
            ),
            400: OpenApiResponse(description="用户名或密码错误"),
            403: OpenApiResponse(description="账号已锁定；或管理员尚未绑定动态口令（code: otp_required）"),
            429: OpenApiResponse(description="失败次数过多（按客户端地址限制失败的登录，成功的登录不受限）"),
        },
    )
    def post(self, request: Request) -> Response:
        """Exchange a username and password (or a phone and its SMS code) for a new, expiring token of this device.

        Five failed passwords lock the account; five wrong codes burn the code. An account with a TOTP
        device gives its `otp` either way; administrators cannot log in by SMS code.
        """
        data = request.data if hasattr(request.data, "get") else {}
        if "code" in data and "password" not in data:
            user = code_check(phone=data.get("phone"), code=data.get("code"), request=request._request)
            if AxesProxyHandler.is_locked(request._request, {"username": user.username}):
                raise exceptions.PermissionDenied(LOCKED_MESSAGE)
        else:
            user = self._password_user(request, data)
        otp_check(request._request, user, data.get("otp"))  # the second factor, when the account has one
        device = data.get("device_name")
        if not isinstance(device, str) or not device.strip():
            device = request.headers.get("User-Agent", "")
        token, key = device_token_create(user=user, name=device)
        audit_auth_event(action=AuditEntry.Action.LOGIN, user=user, request=request._request)
        return Response({"token": key, "expiry": token.expiry, "device": token.pk})

    def _password_user(self, request: Request, data: Any) -> User:
        username, password = data.get("username"), data.get("password")
        if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
            raise exceptions.ValidationError({"detail": "请提供用户名和密码。"})
        user = authenticate(request=request._request, username=username[:150], password=password[:128])
        if getattr(request._request, "axes_locked_out", False):
            raise exceptions.PermissionDenied(LOCKED_MESSAGE)
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"detail": "用户名或密码错误。"})
        return user


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, 400: OpenApiResponse(description="请求未使用登录令牌")})
    def post(self, request: AuthedRequest) -> Response:
        """Log this device out: the token of this request stops working."""
        if not isinstance(request.auth, DeviceToken):
            raise exceptions.ValidationError({"detail": "本次请求没有使用登录令牌，无可注销的设备。"})
        device_token_revoke(actor=request.user, token=request.auth)
        audit_auth_event(action=AuditEntry.Action.LOGOUT, user=request.user, request=request._request)
        return Response(status=204)


class DeviceViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's own API logins (devices), each of which the caller can log out."""

    request: AuthedRequest  # behind IsAuthenticated: an account

    serializer_class = DeviceSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):  # type: ignore[override]
        return device_token_list(viewer=self.request.user)

    def perform_destroy(self, instance: DeviceToken) -> None:
        device_token_revoke(actor=self.request.user, token=instance)
        audit_auth_event(action=AuditEntry.Action.LOGOUT, user=self.request.user, request=self.request._request)


class OfficeGrantViewSet(XLSXListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Who was given the office role (which sees members' personal data in full), for the security administrator."""

    serializer_class = OfficeGrantSerializer
    xlsx_filename = "office-grants"
    xlsx_title = "办公室角色授予记录"
    permission_classes = [IsAuthenticated, RolePermission]
    permission_rule = permissions.SECURITY

    def get_queryset(self):  # type: ignore[override]
        return office_grant_list(viewer=self.request.user)


class SecuritySettingsView(APIView):
    permission_classes = [IsAuthenticated, RolePermission]
    permission_rule = permissions.SECURITY

    @extend_schema(responses=SecuritySettingsSerializer)
    def get(self, request: Request) -> Response:
        """The deployment's security settings."""
        return Response(SecuritySettingsSerializer(SecuritySettings.current()).data)

    @extend_schema(request=SecuritySettingsSerializer, responses=SecuritySettingsSerializer)
    def put(self, request: Request) -> Response:
        """Change the idle session timeout (5–480 minutes)."""
        serializer = SecuritySettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = security_settings_update(actor=request.user, **serializer.validated_data)
        return Response(SecuritySettingsSerializer(row).data)


class LockoutSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessAttempt
        fields = ["id", "username", "ip_address", "failures_since_start", "attempt_time"]
        extra_kwargs = {
            "username": {"label": "用户名"},
            "ip_address": {"label": "IP地址"},
            "failures_since_start": {"label": "失败次数"},
            "attempt_time": {"label": "最近尝试时间"},
        }


class LockoutViewSet(XLSXListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Accounts with failed logins, for the security administrator to unlock."""

    serializer_class = LockoutSerializer
    xlsx_filename = "lockouts"
    xlsx_title = "登录失败锁定"
    permission_classes = [IsAuthenticated, RolePermission]
    permission_rule = permissions.SECURITY
    action_rules = {"unlock": (permissions.SECURITY, "write")}

    def get_queryset(self):  # type: ignore[override]
        user = self.request.user
        usernames = visible_to(User.objects.all(), user).values("username")
        return AccessAttempt.objects.filter(username__in=usernames).order_by("-attempt_time")

    @extend_schema(request=None, responses=inline_serializer("Unlocked", {"unlocked": serializers.IntegerField()}))
    @action(detail=True, methods=["post"])
    def unlock(self, request: Request, pk: Any = None) -> Response:
        """Clear the failed logins of one account so that it can log in again."""
        attempt = self.get_object()
        return Response({"unlocked": account_unlock(actor=request.user, username=attempt.username)})


class AuditFilter(django_filters.FilterSet):
    model = django_filters.CharFilter(max_length=100, label="对象类型")
    object_id = django_filters.CharFilter(max_length=64, label="对象编号")
    action = django_filters.ChoiceFilter(choices=AuditEntry.Action.choices, label="操作")
    user = django_filters.CharFilter(field_name="username", max_length=150, label="用户")

    class Meta:
        model = AuditEntry
        fields: list[str] = []


class AuditViewSet(XLSXListMixin, viewsets.ReadOnlyModelViewSet):
    """The audit log, for the auditor only."""

    serializer_class = AuditEntrySerializer
    permission_classes = [IsAuthenticated, RolePermission]
    permission_rule = permissions.AUDIT
    xlsx_filename = "audit"

    filterset_class = AuditFilter

    def get_queryset(self):  # type: ignore[override]
        return visible_to(AuditEntry.objects.all(), self.request.user)


def register(router: SimpleRouter) -> list[URLPattern]:
    """Add accounts, lockouts, audit, office grants and devices to the router; return the auth and caller paths."""
    router.register("users", UserViewSet, basename="user")
    router.register("lockouts", LockoutViewSet, basename="lockout")
    router.register("audit", AuditViewSet, basename="audit")
    router.register("office-grants", OfficeGrantViewSet, basename="office-grant")
    router.register("auth/devices", DeviceViewSet, basename="device")
    return [
        path("auth/token/", TokenView.as_view(), name="api-token"),
        path("auth/logout/", LogoutView.as_view(), name="api-logout"),
        path("auth/password/", PasswordChangeView.as_view(), name="api-password-change"),
        path("auth/sms-code/", SMSCodeView.as_view(), name="api-sms-code"),
        path("auth/password-reset/", PasswordResetView.as_view(), name="api-password-reset"),
        path("me/", MeView.as_view(), name="api-me"),
        path("account-letters/<int:pk>/", AccountLettersView.as_view(), name="api-account-letters"),
        path("security-settings/", SecuritySettingsView.as_view(), name="api-security-settings"),
    ]
