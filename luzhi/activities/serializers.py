from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField

from luzhi.activities.models import (
    Activity,
    ActivityMaterial,
    AgendaItem,
    Attendance,
    CadenceRule,
    Decision,
    LeaveRequest,
    Minutes,
    ReadingLog,
    SeatingPlan,
    Vote,
)
from luzhi.core.api import DateField, LuzhiSerializer, ScopedRelatedField
from luzhi.ledger.models import PlanItem
from luzhi.org.models import Member, SpecialCommittee


class ParticipantsField(ManyRelatedField):
    """The invited members' ids; read from `participant_ids` when the list attached them (no Member objects)."""

    def get_attribute(self, instance: Activity) -> Any:
        ids = getattr(instance, "participant_ids", None)
        return ids if ids is not None else super().get_attribute(instance)

    def to_representation(self, iterable: Any) -> list[Any]:
        if isinstance(iterable, list):
            return iterable
        return super().to_representation(iterable)


class ActivitySerializer(LuzhiSerializer):
    study = serializers.ListField(
        child=serializers.ChoiceField(choices=Activity.Study.choices), required=False, label="学习内容"
    )
    participants = ParticipantsField(
        child_relation=ScopedRelatedField(queryset=Member.objects.all()), required=False, label="参加委员"
    )
    days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=366, label="天数")
    # The meeting's place: API.md calls it `venue`; `location` is the same field under its older name.
    venue = serializers.CharField(source="location", required=False, allow_blank=True, max_length=200, label="会场")

    class Meta:
        model = Activity
        fields = [
            "id",
            "committee",
            "kind",
            "title",
            "start",
            "end",
            "starts_at",
            "ends_at",
            "days",
            "venue",
            "location",
            "station",
            "special_committee",
            "group",
            "study",
            "participants",
        ]
        read_only_fields = ["committee"]
        extra_kwargs = {"start": {"required": False}, "end": {"required": False}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """A timed meeting gives `starts_at` (and `ends_at`); an all-day one gives `start` (and `end`)."""
        attrs = super().validate(attrs)
        starts_at, ends_at = attrs.get("starts_at"), attrs.get("ends_at")
        if ends_at is not None and starts_at is None and getattr(self.instance, "starts_at", None) is None:
            raise serializers.ValidationError({"starts_at": ["请同时填写开始时间。"]})
        if starts_at is not None:
            attrs["start"] = timezone.localdate(starts_at)
            attrs["end"] = timezone.localdate(ends_at or starts_at)
            attrs.setdefault("ends_at", starts_at)
        elif ends_at is not None:
            attrs["end"] = timezone.localdate(ends_at)
        if self.instance is None:
            if attrs.get("start") is None:
                raise serializers.ValidationError({"start": ["请填写开始日期（全天活动）或开始时间（会议）。"]})
            attrs.setdefault("end", attrs["start"])
        return attrs

    def to_representation(self, instance: Activity) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("xlsx"):
            data["study"] = "、".join(Activity.Study(t).label for t in instance.study if t in Activity.Study.values)
            data["participants"] = len(data["participants"])
        return data


class MaterialIdsField(serializers.ListField):
    """Material ids in, material ids out (read from the prefetched relation)."""

    def to_representation(self, data: Any) -> list[int]:
        if hasattr(data, "all"):
            return sorted(m.pk for m in data.all())
        return super().to_representation(data)


class AgendaItemSerializer(serializers.ModelSerializer):
    order = serializers.IntegerField(min_value=1, max_value=999, label="顺序")
    title = serializers.CharField(max_length=200, label="议题")
    presenter = serializers.CharField(max_length=100, required=False, allow_blank=True, label="汇报人")
    minutes = serializers.IntegerField(min_value=1, max_value=1440, required=False, allow_null=True, label="时长")
    materials = MaterialIdsField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, max_length=50, label="材料"
    )
    first_topic = serializers.BooleanField(required=False, default=False, label="第一议题")

    class Meta:
        model = AgendaItem
        fields = ["order", "title", "presenter", "minutes", "materials", "first_topic"]


class ActivityMaterialSerializer(LuzhiSerializer):
    class Meta:
        model = ActivityMaterial
        fields = ["id", "committee", "activity", "title", "name", "size", "uploaded_at", "withdrawn_at"]
        read_only_fields = fields


class RsvpSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=Attendance.Answer.choices, label="回执")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, label="请假事由")


class RsvpRowSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", label="委员")
    name = serializers.CharField(source="member.name", label="姓名")
    answer = serializers.SerializerMethodField(label="回执")  # null: not answered yet
    reason = serializers.CharField(source="answer_reason", label="说明")
    at = serializers.DateTimeField(source="answered_at", allow_null=True, label="回执时间")

    class Meta:
        model = Attendance
        fields = ["member", "name", "answer", "reason", "at"]

    @extend_schema_field(serializers.ChoiceField(choices=Attendance.Answer.choices, allow_null=True))
    def get_answer(self, row: Attendance) -> str | None:
        return row.answer or None


class SignInCodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20, label="签到码")


class CurrentItemSerializer(serializers.Serializer):
    """The agenda item the hall screen shows (an id of this meeting's agenda), or null for none."""

    item = serializers.IntegerField(allow_null=True, min_value=1, label="当前议程")


class CurrentItemShownSerializer(serializers.Serializer):
    item = serializers.IntegerField(allow_null=True, label="当前议程")
    order = serializers.IntegerField(allow_null=True, label="顺序")
    title = serializers.CharField(allow_null=True, label="议题")


class SignInCodeShownSerializer(serializers.Serializer):
    code = serializers.CharField()
    expires_at = serializers.DateTimeField()


class AttendanceEntrySerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", label="委员")

    class Meta:
        model = Attendance
        fields = ["member", "status", "speech"]


class ReadingLogSerializer(LuzhiSerializer):
    class Meta:
        model = ReadingLog
        fields = ["id", "committee", "member", "kind", "title", "date"]
        read_only_fields = ["committee", "member"]


class CadenceRuleSerializer(LuzhiSerializer):
    kinds = serializers.ListField(child=serializers.CharField(max_length=30), max_length=30, label="类型")
    xlsx_labels = {"kinds": dict(Activity.Kind.choices)}

    class Meta:
        model = CadenceRule
        fields = [
            "id",
            "committee",
            "name",
            "source",
            "kinds",
            "study",
            "scope",
            "measure",
            "minimum",
            "period",
            "first_topic",
        ]
        read_only_fields = ["committee"]


class LeaveRequestSerializer(LuzhiSerializer):
    class Meta:
        model = LeaveRequest
        fields = ["id", "committee", "activity", "member", "reason", "status", "created_at", "decided_at", "note"]
        read_only_fields = ["committee", "member", "status", "created_at", "decided_at", "note"]


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class InviteSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=["special_committee", "group", "sector", "standing", "all"])
    id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["by"] in ("special_committee", "group", "sector") and "id" not in attrs:
            raise serializers.ValidationError({"id": ["请指定专委会、委员小组或界别。"]})
        return attrs


class VoteOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    label = serializers.CharField(max_length=100)  # type: ignore[assignment]  # a field named like Field.label


class VoteSerializer(LuzhiSerializer):
    """A vote; `options` are given as labels (or {"label"}) and come back with the ids the server set."""

    options = serializers.ListField(child=serializers.JSONField(), required=False, max_length=200, label="候选人")
    electorate = ParticipantsField(
        child_relation=ScopedRelatedField(queryset=Member.objects.all()), required=False, label="表决人"
    )

    class Meta:
        model = Vote
        fields = [
            "id",
            "committee",
            "activity",
            "title",
            "kind",
            "method",
            "threshold",
            "options",
            "max_choices",
            "electorate",
            "status",
            "opened_at",
            "closed_at",
        ]
        read_only_fields = ["committee", "status", "opened_at", "closed_at"]

    def validate_options(self, value: list[Any]) -> list[str]:
        labels = []
        for item in value:
            label = item.get("label") if isinstance(item, dict) else item
            if not isinstance(label, str):
                raise serializers.ValidationError("候选人应为姓名字符串或 {label}。")
            labels.append(label)
        return labels

    def to_representation(self, instance: Vote) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("xlsx"):
            data["options"] = "、".join(o["label"] for o in instance.options)
            data["electorate"] = len(data["electorate"])
        return data


class BallotSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=["yes", "no", "abstain"], required=False, label="意见")
    choices = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=10_000), required=False, max_length=200, label="候选人"
    )


class VoteResultSerializer(serializers.Serializer):
    status = serializers.CharField()
    electorate = serializers.IntegerField()
    present = serializers.IntegerField()
    cast = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField(), allow_null=True)
    adopted = serializers.BooleanField(allow_null=True)
    elected = serializers.ListField(child=serializers.IntegerField(), allow_null=True)


class BallotShownSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    choice = serializers.JSONField(required=False)


class MinutesSerializer(LuzhiSerializer):
    """A meeting's minutes (会议纪要): `text` with paragraphs; `status` draft → published by `publish/`."""

    class Meta:
        model = Minutes
        fields = ["id", "committee", "activity", "text", "status", "published_at"]
        read_only_fields = ["committee", "status", "published_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "activity" in attrs and attrs["activity"].pk != self.instance.activity_id:
            raise serializers.ValidationError({"activity": ["不能把会议纪要移到另一场会议。"]})
        return attrs


class MeetingDecisionSerializer(LuzhiSerializer):
    """A decision (议定事项) of a meeting; `plan_item` is set by `plan-item/` only."""

    class Meta:
        model = Decision
        fields = ["id", "committee", "activity", "order", "text", "responsible", "due", "plan_item"]
        read_only_fields = ["committee", "plan_item"]
        extra_kwargs = {"order": {"required": False, "min_value": 1, "max_value": 1000}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "activity" in attrs and attrs["activity"].pk != self.instance.activity_id:
            raise serializers.ValidationError({"activity": ["不能把议定事项移到另一场会议。"]})
        return attrs


class ToPlanItemSerializer(serializers.Serializer):
    lead = ScopedRelatedField(queryset=Member.objects.all(), label="牵头领导")
    responsible = ScopedRelatedField(queryset=SpecialCommittee.objects.all(), label="责任专委会")
    kind = serializers.ChoiceField(choices=PlanItem.Kind.choices, required=False, default=PlanItem.Kind.OTHER)
    origin = serializers.ChoiceField(choices=PlanItem.Origin.choices, required=False, default=PlanItem.Origin.CPPCC)
    deadline = DateField(required=False, allow_null=True, label="完成时限")


class SeatShownSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    seat = serializers.IntegerField(source="number")
    member = serializers.IntegerField(source="member_id")
    name = serializers.CharField(source="member.name")


class SeatingSerializer(LuzhiSerializer):
    """The hall of a meeting; `seats` as assigned (a member sees only their own)."""

    seats = serializers.SerializerMethodField()
    # Blank until the seats are generated.
    by = serializers.ChoiceField(choices=SeatingPlan.By.choices, allow_blank=True, read_only=True, label="排座方式")

    class Meta:
        model = SeatingPlan
        fields = [
            "id",
            "committee",
            "activity",
            "hall",
            "rows",
            "seats_per_row",
            "aisle_after",
            "by",
            "generated_at",
            "seats",
        ]
        read_only_fields = ["committee", "activity", "by", "generated_at", "seats"]
        extra_kwargs = {
            "rows": {"min_value": 1, "max_value": SeatingPlan.MAX_ROWS},
            "seats_per_row": {"min_value": 1, "max_value": SeatingPlan.MAX_SEATS},
            "aisle_after": {"min_value": 1, "max_value": SeatingPlan.MAX_SEATS},
        }

    @extend_schema_field(SeatShownSerializer(many=True))
    def get_seats(self, plan: SeatingPlan) -> list[dict[str, Any]]:
        seats = plan.seats.select_related("member").order_by("row", "number")
        only = self.context.get("only_member")
        if only is not None:
            seats = seats.filter(member_id=only)
        return SeatShownSerializer(seats, many=True).data  # type: ignore[return-value]  # many=True: a list


class GenerateSeatingSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=SeatingPlan.By.choices, label="排座方式")


class SwapSeatsSerializer(serializers.Serializer):
    a = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=1000), min_length=2, max_length=2)
    b = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=1000), min_length=2, max_length=2)
