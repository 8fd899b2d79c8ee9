"""Opinion reports (社情民意信息) up the committee chain, bulletins (期号) and grassroots records (民情记录)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from luzhi.core import clock
from luzhi.core.roles import Role
from luzhi.core.scoping import CommitteeOwned
from luzhi.core.text import NameField
from luzhi.org.models import Committee, Member, Station

if TYPE_CHECKING:
    from luzhi.accounts.models import User

CONTENT_MAX = 1500
GRASSROOTS_DUE_DAYS = 15
SIMILARITY_NAMESPACE = "opinion"  # reports' texts in core.similarity, per committee that held them

Level = Committee.Level


class OpinionReport(CommitteeOwned):  # 社情民意信息; `committee` is the origin committee
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = (
        "holder",
        "status",
        "submitted_at",
        "reject_reason",
        "source_proposal_id",
        "source_record",
    )
    # Set (not stored) by opinion_create for a converted proposal: its text may be longer (see clean).
    allow_long: bool

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已报送"
        ADOPTED = "adopted", "已采用"
        FORWARDED = "forwarded", "已上报"
        REJECTED = "rejected", "未采用"

    title = models.CharField("标题", max_length=200)
    content = models.TextField("正文")
    author = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="opinion_reports", verbose_name="作者"
    )
    holder = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="held_opinions", verbose_name="当前办理政协"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField("报送时间", default=timezone.now)
    reject_reason = models.CharField("未采用理由", max_length=500, blank=True)
    # The author's own words, kept on the office's first edit (both versions stay viewable).
    original_title = models.CharField("原标题", max_length=200, blank=True)
    original_content = models.TextField("原文", blank=True)
    edited_at = models.DateTimeField("编辑时间", null=True, blank=True)
    # Links back to where the report came from; proposals are another app, so a plain id.
    source_proposal_id = models.PositiveBigIntegerField("来源提案", null=True, blank=True)
    source_record = models.ForeignKey(
        "GrassrootsRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opinion_reports",
        verbose_name="来源民情记录",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "社情民意信息"
        indexes = [
            models.Index(fields=["committee", "status"]),
            models.Index(fields=["holder", "status"]),
            models.Index(fields=["committee", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def origin_committee(self) -> Committee:
        return self.committee

    @property
    def was_edited(self) -> bool:
        return self.edited_at is not None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.content is not None and not self.content.strip():
            errors["content"] = "正文不能为空。"
        elif self.content and len(self.content) > CONTENT_MAX and not getattr(self, "allow_long", False):
            errors["content"] = f"正文不能超过{CONTENT_MAX}字（现有{len(self.content)}字），一事一报，请精简。"
        if self.title is not None and not self.title.strip():
            errors["title"] = "标题不能为空。"
        if self.committee_id and self.author is not None and self.author.committee_id != self.committee_id:
            errors["author"] = "作者必须是本政协委员。"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_rows(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """The origin sees its reports; a committee sees what it holds or held (forwarded to it)."""
        # One id list from two index scans: "origin OR EXISTS(holding)" made PostgreSQL test every
        # report of every committee (~1 s for a province's 235k reports).
        committee_id = cast(int, user.committee_id)  # visible_to asks only for accounts of a committee
        own = OpinionReport.objects.filter(committee_id=committee_id).order_by().values("pk")
        held = OpinionHolding.objects.filter(committee_id=committee_id).order_by().values("report_id")
        return cls.scope_role(qs.filter(pk__in=own.union(held, all=True)), user)

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """A member sees the reports they wrote; a handling unit none."""
        if user.role == Role.UNIT:
            return qs.none()
        if user.role == Role.MEMBER:
            return qs.filter(author_id=user.member_id) if user.member_id else qs.none()
        return qs


class OpinionHolding(models.Model):
    """Each committee that has held a report: the origin, then every committee it was forwarded to."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="holdings")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "committee"], name="opinion_holding_unique")]
        indexes = [models.Index(fields=["committee", "report"])]

    def __str__(self) -> str:
        return f"{self.committee_id}:{self.report_id}"


class OpinionEvent(models.Model):
    """One step on a report's trail, in the words the author will read."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "报送"
        EDITED = "edited", "编辑"
        ADOPTED = "adopted", "采用"
        FORWARDED = "forwarded", "上报"
        INSTRUCTED = "instructed", "批示"
        REJECTED = "rejected", "未采用"
        SENT = "sent", "报送党委政府"

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="events")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+", verbose_name="政协")
    kind = models.CharField("事项", max_length=12, choices=Kind.choices)
    note = models.CharField("说明", max_length=500, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="经办人"
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "办理轨迹"

    def __str__(self) -> str:
        return self.get_kind_display()


class OpinionAdoption(models.Model):  # 采用, credited at the adopting committee's level
    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="adoptions")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+", verbose_name="采用政协")
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    issue = models.CharField("期号", max_length=50, blank=True)
    date = models.DateField("采用日期", default=datetime.date.today)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = verbose_name_plural = "采用记录"
        constraints = [models.UniqueConstraint(fields=["report", "committee"], name="opinion_adopted_once")]
        indexes = [models.Index(fields=["committee", "date"])]

    def __str__(self) -> str:
        return f"{self.committee}采用（{self.issue}）"


class OpinionInstruction(models.Model):  # 领导批示
    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="instructions")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+", verbose_name="登记政协")
    level = models.CharField("批示层级", max_length=10, choices=Level.choices)
    leader = models.CharField("批示领导", max_length=100)
    text = models.TextField("批示内容")
    date = models.DateField("批示日期", default=datetime.date.today)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = verbose_name_plural = "领导批示"

    def __str__(self) -> str:
        return f"{self.leader}批示"


class Bulletin(CommitteeOwned):  # 《社情民意》期刊的一期
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveSmallIntegerField("期号")
    title = models.CharField("刊名", max_length=100, default="社情民意")
    date = models.DateField("日期", default=datetime.date.today)
    reports = models.ManyToManyField(OpinionReport, through="BulletinEntry", related_name="bulletins", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = verbose_name_plural = "社情民意期刊"
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year", "number"],
                name="bulletin_unique_number",
                violation_error_message="本年度已有该期号。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.year}年第{self.number}期"

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        if user.role in (Role.UNIT, Role.MEMBER):
            return qs.none()
        return qs


class BulletinEntry(models.Model):
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="entries")
    report = models.ForeignKey(OpinionReport, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["bulletin", "report"], name="bulletin_entry_unique")]

    def __str__(self) -> str:
        return f"{self.bulletin_id}#{self.position}"


class GrassrootsRecord(CommitteeOwned):  # 民情记录: a citizen's demand, answered 有回应、有回音
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = ("status", "response", "responded_at", "recorded_by")

    class Status(models.TextChoices):
        OPEN = "open", "待回应"
        RESPONDED = "responded", "已回应"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="grassroots_records", verbose_name="委员")
    station = models.ForeignKey(
        Station, null=True, blank=True, on_delete=models.PROTECT, related_name="grassroots_records", verbose_name="站室"
    )
    citizen = NameField("群众", max_length=100)
    demand = models.TextField("诉求（原话）")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)
    due_date = models.DateField("回应期限", blank=True)
    follow_up = NameField("跟进责任人", max_length=100, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField("回应", blank=True)
    responded_at = models.DateTimeField("回应时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="记录人"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = verbose_name_plural = "民情记录"
        indexes = [
            models.Index(fields=["committee", "status", "due_date"]),
            models.Index(fields=["committee", "member"]),
            models.Index(fields=["committee", "station"]),
        ]

    def __str__(self) -> str:
        return f"{self.citizen}：{self.demand[:20]}"

    def save(self, *args, **kwargs) -> None:
        if self.due_date is None:
            self.due_date = timezone.localdate(self.recorded_at) + datetime.timedelta(days=GRASSROOTS_DUE_DAYS)
        super().save(*args, **kwargs)

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_date is not None and self.due_date < clock.today()

    @property
    def answered_on_time(self) -> bool:
        return self.responded_at is not None and timezone.localdate(self.responded_at) <= self.due_date

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.demand is not None and not self.demand.strip():
            errors["demand"] = "诉求不能为空。"
        if self.citizen is not None and not self.citizen.strip():
            errors["citizen"] = "请填写群众姓名或称呼。"
        if self.committee_id and self.member is not None and self.member.committee_id != self.committee_id:
            errors["member"] = "只能选择本政协委员。"
        if self.committee_id and self.station is not None and self.station.committee_id != self.committee_id:
            errors["station"] = "只能选择本政协的站室。"
        if self.due_date and self.recorded_at and self.due_date < timezone.localdate(self.recorded_at):
            errors["due_date"] = "回应期限不能早于记录日期。"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """A member sees the records they took; a handling unit none."""
        if user.role == Role.UNIT:
            return qs.none()
        if user.role == Role.MEMBER:
            return qs.filter(member_id=user.member_id) if user.member_id else qs.none()
        return qs
