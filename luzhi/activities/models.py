"""Activities (meetings, consultations, inspections, research visits, study…), attendance and reading."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from luzhi.core import clock
from luzhi.core.scoping import CommitteeOwned
from luzhi.core.validators import PastDate
from luzhi.org.models import Member, MemberGroup, SpecialCommittee, Station

if TYPE_CHECKING:
    from luzhi.accounts.models import User


class Activity(CommitteeOwned):  # 履职活动
    class Kind(models.TextChoices):
        PLENARY = "plenary", "全体会议"
        STANDING_COMMITTEE = "standing_committee", "常委会会议"
        CHAIR_MEETING = "chair_meeting", "主席会议"
        PARTY_GROUP = "party_group", "党组会议"
        OFFICE_PARTY_GROUP = "office_party_group", "机关党组会议"
        CONSULTATION_PLENARY = "consultation_plenary", "全委会议协商"
        CONSULTATION_STANDING = "consultation_standing", "专题议政性常委会会议协商"
        CONSULTATION_COUNTERPART = "consultation_counterpart", "专委会对口协商"
        CONSULTATION_SECTOR = "consultation_sector", "双月界别协商"
        CONSULTATION_MONTHLY = "consultation_monthly", "月协商"
        CONSULTATION_GRASSROOTS = "consultation_grassroots", "基层协商"
        CONSULTATION_PROPOSAL = "consultation_proposal", "提案办理协商"
        INSPECTION = "inspection", "视察"
        RESEARCH_VISIT = "research_visit", "调研"
        IMMERSIVE_RESEARCH = "immersive_research", "沉浸式调研"
        STUDY = "study", "学习"
        LECTURE = "lecture", "讲座"
        TRAINING = "training", "培训"
        CONSENSUS = "consensus", "凝聚共识活动"
        BRIEFING = "briefing", "政情通报"
        GROUP_ACTIVITY = "group_activity", "委员小组活动"
        STATION_ACTIVITY = "station_activity", "站室活动"
        OTHER = "other", "其他"

    class Study(models.TextChoices):
        FIRST_TOPIC = "first_topic", "第一议题"
        LAW_OF_MONTH = "law_of_month", "每月一法"
        THEORY = "theory", "理论学习"

    RESEARCH_KINDS = (Kind.RESEARCH_VISIT, Kind.IMMERSIVE_RESEARCH)

    kind = models.CharField("类型", max_length=30, choices=Kind.choices)
    title = models.CharField("名称", max_length=200)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    # A meeting's time of day (会务); empty for an all-day activity such as a field trip, whose
    # `start`/`end` dates are all there is. When given, `start`/`end` follow from them.
    starts_at = models.DateTimeField("开始时间", null=True, blank=True)
    ends_at = models.DateTimeField("结束时间", null=True, blank=True)
    days = models.PositiveSmallIntegerField("天数", blank=True, help_text="实地天数，默认为起止日期之间的天数")
    location = models.CharField("地点", max_length=200, blank=True)
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.PROTECT, verbose_name="站室")
    special_committee = models.ForeignKey(
        SpecialCommittee, null=True, blank=True, on_delete=models.PROTECT, verbose_name="专委会"
    )
    group = models.ForeignKey(MemberGroup, null=True, blank=True, on_delete=models.PROTECT, verbose_name="委员小组")
    study = models.JSONField("学习内容", default=list, blank=True)  # list of Study values
    participants = models.ManyToManyField(
        Member, through="Attendance", related_name="activities", blank=True, verbose_name="参加委员"
    )
    # The agenda item being dealt with now (当前议程), shown on the hall screen; moved by the office
    # during the meeting (services.current_item_set), so it is neither edited, restored nor versioned.
    current_item = models.ForeignKey(
        "AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="当前议程"
    )
    history = HistoricalRecords(excluded_fields=["current_item"])
    workflow_fields = ("current_item",)

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = verbose_name_plural = "履职活动"
        indexes = [models.Index(fields=["committee", "start"]), models.Index(fields=["committee", "kind", "start"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.sync_dates()
        if self.days is None and self.start and self.end:
            self.days = (self.end - self.start).days + 1
        super().save(*args, **kwargs)

    def sync_dates(self) -> None:
        """`start`/`end` follow the timed fields (local dates) when they are set."""
        if self.starts_at is not None:
            self.start = timezone.localdate(self.starts_at)
            if self.ends_at is None:
                self.ends_at = self.starts_at
        if self.ends_at is not None:
            self.end = timezone.localdate(self.ends_at)

    def clean_fields(self, exclude: Any = None) -> None:
        self.sync_dates()  # a timed meeting given by its times alone has its dates before they are checked
        super().clean_fields(exclude=exclude)

    def opens_at(self) -> datetime:
        """When the activity begins: its start time, else the start of its first day."""
        if self.starts_at is not None:
            return self.starts_at
        return timezone.make_aware(datetime.combine(self.start, time.min))

    def closes_at(self) -> datetime:
        """When the activity ends: its end time, else the end of its last day."""
        if self.ends_at is not None:
            return self.ends_at
        return timezone.make_aware(datetime.combine(self.end, time.max))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (self.starts_at is None) != (self.ends_at is None) and self.ends_at is not None:
            errors["starts_at"] = "请同时填写开始时间。"
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = "结束时间不能早于开始时间。"
        self.sync_dates()
        if self.start and self.end and self.end < self.start:
            errors["end"] = "结束日期不能早于开始日期。"
        if self.days is None and self.start and self.end and not errors:
            self.days = (self.end - self.start).days + 1
        if self.days is not None and self.days < 1:
            errors["days"] = "天数至少为1天。"
        if not isinstance(self.study, list) or any(tag not in self.Study.values for tag in self.study):
            errors["study"] = "学习内容只能是第一议题、每月一法、理论学习。"
        for field in ("station", "special_committee", "group"):
            related = getattr(self, field)
            if related is not None and self.committee_id and related.committee_id != self.committee_id:
                errors[field] = "只能选择本政协的记录。"
        if errors:
            raise ValidationError(errors)


class Attendance(CommitteeOwned):  # 出席情况: one row per invited member
    class Status(models.TextChoices):
        INVITED = "invited", "已邀请"
        PRESENT = "present", "出席"
        LEAVE = "leave", "请假"
        ABSENT = "absent", "缺席"
        OBSERVER = "observer", "列席"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance", verbose_name="活动")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendance", verbose_name="委员")

    class Answer(models.TextChoices):
        ATTEND = "attend", "参加"
        LEAVE = "leave", "请假"

    status = models.CharField("出席情况", max_length=10, choices=Status.choices, default=Status.INVITED)
    speech = models.BooleanField("大会发言", default=False)
    signed_in_at = models.DateTimeField("签到时间", null=True, blank=True)

    class Via(models.TextChoices):
        CODE = "code", "扫码签到"
        OFFICE = "office", "会务登记"
        KIOSK = "kiosk", "签到机"

    # How the member came to be recorded present.
    signed_in_via = models.CharField("签到方式", max_length=10, choices=Via.choices, blank=True)
    # The member's reply to the invitation (回执); empty until they answer.
    answer = models.CharField("回执", max_length=10, choices=Answer.choices, blank=True)
    answer_reason = models.CharField("回执说明", max_length=500, blank=True)
    answered_at = models.DateTimeField("回执时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity_id", "member_id"]
        verbose_name = verbose_name_plural = "出席情况"
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"], name="attendance_once", violation_error_message="该委员已在参加名单中。"
            )
        ]
        indexes = [models.Index(fields=["member", "status"]), models.Index(fields=["committee", "status"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.activity}"


class ReadingLog(CommitteeOwned):  # 书香政协: 周学一文、月讲一题、季读一书、年撰一稿
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = ("member",)

    class Kind(models.TextChoices):
        ARTICLE = "article", "周学一文"
        TALK = "talk", "月讲一题"
        BOOK = "book", "季读一书"
        ESSAY = "essay", "年撰一稿"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="reading_logs", verbose_name="委员")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    title = models.CharField("题目", max_length=200)
    date = models.DateField("日期", validators=[PastDate("日期")])
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "读书学习记录"
        indexes = [models.Index(fields=["committee", "date"]), models.Index(fields=["member", "date"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.title}"

    def clean(self) -> None:
        if self.member_id and self.committee_id and self.member.committee_id != self.committee_id:
            raise ValidationError({"member": "只能选择本政协的委员。"})

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """A member sees only their own log; the office sees everyone's."""
        from luzhi.core.roles import Role

        if user.role in (Role.MEMBER, Role.LEADER):
            return qs.filter(member_id=user.member_id)
        if user.role == Role.OFFICE:
            return qs
        return qs.none()


class LeaveRequest(CommitteeOwned):  # 请假申请: a member asks, the office approves or refuses
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = ("member", "status", "decided_at", "decided_by", "note")

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="leave_requests", verbose_name="活动")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="leave_requests", verbose_name="委员")
    reason = models.TextField("请假事由", max_length=1000)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="审批人"
    )
    note = models.CharField("审批意见", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "请假申请"
        indexes = [models.Index(fields=["committee", "status"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.activity} 请假"

    def clean(self) -> None:
        if not (self.reason or "").strip():
            raise ValidationError({"reason": "请填写请假事由。"})

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        from luzhi.core.roles import Role

        if user.role in (Role.MEMBER, Role.LEADER):
            return qs.filter(member_id=user.member_id)
        if user.role == Role.COMMITTEE_STAFF:
            return qs.filter(activity__special_committee_id=user.special_committee_id)
        if user.role == Role.OFFICE:
            return qs
        return qs.none()


class CadenceRule(CommitteeOwned):  # 制度要求: how often something must happen, checked against the records
    class Source(models.TextChoices):
        ACTIVITY = "activity", "履职活动"
        READING = "reading", "读书学习"

    class Scope(models.TextChoices):
        COMMITTEE = "committee", "全委"
        EACH_GROUP = "each_group", "每个委员小组"
        EACH_SPECIAL_COMMITTEE = "each_special_committee", "每个专委会"
        EACH_LEADER = "each_leader", "每位主席会议成员"
        EACH_MEMBER = "each_member", "每位委员"

    class Measure(models.TextChoices):
        COUNT = "count", "次数"
        DAYS = "days", "天数"

    class Period(models.TextChoices):
        WEEK = "week", "每周"
        MONTH = "month", "每月"
        QUARTER = "quarter", "每季度"
        HALF_YEAR = "half_year", "每半年"
        YEAR = "year", "每年"

    PERSON_SCOPES = (Scope.EACH_LEADER, Scope.EACH_MEMBER)

    # Rules are the committee's settings, installed with it: they go when an (empty) committee is deleted.
    committee = models.ForeignKey("org.Committee", on_delete=models.CASCADE, related_name="+", verbose_name="所属政协")

    name = models.CharField("名称", max_length=100)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.ACTIVITY)
    kinds = models.JSONField("类型", default=list)
    study = models.CharField("须含学习内容", max_length=20, blank=True, choices=Activity.Study.choices)
    scope = models.CharField("范围", max_length=30, choices=Scope.choices, default=Scope.COMMITTEE)
    measure = models.CharField("计量", max_length=10, choices=Measure.choices, default=Measure.COUNT)
    minimum = models.PositiveIntegerField("最低要求")
    period = models.CharField("周期", max_length=10, choices=Period.choices)
    # 第一议题 / 逢会必学: every meeting counted must open with an agenda item flagged first_topic;
    # a meeting that does not fails its cell whatever the count.
    first_topic = models.BooleanField("须以第一议题开篇", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "制度要求"
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "name"],
                name="cadence_rule_unique_name",
                violation_error_message="同名制度要求已存在。",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        known = Activity.Kind.values if self.source == self.Source.ACTIVITY else ReadingLog.Kind.values
        if not isinstance(self.kinds, list) or not self.kinds:
            errors["kinds"] = "请至少选择一种类型。"
        elif any(kind not in known for kind in self.kinds):
            label = "活动类型" if self.source == self.Source.ACTIVITY else "读书学习类型"
            errors["kinds"] = f"类型只能是已知的{label}：{', '.join(known)}。"
        if self.minimum is not None and self.minimum < 1:
            errors["minimum"] = "最低要求至少为1。"
        if self.source == self.Source.READING:
            if self.study:
                errors["study"] = "读书学习记录没有学习内容标签。"
            if self.measure != self.Measure.COUNT:
                errors["measure"] = "读书学习只能按次数计。"
            if self.scope not in self.PERSON_SCOPES:
                errors["scope"] = "读书学习只能按每位委员或每位主席会议成员计。"
        if self.first_topic and (self.source != self.Source.ACTIVITY or self.scope in self.PERSON_SCOPES):
            errors["first_topic"] = "“须以第一议题开篇”只适用于按全委、委员小组或专委会计的会议活动。"
        if errors:
            raise ValidationError(errors)

    @property
    def is_person_scope(self) -> bool:
        return self.scope in self.PERSON_SCOPES


class CalendarFeedKey(models.Model):  # 日历订阅密钥: renewing it stops every copy of the old link
    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="calendar_feed_key")
    key = models.CharField("密钥", max_length=32)
    renewed_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "日历订阅密钥"

    def __str__(self) -> str:
        return f"{self.member_id}"


def material_upload(instance: models.Model, filename: str) -> str:
    """A random stored name (the title and file name stay in the row, never in the path)."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"activities/materials/{clock.today():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ActivityMaterial(CommitteeOwned):  # 会议材料: paperless papers of a meeting
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="materials", verbose_name="活动")
    title = models.CharField("标题", max_length=200)
    file = models.FileField("文件", upload_to=material_upload, max_length=200)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    # Withdrawn by the office after the meeting (drafts): nobody but the office reads it any more.
    withdrawn_at = models.DateTimeField("收回时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity_id", "id"]
        verbose_name = verbose_name_plural = "会议材料"

    def __str__(self) -> str:
        return self.title

    @property
    def is_pdf(self) -> bool:
        """Whether the paper is a PDF (uploads are checked by content, so the name's suffix is true)."""
        return self.name.lower().endswith(".pdf")

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """Office and leaders read every material; a member those of meetings they are invited to, until withdrawn."""
        from luzhi.core.roles import Role

        if user.is_superuser or user.role in (Role.OFFICE, Role.LEADER):
            return qs
        if user.role == Role.COMMITTEE_STAFF:
            return qs.filter(activity__special_committee_id=user.special_committee_id)
        if user.role == Role.MEMBER and user.member_id:
            invited = Attendance.objects.filter(activity=models.OuterRef("activity"), member_id=user.member_id)
            return qs.filter(models.Exists(invited), withdrawn_at__isnull=True)
        return qs.none()


class AgendaItem(CommitteeOwned):  # 议程: the ordered items of a meeting
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="agenda", verbose_name="活动")
    order = models.PositiveSmallIntegerField("顺序")
    title = models.CharField("议题", max_length=200)
    presenter = models.CharField("汇报人", max_length=100, blank=True)
    minutes = models.PositiveSmallIntegerField("时长（分钟）", null=True, blank=True)
    # 第一议题: studying the latest speeches of the General Secretary, first on every agenda.
    first_topic = models.BooleanField("第一议题", default=False)
    materials = models.ManyToManyField(ActivityMaterial, blank=True, related_name="agenda_items", verbose_name="材料")

    class Meta:
        ordering = ["activity_id", "order", "id"]
        verbose_name = verbose_name_plural = "议程"
        constraints = [models.UniqueConstraint(fields=["activity", "order"], name="agenda_order_once")]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Vote(CommitteeOwned):  # 表决: a resolution or an election held at a meeting
    # Set by the workflow only: an edit or a restore never writes them (core.audit).
    workflow_fields = ("status", "opened_at", "closed_at", "options")

    class Kind(models.TextChoices):
        RESOLUTION = "resolution", "决议表决"
        ELECTION = "election", "选举"

    class Method(models.TextChoices):
        NAMED = "named", "记名表决"
        SECRET = "secret", "无记名投票"

    class Threshold(models.TextChoices):
        MAJORITY_OF_PRESENT = "majority_of_present", "到会过半数"
        MAJORITY_OF_ELECTORATE = "majority_of_electorate", "应到过半数"
        TWO_THIRDS_OF_ELECTORATE = "two_thirds_of_electorate", "应到三分之二以上"

    class Status(models.TextChoices):
        DRAFT = "draft", "未开始"
        OPEN = "open", "表决中"
        CLOSED = "closed", "已结束"

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="votes", verbose_name="会议")
    title = models.CharField("表决事项", max_length=200)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.RESOLUTION)
    method = models.CharField("方式", max_length=10, choices=Method.choices, default=Method.NAMED)
    threshold = models.CharField(
        "通过标准", max_length=30, choices=Threshold.choices, default=Threshold.MAJORITY_OF_ELECTORATE
    )
    # Election candidates: [{"id": 1, "label": "张三"}, …], ids given by the server.
    options = models.JSONField("候选人", default=list, blank=True)
    max_choices = models.PositiveSmallIntegerField("应选人数", null=True, blank=True)
    electorate = models.ManyToManyField(Member, related_name="+", blank=True, verbose_name="表决人")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField("开始时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[electorate])

    class Meta:
        ordering = ["activity_id", "id"]
        verbose_name = verbose_name_plural = "表决"

    def __str__(self) -> str:
        return self.title


class VoteTurnout(models.Model):  # 已投票: who voted, and when — never what
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="turnout")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("投票时间", auto_now_add=True)

    class Meta:
        ordering = ["vote_id", "member_id"]
        verbose_name = verbose_name_plural = "投票记录"
        constraints = [models.UniqueConstraint(fields=["vote", "member"], name="vote_once_per_member")]

    def __str__(self) -> str:
        return f"{self.vote_id}:{self.member_id}"


class Ballot(models.Model):  # 选票: what was chosen
    """One ballot. A secret one names nobody and carries no time; its key is random, so neither
    its id nor its order links it to the turnout row written in the same transaction."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField("意见", max_length=10, blank=True)  # yes / no / abstain
    choices = models.JSONField("所选候选人", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "选票"

    def __str__(self) -> str:
        return str(self.vote_id)


def _meeting_readers(qs: models.QuerySet, user: User, path: str = "activity") -> models.QuerySet:
    """Rows of meetings the user may read as their papers: office and leaders all, staff their
    special committee's, a member those they are invited to; anyone else none.

    `path` leads from the row to its activity ("" when the rows are the activities).
    """
    from luzhi.core.roles import Role

    if user.is_superuser or user.role in (Role.OFFICE, Role.LEADER):
        return qs
    prefix = f"{path}__" if path else ""
    if user.role == Role.COMMITTEE_STAFF:
        return qs.filter(**{f"{prefix}special_committee_id": user.special_committee_id})
    if user.role == Role.MEMBER and user.member_id:
        invited = Attendance.objects.filter(activity=models.OuterRef(path or "pk"), member_id=user.member_id)
        return qs.filter(models.Exists(invited))
    return qs.none()


def _records_readers(qs: models.QuerySet, user: User, *, published: models.Q) -> models.QuerySet:
    """A meeting's records (minutes, decisions): the office all; the staff of the meeting's special
    committee all of theirs; everyone else, as the meeting's papers, the rows matching `published`."""
    from luzhi.core.roles import Role

    if user.is_superuser or user.role == Role.OFFICE:
        return qs
    if user.role == Role.COMMITTEE_STAFF:
        return _meeting_readers(qs, user)
    return _meeting_readers(qs.filter(published), user)


def meeting_records_readable(user: User, activity: Activity) -> bool:
    """Whether the user reads this meeting's records (result sheets…): as its papers."""
    return user.is_superuser or _meeting_readers(Activity.objects.filter(pk=activity.pk), user, path="").exists()


class Minutes(CommitteeOwned):  # 会议纪要: one per meeting, written by the office, draft → published
    # Set by the workflow or at creation only: an edit or a restore never writes them (core.audit).
    workflow_fields = ("activity", "status", "published_at")

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已印发"

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="record", verbose_name="会议")
    text = models.TextField("纪要正文", max_length=50000, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField("印发时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-id"]
        verbose_name = verbose_name_plural = "会议纪要"

    def __str__(self) -> str:
        return f"{self.activity}纪要"

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """Drafts: the office and the meeting's special committee staff. Published: as the meeting's papers."""
        return _records_readers(qs, user, published=models.Q(status=cls.Status.PUBLISHED))


class Decision(CommitteeOwned):  # 议定事项: what the meeting decided, who does it, by when
    # The plan item is set only by turning the decision into one (records.decision_to_plan_item).
    workflow_fields = ("activity", "plan_item")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="decisions", verbose_name="会议")
    order = models.PositiveSmallIntegerField("顺序", default=1)
    text = models.TextField("事项", max_length=1000)
    responsible = models.CharField("责任单位（人）", max_length=200, blank=True)
    due = models.DateField("完成时限", null=True, blank=True)
    plan_item = models.OneToOneField(
        "ledger.PlanItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision",
        verbose_name="督办事项",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity_id", "order", "id"]
        verbose_name = verbose_name_plural = "议定事项"

    def __str__(self) -> str:
        return self.text[:50]

    def clean(self) -> None:
        if not (self.text or "").strip():
            raise ValidationError({"text": "请填写议定事项。"})

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """The office and the meeting's staff always; others as the meeting's papers once the minutes are published."""
        published = Minutes.objects.filter(activity=models.OuterRef("activity"), status=Minutes.Status.PUBLISHED)
        return _records_readers(qs, user, published=models.Q(models.Exists(published)))


class SeatingPlan(CommitteeOwned):  # 座次表: the hall of a meeting and who sits where
    # The assignment is the workflow's (generate, swap): an edit of the layout never writes it.
    workflow_fields = ("activity", "by", "generated_at")

    class By(models.TextChoices):
        SECTOR = "sector", "按界别"
        GROUP = "group", "按委员小组"

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="seating", verbose_name="会议")
    hall = models.CharField("会场", max_length=100)
    rows = models.PositiveSmallIntegerField("排数")
    seats_per_row = models.PositiveSmallIntegerField("每排座位数")
    aisle_after = models.PositiveSmallIntegerField("过道位于第几座之后", null=True, blank=True)
    by = models.CharField("排座方式", max_length=10, choices=By.choices, blank=True)
    generated_at = models.DateTimeField("排座时间", null=True, blank=True)
    history = HistoricalRecords()

    MAX_ROWS = 100
    MAX_SEATS = 80

    class Meta:
        ordering = ["-id"]
        verbose_name = verbose_name_plural = "座次表"

    def __str__(self) -> str:
        return f"{self.activity} · {self.hall}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not (self.hall or "").strip():
            errors["hall"] = "请填写会场名称。"
        if self.rows is None or not 1 <= self.rows <= self.MAX_ROWS:
            errors["rows"] = f"排数应为1–{self.MAX_ROWS}。"
        if self.seats_per_row is None or not 1 <= self.seats_per_row <= self.MAX_SEATS:
            errors["seats_per_row"] = f"每排座位数应为1–{self.MAX_SEATS}。"
        elif self.aisle_after is not None and not 1 <= self.aisle_after < self.seats_per_row:
            errors["aisle_after"] = f"过道应在第1至第{self.seats_per_row - 1}座之后（不设过道请留空）。"
        if errors:
            raise ValidationError(errors)

    @property
    def capacity(self) -> int:
        return self.rows * self.seats_per_row


class Seat(models.Model):  # 座位: one member's seat in a seating plan
    plan = models.ForeignKey(SeatingPlan, on_delete=models.CASCADE, related_name="seats")
    row = models.PositiveSmallIntegerField("排")
    number = models.PositiveSmallIntegerField("座")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name="委员")

    class Meta:
        ordering = ["plan_id", "row", "number"]
        verbose_name = verbose_name_plural = "座位"
        constraints = [
            models.UniqueConstraint(fields=["plan", "row", "number"], name="seat_once"),
            models.UniqueConstraint(fields=["plan", "member"], name="seat_one_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.row}排{self.number}座"
