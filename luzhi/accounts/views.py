"""Login, logout and the lockout page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def lockout_response(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """What a locked-out user sees: a page, or 403 JSON on the API."""
    message = "登录失败次数过多，账号已锁定30分钟。如需提前解锁，请联系安全管理员。"
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=403)
    return render(request, "accounts/login.html", {"locked_message": message, "form": None}, status=403)
