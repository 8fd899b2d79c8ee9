"""The forced password change: an account whose password someone else set reaches only the change form.

`must_change_password` is set whenever a password is chosen by someone other than its owner (the
sysadmin creating or editing an account, bulk-created member accounts, a reset) and cleared when
the owner sets their own (`password_change`, or a reset by SMS code, which only the owner of the
phone can do). Until then:

- pages redirect to the change form (`/accounts/password/`), htmx requests get 403 + HX-Redirect;
- the API answers 403 `{"detail","code":"password_change_required"}` — the session-authenticated
  calls through `PasswordChangeRequiredMiddleware`, the token-authenticated ones through
  `DeviceTokenAuthentication`, which calls `check_api_request` (one rule, `blocked`, for both).

Open throughout: logging out, the change form and API, `GET /api/v1/me/`, the token endpoint
(a login must be possible to change the password at all), the schema, and static files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from rest_framework import exceptions, status

CHANGE_URL = "/accounts/password/"
CODE = "password_change_required"
MESSAGE = "您的密码由他人设置，请先修改密码后再使用系统。"

OPEN_PAGES = (CHANGE_URL, "/logout/", "/login/", "/static/", "/healthz", "/api/schema/", "/api/docs/")
OPEN_API = (
    "/api/v1/me/",
    "/api/v1/auth/password/",
    "/api/v1/auth/logout/",
    "/api/v1/auth/token/",
)


def blocked(user: Any, path: str) -> bool:
    """Whether this user, who must still change the password someone else set, may not reach `path`."""
    if not getattr(user, "must_change_password", False) or not getattr(user, "is_authenticated", False):
        return False
    if path.startswith("/api/"):
        return not path.startswith(OPEN_API) and not path.startswith("/api/schema/")
    return not path.startswith(OPEN_PAGES)


class PasswordChangeRequired(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = MESSAGE
    default_code = CODE

    def __init__(self) -> None:
        super().__init__(MESSAGE, CODE)
        # The body is {"detail", "code"}, as the OTP gate's; DRF renders a dict detail as is.
        self.detail = {"detail": exceptions.ErrorDetail(MESSAGE, CODE), "code": CODE}  # type: ignore[dict-item]  # rendered as is


def check_api_request(request: Any, user: Any) -> None:
    """Raise the 403 `password_change_required` for a token-authenticated call the user may not make yet."""
    if blocked(user, request.path):
        raise PasswordChangeRequired()


def _json_refusal() -> JsonResponse:
    return JsonResponse({"detail": MESSAGE, "code": CODE}, status=403)


class PasswordChangeRequiredMiddleware:
    """Sessions of accounts that must change their password reach only the change form (see module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if blocked(request.user, request.path):
            if request.path.startswith("/api/"):
                return _json_refusal()
            if request.headers.get("HX-Request"):
                response = _json_refusal()
                response["HX-Redirect"] = CHANGE_URL
                return response
            return redirect(CHANGE_URL)
        return self.get_response(request)
