"""Account writes: create and update users with the password policy applied."""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from luzhi.accounts.models import SecuritySettings, User
from luzhi.core.audit import audit_unlock, save_as


def _set_password(user: User, password: str | None) -> None:
    if password is None:
        return
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)


@transaction.atomic
def user_create(*, actor: Any, data: dict[str, Any]) -> User:
    """Create an account with a role in one committee; the password must meet the policy."""
    password = data.pop("password", None)
    if not password:
        raise ValidationError({"password": ["请设置密码。"]})
    user = User(**data)
    user.full_clean(exclude=["password"])
    _set_password(user, password)
    save_as(user, actor=actor)
    return user


@transaction.atomic
def user_update(*, actor: Any, user: User, data: dict[str, Any]) -> User:
    """Change an account's role, links or password."""
    password = data.pop("password", None)
    for name, value in data.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    _set_password(user, password)
    save_as(user, actor=actor)
    return user


@transaction.atomic
def security_settings_update(*, actor: Any, session_idle_minutes: int) -> SecuritySettings:
    """Change the idle session timeout for every user."""
    row = SecuritySettings.current()
    row = SecuritySettings.objects.get(pk=row.pk)
    row.session_idle_minutes = session_idle_minutes
    row.full_clean()
    save_as(row, actor=actor)
    cache.delete(SecuritySettings.CACHE_KEY)
    return row


@transaction.atomic
def account_unlock(*, actor: Any, username: str) -> int:
    """Clear an account's failed logins so that it can log in again; return how many records went."""
    cleared = reset(username=username)
    audit_unlock(actor=actor, target=User.objects.filter(username=username).first(), username=username)
    return cleared
