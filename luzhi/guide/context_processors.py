"""The 帮助 link in the top bar: the guide of the reader's role, or the list of guides."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from luzhi.guide.guides import guide_for


def help_link(request: HttpRequest) -> dict[str, Any]:
    guide = guide_for(getattr(request, "user", None))
    return {"nav_help_url": reverse("guide:page", args=[guide.slug]) if guide else reverse("guide:index")}
