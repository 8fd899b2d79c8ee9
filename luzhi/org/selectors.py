"""Reads of the organisation, scoped to the viewer."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from luzhi.core.scoping import visible_to
from luzhi.org.models import Liaison, Member, PartyOrganization


def member_list(*, viewer: Any) -> QuerySet[Member]:
    """Return the members the viewer may see, ready for a list (filter with MemberFilter)."""
    related = Member.objects.select_related("sector", "special_committee", "group", "term")
    return visible_to(related, viewer).order_by("id")


def liaison_coverage(*, viewer: Any, kind: str) -> dict[str, Any]:
    """Return who should receive a liaison of this kind, and who is not yet covered."""
    members = visible_to(Member.objects.all(), viewer)
    covered_subquery = Liaison.objects.filter(kind=kind, to_member=OuterRef("pk"))
    receivers = Liaison.receivers(kind, members).annotate(covered=Exists(covered_subquery))
    total = receivers.count()
    uncovered = list(receivers.filter(covered=False).order_by("id").values_list("id", flat=True))
    return {"kind": kind, "covered": total - len(uncovered), "total": total, "uncovered": uncovered}


def party_coverage(*, viewer: Any) -> dict[str, Any]:
    """Return the active CPC members not yet in any party organisation."""
    members = visible_to(Member.objects.filter(status=Member.Status.ACTIVE, party="cpc"), viewer)
    in_org = PartyOrganization.members.through.objects.filter(member_id=OuterRef("pk"))
    annotated = members.annotate(in_org=Exists(in_org))
    total = annotated.count()
    uncovered = list(annotated.filter(in_org=False).order_by("id"))
    return {"covered": total - len(uncovered), "total": total, "uncovered": uncovered}
