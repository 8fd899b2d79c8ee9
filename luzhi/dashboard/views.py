from django.http import HttpResponse
from django.shortcuts import render

from luzhi.accounts.requests import AuthedHttpRequest
from luzhi.core import clock
from luzhi.core.pages import query_year
from luzhi.core.permissions import can
from luzhi.core.roles import Role
from luzhi.dashboard import todos
from luzhi.dashboard.cache import cached_dashboard
from luzhi.dashboard.selectors import year_dashboard
from luzhi.org import permissions as org_permissions
from luzhi.proposals import permissions as proposal_permissions
from luzhi.scoring import permissions as scoring_permissions


def home(request: AuthedHttpRequest) -> HttpResponse:
    """The landing page: the person's own to-dos first, then the committee's figures and every page they may open."""
    user = request.user
    context: dict = {
        "member_todos": None,
        "unit_todos": None,
        "office_todos": None,
        "can_write_proposal": can(user, proposal_permissions.PROPOSALS, "write") and bool(user.member_id),
        "can_my_page": can(user, scoring_permissions.MY_PAGE) and bool(user.member_id),
    }
    if user.member_id and user.role in (Role.MEMBER, Role.LEADER):
        context["member_todos"] = todos.member_todos(member=user.member)
    if user.role == Role.UNIT:
        context["unit_todos"] = todos.unit_todos(user=user)
    if user.role in (Role.OFFICE, Role.COMMITTEE_STAFF) or (user.is_superuser and user.committee_id):
        context["office_todos"] = todos.office_todos(user=user)
    context["counts"] = None
    if can(user, org_permissions.MEMBERS) and user.role != Role.MEMBER:
        from luzhi.org.selectors import member_counts

        context["counts"] = member_counts(viewer=user)
    context["dashboard"] = None
    if can(user, scoring_permissions.DASHBOARD) and user.committee_id:
        year = query_year(request, clock.today().year)
        context["dashboard"] = cached_dashboard(viewer=user, year=year, build=year_dashboard)
    return render(request, "dashboard/home.html", context)
