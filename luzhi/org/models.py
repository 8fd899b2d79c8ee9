"""Organisation: the committee tree and everything a committee is made of."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from simple_history.models import HistoricalRecords

from luzhi.core.roles import Role
from luzhi.core.scoping import CommitteeOwned, ScopedQuerySet
from luzhi.core.text import NameField
from luzhi.core.validators import PastDate

if TYPE_CHECKING:
    from luzhi.accounts.models import User

PARTIES: dict[str, str] = yaml.safe_load((Path(__file__).parent / "data" / "parties.yaml").read_text("utf-8"))


class Committee(models.Model):  # 政协委员会: national → province → city → county
    class Level(models.TextChoices):
        NATIONAL = "national", "全国"
        PROVINCE = "province", "省级"
        CITY = "city", "市级"
        COUNTY = "county", "县级"

    _ORDER = ["national", "province", "city", "county"]

    name = NameField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级政协",
    )
    region_code = models.CharField(
        "行政区划代码",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{6,12}$", "行政区划代码应为6至12位数字。")],
    )
    # Materialised path "/1/5/12/" so that a whole subtree is one indexed prefix filter.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["path", "id"]
        verbose_name = verbose_name_plural = "政协"
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="committee_unique_name_under_parent",
                violation_error_message="同一上级下已有同名政协。",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent is not None else '/'}{self.pk}/"
        if path != self.path:
            old = self.path
            Committee.objects.filter(pk=self.pk).update(path=path)
            if old:
                # The whole subtree moves in one statement: its paths keep their tail after `old`.
                Committee.objects.filter(path__startswith=old).exclude(pk=self.pk).update(
                    path=Concat(Value(path), Substr("path", len(old) + 1))
                )
            self.path = path

    def clean(self) -> None:
        if self.level not in self._ORDER:
            return  # clean_fields reports the bad choice
        rank = self._ORDER.index(self.level)
        parent = self.parent if self.parent_id else None
        if parent is not None:
            if self.pk and f"/{self.pk}/" in parent.path:
                raise ValidationError({"parent": "不能把政协挂在自己或自己的下级之下。"})
            if rank <= self._ORDER.index(parent.level):
                raise ValidationError({"level": "下级政协的层级必须低于上级政协。"})
        if self.pk and Committee.objects.filter(parent=self.pk, level__in=self._ORDER[: rank + 1]).exists():
            raise ValidationError({"level": "政协的层级必须高于其下级政协。"})

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]

    @classmethod
    def scope_rows(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        """A committee sees itself, its ancestors and its descendants; a unit only its own."""
        own = user.committee
        if own is None:  # visible_to asks only for accounts of a committee
            return qs.none()
        if user.role == Role.UNIT:
            return qs.filter(pk=own.pk)
        return qs.filter(Q(pk__in=own.ancestor_ids()) | Q(path__startswith=own.path))


class Term(CommitteeOwned):  # 届次
    number = models.PositiveSmallIntegerField("届次")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-number"]
        verbose_name = verbose_name_plural = "届次"
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "number"],
                name="term_unique_number",
                violation_error_message="该届次已存在。",
            )
        ]

    def __str__(self) -> str:
        return f"第{_chinese_number(self.number)}届"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "结束日期必须晚于开始日期。"})


def unique_name_per_committee(prefix: str, message: str) -> list[models.BaseConstraint]:
    """A name may appear once per committee."""
    return [
        models.UniqueConstraint(
            fields=["committee", "name"], name=f"{prefix}_unique_name", violation_error_message=message
        )
    ]


class NamedCommitteeThing(CommitteeOwned):
    name = NameField("名称", max_length=100)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Sector(NamedCommitteeThing):  # 界别
    history = HistoricalRecords()

    class Meta(NamedCommitteeThing.Meta):
        verbose_name = verbose_name_plural = "界别"
        constraints = unique_name_per_committee("sector", "同名界别已存在。")


class SpecialCommittee(NamedCommitteeThing):  # 专门委员会
    history = HistoricalRecords()

    class Meta(NamedCommitteeThing.Meta):
        verbose_name = verbose_name_plural = "专门委员会"
        constraints = unique_name_per_committee("special_committee", "同名专委会已存在。")


class MemberGroup(NamedCommitteeThing):  # 委员小组
    history = HistoricalRecords()

    class Meta(NamedCommitteeThing.Meta):
        verbose_name = verbose_name_plural = "委员小组"
        constraints = unique_name_per_committee("member_group", "同名委员小组已存在。")


class Unit(NamedCommitteeThing):  # 承办单位
    history = HistoricalRecords()

    class Meta(NamedCommitteeThing.Meta):
        verbose_name = verbose_name_plural = "承办单位"
        constraints = unique_name_per_committee("unit", "同名承办单位已存在。")

    @classmethod
    def scope_role(cls, qs: models.QuerySet, user: User) -> models.QuerySet:
        if user.role == Role.UNIT:
            return qs.filter(pk=user.unit_id)
        return qs


class Station(NamedCommitteeThing):  # 一站两室
    class Kind(models.TextChoices):
        WORKSTATION = "workstation", "委员工作站"
        COUNCIL_ROOM = "council_room", "协商议事室"
        STUDIO = "studio", "委员工作室"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    location = models.CharField("地点", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta(NamedCommitteeThing.Meta):
        verbose_name = verbose_name_plural = "一站两室"
        constraints = unique_name_per_committee("station", "同名站室已存在。")


class Member(CommitteeOwned):  # 政协委员
    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class Position(models.TextChoices):
        CHAIR = "chair", "主席"
        VICE_CHAIR = "vice_chair", "副主席"
        SECRETARY_GENERAL = "secretary_general", "秘书长"
        STANDING = "standing", "常委"
        MEMBER = "member", "委员"

    class Status(models.TextChoices):
        ACTIVE = "active", "在任"
        RESIGNED = "resigned", "辞职"
        REMOVED = "removed", "撤销资格"
        EXITED = "exited", "退出"

    # The functional API with (value, label) pairs; the stubs know only a string of names.
    Party = models.TextChoices(  # type: ignore[call-overload]
        "Party", [(code.upper(), (code, label)) for code, label in PARTIES.items()]
    )
    LEADER_POSITIONS = (Position.CHAIR, Position.VICE_CHAIR, Position.SECRETARY_GENERAL)

    name = NameField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生日期", null=True, blank=True, validators=[PastDate("出生日期")])
    party = models.CharField("政治面貌", max_length=20, choices=Party.choices, default="none")
    position = models.CharField("职务", max_length=20, choices=Position.choices, default=Position.MEMBER)
    sector = models.ForeignKey(Sector, null=True, blank=True, on_delete=models.PROTECT, verbose_name="界别")
    special_committee = models.ForeignKey(
        SpecialCommittee, null=True, blank=True, on_delete=models.PROTECT, verbose_name="专委会"
    )
    group = models.ForeignKey(MemberGroup, null=True, blank=True, on_delete=models.PROTECT, verbose_name="委员小组")
    term = models.ForeignKey(Term, null=True, blank=True, on_delete=models.PROTECT, verbose_name="届次")
    workplace = NameField("工作单位及职务", max_length=200, blank=True)
    phone = models.CharField(
        "手机号码",
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^1\d{10}$", "手机号码应为以1开头的11位数字。")],
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The member's own accounts in the committee's 企业微信 / 钉钉, for notifications to reach them there.
    wecom_userid = models.CharField(
        "企业微信账号", max_length=64, blank=True, help_text="企业微信通讯录中的账号（UserID），用于向本人推送通知。"
    )
    dingtalk_userid = models.CharField(
        "钉钉账号", max_length=64, blank=True, help_text="钉钉通讯录中的 userid，用于向本人推送工作通知。"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "委员"
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "name", "birth_date"],
                name="member_unique_name_birth",
                violation_error_message="该委员已存在（同一政协中姓名与出生日期相同）。",
            ),
        ]
        indexes = [
            models.Index(fields=["committee", "status", "position"]),
            models.Index(fields=["committee", "name"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_leader(self) -> bool:
        return self.position in self.LEADER_POSITIONS

    @property
    def is_standing(self) -> bool:
        """Leaders sit on the standing committee too."""
        return self.position != self.Position.MEMBER

    def clean(self) -> None:
        errors = {}
        for field in ("sector", "special_committee", "group", "term"):
            related = getattr(self, field, None)
            if related is not None and self.committee_id and related.committee_id != self.committee_id:
                errors[field] = "只能选择本政协的记录。"
        if errors:
            raise ValidationError(errors)


class Liaison(CommitteeOwned):  # 联系制度: 党员委员联系党外委员, 主席会议成员联系常委, 常委联系委员
    class Kind(models.TextChoices):
        PARTY_TO_NONPARTY = "party_to_nonparty", "党员委员联系党外委员"
        LEADER_TO_STANDING = "leader_to_standing", "主席会议成员联系常委"
        STANDING_TO_MEMBER = "standing_to_member", "常委联系委员"

    kind = models.CharField("类型", max_length=30, choices=Kind.choices)
    from_member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="liaisons_out", verbose_name="联系人"
    )
    to_member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="liaisons_in", verbose_name="联系对象")
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "联系结对"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "from_member", "to_member"],
                name="liaison_unique_pair",
                violation_error_message="这对联系关系已存在。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_member} → {self.to_member}（{self.get_kind_display()}）"

    def clean(self) -> None:
        if not (self.from_member_id and self.to_member_id and self.kind in self.Kind.values):
            return
        a, b = self.from_member, self.to_member
        if a.pk == b.pk:
            raise ValidationError({"to_member": "不能联系自己。"})
        if self.committee_id and (a.committee_id != self.committee_id or b.committee_id != self.committee_id):
            raise ValidationError({"to_member": "只能在本政协委员之间结对。"})
        rules: dict[str, tuple[bool, bool]] = {
            self.Kind.PARTY_TO_NONPARTY: (a.party == "cpc", b.party != "cpc"),
            self.Kind.LEADER_TO_STANDING: (a.is_leader, b.position == Member.Position.STANDING),
            self.Kind.STANDING_TO_MEMBER: (a.is_standing, b.position == Member.Position.MEMBER),
        }
        ok_from, ok_to = rules[self.kind]
        errors = {}
        if not ok_from:
            need_from: dict[str, str] = {
                self.Kind.PARTY_TO_NONPARTY: "联系人必须是中共党员委员。",
                self.Kind.LEADER_TO_STANDING: "联系人必须是主席会议成员。",
                self.Kind.STANDING_TO_MEMBER: "联系人必须是常委。",
            }
            errors["from_member"] = need_from[self.kind]
        if not ok_to:
            need_to: dict[str, str] = {
                self.Kind.PARTY_TO_NONPARTY: "联系对象必须是党外委员。",
                self.Kind.LEADER_TO_STANDING: "联系对象必须是常委。",
                self.Kind.STANDING_TO_MEMBER: "联系对象必须是委员。",
            }
            errors["to_member"] = need_to[self.kind]
        if errors:
            raise ValidationError(errors)

    @classmethod
    def receivers(cls, kind: str, members: models.QuerySet) -> models.QuerySet:
        """The active members who should be on the receiving side of a liaison kind."""
        active = members.filter(status=Member.Status.ACTIVE)
        by_kind: dict[str, models.QuerySet] = {
            cls.Kind.PARTY_TO_NONPARTY: active.exclude(party="cpc"),
            cls.Kind.LEADER_TO_STANDING: active.filter(position=Member.Position.STANDING),
            cls.Kind.STANDING_TO_MEMBER: active.filter(position=Member.Position.MEMBER),
        }
        return by_kind[kind]


class PartyOrganization(CommitteeOwned):  # 党组 / 机关党组 / 党支部
    class Kind(models.TextChoices):
        PARTY_GROUP = "party_group", "党组"
        OFFICE_PARTY_GROUP = "office_party_group", "机关党组"
        BRANCH = "branch", "党支部"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    name = NameField("名称", max_length=100)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级组织",
    )
    members = models.ManyToManyField(Member, blank=True, related_name="party_organizations", verbose_name="党员委员")
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "党组织"
        constraints = unique_name_per_committee("party_org", "同名党组织已存在。")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.parent_id or self.parent is None:
            return
        if self.committee_id and self.parent.committee_id != self.committee_id:
            raise ValidationError({"parent": "上级组织必须属于本政协。"})
        ancestor: PartyOrganization | None = self.parent
        seen: set[int] = set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": "上级组织不能是自己或自己的下级组织。"})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """10 → 十, 13 → 十三, 21 → 二十一 (届次 are below 100; larger numbers stay in digits)."""
    if n >= 100:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
