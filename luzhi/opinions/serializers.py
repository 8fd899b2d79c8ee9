from __future__ import annotations

from typing import Any, cast

from rest_framework import serializers

from luzhi.core.api import DateField, LuzhiSerializer, ScopedRelatedField
from luzhi.opinions.models import (
    Bulletin,
    GrassrootsRecord,
    OpinionAdoption,
    OpinionEvent,
    OpinionInstruction,
    OpinionReport,
)


class AdoptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpinionAdoption
        fields = ["committee", "level", "issue", "date"]


class InstructionSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpinionInstruction
        fields = ["level", "leader", "text", "date"]


class EventSerializer(serializers.ModelSerializer):
    committee_name = serializers.CharField(source="committee.name", read_only=True)

    class Meta:
        model = OpinionEvent
        fields = ["kind", "committee", "committee_name", "note", "at"]


class OpinionReportSerializer(LuzhiSerializer):
    origin_committee: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        source="committee", read_only=True, label="报送政协"
    )
    adoptions = AdoptionSerializer(many=True, read_only=True, label="采用情况")
    instructions = InstructionSerializer(many=True, read_only=True, label="领导批示")
    content = serializers.CharField(label="正文", trim_whitespace=False, max_length=20000)

    class Meta:
        model = OpinionReport
        fields = [
            "id",
            "committee",
            "title",
            "content",
            "author",
            "origin_committee",
            "holder",
            "status",
            "submitted_at",
            "reject_reason",
            "edited_at",
            "original_title",
            "original_content",
            "source_proposal_id",
            "source_record",
            "adoptions",
            "instructions",
        ]
        read_only_fields = [
            "committee",
            "holder",
            "status",
            "submitted_at",
            "reject_reason",
            "edited_at",
            "original_title",
            "original_content",
            "source_proposal_id",
            "source_record",
        ]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("xlsx"):
            # Read from the rows (prefetched), so that the level is its label (县级), not its code.
            data["adoptions"] = "；".join(
                f"{a.issue or '已采用'}（{a.get_level_display()}）" for a in instance.adoptions.all()
            )
            data["instructions"] = "；".join(
                f"{i.leader}（{i.get_level_display()}）" for i in instance.instructions.all()
            )
        return data


class AdoptSerializer(serializers.Serializer):
    issue = serializers.CharField(required=False, allow_blank=True, max_length=50, label="期号")
    date = DateField(required=False, label="采用日期")


class InstructionInputSerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=cast(Any, OpinionInstruction._meta.get_field("level").choices), label="批示层级"
    )
    leader = serializers.CharField(max_length=100, label="批示领导")
    text = serializers.CharField(max_length=5000, label="批示内容")
    date = DateField(required=False, label="批示日期")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, label="理由")


class SendSerializer(serializers.Serializer):
    recipient = serializers.CharField(max_length=200, label="报送单位")


class BulletinSerializer(LuzhiSerializer):
    reports = ScopedRelatedField(many=True, queryset=OpinionReport.objects.all(), label="信息")

    class Meta:
        model = Bulletin
        fields = ["id", "committee", "year", "number", "title", "date", "reports"]
        read_only_fields = ["committee"]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["reports"] = [e.report_id for e in instance.entries.all()]
        if self.context.get("xlsx"):
            titles = {r.pk: r.title for r in instance.reports.all()}  # prefetched with the entries
            data["reports"] = [titles.get(pk, pk) for pk in data["reports"]]
        return data


class GrassrootsRecordSerializer(LuzhiSerializer):
    is_overdue = serializers.BooleanField(read_only=True, label="已逾期")

    class Meta:
        model = GrassrootsRecord
        fields = [
            "id",
            "committee",
            "member",
            "station",
            "citizen",
            "demand",
            "recorded_at",
            "due_date",
            "follow_up",
            "status",
            "response",
            "responded_at",
            "is_overdue",
        ]
        read_only_fields = ["committee", "status", "response", "responded_at"]
        extra_kwargs = {"member": {"required": False}, "due_date": {"required": False}}


class RespondSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, label="回应内容")


class ToOpinionSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, label="标题")
    content = serializers.CharField(required=False, max_length=20000, label="正文")


class SimilarSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    committee = serializers.CharField()
    author = serializers.CharField()
    status = serializers.CharField()
    year = serializers.IntegerField()
    score = serializers.FloatField()
