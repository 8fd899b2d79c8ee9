"""Research topics run by the eight steps (八步调研法) and the outcome items they produce."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from luzhi.core.scoping import CommitteeOwned
from luzhi.org.models import Member, SpecialCommittee


class ResearchTopic(CommitteeOwned):  # 调研课题
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = ("step", "group_others", "steps")

    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField("课题", max_length=200)
    lead = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="research_topics", verbose_name="牵头领导")
    special_committee = models.ForeignKey(
        SpecialCommittee, on_delete=models.PROTECT, related_name="research_topics", verbose_name="承办专委会"
    )
    # The next step to complete, 1..8; 9 once all eight are done (see workflow.STEPS).
    step = models.PositiveSmallIntegerField("当前步骤", default=1, editable=False)
    group_members = models.ManyToManyField(
        Member, blank=True, related_name="research_groups", verbose_name="调研组委员"
    )
    # Outside experts and department representatives: [{"name", "organisation", "role"}].
    group_others = models.JSONField("特邀专家及部门代表", default=list, blank=True, editable=False)
    steps = models.JSONField("步骤记录", default=list, blank=True, editable=False)  # [{step, completed_at, artefact}]
    history = HistoricalRecords(m2m_fields=[group_members])

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = verbose_name_plural = "调研课题"
        indexes = [models.Index(fields=["committee", "year"])]

    def __str__(self) -> str:
        return self.title

    @property
    def done(self) -> bool:
        return self.step > 8

    def step_record(self, step: int) -> dict[str, Any] | None:
        return next((s for s in self.steps if s.get("step") == step), None)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.lead_id and self.committee_id:
            if self.lead.committee_id != self.committee_id:
                errors["lead"] = "只能选择本政协的委员。"
            elif not self.lead.is_leader:
                errors["lead"] = "牵头领导必须是主席会议成员。"
        if self.special_committee_id and self.committee_id and self.special_committee.committee_id != self.committee_id:
            errors["special_committee"] = "只能选择本政协的专委会。"
        if errors:
            raise ValidationError(errors)


class ResearchOutcome(CommitteeOwned):  # 成果转化: 问题 + 建议 + 解决方案, tracked to adoption
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = ("topic", "problem", "suggestion", "solution")

    class Adoption(models.TextChoices):
        PENDING = "pending", "待反馈"
        ADOPTED = "adopted", "已采纳"
        PARTLY = "partly", "部分采纳"
        NOT_ADOPTED = "not_adopted", "未采纳"

    topic = models.ForeignKey(ResearchTopic, on_delete=models.CASCADE, related_name="outcomes", verbose_name="课题")
    problem = models.TextField("问题")
    suggestion = models.TextField("建议")
    solution = models.TextField("解决方案")
    adoption = models.CharField("采纳情况", max_length=20, choices=Adoption.choices, default=Adoption.PENDING)
    instruction = models.TextField("领导批示", blank=True)
    implemented = models.BooleanField("已落实", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["topic_id", "id"]
        verbose_name = verbose_name_plural = "调研成果"

    def __str__(self) -> str:
        return self.problem[:40]

    def clean(self) -> None:
        if self.implemented and self.adoption in (self.Adoption.PENDING, self.Adoption.NOT_ADOPTED):
            raise ValidationError({"implemented": "未采纳或待反馈的建议不能标记为已落实。"})
