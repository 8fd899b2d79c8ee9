"""The inbox, each person's channel settings, a committee's group channels and every delivery attempt."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from luzhi.core.scoping import CommitteeOwned
from luzhi.notifications.events import COMMITTEE_EVENTS


class Notification(models.Model):
    """One message to one user: the in-app inbox. Other channels deliver copies (Delivery)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="接收人",
    )
    kind = models.CharField("类别", max_length=50)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    # A message is sent once: the same key for the same user is never stored (or sent) twice.
    key = models.CharField("去重键", max_length=200)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        # The table predates this app (it was core's): kept, with its rows.
        db_table = "core_notification"
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "通知"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="core_notifi_user_id_d46a88_idx")]

    def __str__(self) -> str:
        return self.title


class NotificationSettings(models.Model):
    """How one person wants to be reached beyond the inbox (the inbox is always on)."""

    class Digest(models.TextChoices):
        INSTANT = "instant", "即时发送"
        DAILY = "daily", "每日汇总一次"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings", primary_key=True
    )
    sms = models.BooleanField("短信", default=True)
    email = models.BooleanField("电子邮件", default=True)
    wecom = models.BooleanField("企业微信", default=True)
    dingtalk = models.BooleanField("钉钉", default=True)
    digest = models.CharField("发送方式", max_length=10, choices=Digest.choices, default=Digest.INSTANT)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "个人通知设置"

    def __str__(self) -> str:
        return f"{self.user_id}"


class GroupChannel(CommitteeOwned):
    """A committee's group chat robot or webhook: carries that committee's own news only."""

    class Kind(models.TextChoices):
        WECOM_ROBOT = "wecom_robot", "企业微信群机器人"
        DINGTALK_ROBOT = "dingtalk_robot", "钉钉群机器人"
        WEBHOOK = "webhook", "Webhook"

    name = models.CharField("名称", max_length=100, blank=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    url = models.CharField("地址", max_length=500)
    # 钉钉 robots sign each post with it (加签); the others ignore it.
    secret = models.CharField("签名密钥", max_length=200, blank=True)
    events = models.JSONField("推送的事件", default=list, blank=True)
    active = models.BooleanField("启用", default=True)
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "群聊推送渠道"
        indexes = [models.Index(fields=["committee", "active"])]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()

    def event_labels(self) -> str:
        return "、".join(COMMITTEE_EVENTS.get(e, e) for e in self.events or [])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.url = (self.url or "").strip()
        try:
            parts = urlsplit(self.url)
            host = parts.hostname
        except ValueError:
            parts, host = None, None
        if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
            errors["url"] = "地址须是以 http:// 或 https:// 开头的网址。"
        if not isinstance(self.events, list) or not all(isinstance(e, str) for e in self.events):
            errors["events"] = "事件应为事件类别的列表。"
        else:
            unknown = [e for e in self.events if e not in COMMITTEE_EVENTS]
            if unknown:
                known = "、".join(COMMITTEE_EVENTS)
                errors["events"] = f"未知的事件类别：{'、'.join(unknown)}（可选：{known}）。"
            elif not self.events:
                errors["events"] = "请至少选择一种事件。"
            self.events = sorted(set(self.events))
        if errors:
            raise ValidationError(errors)


class Delivery(models.Model):
    """One message over one channel to one target: every attempt, its outcome and the next retry."""

    class Channel(models.TextChoices):
        SMS = "sms", "短信"
        EMAIL = "email", "电子邮件"
        WECOM = "wecom", "企业微信"
        DINGTALK = "dingtalk", "钉钉"
        WECOM_ROBOT = "wecom_robot", "企业微信群机器人"
        DINGTALK_ROBOT = "dingtalk_robot", "钉钉群机器人"
        WEBHOOK = "webhook", "Webhook"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        HELD = "held", "等待每日汇总"
        SENT = "sent", "已发送"
        DIGESTED = "digested", "已并入汇总"
        FAILED = "failed", "发送失败"
        SKIPPED = "skipped", "未发送"

    # The committee whose office sees this row: the recipient's, or the group channel's.
    committee = models.ForeignKey(
        "org.Committee", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="所属政协"
    )
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries", verbose_name="通知"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="接收人",
    )
    group_channel = models.ForeignKey(
        GroupChannel,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
        verbose_name="群聊渠道",
    )
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    # Unique: a message goes over a channel to a target once, whoever asks again.
    key = models.CharField("去重键", max_length=250, unique=True)
    target = models.CharField("发送对象", max_length=200, blank=True)
    kind = models.CharField("类别", max_length=50)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    error = models.CharField("错误", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    last_attempt_at = models.DateTimeField("最近尝试", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "通知发送记录"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["committee", "-created_at"]),
            models.Index(fields=["user", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.target}"

    @classmethod
    def scope_rows(cls, qs: models.QuerySet, user: Any) -> models.QuerySet:
        """A committee's own deliveries (core.scoping.visible_to)."""
        return qs.filter(committee_id=user.committee_id)
