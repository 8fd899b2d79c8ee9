from typing import Any

from rest_framework import serializers
from rest_framework.relations import ManyRelatedField

from luzhi.activities.models import Activity, Attendance, CadenceRule, LeaveRequest, ReadingLog
from luzhi.core.api import LuzhiSerializer, ScopedRelatedField
from luzhi.org.models import Member


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

    class Meta:
        model = Activity
        fields = [
            "id",
            "committee",
            "kind",
            "title",
            "start",
            "end",
            "days",
            "location",
            "station",
            "special_committee",
            "group",
            "study",
            "participants",
        ]
        read_only_fields = ["committee"]

    def to_representation(self, instance: Activity) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("xlsx"):
            data["study"] = "、".join(Activity.Study(t).label for t in instance.study if t in Activity.Study.values)
            data["participants"] = len(data["participants"])
        return data


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

    class Meta:
        model = CadenceRule
        fields = ["id", "committee", "name", "source", "kinds", "study", "scope", "measure", "minimum", "period"]
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


class SignInSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)
