"""Account writes: users with the password policy applied, device tokens."""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from luzhi.accounts.models import DeviceToken, SecuritySettings, User
from luzhi.core.audit import audit_unlock, save_as

# Logins beyond this many live devices push out the oldest, so a script that logs in on every run
# does not pile up tokens.
MAX_DEVICES = 20


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


def _live_tokens(user: User) -> Any:
    return DeviceToken.objects.filter(user=user).filter(Q(expiry__gt=timezone.now()) | Q(expiry__isnull=True))


@transaction.atomic
def device_token_create(*, user: User, name: str) -> tuple[DeviceToken, str]:
    """Issue a new token for one login of one device; return the row and the token, which is shown only now."""
    DeviceToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    stale = _live_tokens(user).order_by("-created", "-id").values_list("pk", flat=True)[MAX_DEVICES - 1 :]
    DeviceToken.objects.filter(pk__in=list(stale)).delete()
    token, key = DeviceToken.objects.create(user=user, name=name.strip()[:100])  # expires after REST_KNOX TOKEN_TTL
    return token, key


@transaction.atomic
def device_token_revoke(*, actor: User, token: DeviceToken) -> None:
    """Log one of the actor's own devices out of the API."""
    if token.user_id != actor.pk:
        raise ValidationError("只能注销自己的登录设备。")
    token.delete()


def device_tokens_revoke_all(*, user: User) -> int:
    """Log every device of the user out of the API; return how many tokens went."""
    deleted, _ = DeviceToken.objects.filter(user=user).delete()
    return deleted
