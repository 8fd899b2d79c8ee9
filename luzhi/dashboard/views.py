from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from luzhi.core.permissions import can
from luzhi.org import permissions as org_permissions
from luzhi.org.selectors import member_counts


def home(request: HttpRequest) -> HttpResponse:
    """The landing page after login: who you are, the roster in figures, what you can do."""
    counts = member_counts(viewer=request.user) if can(request.user, org_permissions.MEMBERS) else None
    return render(request, "dashboard/home.html", {"counts": counts})
