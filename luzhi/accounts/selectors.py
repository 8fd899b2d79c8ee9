"""Reads for the account pages, scoped to the viewer's committee."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from axes.models import AccessAttempt
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from luzhi.accounts.models import DeviceToken, User
from luzhi.core.models import AuditEntry
from luzhi.core.scoping import visible_to


def user_list(*, viewer: Any) -> QuerySet[User]:
    """Return the accounts of the viewer's committee (bootstrap superusers are not listed)."""
    related = User.objects.select_related("committee", "member", "unit", "special_committee")
    return visible_to(related, viewer).filter(is_superuser=False).order_by("username")


def lockout_list(*, viewer: Any) -> QuerySet[AccessAttempt]:
    """Return the failed-login records of the viewer's committee's accounts, newest first."""
    usernames = visible_to(User.objects.all(), viewer).values("username")
    result: QuerySet[AccessAttempt] = AccessAttempt.objects.filter(username__in=usernames).order_by("-attempt_time")
    return result


def otp_device_list(*, viewer: Any) -> QuerySet[TOTPDevice]:
    """Return the bound TOTP devices of the viewer's committee's accounts, by username."""
    accounts = user_list(viewer=viewer).values("pk")
    devices = TOTPDevice.objects.filter(user_id__in=accounts, confirmed=True)
    result: QuerySet[TOTPDevice] = devices.select_related("user").order_by("user__username")
    return result


def audit_models(*, viewer: Any) -> list[str]:
    """Return the object types that appear in the viewer's audit log."""
    entries = visible_to(AuditEntry.objects.all(), viewer).exclude(model="")
    return sorted(entries.order_by().values_list("model", flat=True).distinct())


def audit_list(
    *,
    viewer: Any,
    model: str = "",
    username: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """Return the viewer's audit entries, newest first, filtered by type, user, action and local date."""
    qs = visible_to(AuditEntry.objects.all(), viewer)
    if model:
        qs = qs.filter(model=model)
    if username:
        qs = qs.filter(username=username)
    if action:
        qs = qs.filter(action=action)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz))
    return qs.order_by("-at", "-id")


def office_grant_list(*, viewer: Any) -> QuerySet[AuditEntry]:
    """Return the grants of the office role in the viewer's committee, newest first."""
    grants = AuditEntry.objects.filter(action=AuditEntry.Action.GRANT_OFFICE)
    return visible_to(grants, viewer).order_by("-at", "-id")


def device_token_list(*, viewer: Any) -> QuerySet[DeviceToken]:
    """Return the viewer's own API logins that have not expired, newest first."""
    live = Q(expiry__gt=timezone.now()) | Q(expiry__isnull=True)
    result: QuerySet[DeviceToken] = DeviceToken.objects.filter(live, user_id=viewer.pk).order_by("-created", "-id")
    return result
