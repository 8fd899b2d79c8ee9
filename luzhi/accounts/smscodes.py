"""SMS verification codes: login by code and password reset by code (API.md "Member accounts and reaching people").

- `code_request(phone)`: always the same answer for any well-formed mainland mobile number; a code is
  made and texted only when an active, ordinary account (not one of the three administrators, whose
  passwords are reset on the server) has that phone as its username or its member's phone. At most
  one request a minute and five an hour per phone — counted for unknown phones too — else `RateLimited`.
- A code: 6 digits, stored as an HMAC keyed by SECRET_KEY, valid 5 minutes, used once; a newer code
  replaces the older ones; 5 wrong tries burn it. A code is good for either login or reset (both
  prove the phone); its purpose only words the text.
- Every step is audited with the phone masked (accounts.audit).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from luzhi.accounts.audit import audit_sms_code
from luzhi.accounts.models import SMSCode, SMSMessage, User
from luzhi.accounts.outbox import sms_queue
from luzhi.core.models import AuditEntry
from luzhi.core.roles import ADMINS
from luzhi.core.sms import normalise_mobile

LIFETIME = timedelta(minutes=5)
MAX_WRONG = 5
PER_MINUTE = 1
PER_HOUR = 5

BAD_PHONE = "请输入正确的11位大陆手机号码。"
BAD_CODE = "验证码错误或已过期，请重新获取。"
CODE_FORMAT = "验证码为6位数字。"

TEXTS: dict[str, str] = {
    SMSCode.Purpose.LOGIN: "【履职平台】您的登录验证码为{code}，5分钟内有效。如非本人操作，请忽略本短信。",
    SMSCode.Purpose.RESET: "【履职平台】您正在重置密码，验证码为{code}，5分钟内有效。请勿告诉他人。",
}


class RateLimited(Exception):
    """Too many codes asked for this phone; `wait` seconds until the next may be asked."""

    def __init__(self, wait: int) -> None:
        super().__init__(wait)
        self.wait = wait


def clean_phone(value: Any, field: str = "phone") -> str:
    phone = normalise_mobile(value) if isinstance(value, str) else None
    if phone is None:
        raise ValidationError({field: [BAD_PHONE]})
    return phone


def clean_code(value: Any) -> str:
    code = value.strip() if isinstance(value, str) else ""
    if len(code) != 6 or not (code.isascii() and code.isdigit()):
        raise ValidationError({"code": [CODE_FORMAT]})
    return code


def _digest(phone: str, code: str) -> str:
    return salted_hmac("luzhi.accounts.smscode", f"{phone}:{code}").hexdigest()


def account_for_phone(phone: str) -> User | None:
    """The ordinary, active account reached by this phone: its username first, else its member's phone."""
    candidates = (
        User.objects.filter(is_active=True, is_superuser=False)
        .exclude(role__in=list(ADMINS))
        .filter(Q(username=phone) | Q(member__phone=phone))
        .order_by("id")
    )
    found = list(candidates[:5])
    return next((u for u in found if u.username == phone), found[0] if found else None)


def _wait(phone: str, now: Any) -> int:
    """Seconds until another code may be asked for the phone (0: now)."""
    recent = list(
        SMSCode.objects.filter(phone=phone, created_at__gt=now - timedelta(hours=1))
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:PER_HOUR]
    )
    waits = []
    if len(recent) >= PER_MINUTE and now - recent[PER_MINUTE - 1] < timedelta(minutes=1):
        waits.append(60 - (now - recent[PER_MINUTE - 1]).total_seconds())
    if len(recent) >= PER_HOUR:
        waits.append(3600 - (now - recent[PER_HOUR - 1]).total_seconds())
    return max(1, int(max(waits)) + 1) if waits else 0


@transaction.atomic
def code_request(*, phone: Any, purpose: str = SMSCode.Purpose.LOGIN, request: Any = None) -> None:
    """Ask for a code for `phone` (see the module doc); ValidationError for a bad phone, RateLimited."""
    phone = clean_phone(phone)
    if purpose not in SMSCode.Purpose.values:
        purpose = SMSCode.Purpose.LOGIN
    now = timezone.now()
    user = account_for_phone(phone)
    if user is not None:
        User.objects.select_for_update().filter(pk=user.pk).first()  # two requests at once: one waits
    wait = _wait(phone, now)
    if wait:
        audit_sms_code(
            action=AuditEntry.Action.LOGIN_FAILED, event="rate_limited", phone=phone, user=user, request=request
        )
        raise RateLimited(wait)
    if user is None:
        SMSCode.objects.create(phone=phone, purpose=purpose)  # counts toward the limit; no code, no text
        audit_sms_code(action=AuditEntry.Action.LOGIN_FAILED, event="unknown_phone", phone=phone, request=request)
        return
    code = f"{secrets.randbelow(10**6):06d}"
    SMSCode.objects.filter(phone=phone, used_at__isnull=True).update(used_at=now)  # the newest code only
    SMSCode.objects.create(phone=phone, purpose=purpose, user=user, code_hash=_digest(phone, code))
    text = TEXTS[purpose]
    sms_queue(
        to=phone,
        text=text.format(code=code),
        redacted=text.format(code="******"),
        purpose=SMSMessage.Purpose.CODE,
        template="code",
        params={"code": code},
        user=user,
    )
    audit_sms_code(
        action=AuditEntry.Action.CREATE, event=f"code_sent:{purpose}", phone=phone, user=user, request=request
    )


def code_check(*, phone: Any, code: Any, request: Any = None, consume: bool = True) -> User:
    """The account the code was sent for; ValidationError (`code`) when wrong, expired, used or burnt.

    A wrong code counts toward its burning, in its own transaction, whatever the caller does next.
    `consume=False` checks without using the code up (a reset checks its new password first).
    """
    phone = clean_phone(phone)
    code = clean_code(code)
    now = timezone.now()
    with transaction.atomic():
        row = (
            SMSCode.objects.select_for_update(of=("self",))
            .filter(phone=phone, used_at__isnull=True, user__isnull=False, created_at__gt=now - LIFETIME)
            .select_related("user", "user__member")
            .order_by("-created_at")
            .first()
        )
        if (
            row is not None
            and constant_time_compare(row.code_hash, _digest(phone, code))
            and row.user is not None  # user__isnull=False
            and row.user.is_active
        ):
            if consume:
                row.used_at = now
                row.save(update_fields=["used_at"])
            return row.user
        if row is not None:
            row.attempts += 1
            if row.attempts >= MAX_WRONG:
                row.used_at = now  # burnt
            row.save(update_fields=["attempts", "used_at"])
        audit_sms_code(
            action=AuditEntry.Action.LOGIN_FAILED,
            event="code_wrong" if row is not None else "code_invalid",
            phone=phone,
            user=row.user if row is not None else None,
            request=request,
        )
    raise ValidationError({"code": [BAD_CODE]})


def password_reset_by_code(*, phone: Any, code: Any, new_password: Any, request: Any = None) -> User:
    """Set a new password with a code: the owner chose it, so no forced change; the code is used up."""
    from axes.utils import reset as axes_reset
    from django.contrib.auth.password_validation import validate_password

    from luzhi.accounts.audit import audit_password_changed
    from luzhi.core.audit import save_as

    if not isinstance(new_password, str) or not new_password:
        raise ValidationError({"new_password": ["请输入新密码。"]})
    if len(new_password) > 128:
        raise ValidationError({"new_password": ["新密码不能超过128个字符。"]})
    user = code_check(phone=phone, code=code, request=request, consume=False)
    if user.check_password(new_password):
        raise ValidationError({"new_password": ["新密码不能与原密码相同。"]})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    with transaction.atomic():
        user = code_check(phone=phone, code=code, request=request)
        user.set_password(new_password)
        user.must_change_password = False
        save_as(user, actor=user)
        audit_password_changed(actor=user, account=user, how="sms_reset")
    axes_reset(username=user.username)  # a locked account is open again once its owner proved the phone
    return user
