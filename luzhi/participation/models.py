"""The members' own channels: notices (通知公告), online deliberation (网络议政), duty self-reports
(履职备案), external guests on activities and the library (书香政协)."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from luzhi.core import clock
from luzhi.core.roles import Role
from luzhi.core.scoping import CommitteeOwned
from luzhi.core.text import NameField
from luzhi.core.validators import PastDate
from luzhi.org.models import Member

if TYPE_CHECKING:
    from luzhi.accounts.models import User


def _upload_to(folder: str) -> Any:
    """A random stored name under the folder, keeping only the extension of what the user sent."""

    def upload(instance: models.Model, filename: str) -> str:
        suffix = PurePosixPath(filename).suffix.lower()[:10]
        return f"participation/{folder}/{clock.today():%Y/%m}/{uuid.uuid4().hex}{suffix}"

    upload.__qualname__ = upload.__name__ = f"upload_{folder}"
    return upload


def notice_upload(instance: models.Model, filename: str) -> str:
    return _upload_to("notices")(instance, filename)


def evidence_upload(instance: models.Model, filename: str) -> str:
    return _upload_to("evidence")(instance, filename)


def library_upload(instance: models.Model, filename: str) -> str:
    return _upload_to("library")(instance, filename)


def _is_member(user: User) -> bool:
    return user.role in (Role.MEMBER, Role.LEADER)


class Audience(models.TextChoices):
    ALL = "all", "全体委员"
    SECTOR = "sector", "界别"
    SPECIAL_COMMITTEE = "special_committee", "专委会"
    GROUP = "group", "委员小组"
    MEMBERS = "members", "指定委员"


class AudienceFields(CommitteeOwned):
    """Who a notice or a topic is for: everyone, one sector, special committee or group (or chosen members)."""

    audience = models.CharField("对象", max_length=20, choices=Audience.choices, default=Audience.ALL)
    sector = models.ForeignKey(
        "org.Sector", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="界别"
    )
    special_committee = models.ForeignKey(
        "org.SpecialCommittee", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="专委会"
    )
    group = models.ForeignKey(
        "org.MemberGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="委员小组"
    )

    AUDIENCE_FIELD: dict[str, str] = {
        Audience.SECTOR: "sector",
        Audience.SPECIAL_COMMITTEE: "special_committee",
        Audience.GROUP: "group",
    }

    class Meta:
        abstract = True

    def clean_audience(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        wanted = self.AUDIENCE_FIELD.get(self.audience)
        for field in self.AUDIENCE_FIELD.values():
            related = getattr(self, field)
            if field == wanted and related is None:
                errors[field] = "请选择发送对象。"
            elif field != wanted and related is not None:
                setattr(self, field, None)
            elif related is not None and self.committee_id and related.committee_id != self.committee_id:
                errors[field] = "只能选择本政协的记录。"
        return errors

    def audience_label(self) -> str:
        field = self.AUDIENCE_FIELD.get(self.audience)
        if field:
            return f"{self.get_audience_display()}：{getattr(self, field)}"
        return self.get_audience_display()

    def audience_members(self) -> models.QuerySet:
        """The active members of the committee this audience reaches (chosen members: see Notice)."""
        members = Member.objects.filter(committee_id=self.committee_id, status=Member.Status.ACTIVE)
        field = self.AUDIENCE_FIELD.get(self.audience)
        if field:
            return members.filter(**{f"{field}_id": getattr(self, f"{field}_id")})
        return members

    def reaches(self, member: Member | None) -> bool:
        """Whether the member is in this audience (active members only)."""
        if member is None or member.committee_id != self.committee_id or member.status != Member.Status.ACTIVE:
            return False
        field = self.AUDIENCE_FIELD.get(self.audience)
        return field is None or getattr(member, f"{field}_id") == getattr(self, f"{field}_id")


# ---- notices (通知公告 / 政情通报) ---------------------------------------------------------------


class Notice(AudienceFields):  # 通知公告 / 政情通报
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = ("published_at", "published_by", "reminders")

    class Kind(models.TextChoices):
        NOTICE = "notice", "通知公告"
        BRIEFING = "briefing", "政情通报"

    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.NOTICE)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", max_length=20000)
    members = models.ManyToManyField(Member, blank=True, related_name="+", verbose_name="指定委员")
    published_at = models.DateTimeField("发布时间", default=timezone.now)
    published_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="发布人"
    )
    reminders = models.PositiveSmallIntegerField("提醒次数", default=0)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = verbose_name_plural = "通知公告"
        indexes = [models.Index(fields=["committee", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = self.clean_audience()
        if self.title is not None and not self.title.strip():
            errors["title"] = "标题不能为空。"
        if self.body is not None and not self.body.strip():
            errors["body"] = "正文不能为空。"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """Members see the notices sent to them; office and special-committee staff see all."""
        if _is_member(user):
            receipts = NoticeReceipt.objects.filter(notice=OuterRef("pk"), member_id=user.member_id)  # type: ignore[misc]  # a member's
            return qs.filter(Exists(receipts))
        if user.role in (Role.OFFICE, Role.COMMITTEE_STAFF):
            return qs
        return qs.none()


class NoticeAttachment(CommitteeOwned):  # 附件
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments", verbose_name="通知")
    file = models.FileField("文件", upload_to=notice_upload, max_length=200)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "通知附件"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        return qs.filter(notice__in=Notice.scope_role(Notice.objects.all(), user))


class NoticeReceipt(CommitteeOwned):  # 阅读回执: one row per recipient
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts", verbose_name="通知")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="notice_receipts", verbose_name="委员")
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    reminded_at = models.DateTimeField("最近提醒", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["notice_id", "member_id"]
        verbose_name = verbose_name_plural = "阅读回执"
        constraints = [models.UniqueConstraint(fields=["notice", "member"], name="notice_receipt_once")]
        indexes = [models.Index(fields=["member", "read_at"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.notice}"

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        if _is_member(user):
            return qs.filter(member_id=user.member_id)
        if user.role in (Role.OFFICE, Role.COMMITTEE_STAFF):
            return qs
        return qs.none()


# ---- online deliberation (网络议政) ------------------------------------------------------------


class Topic(AudienceFields):  # 网络议政议题
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = ("closed_at", "created_by")

    title = models.CharField("议题", max_length=200)
    background = models.TextField("背景", max_length=20000)
    materials = models.TextField("参考材料", max_length=20000, blank=True)
    closes_on = models.DateField("截止日期")
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    created_at = models.DateTimeField("发布时间", auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="发布人"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "网络议政议题"
        indexes = [models.Index(fields=["committee", "closes_on"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = self.clean_audience()
        if self.audience == Audience.MEMBERS:
            errors["audience"] = "网络议政的对象只能是全体委员、界别、专委会或委员小组。"
        if self.title is not None and not self.title.strip():
            errors["title"] = "议题不能为空。"
        if errors:
            raise ValidationError(errors)

    def is_open(self, today: Any = None) -> bool:
        today = today or clock.today()
        return self.closed_at is None and today <= self.closes_on

    @classmethod
    def audience_q(cls, member: Member, prefix: str = "") -> Q:
        """The topics whose audience includes the member."""
        if member.status != Member.Status.ACTIVE:
            return Q(pk__in=[])
        return (
            Q(**{f"{prefix}audience": Audience.ALL})
            | Q(**{f"{prefix}audience": Audience.SECTOR, f"{prefix}sector_id": member.sector_id or 0})
            | Q(
                **{
                    f"{prefix}audience": Audience.SPECIAL_COMMITTEE,
                    f"{prefix}special_committee_id": member.special_committee_id or 0,
                }
            )
            | Q(**{f"{prefix}audience": Audience.GROUP, f"{prefix}group_id": member.group_id or 0})
        )

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """Members see only the topics for them; office and special-committee staff see all."""
        if _is_member(user):
            member = user.member
            return qs.filter(cls.audience_q(member)) if member is not None else qs.none()
        if user.role in (Role.OFFICE, Role.COMMITTEE_STAFF):
            return qs
        return qs.none()


class Theme(CommitteeOwned):  # 归类主题
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="themes", verbose_name="议题")
    name = models.CharField("主题", max_length=100)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["topic_id", "order", "id"]
        verbose_name = verbose_name_plural = "议政主题"
        constraints = [models.UniqueConstraint(fields=["topic", "name"], name="theme_unique_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.topic_id and self.committee_id and self.topic.committee_id != self.committee_id:
            raise ValidationError({"topic": "只能选择本政协的议题。"})

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        return qs.filter(topic__in=Topic.scope_role(Topic.objects.all(), user))


class Post(CommitteeOwned):  # 议政发言: a suggestion or a reply
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = (
        "topic",
        "author",
        "parent",
        "theme",
        "hidden",
        "hidden_reason",
        "hidden_at",
        "proposal",
        "opinion",
    )

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="posts", verbose_name="议题")
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="deliberation_posts", verbose_name="委员")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies", verbose_name="回复"
    )
    text = models.TextField("内容", max_length=5000)
    created_at = models.DateTimeField("时间", default=timezone.now)
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts", verbose_name="主题"
    )
    hidden = models.BooleanField("已隐藏", default=False)
    hidden_reason = models.CharField("隐藏原因", max_length=500, blank=True)
    hidden_at = models.DateTimeField("隐藏时间", null=True, blank=True)
    proposal = models.ForeignKey(
        "proposals.Proposal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="转为提案",
    )
    opinion = models.ForeignKey(
        "opinions.OpinionReport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="转为社情民意",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["topic_id", "created_at", "id"]
        verbose_name = verbose_name_plural = "议政发言"
        indexes = [models.Index(fields=["topic", "created_at"]), models.Index(fields=["author", "created_at"])]

    def __str__(self) -> str:
        return f"{self.author} · {self.text[:30]}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.text is not None and not self.text.strip():
            errors["text"] = "内容不能为空。"
        if self.topic_id and self.parent is not None and self.parent.topic_id != self.topic_id:
            errors["parent"] = "只能回复同一议题下的发言。"
        if self.topic_id and self.theme is not None and self.theme.topic_id != self.topic_id:
            errors["theme"] = "只能归入本议题的主题。"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """Members see the visible posts of their topics; the office sees hidden ones too."""
        if _is_member(user):
            member = user.member
            if member is None:
                return qs.none()
            return qs.filter(Topic.audience_q(member, prefix="topic__"), hidden=False)
        if user.role in (Role.OFFICE, Role.COMMITTEE_STAFF):
            return qs
        return qs.none()


# ---- duty self-reports (履职备案) ------------------------------------------------------------


class SelfReport(CommitteeOwned):  # 履职备案
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = ("member", "status", "reviewed_at", "reviewed_by", "return_reason")

    class Kind(models.TextChoices):
        INSPECTION = "inspection", "视察调研"
        VISIT = "visit", "走访联系群众"
        MEETING = "meeting", "参加会议活动"
        PUBLICITY = "publicity", "宣传宣讲"
        CHARITY = "charity", "公益慈善"
        ADVICE = "advice", "建言献策"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        PENDING = "pending", "待核实"
        VERIFIED = "verified", "已核实"
        RETURNED = "returned", "已退回"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="self_reports", verbose_name="委员")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    date = models.DateField("日期", validators=[PastDate("履职日期")])
    place = models.CharField("地点", max_length=200)
    content = models.TextField("履职内容", max_length=5000)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField("填报时间", auto_now_add=True)
    reviewed_at = models.DateTimeField("核实时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="核实人"
    )
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "履职备案"
        indexes = [models.Index(fields=["committee", "status"]), models.Index(fields=["member", "date"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()} · {self.date}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.date and self.date > clock.today():
            errors["date"] = "履职日期不能晚于今天。"
        if self.content is not None and not self.content.strip():
            errors["content"] = "请填写履职内容。"
        if self.place is not None and not self.place.strip():
            errors["place"] = "请填写地点。"
        if self.member_id and self.committee_id and self.member.committee_id != self.committee_id:
            errors["member"] = "只能选择本政协的委员。"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """A member sees their own reports; the office sees everyone's."""
        if _is_member(user):
            return qs.filter(member_id=user.member_id)
        if user.role == Role.OFFICE:
            return qs
        return qs.none()


class Evidence(CommitteeOwned):  # 佐证材料: a photo or a document
    class Kind(models.TextChoices):
        IMAGE = "image", "图片"
        DOCUMENT = "document", "文档"

    report = models.ForeignKey(SelfReport, on_delete=models.CASCADE, related_name="evidence", verbose_name="履职备案")
    file = models.FileField("文件", upload_to=evidence_upload, max_length=200)
    name = models.CharField("文件名", max_length=200)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    size = models.PositiveIntegerField("大小（字节）")
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        return qs.filter(report__in=SelfReport.scope_role(SelfReport.objects.all(), user))


# ---- external guests on activities ---------------------------------------------------------


class ActivityGuest(CommitteeOwned):  # 特邀人员: leaders, department staff, citizens (no accounts)
    class GuestRole(models.TextChoices):
        LEADER = "leader", "党政领导"
        DEPARTMENT = "department", "部门负责人"
        CITIZEN = "citizen", "群众代表"
        EXPERT = "expert", "专家学者"
        OTHER = "other", "其他"

    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.CASCADE, related_name="guests", verbose_name="活动"
    )
    name = NameField("姓名", max_length=50)
    organisation = NameField("单位", max_length=200, blank=True)
    role = models.CharField("身份", max_length=20, choices=GuestRole.choices, default=GuestRole.OTHER)
    title = models.CharField("职务", max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity_id", "id"]
        verbose_name = verbose_name_plural = "特邀人员"
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "name", "organisation"],
                name="activity_guest_once",
                violation_error_message="该人员已在本活动的特邀名单中。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）" if self.organisation else self.name

    def clean(self) -> None:
        if self.name is not None and not self.name.strip():
            raise ValidationError({"name": "请填写姓名。"})
        if self.activity_id and self.committee_id and self.activity.committee_id != self.committee_id:
            raise ValidationError({"activity": "只能选择本政协的活动。"})

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        if user.role in (Role.OFFICE, Role.COMMITTEE_STAFF, Role.LEADER, Role.MEMBER):
            return qs
        return qs.none()


# ---- the library (书香政协: 荐、读、讲、评) ------------------------------------------------------


class Material(CommitteeOwned):  # 书库: rules and study materials
    class Kind(models.TextChoices):
        CHARTER = "charter", "章程"
        WORK_RULES = "work_rules", "工作规则"
        ASSESSMENT = "assessment", "考核办法"
        STUDY = "study", "学习资料"

    RULE_KINDS = (Kind.CHARTER, Kind.WORK_RULES, Kind.ASSESSMENT)

    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    author = models.CharField("作者/来源", max_length=200, blank=True)
    summary = models.TextField("简介", max_length=5000, blank=True)
    body = models.TextField("正文", blank=True)
    file = models.FileField("文件", upload_to=library_upload, max_length=200, blank=True)
    reading_kind = models.CharField(
        "阅读类型", max_length=10, choices=[("article", "周学一文"), ("book", "季读一书")], default="article"
    )
    recommended = models.BooleanField("荐读", default=False)
    recommended_on = models.DateField("推荐日期", null=True, blank=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "-recommended_on", "-id"]
        verbose_name = verbose_name_plural = "书库资料"
        indexes = [models.Index(fields=["committee", "kind"]), models.Index(fields=["committee", "recommended"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.title is not None and not self.title.strip():
            raise ValidationError({"title": "标题不能为空。"})
        if self.recommended and self.recommended_on is None:
            self.recommended_on = clock.today()

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        if user.role in (Role.OFFICE, Role.COMMITTEE_STAFF, Role.LEADER, Role.MEMBER):
            return qs
        return qs.none()


class StudyEntry(CommitteeOwned):  # 读、讲、评 against one material
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = ("member", "reading_log")

    class Kind(models.TextChoices):
        READ = "read", "读"
        TALK = "talk", "讲"
        REVIEW = "review", "评"

    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="entries", verbose_name="资料")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="study_entries", verbose_name="委员")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    date = models.DateField("日期")
    text = models.TextField("心得/内容", max_length=5000, blank=True)
    reading_log = models.ForeignKey(
        "activities.ReadingLog",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="读书学习记录",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "读讲评记录"
        indexes = [models.Index(fields=["material", "kind"]), models.Index(fields=["member", "date"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()} · {self.material}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.date and self.date > clock.today():
            errors["date"] = "日期不能晚于今天。"
        if self.kind in (self.Kind.TALK, self.Kind.REVIEW) and not (self.text or "").strip():
            errors["text"] = "讲、评须填写内容。"
        if self.material_id and self.committee_id and self.material.committee_id != self.committee_id:
            errors["material"] = "只能选择本政协的资料。"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """Everyone inside reads the talks and reviews (that is the point of 讲、评); the office all."""
        if user.role in (Role.OFFICE, Role.COMMITTEE_STAFF, Role.LEADER, Role.MEMBER):
            return qs
        return qs.none()
