"""Proposals (提案): from a member's draft to a numbered case, its handling units, replies and ratings."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from simple_history.models import HistoricalRecords

from luzhi.core.roles import Role
from luzhi.core.scoping import CommitteeOwned

if TYPE_CHECKING:
    from luzhi.accounts.models import User


class Proposal(CommitteeOwned):  # 提案
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = (
        "year",
        "number",
        "lead",
        "status",
        "submitted_at",
        "reviewed_at",
        "review_reason",
        "merged_into",
        "converted_ref",
        "assigned_at",
        "due_date",
        "replied_at",
        "replied_on_time",
        "reply_rounds",
        "rating",
        "is_key",
        "supervisor",
    )

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审查"
        ACCEPTED = "accepted", "已立案"
        REJECTED = "rejected", "不立案"
        CONVERTED_OPINION = "converted_opinion", "转社情民意"
        CONVERTED_LETTER = "converted_letter", "转意见建议"
        MERGED = "merged", "已并案"
        ASSIGNED = "assigned", "办理中"
        REPLIED = "replied", "已答复"
        CLOSED = "closed", "已办结"

    class Category(models.TextChoices):
        ECONOMY = "economy", "经济发展"
        AGRICULTURE = "agriculture", "农业农村"
        URBAN = "urban", "城乡建设"
        EDUCATION = "education", "教育科技"
        HEALTH = "health", "医疗卫生"
        SOCIAL = "social", "社会保障"
        CULTURE = "culture", "文化旅游"
        ECOLOGY = "ecology", "生态环境"
        GOVERNANCE = "governance", "民主法治"
        OTHER = "other", "其他"

    class SubmitterType(models.TextChoices):
        MEMBER = "member", "委员个人"
        JOINT = "joint", "委员联名"
        SECTOR = "sector", "界别"
        SPECIAL_COMMITTEE = "special_committee", "专委会"
        PARTY_GROUP = "party_group", "党派团体"

    # Once numbered a proposal is public inside the committee; before that only its authors and the office see it.
    PUBLIC = (Status.ACCEPTED, Status.ASSIGNED, Status.REPLIED, Status.CLOSED)
    HANDLED = (Status.ASSIGNED, Status.REPLIED, Status.CLOSED)

    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveIntegerField("案号", null=True, blank=True)
    title = models.CharField("标题", max_length=200)
    reason = models.TextField("案由")
    suggestions = models.TextField("建议")
    # No default: a proposal filed under 其他 by not choosing is lost to the statistics by category.
    category = models.CharField(
        "类别",
        max_length=20,
        choices=Category.choices,
        error_messages={"blank": "请选择类别。", "invalid_choice": "请从列表中选择类别。"},
    )
    submitter_type = models.CharField(
        "提出方式", max_length=20, choices=SubmitterType.choices, default=SubmitterType.MEMBER
    )
    lead = models.ForeignKey(
        "org.Member", on_delete=models.PROTECT, related_name="proposals_led", verbose_name="第一提案人"
    )
    sector = models.ForeignKey(
        "org.Sector", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="界别"
    )
    special_committee = models.ForeignKey(
        "org.SpecialCommittee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="专委会",
    )
    party_group = models.CharField("党派团体", max_length=100, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("审查时间", null=True, blank=True)
    review_reason = models.TextField("审查意见", blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged", verbose_name="并入提案"
    )
    converted_ref = models.CharField("转办记录", max_length=100, blank=True)
    assigned_at = models.DateField("交办日期", null=True, blank=True)
    due_date = models.DateField("办理期限", null=True, blank=True)
    replied_at = models.DateField("答复日期", null=True, blank=True)
    replied_on_time = models.BooleanField("按期答复", null=True, blank=True)
    reply_rounds = models.PositiveSmallIntegerField("答复轮次", default=0)
    rating = models.CharField("评价", max_length=30, blank=True)
    is_key = models.BooleanField("重点提案", default=False)
    supervisor = models.ForeignKey(
        "org.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals_supervised",
        verbose_name="督办领导",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "number", "-id"]
        verbose_name = verbose_name_plural = "提案"
        constraints = [
            models.UniqueConstraint(fields=["committee", "year", "number"], name="proposal_number_once"),
        ]
        indexes = [
            models.Index(fields=["committee", "year", "status"]),
            models.Index(fields=["committee", "status", "due_date"]),
        ]

    def __str__(self) -> str:
        return f"第{self.number}号 {self.title}" if self.number else self.title

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.reason}\n{self.suggestions}"

    def clean(self) -> None:
        errors = {}
        if self.submitter_type == self.SubmitterType.SECTOR and self.sector_id is None:
            errors["sector"] = "以界别名义提出时请选择界别。"
        if self.submitter_type == self.SubmitterType.SPECIAL_COMMITTEE and self.special_committee_id is None:
            errors["special_committee"] = "以专委会名义提出时请选择专委会。"
        if self.submitter_type == self.SubmitterType.PARTY_GROUP and not self.party_group.strip():
            errors["party_group"] = "以党派团体名义提出时请填写党派团体名称。"
        for name in ("lead_id", "sector_id", "special_committee_id", "supervisor_id"):
            related = getattr(self, name.removesuffix("_id"), None) if getattr(self, name) else None
            if related is not None and related.committee_id != self.committee_id:
                errors[name.removesuffix("_id")] = "不属于本政协。"
        if self.supervisor_id and self.supervisor and not self.supervisor.is_leader:
            errors["supervisor"] = "督办领导应为主席会议成员。"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """Units see their assigned cases; members their own and numbered ones; staff all but drafts."""
        if user.role == Role.UNIT:
            if not user.unit_id:
                return qs.none()
            return qs.filter(Exists(ProposalUnit.objects.filter(proposal=OuterRef("pk"), unit_id=user.unit_id)))
        if user.role in (Role.MEMBER, Role.LEADER):
            member_id = user.member_id or 0
            own = Q(lead_id=member_id) | Exists(
                Cosignature.objects.filter(proposal=OuterRef("pk"), member_id=member_id)
            )
            return qs.filter(own | Q(status__in=cls.PUBLIC))
        if user.role in (Role.OFFICE, Role.COMMITTEE_STAFF) or user.is_superuser:
            return qs.exclude(status=cls.Status.DRAFT)
        return qs.none()


class Cosignature(models.Model):  # 联名: a cosigner counts once they confirm from their own account
    class Source(models.TextChoices):
        COSIGN = "cosign", "联名"
        MERGE = "merge", "并案"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="cosignatures")
    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="cosignatures")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    declined_at = models.DateTimeField("谢绝时间", null=True, blank=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.COSIGN)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "联名"
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="cosign_once")]

    def __str__(self) -> str:
        return f"{self.member} · {self.proposal}"


def attachment_path(instance: ProposalAttachment, filename: str) -> str:
    """Stored under a random name (the uploaded name is kept on the row and used for downloads)."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"proposals/attachments/{instance.proposal.committee_id}/{instance.proposal_id}/{uuid.uuid4().hex}.{suffix}"


class ProposalAttachment(models.Model):  # 附件: material the proposers attach (photos, survey reports…)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_path, max_length=300)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "提案附件"

    def __str__(self) -> str:
        return self.name


class ProposalCounter(models.Model):
    """The last number given per committee and year; locked while accepting so numbers never repeat or skip."""

    committee = models.ForeignKey("org.Committee", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["committee", "year"], name="proposal_counter_once")]

    def __str__(self) -> str:
        return f"{self.committee_id}/{self.year}: {self.last}"


class ProposalUnit(models.Model):  # 承办单位: 主办 / 协办
    class Role(models.TextChoices):
        LEAD = "lead", "主办"
        CO = "co", "协办"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="proposal_units")
    role = models.CharField("办理方式", max_length=10, choices=Role.choices)
    opinion = models.TextField("协办意见", blank=True)
    opinion_at = models.DateTimeField("协办意见时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "id"]
        verbose_name = verbose_name_plural = "承办单位"
        constraints = [models.UniqueConstraint(fields=["proposal", "unit"], name="proposal_unit_once")]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self) -> str:
        return f"{self.unit}（{self.get_role_display()}）"


class AdjustRequest(models.Model):  # 申请调整承办单位
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="adjust_requests")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("理由")
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    resolved = models.BooleanField("已处理", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "调整申请"

    def __str__(self) -> str:
        return f"{self.unit} 申请调整 {self.proposal}"


class Reply(models.Model):  # 答复
    class Category(models.TextChoices):
        A = "A", "A类（已解决或采纳）"
        B = "B", "B类（列入计划逐步解决）"
        C = "C", "C类（留作参考）"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="replies")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="答复单位")
    category = models.CharField("答复类别", max_length=1, choices=Category.choices)
    text = models.TextField("答复内容")
    # The storage path of the document (a plain path: core.audit records field values as JSON).
    file = models.CharField("答复文件", max_length=300, blank=True)
    file_name = models.CharField("答复文件名", max_length=200, blank=True)  # as uploaded; stored under a random one
    replied_at = models.DateField("答复日期")
    on_time = models.BooleanField("按期")
    round = models.PositiveSmallIntegerField("轮次", default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "id"]
        verbose_name = verbose_name_plural = "答复"

    def __str__(self) -> str:
        return f"{self.unit}对{self.proposal}的答复"


class Evaluation(models.Model):  # 提案人评价
    class Rating(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASICALLY = "basically_satisfied", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="evaluations")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="evaluations")
    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="+", verbose_name="评价人")
    rating = models.CharField("评价", max_length=30, choices=Rating.choices)
    comment = models.TextField("意见", blank=True)
    created_at = models.DateTimeField("评价时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "办理评价"

    def __str__(self) -> str:
        return f"{self.get_rating_display()} · {self.proposal}"


class Supervision(models.Model):  # 重点提案督办活动
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supervisions")
    leader = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="+", verbose_name="督办领导")
    date = models.DateField("日期")
    note = models.TextField("督办情况")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "督办活动"

    def __str__(self) -> str:
        return f"{self.date} 督办 {self.proposal}"
