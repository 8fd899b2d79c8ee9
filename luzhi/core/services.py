"""Generic writes used by every domain service: validate with full_clean, save with history."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError

from luzhi.core.audit import delete_as, save_as
from luzhi.core.errors import WorkflowError
from luzhi.core.scoping import CommitteeOwned, StaleEdit, check_version

__all__ = ["StaleEdit", "object_create", "object_delete", "object_update"]

M = TypeVar("M", bound=models.Model)


def _assign(instance: models.Model, data: dict[str, Any]) -> dict[str, Any]:
    """Set plain fields on the instance and return the many-to-many values to set after save."""
    m2m = {}
    for name, value in data.items():
        field = instance._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = value
        else:
            setattr(instance, name, value)
    return m2m


@transaction.atomic
def object_create(*, actor: Any, model: type[M], data: dict[str, Any], reason: str | None = None) -> M:
    """Create a row from validated data; every rule of the model's clean() applies."""
    instance = model()
    m2m = _assign(instance, data)
    instance.full_clean()
    save_as(instance, actor=actor, reason=reason)
    for name, value in m2m.items():
        getattr(instance, name).add(*value)  # a new row has no links yet: nothing to read back first
    return instance


@transaction.atomic
def object_update(*, actor: Any, instance: M, data: dict[str, Any]) -> M:
    """Update a row from validated data; every rule of the model's clean() applies.

    `data` may carry the `version` the editor read: another one is refused with StaleEdit.
    Either way the save is conditional on the version this copy was read at
    (CommitteeOwned.save: `UPDATE … SET version = version + 1 … WHERE id = %s AND version = %s`),
    so of two concurrent editors only one wins and the other saves nothing.
    """
    data = dict(data)
    if "version" in data and isinstance(instance, CommitteeOwned):
        check_version(instance, data.pop("version"))
    m2m = _assign(instance, data)
    instance.full_clean()
    save_as(instance, actor=actor)
    for name, value in m2m.items():
        getattr(instance, name).set(value)
    return instance


@transaction.atomic
def object_delete(*, actor: Any, instance: models.Model) -> None:
    """Delete a row that nothing refers to; its history keeps it restorable."""
    try:
        delete_as(instance, actor=actor)
    except (ProtectedError, RestrictedError) as exc:
        raise WorkflowError(f"“{instance}”仍被其他记录引用，不能删除。") from exc
