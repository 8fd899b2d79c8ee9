"""API authentication by device token (django-rest-knox), header `Authorization: Token <token>`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.request import Request

from luzhi.accounts.models import DeviceToken, User
from luzhi.accounts.passwords import check_api_request

# How stale a device's "last used" may get: one write a minute per device at most, not one per request.
LAST_USED_PRECISION = timedelta(minutes=1)


class DeviceTokenAuthentication(TokenAuthentication):
    """Knox's hashed, expiring tokens, with each device's last use recorded and Chinese errors."""

    def authenticate(self, request: Request) -> tuple[User, DeviceToken] | None:
        try:
            result = super().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            raise exceptions.AuthenticationFailed("登录令牌无效、已过期或已注销，请重新登录。") from exc
        if result is not None:
            check_api_request(request, result[0])  # 403 password_change_required (accounts.passwords)
        return result

    def validate_user(self, auth_token: Any) -> tuple[User, DeviceToken]:
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used is None or now - token.last_used > LAST_USED_PRECISION:
            DeviceToken.objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now
        return user, token


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    """The schema's `Authorization: Token <token>` security scheme, as DRF's own tokens had it."""

    target_class = DeviceTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
