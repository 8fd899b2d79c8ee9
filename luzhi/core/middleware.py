"""Login on every page, and the idle session timeout the secadmin sets."""

from __future__ import annotations

from typing import Any, Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

OPEN_PATHS = ("/login/", "/healthz", "/static/", "/api/")


class LoginRequiredMiddleware:
    """Every page sits behind login; the API answers 401 itself through DRF."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PATHS):
            if request.path.startswith("/admin/"):
                return self.get_response(request)
            if request.headers.get("HX-Request"):
                response = JsonResponse({"detail": "登录已过期"}, status=401)
                response["HX-Redirect"] = settings.LOGIN_URL
                return response
            return redirect(f"{settings.LOGIN_URL}?next={request.get_full_path()}")
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """A session ends after the configured minutes without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        if request.user.is_authenticated and hasattr(request, "session") and request.session.session_key:
            from luzhi.accounts.models import SecuritySettings

            request.session.set_expiry(SecuritySettings.current().session_idle_minutes * 60)
        return self.get_response(request)
