"""The one scoping mechanism: every read of a committee's rows passes through `visible_to`.

A model opts in by deriving from `CommitteeOwned` (a `committee` foreign key and the
`ScopedQuerySet` manager). `visible_to` keeps the rows of the caller's committee and then
lets the model narrow them by role (`scope_role`): a handling unit sees only its unit's
things, a member only what members may see. Rows outside scope simply do not exist for
the caller, so views answer 404 for them — nobody filters by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from luzhi.accounts.models import User

M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ScopedQuerySet:
        return visible_to(self, user)


def visible_to(qs: models.QuerySet, user: Any) -> models.QuerySet:
    """Return the rows of qs the user may see (none for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.committee_id is None:
        return qs.none()
    return qs.model.scope_rows(qs, user)


def access_by_id(user: User, model: type[M], pk: Any, qs: models.QuerySet | None = None) -> M:
    """Fetch one row the user may see, or raise Http404 (also for rows of other committees)."""
    base = qs if qs is not None else model._default_manager.all()
    try:
        return visible_to(base, user).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


class CommitteeOwned(models.Model):
    """A row that belongs to one committee — the partition key of every domain table."""

    committee = models.ForeignKey("org.Committee", on_delete=models.PROTECT, related_name="+", verbose_name="所属政协")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_rows(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        return cls.scope_role(qs.filter(committee_id=user.committee_id), user)

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """Narrow a committee's rows by role; by default a handling unit sees none of them."""
        from luzhi.core.roles import Role

        if user.role == Role.UNIT:
            return qs.none()
        return qs
