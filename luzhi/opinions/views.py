"""Pages of opinion reports, bulletins and grassroots records."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from luzhi.core.pages import rule_required
from luzhi.core.scoping import access_by_id
from luzhi.opinions import permissions
from luzhi.opinions.models import GrassrootsRecord, OpinionReport


@rule_required(permissions.REPORTS)
def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report with its whole trail."""
    report = access_by_id(request.user, OpinionReport, pk)
    return render(request, "opinions/detail.html", {"report": report})


@rule_required(permissions.GRASSROOTS)
def grassroots_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One grassroots record."""
    record = access_by_id(request.user, GrassrootsRecord, pk)
    return render(request, "opinions/grassroots_detail.html", {"record": record})
