"""The one scoping mechanism: every read of a committee's rows passes through `visible_to`.

A model opts in by deriving from `CommitteeOwned` (a `committee` foreign key and the
`ScopedQuerySet` manager). `visible_to` keeps the rows of the caller's committee and then
lets the model narrow them by role (`scope_role`): a handling unit sees only its unit's
things, a member only what members may see. Rows outside scope simply do not exist for
the caller, so views answer 404 for them — nobody filters by hand.

`CommitteeOwned` also carries each row's `version`: every save of an existing row first claims
it with `UPDATE … SET version = version + 1 WHERE id = … AND version = <the version this copy
was read at>`, so of two editors who read the same version only the first one's save lands;
the second gets `StaleEdit` (409 on the API, the form's message on pages) and nothing of theirs
is written.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, router, transaction
from django.http import Http404

# A user is the project's AUTH_USER_MODEL (accounts.User): typed Any here, so core imports no domain app.
User = Any

M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> models.QuerySet[Any]:
        return visible_to(self, user)


def visible_to(qs: models.QuerySet[Any], user: Any) -> models.QuerySet[Any]:
    """Return the rows of qs the user may see (none for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.committee_id is None:
        return qs.none()
    scoped: models.QuerySet[Any] = qs.model.scope_rows(qs, user)
    return scoped


def access_by_id(user: User, model: type[M], pk: Any, qs: models.QuerySet[M] | None = None) -> M:
    """Fetch one row the user may see, or raise Http404 (also for rows of other committees)."""
    base = qs if qs is not None else model._default_manager.all()
    try:
        row: M = visible_to(base, user).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):  # the model's DoesNotExist
        raise Http404 from None
    return row


STALE_MESSAGE = "该记录已被他人修改，请刷新后再改。"


class StaleEdit(ValidationError):
    """The row changed since the editor read it: 409 on the API, a message on the form, nothing saved."""

    def __init__(self, message: str = STALE_MESSAGE) -> None:
        super().__init__(message, code="stale")
        self.message = message


def check_version(instance: models.Model, expected: Any) -> None:
    """Refuse an edit made from another version than the one just read (None: the caller sent none)."""
    if expected is None or expected == "":
        return
    try:
        expected = int(expected)
    except (TypeError, ValueError):
        raise StaleEdit from None
    if expected != getattr(instance, "version", None):
        raise StaleEdit


class CommitteeOwned(models.Model):
    """A row that belongs to one committee — the partition key of every domain table."""

    committee = models.ForeignKey("org.Committee", on_delete=models.PROTECT, related_name="+", verbose_name="所属政协")
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; an existing row only if nobody saved it since this copy was read (else StaleEdit)."""
        update_fields = kwargs.get("update_fields")
        if self._state.adding or self.pk is None or (update_fields is not None and not update_fields):
            return super().save(*args, **kwargs)
        if update_fields is not None and "version" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "version"]
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        rows = type(self)._base_manager.using(using)
        if getattr(self, "_history", None) is not None:
            # An earlier version being restored (simple-history's `record.instance`): it carries
            # that version's number, but it is saved on top of the row as it is now.
            current = rows.filter(pk=self.pk).values_list("version", flat=True).first()
            self.version = current if current is not None else self.version
        read_at = self.version or 0
        outside = not transaction.get_connection(using).in_atomic_block
        with transaction.atomic(using=using) if outside else nullcontext():
            # The claim is one statement, `UPDATE … SET version = read_at + 1 WHERE id = … AND
            # version = read_at`: it matches no row when someone saved first, and on PostgreSQL a
            # concurrent claimant waits for this row lock and then re-checks the condition. The
            # lock is held until the transaction ends, so nobody writes between it and the save.
            if not rows.filter(pk=self.pk, version=read_at).update(version=read_at + 1):
                if rows.filter(pk=self.pk).exists():
                    raise StaleEdit
                return super().save(*args, **kwargs)  # the row is gone: Django's usual handling
            self.version = read_at + 1
            super().save(*args, **kwargs)

    @classmethod
    def scope_rows(cls, qs: models.QuerySet[Any], user: User) -> models.QuerySet[Any]:
        return cls.scope_role(qs.filter(committee_id=user.committee_id), user)

    @classmethod
    def scope_role(cls, qs: models.QuerySet[Any], user: User) -> models.QuerySet[Any]:
        """Narrow a committee's rows by role; by default a handling unit sees none of them."""
        from luzhi.core.roles import Role

        if user.role == Role.UNIT:
            return qs.none()
        return qs
