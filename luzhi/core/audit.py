"""The one audit mechanism.

Every tracked model carries django-simple-history's `HistoricalRecords`, so each save or
delete — through pages, the API, the admin, an import or a command — writes a historical
row. This module turns each historical row into an `AuditEntry` (who, when, before/after),
records logins, logouts and failed logins, and restores an object to any earlier version.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from luzhi.core.clientip import client_ip
from luzhi.core.models import AuditEntry

# The row's edit counter (scoping.CommitteeOwned.version) changes on every save; it is no change of content.
M = TypeVar("M", bound=models.Model)

_UNAUDITED = {"version"}

# The row being restored (model label, pk): the versions its edit writes are recorded as a restore.
_RESTORING: ContextVar[tuple[str, str] | None] = ContextVar("restoring", default=None)

_ACTIONS = {"+": AuditEntry.Action.CREATE, "~": AuditEntry.Action.UPDATE, "-": AuditEntry.Action.DELETE}


def _request() -> Any:
    return getattr(HistoricalRecords.context, "request", None)


def _via(reason: str | None) -> str:
    if reason in {"import", "restore", "command"}:
        return reason
    request = _request()
    if request is None:
        return "command"
    path = request.path
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "page"


def _ip(request: Any) -> str | None:
    return client_ip(request)


def _plain(value: Any) -> Any:
    """A value the JSON log can hold: a stored file is recorded by its name."""
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def _tracked_values(history_instance: Any) -> dict[str, Any]:
    return {
        f.attname: _plain(getattr(history_instance, f.attname))
        for f in history_instance.instance_type._meta.concrete_fields
        if hasattr(history_instance, f.attname) and f.attname not in _UNAUDITED
    }


def _committee_id(instance: models.Model, user: Any) -> int | None:
    if instance._meta.label_lower == "org.committee":
        pk: int | None = instance.pk
        return pk
    cid: int | None = getattr(instance, "committee_id", None)
    if cid is not None:
        return cid
    return getattr(user, "committee_id", None)


@receiver(post_create_historical_record)
def _record_history(sender: Any, instance: models.Model, history_instance: Any, **kwargs: Any) -> None:
    kind = history_instance.history_type
    reason = history_instance.history_change_reason
    if kind == "~":
        prev = history_instance.prev_record
        if prev is None:
            changes = {k: [None, v] for k, v in _tracked_values(history_instance).items()}
        else:
            delta = history_instance.diff_against(prev)
            changes = {c.field: [_plain(c.old), _plain(c.new)] for c in delta.changes if c.field not in _UNAUDITED}
            if not changes and reason != "restore":
                return
    elif kind == "+":
        changes = {k: [None, v] for k, v in _tracked_values(history_instance).items()}
    else:
        changes = {k: [v, None] for k, v in _tracked_values(history_instance).items()}
    user = history_instance.history_user
    AuditEntry.objects.create(
        user=user,
        username=getattr(user, "username", "") or "",
        action=AuditEntry.Action.RESTORE if reason == "restore" else _ACTIONS[kind],
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
        via=_via(reason),
        ip=_ip(_request()),
        committee_id=_committee_id(instance, user),
        history_id=history_instance.history_id,
    )


def _account_entry(
    *, action: str, actor: Any, account: Any, repr_: str, changes: Any = None, reason: str | None = None
) -> None:
    """One audit row about an account, written by the actor (None: a command on the server)."""
    AuditEntry.objects.create(
        user=actor if getattr(actor, "pk", None) else None,
        username=getattr(actor, "username", "") or "",
        action=action,
        model="accounts.user",
        object_id=str(getattr(account, "pk", "") or ""),
        object_repr=repr_[:200],
        changes=changes or {},
        via=_via(reason),
        ip=_ip(_request()) if reason is None else None,
        committee_id=getattr(account, "committee_id", None) or getattr(actor, "committee_id", None),
    )


def audit_unlock(*, actor: Any, target: Any, username: str) -> None:
    """Record that an administrator unlocked an account."""
    _account_entry(action=AuditEntry.Action.UNLOCK, actor=actor, account=target, repr_=username)


def audit_office_grant(*, actor: Any, account: Any, old_role: str) -> None:
    """Record that an account was given the office role, which sees members' personal data in full."""
    changes = {"role": [old_role or None, account.role]}
    _account_entry(
        action=AuditEntry.Action.GRANT_OFFICE, actor=actor, account=account, repr_=account.username, changes=changes
    )


def audit_password_reset(*, account: Any, reason: str) -> None:
    """Record that an account's password was set anew outside the pages and the API."""
    _account_entry(
        action=AuditEntry.Action.PASSWORD_RESET, actor=None, account=account, repr_=account.username, reason=reason
    )


def audit_account_change(*, actor: Any, target: Any, changes: dict[str, list[Any]]) -> None:
    """Record a change to an account that lives outside its own row (its two-factor device)."""
    _account_entry(action=AuditEntry.Action.UPDATE, actor=actor, account=target, repr_=target.username, changes=changes)


def audit_auth_event(*, action: str, user: Any = None, username: str = "", request: Any = None) -> None:
    """Record a login, logout or failed login."""
    AuditEntry.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=(getattr(user, "username", None) or username or "")[:150],
        action=action,
        model="accounts.user",
        object_id=str(getattr(user, "pk", "") or ""),
        object_repr=(getattr(user, "username", None) or username or "")[:200],
        via="api" if request is not None and request.path.startswith("/api/") else "page",
        ip=_ip(request),
        committee_id=getattr(user, "committee_id", None),
    )


@receiver(user_logged_in)
def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_auth_event(action=AuditEntry.Action.LOGIN, user=user, request=request)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_auth_event(action=AuditEntry.Action.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def _on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from django.contrib.auth import get_user_model

    username = str(credentials.get("username", ""))[:150]
    known = get_user_model().objects.filter(username=username).first()
    audit_auth_event(action=AuditEntry.Action.LOGIN_FAILED, user=known, username=username, request=request)


def save_as(instance: models.Model, *, actor: Any, reason: str | None = None) -> None:
    """Save an instance so that its history (and so the audit) names the acting user."""
    # simple-history reads these two attributes of the instance it records (not in the stubs).
    instance._history_user = actor if getattr(actor, "pk", None) else None  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.save()


def delete_as(instance: models.Model, *, actor: Any) -> None:
    """Delete an instance so that its history (and so the audit) names the acting user."""
    instance._history_user = actor if getattr(actor, "pk", None) else None  # type: ignore[attr-defined]  # simple-history
    instance.delete()


def workflow_fields(model: type[models.Model]) -> frozenset[str]:
    """The fields of a model that only its workflow (or its creation) sets: no edit or restore writes them."""
    return frozenset(getattr(model, "workflow_fields", ()))


def content_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The fields a restore puts back: editable, recorded in history, no key, edit counter or workflow field."""
    recorded = {f.name for f in _history(model).model._meta.concrete_fields}
    skip = _UNAUDITED | workflow_fields(model)
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in skip and f.name in recorded
    ]


def _history(model: type[models.Model]) -> Any:
    """The model's simple-history manager (`HistoricalRecords` adds it; the stubs do not know it)."""
    return model.history  # type: ignore[attr-defined]


@contextmanager
def restoring(instance: models.Model) -> Iterator[None]:
    """Within the block, the versions the instance's own saves write are recorded as a restore."""
    token = _RESTORING.set((instance._meta.label_lower, str(instance.pk)))
    try:
        yield
    finally:
        _RESTORING.reset(token)


@receiver(pre_create_historical_record)
def _mark_restore(sender: Any, instance: models.Model, history_instance: Any, **kwargs: Any) -> None:
    if not history_instance.history_change_reason and _RESTORING.get() == (
        instance._meta.label_lower,
        str(instance.pk),
    ):
        history_instance.history_change_reason = "restore"


@transaction.atomic
def history_restore(*, actor: Any, model: type[M], object_id: Any, history_id: int) -> M:
    """Restore an object to one of its historical versions: its content on a live row, all of it on a deleted one.

    A live row keeps its workflow fields (status, number, holder…): going back to an old text must not
    undo a decision. A deleted row comes back whole, as it was when deleted. Callers check who may.
    """
    record = _history(model).get(id=object_id, history_id=history_id)
    instance = model._default_manager.filter(pk=object_id).first()
    if instance is None:
        instance = record.instance
        instance._state.adding = True
    else:
        for field in content_fields(model):
            setattr(instance, field.attname, getattr(record, field.attname))
    # The old version must still fit today's rules (its sector may be gone, its name taken).
    instance.full_clean(exclude=["password"] if hasattr(instance, "password") else None)
    save_as(instance, actor=actor, reason="restore")
    return instance
