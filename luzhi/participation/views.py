"""Pages of the members' channels: notices, online deliberation, self-reports, guests and the library."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def home_page(request: HttpRequest) -> HttpResponse:
    return redirect("home")
