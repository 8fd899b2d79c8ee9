"""Reads of the organisation, scoped to the viewer."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from luzhi.core.api import as_id
from luzhi.core.roles import acted_as
from luzhi.core.scoping import visible_to
from luzhi.org.models import Committee, Liaison, Member, PartyOrganization


def member_list(*, viewer: Any, ids_only: bool = False) -> QuerySet[Member]:
    """Return the members the viewer may see, ready for a list (filter with MemberFilter).

    ids_only: the API, which shows sector, group… by id — no joins (an XLSX export adds the ones it names).
    """
    related = (
        Member.objects.all()
        if ids_only
        else Member.objects.select_related("sector", "special_committee", "group", "term")
    )
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


def member_counts(*, viewer: Any) -> dict[str, Any]:
    """Return the number of members the viewer sees by status and (active ones) by position."""
    members = visible_to(Member.objects.all(), viewer).order_by()
    by_status = dict(members.values_list("status").annotate(n=Count("id")))
    active = members.filter(status=Member.Status.ACTIVE)
    by_position = dict(active.values_list("position").annotate(n=Count("id")))
    return {
        "by_status": [
            {"label": label, "value": value, "count": by_status.get(value, 0)} for value, label in Member.Status.choices
        ],
        "by_position": [
            {"label": label, "value": value, "count": by_position.get(value, 0)}
            for value, label in Member.Position.choices
        ],
        "total": sum(by_status.values()),
    }


def committee_acted_for(*, viewer: Any, requested: Any = None) -> Committee:
    """Return the committee the viewer acts for: their own; a superuser's is the one `requested` names,
    else the only county committee. Raise ValidationError on `committee` when there is no answer."""
    if not viewer.is_superuser:
        if viewer.committee_id is None:
            raise ValidationError({"committee": ["请使用所属政协的账号操作。"]})
        own: Committee = viewer.committee
        return own
    if requested not in (None, ""):
        pk = as_id(requested)
        found: Committee | None = Committee.objects.filter(pk=pk).first() if pk is not None else None
        if found is None:
            raise ValidationError({"committee": ["所属政协不存在。"]})
        return found
    counties: list[Committee] = list(Committee.objects.filter(level=Committee.Level.COUNTY)[:2])
    if len(counties) == 1:
        return counties[0]
    raise ValidationError({"committee": ["请指定所属政协。"]})


def committee_id_acted_for(*, viewer: Any, requested: Any = None) -> int:
    """Return the id of committee_acted_for, without loading an account's own committee row."""
    if not viewer.is_superuser and viewer.committee_id is not None:
        result: int = viewer.committee_id
        return result
    return committee_acted_for(viewer=viewer, requested=requested).pk


def acting_committee(*, viewer: Any) -> Committee:
    """Return the committee the viewer's page writes go to (committee_acted_for; no answer is a 404)."""
    try:
        return committee_acted_for(viewer=viewer)
    except ValidationError:
        raise Http404("请使用所属政协的账号操作。") from None


def committee_overview(*, viewer: Any) -> dict[str, Any]:
    """Return the viewer's committee with its chain of upper committees and its direct children."""
    committee = acting_committee(viewer=viewer)
    visible = visible_to(Committee.objects.all(), viewer)
    ancestors = list(visible.filter(pk__in=committee.ancestor_ids()).exclude(pk=committee.pk).order_by("path"))
    children = list(visible.filter(parent=committee).order_by("name"))
    return {"committee": committee, "ancestors": ancestors, "children": children}


def liaison_list(*, viewer: Any) -> QuerySet[Liaison]:
    """Return the liaison pairs the viewer may see, with both members loaded."""
    related = Liaison.objects.select_related("from_member", "to_member")
    return visible_to(related, viewer).order_by("kind", "from_member__name", "id")


def liaison_coverage_report(*, viewer: Any) -> list[dict[str, Any]]:
    """Return liaison_coverage for every kind, with the uncovered members loaded by name."""
    reports = [liaison_coverage(viewer=viewer, kind=kind) for kind in Liaison.Kind.values]
    ids = {pk for report in reports for pk in report["uncovered"]}
    members = visible_to(Member.objects.filter(pk__in=ids), viewer).in_bulk() if ids else {}
    labels = dict(Liaison.Kind.choices)
    for report in reports:
        report["label"] = labels[report["kind"]]
        report["uncovered_members"] = [members[pk] for pk in report["uncovered"] if pk in members]
        report["percent"] = round(100 * report["covered"] / report["total"]) if report["total"] else 100
    return reports


def party_organization_tree(*, viewer: Any) -> list[dict[str, Any]]:
    """Return the party organisations as a tree (党组 → 机关党组 → 党支部), each with its members."""
    members = Prefetch("members", queryset=Member.objects.order_by("name"))
    rank = {kind: i for i, kind in enumerate(PartyOrganization.Kind.values)}
    orgs = sorted(
        visible_to(PartyOrganization.objects.prefetch_related(members), viewer),
        key=lambda org: (rank[org.kind], org.name),
    )
    nodes = {org.pk: {"org": org, "children": []} for org in orgs}
    roots: list[dict[str, Any]] = []
    for org in orgs:
        parent = nodes.get(org.parent_id)
        (parent["children"] if parent else roots).append(nodes[org.pk])
    return roots


def member_history(*, member: Member, viewer: Any) -> list[dict[str, Any]]:
    """Return a member's versions, newest first, each with who (as the viewer may know), when and what changed."""
    from luzhi.core.models import AuditEntry

    records = list(member.history.select_related("history_user").order_by("-history_date", "-history_id")[:100])
    entries = AuditEntry.objects.filter(model="org.member", history_id__in=[r.history_id for r in records])
    changes = dict(entries.values_list("history_id", "changes"))
    names = _related_names(member, changes.values())
    kinds = {"+": "新增", "~": "修改", "-": "删除"}
    versions = []
    for record in records:
        rows = []
        for attname, (old, new) in (changes.get(record.history_id) or {}).items():
            if attname in ("id", "committee_id"):
                continue
            field = _field_by_attname(attname)
            if field is None:
                continue
            rows.append(
                {
                    "label": field.verbose_name,
                    "old": _shown(field, old, names),
                    "new": _shown(field, new, names),
                }
            )
        versions.append(
            {
                "record": record,
                "kind": kinds.get(record.history_type, ""),
                "by": acted_as(record.history_user, viewer=viewer),
                "changes": rows,
            }
        )
    return versions


def _field_by_attname(attname: str) -> Any:
    for field in Member._meta.concrete_fields:
        if field.attname == attname:
            return field
    return None


def _related_names(member: Member, all_changes: Any) -> dict[tuple[str, Any], str]:
    wanted: dict[str, set[Any]] = {}
    for change in all_changes:
        for attname, values in change.items():
            field = _field_by_attname(attname)
            if field is not None and field.is_relation and attname != "committee_id":
                wanted.setdefault(attname, set()).update(v for v in values if v is not None)
    names = {}
    for attname, ids in wanted.items():
        model = _field_by_attname(attname).related_model
        for pk, row in model.objects.filter(committee_id=member.committee_id).in_bulk(ids).items():
            names[(attname, pk)] = str(row)
    return names


def _shown(field: Any, value: Any, names: dict[tuple[str, Any], str]) -> str:
    if value in (None, ""):
        return "（空）"
    if field.is_relation:
        return names.get((field.attname, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)
