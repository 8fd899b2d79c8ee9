"""API shapes of scoring (API.md "Study log and scoring")."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from luzhi.core.api import LuzhiSerializer
from luzhi.scoring.models import ScoreAdjustment, ScoreAppeal, ScoreRuleSet


class ScoreRuleSetSerializer(LuzhiSerializer):
    items = serializers.JSONField(required=False, label="计分细则")
    grades = serializers.JSONField(required=False, label="等次下限")
    shared_caps = serializers.JSONField(required=False, label="合并上限")
    warnings = serializers.JSONField(required=False, label="预警规则")

    class Meta:
        model = ScoreRuleSet
        fields = ["id", "committee", "year", "items", "grades", "shared_caps", "warnings", "created_at"]
        read_only_fields = ["committee", "created_at"]


class ScoreAdjustmentSerializer(LuzhiSerializer):
    author = serializers.CharField(source="author.username", read_only=True, label="调整人")

    class Meta:
        model = ScoreAdjustment
        fields = ["id", "points", "reason", "author", "date", "created_at"]
        read_only_fields = fields


class ScoreAppealSerializer(LuzhiSerializer):
    entry = serializers.CharField(
        write_only=True, label="积分记录", help_text="账单条目的 entry，如 absent:attendance:12"
    )
    adjustment = serializers.SerializerMethodField(label="调整")
    decided_by = serializers.CharField(source="decided_by.username", default="", read_only=True, label="处理人")

    class Meta:
        model = ScoreAppeal
        fields = [
            "id",
            "committee",
            "member",
            "year",
            "entry",
            "code",
            "source_type",
            "source_id",
            "points",
            "entry_date",
            "title",
            "reason",
            "status",
            "decision",
            "decided_by",
            "decided_at",
            "adjustment",
            "created_at",
        ]
        read_only_fields = [
            "committee",
            "member",
            "code",
            "source_type",
            "source_id",
            "points",
            "entry_date",
            "title",
            "status",
            "decision",
            "decided_at",
            "created_at",
        ]

    def get_adjustment(self, obj: ScoreAppeal) -> dict[str, Any] | None:
        adjustment = getattr(obj, "adjustment", None)
        return ScoreAdjustmentSerializer(adjustment).data if adjustment is not None else None


class ScoreRowSerializer(serializers.Serializer):
    member = serializers.IntegerField(label="委员编号")
    name = serializers.CharField(label="姓名")
    total = serializers.FloatField(label="总分")
    grade = serializers.CharField(label="等次")
    rank = serializers.IntegerField(label="名次")


class LedgerEntrySerializer(serializers.Serializer):
    code = serializers.CharField()
    points = serializers.FloatField()
    date = serializers.DateField(allow_null=True)
    source = serializers.DictField()  # type: ignore[assignment]  # a field named like Field.source
    entry = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    title = serializers.CharField()


class WarningSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    reasons = serializers.ListField(child=serializers.DictField())
