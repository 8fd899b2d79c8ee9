"""Users, their role in one committee, their API tokens per device, and the security settings the secadmin keeps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS
from simple_history.models import HistoricalRecords

from luzhi.core.roles import Role
from luzhi.core.scoping import ScopedQuerySet
from luzhi.core.text import clean_name, look_alike_keys


class LuzhiUserManager(UserManager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):  # type: ignore[django-manager-missing]  # DeviceToken's base is knox's (untyped)
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = ("password", "last_login", "is_superuser", "is_staff", "date_joined", "must_change_password")
    # Set (not stored) by password_change: the device that changed it stays logged in (signals.py).
    _keep_device_token: int | None
    # Set on request.user by django_otp's OTPMiddleware (the second factor of this session).
    is_verified: Callable[[], bool]

    role = models.CharField("角色", max_length=20, choices=Role.choices, blank=True)
    committee = models.ForeignKey(
        "org.Committee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="所属政协",
    )
    member = models.ForeignKey(
        "org.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="对应委员",
    )
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="承办单位",
    )
    special_committee = models.ForeignKey(
        "org.SpecialCommittee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="专委会",
    )
    # Set when someone else chose the password (created, bulk-created, reset by the secadmin):
    # until the person sets their own, pages go to the change form and the API answers 403.
    must_change_password = models.BooleanField("须修改密码", default=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects: ClassVar[LuzhiUserManager] = LuzhiUserManager()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_unique_ignoring_case",
                violation_error_message="该用户名已被使用（不区分大小写）。",
            )
        ]

    def __str__(self) -> str:
        return self.username

    @classmethod
    def scope_rows(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        return qs.filter(committee_id=user.committee_id)

    def clean(self) -> None:
        super().clean()  # the username in NFKC form
        if self.username:
            try:
                self.username = clean_name(self.username)
            except ValidationError as exc:
                raise ValidationError({"username": exc.messages}) from exc
            # Only a new or changed username is compared: accounts made before the rule keep working.
            renamed = self._state.adding or not User.objects.filter(pk=self.pk, username=self.username).exists()
            if renamed and (taken := self.look_alike_of(self.username)) is not None:
                raise ValidationError({"username": f"与已有用户名“{taken}”过于相似（大小写或形近字符），请换一个。"})
        if self.is_superuser:
            return
        errors: dict[str, str] = {}
        if not self.role:
            errors["role"] = "请选择角色。"
        if not self.committee_id:
            errors["committee"] = "请选择所属政协。"
        needs: dict[str, str] = {
            Role.LEADER: "member",
            Role.MEMBER: "member",
            Role.UNIT: "unit",
            Role.COMMITTEE_STAFF: "special_committee",
        }
        if (field := needs.get(self.role)) and not getattr(self, f"{field}_id"):
            errors[field] = "该角色必须关联此项。"
        for field in ("member", "unit", "special_committee"):
            related = getattr(self, field)
            if related is not None and self.committee_id and related.committee_id != self.committee_id:
                errors[field] = "只能关联本政协的记录。"
        if (
            self.role == Role.LEADER
            and self.member is not None
            and not self.member.is_leader
            and "member" not in errors
        ):
            errors["member"] = "主席会议成员账号须关联主席、副主席或秘书长。"
        if errors:
            raise ValidationError(errors)

    def look_alike_of(self, username: str) -> str | None:
        """Return another account's username that reads like this one (case, look-alike letters), if any."""
        keys = look_alike_keys(username)
        others = User.objects.exclude(pk=self.pk).values_list("username", flat=True)
        # Accounts are few (hundreds per committee) and created rarely: comparing them all is cheap.
        return next((other for other in others.iterator() if look_alike_keys(other) & keys), None)


class SecuritySettings(models.Model):
    """Deployment-wide security settings kept by the secadmin (one row)."""

    session_idle_minutes = models.PositiveSmallIntegerField(
        "空闲超时（分钟）", default=30, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    history = HistoricalRecords()

    CACHE_KEY = "luzhi:security-settings"

    class Meta:
        verbose_name = verbose_name_plural = "安全设置"

    def __str__(self) -> str:
        return "安全设置"

    def clean(self) -> None:
        if self.pk not in (None, 1):
            raise ValidationError("安全设置只有一份。")

    @classmethod
    def current(cls) -> SecuritySettings:
        settings_row = cache.get(cls.CACHE_KEY)
        if settings_row is None:
            settings_row, _ = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, settings_row, 60)
        return settings_row


class DeviceToken(AbstractAuthToken):
    """One API login of one device: stored as a hash, expires, and can be revoked by its owner."""

    id = models.BigAutoField(primary_key=True)
    # knox makes the digest the primary key; an id keeps the hash out of URLs and lists.
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField("设备名称", max_length=100, blank=True)
    last_used = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = verbose_name_plural = "登录设备"

    def __str__(self) -> str:
        return f"{self.user_id}:{self.name or self.pk}"


class SMSCode(models.Model):
    """One SMS verification code asked for a phone (login or password reset), stored as a keyed hash.

    A row is also written when the phone has no account (no `user`, no code, nothing sent), so that
    the per-phone rate limit answers an unknown phone exactly as a known one (no enumeration).
    """

    class Purpose(models.TextChoices):
        LOGIN = "login", "登录"
        RESET = "reset", "重置密码"

    phone = models.CharField("手机号码", max_length=11, db_index=True)
    purpose = models.CharField("用途", max_length=10, choices=Purpose.choices, default=Purpose.LOGIN)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField("验证码摘要", max_length=64, blank=True)
    created_at = models.DateTimeField("发送时间", auto_now_add=True, db_index=True)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("错误次数", default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "短信验证码"
        indexes = [models.Index(fields=["phone", "created_at"])]

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]} {self.get_purpose_display()}"


class SMSMessage(models.Model):
    """The outbox: one text message to one phone, its state and its attempts.

    `text` is what the office may read (codes and one-time passwords replaced by ******);
    `sealed` holds the real text and the provider template's parameters, encrypted (accounts.sealing),
    only until the message was sent or given up.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    class Purpose(models.TextChoices):
        CODE = "code", "验证码"
        ACCOUNT = "account", "账号开通"

    MAX_ATTEMPTS = 3

    to = models.CharField("手机号码", max_length=11)
    purpose = models.CharField("用途", max_length=10, choices=Purpose.choices)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    committee = models.ForeignKey(
        "org.Committee", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="所属政协"
    )
    text = models.TextField("短信内容（已隐去密码）")
    sealed = models.BinaryField("加密原文", blank=True, default=b"")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "短信发送记录"

    def __str__(self) -> str:
        return f"{self.to[:3]}****{self.to[-4:]} {self.get_status_display()}"

    @classmethod
    def scope_rows(cls, qs: models.QuerySet, user: Any) -> models.QuerySet:
        return qs.filter(committee_id=user.committee_id)


class AccountLetters(models.Model):
    """Sealed account letters (one-time passwords inside), encrypted; the sysadmin downloads them as a PDF for a day."""

    LIFETIME_HOURS = 24

    committee = models.ForeignKey("org.Committee", on_delete=models.CASCADE, related_name="+", verbose_name="所属政协")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    expires_at = models.DateTimeField("失效时间")
    count = models.PositiveIntegerField("份数")
    sealed = models.BinaryField("加密内容", blank=True, default=b"")
    downloads = models.PositiveSmallIntegerField("下载次数", default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "账号通知书"

    def __str__(self) -> str:
        return f"账号通知书 {self.pk}（{self.count}份）"

    @classmethod
    def scope_rows(cls, qs: models.QuerySet, user: Any) -> models.QuerySet:
        return qs.filter(committee_id=user.committee_id)
