"""Account writes: users with the password policy and 三员分立 applied, the administrators' accounts, device tokens."""

from __future__ import annotations

import secrets
import string
from typing import Any

from axes.utils import reset
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from luzhi.accounts.audit import audit_password_changed
from luzhi.accounts.models import DeviceToken, SecuritySettings, User
from luzhi.accounts.permissions import check_account_change
from luzhi.core.audit import audit_office_grant, audit_password_reset, audit_unlock, history_restore, save_as
from luzhi.core.roles import ADMINS, Role

# Logins beyond this many live devices push out the oldest, so a script that logs in on every run
# does not pile up tokens.
MAX_DEVICES = 20


def _set_password(user: User, password: str | None, *, by_owner: bool = False) -> None:
    """Set a password that meets the policy; one chosen by someone else must be changed at the next login."""
    if password is None:
        return
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.must_change_password = not by_owner


def _record_office_grant(*, actor: Any, user: User, old_role: str) -> None:
    if user.role == Role.OFFICE and old_role != Role.OFFICE:
        audit_office_grant(actor=actor, account=user, old_role=old_role)


@transaction.atomic
def user_create(*, actor: Any, data: dict[str, Any]) -> User:
    """Create an ordinary account with a role in one committee; the password must meet the policy."""
    check_account_change(actor=actor, account=None, role=data.get("role"))
    password = data.pop("password", None)
    if not password:
        raise ValidationError({"password": ["请设置密码。"]})
    user = User(**data)
    user.full_clean(exclude=["password"])
    _set_password(user, password)
    save_as(user, actor=actor)
    _record_office_grant(actor=actor, user=user, old_role="")
    return user


@transaction.atomic
def user_update(*, actor: Any, user: User, data: dict[str, Any]) -> User:
    """Change an ordinary account's role, links, active flag or password (the latter two log its devices out)."""
    check_account_change(actor=actor, account=user, role=data.get("role"))
    old_role = user.role
    password = data.pop("password", None)
    for name, value in data.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    _set_password(user, password)
    save_as(user, actor=actor)
    _record_office_grant(actor=actor, user=user, old_role=old_role)
    return user


@transaction.atomic
def user_restore(*, actor: Any, user: User, history_id: int) -> User:
    """Put an ordinary account back to one of its earlier versions (never to an administrator role)."""
    version = user.history.get(history_id=history_id)
    check_account_change(actor=actor, account=user, role=version.role)
    old_role = user.role
    restored = history_restore(actor=actor, model=User, object_id=user.pk, history_id=history_id)
    _record_office_grant(actor=actor, user=restored, old_role=old_role)
    return restored


@transaction.atomic
def password_change(*, user: User, old_password: Any, new_password: Any, keep_device_token: int | None = None) -> User:
    """The owner changes their own password: the old one must be right, the new one meet the policy and differ.

    Clears the forced change, logs every other device out of the API (the one `keep_device_token`
    stays) and records the change in the audit log. Raises ValidationError keyed by field.
    """
    if not isinstance(old_password, str) or not old_password:
        raise ValidationError({"old_password": ["请输入原密码。"]})
    if not isinstance(new_password, str) or not new_password:
        raise ValidationError({"new_password": ["请输入新密码。"]})
    if len(new_password) > 128:
        raise ValidationError({"new_password": ["新密码不能超过128个字符。"]})
    if not user.check_password(old_password[:128]):
        raise ValidationError({"old_password": ["原密码不正确。"]})
    if new_password == old_password:
        raise ValidationError({"new_password": ["新密码不能与原密码相同。"]})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    user.set_password(new_password)
    user.must_change_password = False
    user._keep_device_token = keep_device_token
    save_as(user, actor=user)
    audit_password_changed(actor=user, account=user, how="self")
    return user


def admin_password_generate() -> str:
    """Return a random password that meets the password policy."""
    alphabet = string.ascii_letters + string.digits + "#%+-=@^_"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(16))
        try:
            validate_password(password)
        except ValidationError:
            continue
        return password


@transaction.atomic
def admin_account_create(*, role: str, username: str, committee: Any, password: str) -> User:
    """Create one of the three administrators' accounts (only the server's management command does this)."""
    if role not in ADMINS:
        raise ValidationError({"role": ["只能创建系统管理员、安全管理员或安全审计员账号。"]})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": ["该用户名已存在。"]})
    user = User(username=username, role=role, committee=committee)
    user.full_clean(exclude=["password"])
    _set_password(user, password, by_owner=True)
    save_as(user, actor=None, reason="command")
    return user


@transaction.atomic
def admin_account_reset(*, user: User, password: str | None = None, active: bool = True) -> User:
    """Set an administrator's password anew or deactivate the account; either logs out all its devices."""
    if user.role not in ADMINS:
        raise ValidationError({"username": ["该账号不是三员账号，请由系统管理员在页面上管理。"]})
    user.is_active = active
    # The server's operator sets an administrator's password for that administrator, on the server: no forced change.
    _set_password(user, password, by_owner=True)
    save_as(user, actor=None, reason="command")
    if password is not None:
        audit_password_reset(account=user, reason="command")
        reset(username=user.username)
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
    result: int = cleared
    return result


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


def device_tokens_revoke_all(*, user: User, keep: int | None = None) -> int:
    """Log every device of the user (but the one `keep`, if given) out of the API; return how many tokens went."""
    deleted, _ = DeviceToken.objects.filter(user=user).exclude(pk=keep).delete()
    result: int = deleted
    return result
