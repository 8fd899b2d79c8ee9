"""The office's recycle bin (回收站): records deleted in its committee, and putting one back.

A deletion leaves the record's last state in its history table (django-simple-history) and
an AuditEntry pointing at it. The bin lists those deletions — newest first, paginated in the
database — and a restore writes the last state back through `history_restore`, which checks
it against today's rules and records the restore in the audit log like any other write.
Only records of a committee (CommitteeOwned) are offered; accounts are the sysadmin's.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from luzhi.accounts import permissions
from luzhi.core.audit import history_restore
from luzhi.core.models import AuditEntry
from luzhi.core.pages import paginate, rule_required
from luzhi.core.scoping import CommitteeOwned, visible_to


def _restorable(label: str) -> type[Model] | None:
    """The model of an audit label, if its deleted rows may come back from the bin."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    if not issubclass(model, CommitteeOwned) or not hasattr(model, "history"):
        return None
    return model


def recycle_list(*, viewer: Any) -> QuerySet:
    """Deletions of the viewer's committee, newest first."""
    return visible_to(AuditEntry.objects.all(), viewer).filter(
        action=AuditEntry.Action.DELETE, history_id__isnull=False
    )


def _rows(entries: list[AuditEntry]) -> list[dict[str, Any]]:
    """Each deletion with its kind and whether the record is back (one query per kind on the page)."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        wanted[entry.model].add(entry.object_id)
    existing: dict[str, set[str]] = {}
    for label, ids in wanted.items():
        model = _restorable(label)
        existing[label] = (
            {str(pk) for pk in model._default_manager.filter(pk__in=ids).values_list("pk", flat=True)}
            if model
            else set()
        )
    rows = []
    for entry in entries:
        model = _restorable(entry.model)
        rows.append(
            {
                "entry": entry,
                "kind": str(model._meta.verbose_name) if model else entry.model,
                "restorable": model is not None,
                "back": entry.object_id in existing[entry.model],
            }
        )
    return rows


@rule_required(permissions.RECYCLE)
def recycle_page(request: HttpRequest) -> HttpResponse:
    page = paginate(request, recycle_list(viewer=request.user))
    return render(request, "accounts/recycle.html", {"page": page, "rows": _rows(list(page))})


@require_POST
@rule_required(permissions.RECYCLE, "write")
def recycle_restore_page(request: HttpRequest, pk: int) -> HttpResponse:
    entry = recycle_list(viewer=request.user).filter(pk=pk).first()
    model = _restorable(entry.model) if entry else None
    if entry is None or model is None:
        raise Http404
    if model._default_manager.filter(pk=entry.object_id).exists():
        messages.info(request, f"“{entry.object_repr}”已经恢复过了。")
        return redirect("accounts:recycle")
    try:
        with transaction.atomic():
            history_restore(actor=request.user, model=model, object_id=entry.object_id, history_id=entry.history_id)
    except ValidationError as exc:
        messages.error(request, f"“{entry.object_repr}”未恢复：" + "；".join(exc.messages))
    except IntegrityError:
        messages.error(
            request, f"“{entry.object_repr}”未恢复：与现有记录重复，或它所属的记录已被删除，请先恢复那一条。"
        )
    else:
        messages.success(request, f"已恢复{model._meta.verbose_name}“{entry.object_repr}”。")
    return redirect("accounts:recycle")
