"""The annual work plan (年度协商计划 / 工作要点), its items, their progress reports and monthly plans."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from simple_history.models import HistoricalRecords

from luzhi.core import clock
from luzhi.core.conditions import q_matches
from luzhi.core.scoping import CommitteeOwned, ScopedQuerySet
from luzhi.core.validators import PastDate
from luzhi.org.models import Member, SpecialCommittee

# What may fulfil a plan item: (app label, model name) per link type — looked up loosely so
# that the ledger does not depend on apps that link to it.
LINK_TYPES: dict[str, tuple[str, str, str]] = {
    "activity": ("activities", "Activity", "活动"),
    "research_topic": ("research", "ResearchTopic", "调研课题"),
    "proposal": ("proposals", "Proposal", "提案"),
    "opinion": ("opinions", "OpinionReport", "社情民意信息"),
}


def month_start(day: date) -> date:
    return day.replace(day=1)


class Plan(CommitteeOwned):  # 年度协商计划 / 工作要点
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField("名称", max_length=200)
    approved_at = models.DateField("党委审定日期", null=True, blank=True, validators=[PastDate("党委审定日期")])
    approved_by = models.CharField("审定会议", max_length=200, blank=True, help_text="如：县委常委会2026年第3次会议")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = verbose_name_plural = "年度工作计划"
        indexes = [models.Index(fields=["committee", "year"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.approved_by and not self.approved_at:
            raise ValidationError({"approved_at": "填写审定会议时请同时填写审定日期。"})


class PlanItemQuerySet(ScopedQuerySet):
    def with_status(self, today: date | None = None) -> PlanItemQuerySet:
        """Annotate `state` (the derived status) and `is_stale` in SQL, as of `today`."""
        today = today or clock.today()
        return self.annotate(
            state=Case(
                *(When(condition, then=Value(status)) for status, condition in PlanItem.status_rules(today)),
                default=Value(PlanItem.Status.NOT_STARTED),
                output_field=models.CharField(),
            ),
            is_stale=Case(
                When(PlanItem.stale_q(today), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )


class PlanItem(CommitteeOwned):  # 督办事项: 任务清单 + 责任清单 + 进度表
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = ("progress", "last_report_at")

    class Kind(models.TextChoices):
        RESEARCH = "research", "调研"
        CONSULTATION = "consultation", "协商"
        INSPECTION = "inspection", "视察"
        SUPERVISION = "supervision", "民主监督"
        OTHER = "other", "其他"

    class Origin(models.TextChoices):
        PARTY = "party", "党委点题"
        GOVERNMENT = "government", "政府出题"
        CPPCC = "cppcc", "政协领题"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未开始"
        IN_PROGRESS = "in_progress", "推进中"
        DONE = "done", "已完成"
        OVERDUE = "overdue", "已逾期"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="items", verbose_name="年度计划")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    origin = models.CharField("来源", max_length=20, choices=Origin.choices)
    title = models.CharField("事项", max_length=200)
    lead = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="plan_items", verbose_name="牵头领导")
    responsible = models.ForeignKey(
        SpecialCommittee, on_delete=models.PROTECT, related_name="plan_items", verbose_name="责任专委会"
    )
    deadline = models.DateField("完成时限")
    milestones = models.JSONField("进度安排", default=list, blank=True)  # [{"title", "due"}]
    progress = models.PositiveSmallIntegerField(
        "进度（%）", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    last_report_at = models.DateField("最近调度日期", null=True, blank=True)
    links = models.JSONField("落实载体", default=list, blank=True)  # [{"type", "id"}]
    history = HistoricalRecords()

    objects = PlanItemQuerySet.as_manager()  # type: ignore[misc]  # CommitteeOwned's manager, with PlanItem's own methods

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = verbose_name_plural = "督办事项"
        indexes = [models.Index(fields=["committee", "plan"]), models.Index(fields=["committee", "responsible"])]

    def __str__(self) -> str:
        return self.title

    # The one definition of an item's derived status and staleness: SQL uses these conditions
    # (with_status, the board), and Python evaluates the very same ones (status_on, stale_on).
    @staticmethod
    def done_q() -> Q:
        return Q(progress__gte=100)

    @staticmethod
    def overdue_q(today: date) -> Q:
        """Not done and past its deadline (the deadline day itself is not yet overdue)."""
        return Q(progress__lt=100, deadline__lt=today)

    @staticmethod
    def stale_q(today: date) -> Q:
        """Not done and no progress report in today's month (每月调度)."""
        return Q(progress__lt=100) & (Q(last_report_at__isnull=True) | Q(last_report_at__lt=month_start(today)))

    @classmethod
    def status_rules(cls, today: date) -> list[tuple[str, Q]]:
        """The derived status: the first condition that holds wins, else not started."""
        return [
            (cls.Status.DONE, cls.done_q()),
            (cls.Status.OVERDUE, cls.overdue_q(today)),
            (cls.Status.IN_PROGRESS, Q(progress__gt=0)),
        ]

    def status_on(self, today: date | None = None) -> str:
        """Return the derived status as of `today`, by the same rules the SQL uses."""
        rules = self.status_rules(today or clock.today())
        return next((status for status, condition in rules if q_matches(self, condition)), self.Status.NOT_STARTED)

    def stale_on(self, today: date | None = None) -> bool:
        """Return whether the item is stale as of `today`, by the same condition the SQL uses."""
        return q_matches(self, self.stale_q(today or clock.today()))

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.lead_id and self.committee_id:
            if self.lead.committee_id != self.committee_id:
                errors["lead"] = "只能选择本政协的委员。"
            elif not self.lead.is_leader:
                errors["lead"] = "牵头领导必须是主席会议成员。"
        if self.responsible_id and self.committee_id and self.responsible.committee_id != self.committee_id:
            errors["responsible"] = "只能选择本政协的专委会。"
        if self.plan_id and self.committee_id and self.plan.committee_id != self.committee_id:
            errors["plan"] = "只能选择本政协的计划。"
        if message := _milestones_error(self.milestones, self.deadline):
            errors["milestones"] = message
        if message := _links_error(self.links, self.committee_id):
            errors["links"] = message
        if errors:
            raise ValidationError(errors)


def _milestones_error(milestones: Any, deadline: date | None) -> str | None:
    if not isinstance(milestones, list):
        return "进度安排应为列表：[{title, due}]。"
    for i, milestone in enumerate(milestones, start=1):
        if not isinstance(milestone, dict) or set(milestone) - {"title", "due"}:
            return f"第{i}个节点应为 {{title, due}}。"
        title = milestone.get("title")
        if not isinstance(title, str) or not title.strip():
            return f"第{i}个节点缺少名称。"
        try:
            due = date.fromisoformat(str(milestone.get("due")))
        except ValueError:
            return f"第{i}个节点的日期无效（应为 YYYY-MM-DD）。"
        if deadline and due > deadline:
            return f"第{i}个节点“{title}”晚于完成时限。"
    return None


def _links_error(links: Any, committee_id: int | None) -> str | None:
    if not isinstance(links, list):
        return "落实载体应为列表：[{type, id}]。"
    for i, link in enumerate(links, start=1):
        if not isinstance(link, dict) or set(link) != {"type", "id"} or link["type"] not in LINK_TYPES:
            return f"第{i}个载体应为 {{type, id}}，type 为 {', '.join(LINK_TYPES)} 之一。"
        if isinstance(link["id"], bool) or not isinstance(link["id"], int):
            return f"第{i}个载体的 id 应为整数。"
        app_label, model_name, label = LINK_TYPES[link["type"]]
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue  # that app is not installed (yet): keep the link as given
        if not model._default_manager.filter(pk=link["id"], committee_id=committee_id).exists():
            return f"第{i}个载体：本政协没有这个{label}。"
    return None


class ProgressReport(CommitteeOwned):  # 月度调度: one report of an item's progress
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="reports", verbose_name="督办事项")
    progress = models.PositiveSmallIntegerField("进度（%）", validators=[MinValueValidator(0), MaxValueValidator(100)])
    note = models.TextField("进展情况", blank=True)
    problems = models.TextField("存在问题", blank=True)
    reported_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="报告人"
    )
    date = models.DateField("日期", validators=[PastDate("调度日期")])
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "进度报告"
        indexes = [models.Index(fields=["item", "date"]), models.Index(fields=["committee", "date"])]

    def __str__(self) -> str:
        return f"{self.item} · {self.progress}%"


class MonthlyPlan(CommitteeOwned):  # 专委会月度工作计划
    special_committee = models.ForeignKey(
        SpecialCommittee, on_delete=models.PROTECT, related_name="monthly_plans", verbose_name="专委会"
    )
    month = models.DateField("月份")  # the first day of the month
    tasks = models.JSONField("工作安排", default=list)  # ["…", …]
    submitted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="填报人"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month", "special_committee_id"]
        verbose_name = verbose_name_plural = "月度工作计划"
        constraints = [
            models.UniqueConstraint(
                fields=["special_committee", "month"],
                name="monthly_plan_once",
                violation_error_message="该专委会本月的工作计划已存在。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.special_committee} {self.month:%Y-%m}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.month and self.month.day != 1:
            self.month = month_start(self.month)
        if self.special_committee_id and self.committee_id and self.special_committee.committee_id != self.committee_id:
            errors["special_committee"] = "只能选择本政协的专委会。"
        if not isinstance(self.tasks, list) or not self.tasks:
            errors["tasks"] = "请至少填写一项工作安排。"
        elif any(not isinstance(t, str) or not t.strip() or len(t) > 300 for t in self.tasks):
            errors["tasks"] = "每项工作安排应为不超过300字的文字。"
        if errors:
            raise ValidationError(errors)
