"""Audit rows of the password and SMS-code steps (written beside the history-driven audit of core.audit).

Actions used (AuditEntry.Action, no new ones):
- a password changed by its owner: `update` on the account, changes `{"password": ["", "本人修改"]}`;
- a password reset by SMS code: `password_reset`;
- a code sent (or asked for an unknown phone, or refused by the rate limit): `create` / `login_failed`
  on `accounts.smscode`, the phone masked (138****0001) — never the code;
- a wrong, expired or used code: `login_failed`; a login by code: `login` (via api/page).
"""

from __future__ import annotations

from typing import Any

from luzhi.core.audit import _account_entry, _via
from luzhi.core.clientip import client_ip
from luzhi.core.logging import mask_field
from luzhi.core.models import AuditEntry


def masked_phone(phone: str) -> str:
    return str(mask_field("phone", phone))


def audit_password_changed(*, actor: Any, account: Any, how: str) -> None:
    """Record that an account's password changed: by its owner (`self`) or by SMS code (`sms_reset`)."""
    if how == "sms_reset":
        _account_entry(
            action=AuditEntry.Action.PASSWORD_RESET,
            actor=account,
            account=account,
            repr_=account.username,
            changes={"password": ["", "短信验证码重置"]},
        )
        return
    _account_entry(
        action=AuditEntry.Action.UPDATE,
        actor=actor,
        account=account,
        repr_=account.username,
        changes={"password": ["", "本人修改"]},
    )


def audit_sms_code(*, action: str, event: str, phone: str, user: Any = None, request: Any = None) -> None:
    """Record one step of an SMS code (asked, sent, refused, wrong, used) with the phone masked."""
    masked = masked_phone(phone)
    AuditEntry.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=(getattr(user, "username", "") or "")[:150],
        action=action,
        model="accounts.smscode",
        object_id=str(getattr(user, "pk", "") or ""),
        object_repr=f"{masked} {event}"[:200],
        changes={"event": event, "phone": masked},
        via="api" if request is not None and request.path.startswith("/api/") else _via(None),
        ip=client_ip(request) if request is not None else None,
        committee_id=getattr(user, "committee_id", None),
    )
