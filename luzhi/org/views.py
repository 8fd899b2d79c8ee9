"""Pages of the organisation: roster, member records, reference lists, party organisations, liaisons.

Each view checks the role with the app's permission rules, fetches through the scoped
selectors (rows of other committees are 404), calls one service and renders.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.forms import modelform_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from luzhi.accounts.bulk import BulkRefused, ImportAccounts
from luzhi.core.api import as_id
from luzhi.core.audit import history_restore
from luzhi.core.errors import WorkflowError
from luzhi.core.pages import add_service_errors, error_text, paginate, posted, require, rule_required
from luzhi.core.permissions import Rule, can
from luzhi.core.scoping import access_by_id, visible_to
from luzhi.core.services import object_create, object_delete, object_update
from luzhi.core.templatetags.luzhi import cn_date
from luzhi.core.xlsx import xlsx_response
from luzhi.org import permissions
from luzhi.org.filters import LiaisonFilter
from luzhi.org.forms import (
    ImportForm,
    LiaisonForm,
    MemberForm,
    PartyOrganizationForm,
    RosterFilter,
    ScopedModelForm,
)
from luzhi.org.imports import TEMPLATE_NAME, ImportRejected, RowError, members_import, template_bytes
from luzhi.org.models import (
    Liaison,
    Member,
    MemberGroup,
    PartyOrganization,
    Sector,
    SpecialCommittee,
    Station,
    Term,
    Unit,
)
from luzhi.org.selectors import (
    acting_committee,
    committee_overview,
    liaison_coverage_report,
    liaison_list,
    member_history,
    member_list,
    party_coverage,
    party_organization_tree,
)
from luzhi.org.serializers import mask_phone

M = TypeVar("M", bound=models.Model)


def _save(request: HttpRequest, form: forms.ModelForm, write: Callable[[dict[str, Any]], M]) -> M | None:
    """Validate the form and call the service; on its ValidationError show the errors and save nothing."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return write(dict(form.cleaned_data))
    except ValidationError as exc:
        add_service_errors(form, exc)
    except IntegrityError:
        form.add_error(None, "数据与已有记录冲突，未保存。")
    return None


# ---- committee -------------------------------------------------------------------------


@rule_required(permissions.COMMITTEES)
def committee_page(request: HttpRequest) -> HttpResponse:
    """The user's own committee, the committees above it and those directly below."""
    return render(request, "org/committee.html", committee_overview(viewer=request.user))


# ---- roster and member records ---------------------------------------------------------


@rule_required(permissions.MEMBERS)
def member_list_page(request: HttpRequest) -> HttpResponse:
    """The roster: filters and search in the database, 50 per page, XLSX export of the same rows."""
    roster = RosterFilter(request.GET, queryset=member_list(viewer=request.user), viewer=request.user)
    page = paginate(request, roster.qs)
    _label_rows(page.object_list, show_personal=can(request.user, permissions.PERSONAL_DATA))
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "xlsx"
    return render(
        request,
        "org/member_list.html",
        {
            "filter": roster,
            "page": page,
            "show_personal": can(request.user, permissions.PERSONAL_DATA),
            "can_write": can(request.user, permissions.MEMBERS, "write"),
            "export_url": f"/api/v1/members/?{query.urlencode()}",
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


_LABELS = {
    name: dict(cast(models.Field, Member._meta.get_field(name)).flatchoices)
    for name in ("gender", "party", "position", "status")
}


def _label_rows(members: Any, *, show_personal: bool) -> None:
    """Give each listed member its labels, link and shown phone once (the page shows each row twice)."""
    link = reverse("org:member-detail", args=[0]).removesuffix("0/")
    for m in members:
        m.labels = {name: labels.get(getattr(m, name), "") for name, labels in _LABELS.items()}
        m.link = f"{link}{m.pk}/"
        m.phone_shown = m.phone if show_personal else mask_phone(m.phone) if m.phone else ""


@rule_required(permissions.MEMBERS)
def member_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One member's record; the office also sees every version and may restore one."""
    member = access_by_id(request.user, Member, pk, qs=member_list(viewer=request.user))
    can_write = can(request.user, permissions.MEMBERS, "write")
    return render(
        request,
        "org/member_detail.html",
        {
            "member": member,
            "show_personal": can(request.user, permissions.PERSONAL_DATA),
            "can_write": can_write,
            "versions": member_history(member=member, viewer=request.user) if can_write else [],
        },
    )


@rule_required(permissions.MEMBERS, "write")
def member_form_page(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a member or edit one; the model's rules apply and nothing is saved while any fails."""
    member = access_by_id(request.user, Member, pk) if pk is not None else None
    form = MemberForm(posted(request), instance=member, viewer=request.user)

    def write(data: dict[str, Any]) -> Member:
        if member is not None:
            return object_update(actor=request.user, instance=member, data=data)
        data["committee"] = acting_committee(viewer=request.user)
        return object_create(actor=request.user, model=Member, data=data)

    if saved := _save(request, form, write):
        messages.success(request, f"已保存委员“{saved}”。")
        return redirect("org:member-detail", pk=saved.pk)
    return render(request, "org/member_form.html", {"form": form, "member": member})


@require_POST
@rule_required(permissions.MEMBERS, "write")
def member_restore_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a member back to one of its earlier versions (the restore itself is a new version)."""
    member = access_by_id(request.user, Member, pk)
    history_id = as_id(request.POST.get("history_id", ""))
    if history_id is None or not member.history.filter(history_id=history_id).exists():
        messages.error(request, "没有这个历史版本。")
        return redirect("org:member-detail", pk=member.pk)
    try:
        history_restore(actor=request.user, model=Member, object_id=member.pk, history_id=history_id)
    except ValidationError as exc:
        messages.error(request, "未恢复：" + error_text(exc))
    except IntegrityError:
        messages.error(request, "恢复后将与已有委员重复（姓名与出生日期相同），未恢复。")
    else:
        messages.success(request, "已恢复到所选版本。")
    return redirect("org:member-detail", pk=member.pk)


# ---- roster import ---------------------------------------------------------------------


@rule_required(permissions.MEMBERS, "write")
def member_import_page(request: HttpRequest) -> HttpResponse:
    """Upload a roster in the template's layout: every row checked, nothing saved while any is bad."""
    form = ImportForm(posted(request), request.FILES if request.method == "POST" else None)
    result: dict[str, Any] | None = None
    if request.method == "POST":
        if form.is_valid():
            committee = acting_committee(viewer=request.user)
            accounts = None
            if form.cleaned_data.get("create_accounts"):
                try:
                    accounts = ImportAccounts(actor=request.user, committee=committee, request=request)
                except BulkRefused as exc:
                    form.add_error("create_accounts", exc.message)
            if not form.errors:
                try:
                    created = members_import(
                        actor=request.user, committee=committee, file=form.cleaned_data["file"], after_save=accounts
                    )
                except ImportRejected as rejected:
                    result = {"errors": rejected.errors}
                else:
                    result = {"created": created, "accounts": accounts.result if accounts is not None else None}
            else:
                result = {
                    "errors": [RowError(0, "同时开通账号", str(e)) for e in form.errors.get("create_accounts", [])]
                }
        else:
            result = {"errors": [RowError(0, "文件", str(e)) for e in form.errors.get("file", [])]}
    template = "org/_import_result.html" if request.headers.get("HX-Request") else "org/member_import.html"
    context = {"form": form, "result": result, "can_create_accounts": ImportAccounts.allowed(request.user)}
    return render(request, template, context)


@rule_required(permissions.MEMBERS, "write")
def member_import_template_page(request: HttpRequest) -> HttpResponse:
    """Download the import template with the committee's own sectors and committees listed."""
    content = template_bytes(acting_committee(viewer=request.user))
    return xlsx_response(content, TEMPLATE_NAME, fallback="member-import-template")


# ---- reference lists: terms, sectors, special committees, groups, units, stations --------


class ReferencePages:
    """List, create, edit and delete one kind of reference row; configured once per model."""

    def __init__(
        self, *, slug: str, model: type[Any], fields: list[str], rule: Rule, title: str, detail: str = ""
    ) -> None:
        self.slug, self.model, self.fields, self.rule, self.title = slug, model, fields, rule, title
        self.detail = detail  # URL name of a detail page the first column links to, if any
        self.form_class: Any = modelform_factory(model, form=ScopedModelForm, fields=fields)  # takes `viewer`

    @property
    def urls(self) -> list[URLPattern]:
        return [
            path(f"{self.slug}/", self.list_view, name=f"{self.slug}-list"),
            path(f"{self.slug}/<int:pk>/edit/", self.edit_view, name=f"{self.slug}-edit"),
            path(f"{self.slug}/<int:pk>/delete/", self.delete_view, name=f"{self.slug}-delete"),
        ]

    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        return {
            "title": self.title,
            "slug": self.slug,
            "detail": self.detail,
            "headers": [self.model._meta.get_field(f).verbose_name for f in self.fields],
            "can_write": can(request.user, self.rule, "write"),
            **extra,
        }

    def _cells(self, obj: models.Model) -> list[str]:
        cells = []
        for name in self.fields:
            field = self.model._meta.get_field(name)
            value = getattr(obj, f"get_{name}_display")() if field.choices else getattr(obj, name)
            cells.append(cn_date(value) if isinstance(value, date) else str(value or ""))
        return cells

    def list_view(self, request: HttpRequest) -> HttpResponse:
        """GET: the committee's rows. POST (office): create one."""
        require(request.user, self.rule, "write" if request.method == "POST" else "read")
        form = self.form_class(posted(request), viewer=request.user)

        def write(data: dict[str, Any]) -> models.Model:
            data["committee"] = acting_committee(viewer=request.user)
            return object_create(actor=request.user, model=self.model, data=data)

        if saved := _save(request, form, write):
            messages.success(request, f"已新增“{saved}”。")
            return redirect(f"org:{self.slug}-list")
        page = paginate(request, visible_to(self.model.objects.all(), request.user))
        rows = [(obj, self._cells(obj)) for obj in page]
        return render(request, "org/reference_list.html", self._context(request, page=page, rows=rows, form=form))

    def edit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Edit one row (office)."""
        require(request.user, self.rule, "write")
        obj = access_by_id(request.user, self.model, pk)
        form = self.form_class(posted(request), instance=obj, viewer=request.user)
        if saved := _save(request, form, lambda data: object_update(actor=request.user, instance=obj, data=data)):
            messages.success(request, f"已保存“{saved}”。")
            return redirect(f"org:{self.slug}-list")
        return render(request, "org/reference_form.html", self._context(request, form=form, obj=obj))

    def delete_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Delete one row that nothing refers to (office); its history keeps it restorable."""
        if request.method != "POST":
            return redirect(f"org:{self.slug}-list")
        require(request.user, self.rule, "write")
        obj = access_by_id(request.user, self.model, pk)
        try:
            object_delete(actor=request.user, instance=obj)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已删除“{obj}”。")
        return redirect(f"org:{self.slug}-list")


REFERENCE_PAGES = [
    ReferencePages(
        slug="terms", model=Term, fields=["number", "start", "end"], rule=permissions.REFERENCE, title="届次"
    ),
    ReferencePages(slug="sectors", model=Sector, fields=["name"], rule=permissions.REFERENCE, title="界别"),
    ReferencePages(
        slug="special-committees",
        model=SpecialCommittee,
        fields=["name"],
        rule=permissions.REFERENCE,
        title="专门委员会",
    ),
    ReferencePages(
        slug="member-groups", model=MemberGroup, fields=["name"], rule=permissions.REFERENCE, title="委员小组"
    ),
    ReferencePages(slug="units", model=Unit, fields=["name"], rule=permissions.UNITS, title="承办单位"),
    ReferencePages(
        slug="stations",
        model=Station,
        fields=["name", "kind", "location"],
        rule=permissions.REFERENCE,
        title="一站两室",
        detail="org:station-detail",
    ),
]


# ---- party organisations -----------------------------------------------------------------


@rule_required(permissions.PARTY_ORGS)
def party_list_page(request: HttpRequest) -> HttpResponse:
    """The tree of 党组 / 机关党组 / 党支部 with their members, and the CPC members in none."""
    return render(
        request,
        "org/party_list.html",
        {
            "tree": party_organization_tree(viewer=request.user),
            "coverage": party_coverage(viewer=request.user),
            "can_write": can(request.user, permissions.PARTY_ORGS, "write"),
        },
    )


@rule_required(permissions.PARTY_ORGS, "write")
def party_form_page(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or edit a party organisation and choose its members."""
    org = access_by_id(request.user, PartyOrganization, pk) if pk is not None else None
    form = PartyOrganizationForm(posted(request), instance=org, viewer=request.user)

    def write(data: dict[str, Any]) -> PartyOrganization:
        if org is not None:
            return object_update(actor=request.user, instance=org, data=data)
        data["committee"] = acting_committee(viewer=request.user)
        return object_create(actor=request.user, model=PartyOrganization, data=data)

    if saved := _save(request, form, write):
        messages.success(request, f"已保存“{saved}”。")
        return redirect("org:party-list")
    return render(request, "org/party_form.html", {"form": form, "org": org})


@require_POST
@rule_required(permissions.PARTY_ORGS, "write")
def party_delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a party organisation that has no sub-organisations."""
    org = access_by_id(request.user, PartyOrganization, pk)
    try:
        object_delete(actor=request.user, instance=org)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除“{org}”。")
    return redirect("org:party-list")


# ---- liaisons ----------------------------------------------------------------------------


@rule_required(permissions.LIAISONS)
def liaison_list_page(request: HttpRequest) -> HttpResponse:
    """The pairs (filtered by kind), the office's add form, and the coverage of each kind."""
    if request.method == "POST":
        require(request.user, permissions.LIAISONS, "write")
    form = LiaisonForm(posted(request), viewer=request.user, initial={"kind": request.GET.get("kind")})

    def write(data: dict[str, Any]) -> Liaison:
        data["committee"] = acting_committee(viewer=request.user)
        return object_create(actor=request.user, model=Liaison, data=data)

    if saved := _save(request, form, write):
        messages.success(request, f"已添加联系：{saved}。")
        return redirect(f"{reverse('org:liaison-list')}?kind={saved.kind}")
    pairs = LiaisonFilter(request.GET, queryset=liaison_list(viewer=request.user))
    return render(
        request,
        "org/liaison_list.html",
        {
            "form": form,
            "kinds": Liaison.Kind.choices,
            "kind": request.GET.get("kind", ""),
            "page": paginate(request, pairs.qs),
            "coverage": liaison_coverage_report(viewer=request.user),
            "can_write": can(request.user, permissions.LIAISONS, "write"),
        },
    )


@require_POST
@rule_required(permissions.LIAISONS, "write")
def liaison_delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one liaison pair."""
    liaison = access_by_id(request.user, Liaison, pk)
    object_delete(actor=request.user, instance=liaison)
    messages.success(request, f"已删除联系：{liaison}。")
    return redirect(f"{reverse('org:liaison-list')}?kind={liaison.kind}")


# ---- station detail --------------------------------------------------------------------


@rule_required(permissions.REFERENCE)
def station_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One station (一站两室): the members active there, activities held there and records taken there."""
    from luzhi.activities.models import Activity
    from luzhi.opinions.models import GrassrootsRecord

    station = access_by_id(request.user, Station, pk)
    activities = visible_to(Activity.objects.filter(station=station), request.user).order_by("-start", "-id")
    records = visible_to(GrassrootsRecord.objects.filter(station=station), request.user).select_related("member")
    members = (
        visible_to(Member.objects.all(), request.user)
        .filter(models.Q(grassroots_records__station=station) | models.Q(activities__station=station))
        .distinct()
        .order_by("name")
    )
    return render(
        request,
        "org/station_detail.html",
        {
            "station": station,
            "activities": activities[:50],
            "activity_count": activities.count(),
            "records": records[:50],
            "record_count": records.count(),
            "members": members[:100],
        },
    )
