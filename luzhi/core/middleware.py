"""Login on every page and the headers every response carries (the idle timeout is accounts' middleware)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control

# The API answers 401 itself (DRF); /api/docs/ is a page and redirects to login like the others.
OPEN_PATHS = ("/login/", "/healthz", "/static/", "/api/v1/", "/api/schema/", "/help/")  # /help/: the user guide


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


class PermissionsPolicyMiddleware:
    """Every response says the browser features Luzhi never uses (camera, location …) are off.

    Django's SecurityMiddleware sends the other headers (nosniff, Referrer-Policy,
    Cross-Origin-Opener-Policy, HSTS when configured); csp's middleware the CSP.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.LUZHI_PERMISSIONS_POLICY)
        return response


class NoStoreMiddleware:
    """No page, API answer or download is kept by the browser or a proxy: most carry personal data.

    Static files are answered before this middleware (WhiteNoise) and keep their long caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            patch_cache_control(response, no_store=True, private=True)
        return response
