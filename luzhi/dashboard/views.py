from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from luzhi.core.pages import query_year
from luzhi.core.permissions import can
from luzhi.dashboard.cache import cached_dashboard
from luzhi.dashboard.selectors import year_dashboard
from luzhi.org import permissions as org_permissions
from luzhi.org.selectors import member_counts
from luzhi.scoring import permissions as scoring_permissions


def home(request: HttpRequest) -> HttpResponse:
    """The landing page after login: who you are, the roster in figures, the year's dashboard, what you can do."""
    counts = member_counts(viewer=request.user) if can(request.user, org_permissions.MEMBERS) else None
    dashboard = None
    if can(request.user, scoring_permissions.DASHBOARD) and request.user.committee_id:
        year = query_year(request, timezone.localdate().year)
        dashboard = cached_dashboard(viewer=request.user, year=year, build=year_dashboard)
    return render(request, "dashboard/home.html", {"counts": counts, "dashboard": dashboard})
