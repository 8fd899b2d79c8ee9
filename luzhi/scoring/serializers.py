"""API shapes of scoring (API.md "Study log and scoring")."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from luzhi.core.api import LuzhiSerializer
from luzhi.scoring import rules
from luzhi.scoring.models import ScoreAdjustment, ScoreAppeal, ScoreRuleSet

# Where a ledger entry comes from (ledger.LINKS), as a sheet names it.
SOURCE_LABELS = {
    "attendance": "履职活动",
    "proposal": "提案",
    "opinion_adoption": "社情民意采用",
    "opinion_instruction": "社情民意批示",
    "reading_log": "读书学习记录",
    "grassroots_record": "民情记录",
    "adjustment": "申诉调整",
}
WARNING_LABELS = {
    "plenary_absences": "无故缺席全体会议次数",
    "unqualified": "考评不合格",
    "no_output": "全年无提案和社情民意",
}


def _points(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def rule_set_text(data: dict[str, Any]) -> dict[str, Any]:
    """A rule set's JSON written out for a sheet: 出席全体会议（每天）5分、… instead of codes."""
    items = data.get("items") or []
    data["items"] = "；".join(
        f"{rules.LABELS.get(str(i.get('code')), i.get('code'))} {_points(i.get('points'))}分"
        + (f"（上限{_points(i['cap'])}分）" if i.get("cap") is not None else "")
        for i in items
        if isinstance(i, dict)
    )
    grades = data.get("grades") or {}
    if isinstance(grades, dict):
        data["grades"] = "；".join(f"{rules.GRADE_LABELS.get(k, k)}≥{_points(v)}分" for k, v in grades.items())
    caps = data.get("shared_caps") or []
    data["shared_caps"] = "；".join(
        "、".join(rules.LABELS.get(c, c) for c in cap.get("codes", [])) + f"合计上限{_points(cap.get('cap'))}分"
        for cap in caps
        if isinstance(cap, dict)
    )
    warnings = data.get("warnings") or {}
    if isinstance(warnings, dict):
        data["warnings"] = "；".join(
            f"{WARNING_LABELS.get(k, k)}" + (f"达{v}次" if not isinstance(v, bool) else ("" if v else "（不预警）"))
            for k, v in warnings.items()
        )
    return data


class ScoreRuleSetSerializer(LuzhiSerializer):
    items = serializers.JSONField(required=False, label="计分细则")
    grades = serializers.JSONField(required=False, label="等次下限")
    shared_caps = serializers.JSONField(required=False, label="合并上限")
    warnings = serializers.JSONField(required=False, label="预警规则")

    class Meta:
        model = ScoreRuleSet
        fields = ["id", "committee", "year", "items", "grades", "shared_caps", "warnings", "created_at"]
        read_only_fields = ["committee", "created_at"]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        return rule_set_text(data) if self.context.get("xlsx") else data


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
    xlsx_labels = {"code": rules.LABELS, "source_type": SOURCE_LABELS}

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
