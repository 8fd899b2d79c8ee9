"""A restore is an edit: every resource with `restore/`, every role, on the demo committee.

For each resource some rows of the demo committee (one per workflow state where the model has
a status) are restored to their first version by every role, and the same user sends the PATCH
that restore amounts to (the content fields of that version). The two must answer alike — a
restore is allowed exactly where the edit is — and no restore, allowed or not, moves a workflow
field (status, number, holder, decision…). A resource without PATCH has no restore at all.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models, transaction
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from luzhi.accounts.models import User
from luzhi.core.audit import content_fields, workflow_fields
from luzhi.core.models import AuditEntry
from luzhi.core.roles import Role
from luzhi.org.models import Member
from luzhi.urls import router

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]
# Every registered resource that may be edited has a restore; pinned so the sweep cannot shrink unseen.
EDITABLE = [
    (prefix, view)
    for prefix, view, _ in router.registry
    if hasattr(view, "partial_update") and "patch" in getattr(view, "http_method_names", ())
]
RESTORABLE = [(p, v) for p, v in EDITABLE if any(a.__name__ == "restore" for a in v.get_extra_actions())]
ROWS_PER_RESOURCE = 4


def test_every_editable_resource_has_restore_and_no_other_does():
    with_restore = {p for p, v, _ in router.registry if any(a.__name__ == "restore" for a in v.get_extra_actions())}
    assert with_restore == {p for p, _ in EDITABLE}
    assert len(RESTORABLE) >= 25


def _rows(model: type[models.Model], committee_ids: list[int], members: list[int]) -> list[models.Model]:
    """Rows of the demo committee: one per status (most history first), and one of each demo member's own."""
    qs = model._default_manager.order_by("pk")
    if any(f.name == "committee" for f in model._meta.fields):
        qs = qs.filter(committee_id__in=committee_ids)
    candidates = list(qs[:500])
    versions = dict(
        model.history.filter(id__in=[r.pk for r in candidates])
        .values_list("id")
        .annotate(n=models.Count("history_id"))
        .order_by()
    )
    candidates.sort(key=lambda r: -versions.get(r.pk, 0))
    has_status = any(f.name == "status" for f in model._meta.concrete_fields)
    chosen: dict[Any, models.Model] = {}
    for row in candidates:
        chosen.setdefault(row.status if has_status else row.pk, row)
    rows = list(chosen.values())[:ROWS_PER_RESOURCE]
    owners = [f.attname for f in model._meta.concrete_fields if f.related_model is Member]
    for member in members:
        own = next((r for r in candidates if any(getattr(r, o) == member for o in owners)), None)
        if own is not None and own not in rows:
            rows.append(own)
    return rows


def _records(rows: list[models.Model]) -> list[tuple[models.Model, Any]]:
    """Each row with its first version (workflow fields most unlike today's) and the one before its last
    (an undo); the first row also with its last (a restore that changes nothing, allowed wherever an edit is)."""
    pairs = []
    for i, row in enumerate(rows):
        history = list(row.history.order_by("history_id"))
        chosen = [history[0]] + ([history[-2]] if len(history) > 2 else []) + ([history[-1]] if i == 0 else [])
        pairs += [(row, record) for record in dict.fromkeys(chosen)]
    return pairs


def _snapshot(model: type[models.Model], pk: Any, names: list[str]) -> dict[str, Any]:
    if not names:
        return {}
    return model._default_manager.filter(pk=pk).values(*names).get()


def _patch_body(view_class: Any, user: User, record: Any) -> dict[str, Any]:
    """The body of the PATCH a restore to `record` amounts to."""
    request = Request(APIRequestFactory().patch("/"))
    request.user = user
    view = view_class(request=request, args=(), kwargs={"pk": record.id}, format_kwarg=None, action="partial_update")
    return view.restore_data(record)


@pytest.mark.parametrize(("prefix", "view_class"), RESTORABLE, ids=[p for p, _ in RESTORABLE])
def test_restore_is_allowed_exactly_where_the_edit_is(prefix, view_class, demo_users, api):
    model = view_class.model
    office = demo_users[Role.OFFICE]
    members = [u.member_id for u in demo_users.values() if u.member_id]
    rows = _rows(model, [office.committee_id], members)
    assert rows, f"the demo committee has no {prefix}"
    workflow = sorted(f.attname for f in model._meta.concrete_fields if f.name in workflow_fields(model))
    content = [f.attname for f in content_fields(model)]
    outcomes = set()
    for row, record in _records(rows):
        url = f"/api/v1/{prefix}/{row.pk}/"
        before = _snapshot(model, row.pk, workflow)
        unrestored = _snapshot(model, row.pk, content)
        for role in ROLES:
            user = demo_users[role]
            body = _patch_body(view_class, office, record)
            assert not set(body) & set(workflow_fields(model)), body
            with transaction.atomic():
                restored = api(user).post(url + "restore/", {"history_id": record.history_id}, format="json")
                after = _snapshot(model, row.pk, workflow + content)
                logged = AuditEntry.objects.filter(
                    model=model._meta.label_lower, object_id=str(row.pk), action=AuditEntry.Action.RESTORE
                ).exists()
                transaction.set_rollback(True)
            with transaction.atomic():
                patched = api(user).patch(url, body, format="json")
                edited = _snapshot(model, row.pk, content)
                transaction.set_rollback(True)
            where = f"{prefix} {row.pk} as {role}: restore {restored.status_code} {restored.content[:200]!r}"
            assert restored.status_code == patched.status_code, f"{where}, PATCH {patched.status_code}"
            assert {k: after[k] for k in workflow} == before, where
            if restored.status_code == 200:
                # A restore that changes nothing may save nothing (as that edit would); one that does is logged.
                assert logged or {k: after[k] for k in content} == unrestored, where
                assert {k: after[k] for k in content} == edited, where
            outcomes.add((restored.status_code, restored.content[:300].decode(errors="replace")))
    # Some role may restore each resource (the office, the sysadmin or the row's own member): not vacuous.
    assert {200, 409} & {code for code, _ in outcomes}, (prefix, outcomes)
