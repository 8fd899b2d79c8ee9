"""Duty scoring (履职量化考评): rule sets, appeals and the office's adjustments.

The score itself is not stored: every ledger entry is derived by SQL from the records of
the other features (see `ledger.py`), so a corrected attendance or a new adoption shows at
once. What a person decides — the rules, an appeal and its answer — is stored here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from luzhi.core.roles import Role
from luzhi.core.scoping import CommitteeOwned
from luzhi.org.models import Member
from luzhi.scoring import rules

if TYPE_CHECKING:
    from luzhi.accounts.models import User

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


def _default_warnings() -> dict:
    return dict(rules.DEFAULT_WARNINGS)


class ScoreRuleSet(CommitteeOwned):  # 履职量化考评细则: one per committee and year
    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS)
    items = models.JSONField("计分细则")  # [{"code", "points", "cap"?}]
    grades = models.JSONField("等次下限")  # {"excellent", "qualified", "basic"}
    shared_caps = models.JSONField("合并上限", default=list, blank=True)  # [{"codes": [...], "cap"}]
    warnings = models.JSONField("预警规则", default=_default_warnings, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "考评细则"
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year"], name="score_rule_set_once", violation_error_message="该年度已有考评细则。"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年度考评细则"

    def clean(self) -> None:
        rules.validate_rule_set(
            items=self.items, grades=self.grades, shared_caps=self.shared_caps, warnings=self.warnings
        )

    @property
    def warning_settings(self) -> dict:
        return {**rules.DEFAULT_WARNINGS, **(self.warnings or {})}


class ScoreAppeal(CommitteeOwned):  # 积分申诉: a member disputes one ledger entry
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = (
        "member",
        "code",
        "source_type",
        "source_id",
        "points",
        "entry_date",
        "title",
        "status",
        "decision",
        "decided_by",
        "decided_at",
        "created_by",
    )

    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        ACCEPTED = "accepted", "已采纳"
        REFUSED = "refused", "未采纳"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="score_appeals", verbose_name="委员")
    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS)
    code = models.CharField("计分项", max_length=40)
    source_type = models.CharField("来源类型", max_length=40)
    source_id = models.PositiveBigIntegerField("来源编号")
    points = models.DecimalField("原分值", max_digits=8, decimal_places=2)
    entry_date = models.DateField("记录日期", null=True, blank=True)
    title = models.CharField("记录", max_length=200, blank=True)
    reason = models.TextField("申诉理由", max_length=2000)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    decision = models.TextField("处理意见", blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="处理人",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="申诉人",
    )
    created_at = models.DateTimeField("申诉时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "积分申诉"
        indexes = [models.Index(fields=["committee", "status"]), models.Index(fields=["member", "year"])]

    def __str__(self) -> str:
        return f"{self.member} 对“{self.title or self.code}”的申诉"

    @property
    def entry_key(self) -> str:
        return f"{self.code}:{self.source_type}:{self.source_id}"

    @property
    def code_label(self) -> str:
        return rules.LABELS.get(self.code, self.code)

    def clean(self) -> None:
        if not (self.reason or "").strip():
            raise ValidationError({"reason": "请填写申诉理由。"})

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """A member sees their own appeals; the office and leaders all of the committee's."""
        if user.role == Role.MEMBER:
            return qs.filter(member_id=user.member_id) if user.member_id else qs.none()
        if user.role in (Role.OFFICE, Role.LEADER) or user.is_superuser:
            return qs
        return qs.none()


class ScoreAdjustment(CommitteeOwned):  # 积分调整: the office's correction, never an edit of the original
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="score_adjustments", verbose_name="委员")
    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS)
    date = models.DateField("日期")
    points = models.DecimalField("调整分值", max_digits=8, decimal_places=2)
    reason = models.TextField("调整理由", max_length=2000)
    appeal = models.OneToOneField(
        ScoreAppeal, null=True, blank=True, on_delete=models.PROTECT, related_name="adjustment", verbose_name="申诉"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="调整人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "积分调整"
        indexes = [models.Index(fields=["committee", "year", "member"])]

    def __str__(self) -> str:
        return f"{self.member} {self.points:+}"

    def clean(self) -> None:
        errors = {}
        if not (self.reason or "").strip():
            errors["reason"] = "请填写调整理由。"
        if self.points is not None and self.points == 0:
            errors["points"] = "调整分值不能为0。"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        if user.role == Role.MEMBER:
            return qs.filter(member_id=user.member_id) if user.member_id else qs.none()
        if user.role in (Role.OFFICE, Role.LEADER) or user.is_superuser:
            return qs
        return qs.none()
