"""Two-factor login with a TOTP device (动态口令, 等保 level 3): required of the administrators, optional for others.

A session is verified when django-otp's middleware finds the device that checked its code
(`user.is_verified()`); an administrator's unverified session reaches only the enrolment page.
An API token is issued only after the code (`otp_check`), so calls with it count as verified.
A wrong code is a failed login: it goes to django-axes like a wrong password, toward the lockout.
"""

from __future__ import annotations

import time
from base64 import b32encode
from binascii import unhexlify
from collections.abc import Callable
from typing import Any

import django_otp
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from rest_framework import exceptions

from luzhi.core.audit import audit_account_change
from luzhi.core.roles import ADMINS

OTP_REQUIRED = "otp_required"
OTP_REQUIRED_MESSAGE = "管理员账号须先绑定动态口令，请在网页上完成绑定后再操作。"
OTP_MISSING = "请输入动态验证码。"
OTP_WRONG = "动态验证码错误或已过期，请重新输入。"
LOCKED = "登录失败次数过多，账号已锁定，请30分钟后再试或联系安全管理员。"
ENROL_URL = "/accounts/otp/"
# What an administrator still reaches before enrolling: the enrolment page, logging out, static files.
ENROL_OPEN_PATHS = (ENROL_URL, "/login/", "/logout/", "/static/", "/healthz")
DEVICE_NAME = "动态口令"


def otp_required_for(user: Any) -> bool:
    """Whether the account must log in with a second factor: the three administrators and any superuser."""
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in ADMINS)


def confirmed_device(user: Any) -> TOTPDevice | None:
    """Return the account's confirmed TOTP device, if it has one."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("-id").first()


def otp_verify(*, request: HttpRequest, user: Any, device: TOTPDevice, code: Any) -> bool:
    """Check a code against the device; a wrong one counts as a failed login (django-axes, the audit log)."""
    text = str(code).strip() if isinstance(code, (str, int)) and not isinstance(code, bool) else ""
    if isinstance(code, int) and not isinstance(code, bool) and 0 <= code < 10**device.digits:
        text = f"{code:0{device.digits}d}"  # a code sent as a JSON number lost its leading zeros
    well_formed = text.isascii() and text.isdigit() and len(text) == device.digits
    if well_formed and django_otp.verify_token(user, device.persistent_id, text) is not None:
        return True
    user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
    return False


def otp_check(request: HttpRequest, user: Any, code: Any) -> None:
    """Refuse an API token unless the second factor holds: 400 without or with a wrong code, 403 without a device."""
    device = confirmed_device(user)
    if device is None:
        if otp_required_for(user):
            raise exceptions.PermissionDenied({"detail": OTP_REQUIRED_MESSAGE, "code": OTP_REQUIRED})
        return
    if code is None or code == "":
        raise exceptions.ValidationError({"otp": [OTP_MISSING]})
    if not otp_verify(request=request, user=user, device=device, code=code):
        if getattr(request, "axes_locked_out", False):
            raise exceptions.PermissionDenied(LOCKED)
        raise exceptions.ValidationError({"otp": [OTP_WRONG]})


# ---- enrolment -------------------------------------------------------------------------------

PENDING_KEY = "_lz_otp_key"


def enrolment_key(request: HttpRequest, *, fresh: bool = False) -> str:
    """The secret being enrolled, kept in the session until a code confirms it (no row before that)."""
    if fresh or not request.session.get(PENDING_KEY):
        request.session[PENDING_KEY] = random_hex(20)
    return request.session[PENDING_KEY]


def enrolment_secret(key: str) -> str:
    """The key as authenticator apps ask for it when typed: base32, in groups of four."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def enrolment_url(user: Any, key: str) -> str:
    """The otpauth:// address that the QR code holds."""
    return TOTPDevice(user=user, key=key, name=DEVICE_NAME).config_url


def _matching_step(key: str, code: str) -> int | None:
    """The time step a code belongs to for this key, one step of clock skew allowed either way."""
    text = code.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 6):
        return None
    totp = TOTP(unhexlify(key))
    totp.time = time.time()
    return totp.t() if totp.verify(int(text), tolerance=1) else None


@transaction.atomic
def otp_device_confirm(*, actor: Any, key: str, code: str) -> TOTPDevice:
    """Bind the device whose code matches the enrolled key, replacing the account's earlier devices."""
    step = _matching_step(key, code)
    if step is None:
        raise ValidationError({"code": [OTP_WRONG]})
    replaced = TOTPDevice.objects.filter(user_id=actor.pk).exists()
    TOTPDevice.objects.filter(user_id=actor.pk).delete()
    # The code just used may not log in again (last_t), as for any verified code.
    device = TOTPDevice.objects.create(user=actor, key=key, name=DEVICE_NAME, confirmed=True, last_t=step)
    change = ["已绑定", "已更换"] if replaced else ["未绑定", "已绑定"]
    audit_account_change(actor=actor, target=actor, changes={"动态口令": change})
    return device


@transaction.atomic
def otp_device_remove(*, actor: Any, user: Any) -> int:
    """Remove an account's TOTP devices: by its owner, by the secadmin, or by the server command (actor None)."""
    if actor is not None and otp_required_for(user):
        if actor.pk == user.pk:
            raise ValidationError("管理员账号必须保留动态口令，可绑定新设备替换当前设备。")
        raise ValidationError("管理员账号的动态口令只能在服务器上用 otp_reset 命令重置。")
    removed, _ = TOTPDevice.objects.filter(user_id=user.pk).delete()
    if removed:
        audit_account_change(actor=actor, target=user, changes={"动态口令": ["已绑定", "已解除"]})
    return removed


# ---- the gate --------------------------------------------------------------------------------


class OTPRequiredMiddleware:
    """An administrator's session without a verified second factor reaches only the enrolment page.

    Pages redirect there; the API answers 403 `{"detail","code":"otp_required"}`. Token calls carry
    no session and pass: a token is issued only after the code (`otp_check`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and otp_required_for(user)
            and not user.is_verified()
            and not request.path.startswith(ENROL_OPEN_PATHS)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": OTP_REQUIRED_MESSAGE, "code": OTP_REQUIRED}, status=403)
            if request.headers.get("HX-Request"):
                response = JsonResponse({"detail": OTP_REQUIRED_MESSAGE, "code": OTP_REQUIRED}, status=403)
                response["HX-Redirect"] = ENROL_URL
                return response
            return redirect(ENROL_URL)
        return self.get_response(request)
