from typing import Any

from rest_framework import serializers

from luzhi.core import clock
from luzhi.core.api import LuzhiSerializer
from luzhi.ledger.models import LINK_TYPES, MonthlyPlan, Plan, PlanItem, ProgressReport


class PlanSerializer(LuzhiSerializer):
    class Meta:
        model = Plan
        fields = ["id", "committee", "year", "title", "approved_at", "approved_by"]
        read_only_fields = ["committee"]


class PlanItemSerializer(LuzhiSerializer):
    status = serializers.SerializerMethodField(label="状态")
    stale = serializers.SerializerMethodField(label="本月未调度")

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "committee",
            "plan",
            "kind",
            "origin",
            "title",
            "lead",
            "responsible",
            "deadline",
            "milestones",
            "progress",
            "status",
            "stale",
            "last_report_at",
            "links",
        ]
        # Progress moves only through progress reports (POST …/progress/).
        read_only_fields = ["committee", "progress", "last_report_at"]

    def _today(self) -> Any:
        return self.context.get("today") or clock.today()

    def to_representation(self, instance: PlanItem) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("xlsx"):
            # A sheet reads 制定工作方案（2026-03-31前）and 履职活动第12号, not the JSON of the API.
            data["milestones"] = "；".join(
                f"{m.get('title', '')}（{m['due']}前）" if m.get("due") else str(m.get("title", ""))
                for m in instance.milestones or []
                if isinstance(m, dict)
            )
            data["links"] = "；".join(
                f"{LINK_TYPES.get(str(link.get('type')), ('', '', str(link.get('type'))))[2]}第{link.get('id')}号"
                for link in instance.links or []
                if isinstance(link, dict)
            )
        return data

    def get_status(self, obj: PlanItem) -> str:
        status = getattr(obj, "state", None) or obj.status_on(self._today())
        if self.context.get("xlsx"):
            return PlanItem.Status(status).label
        return status

    def get_stale(self, obj: PlanItem) -> Any:
        stale = getattr(obj, "is_stale", None)
        stale = obj.stale_on(self._today()) if stale is None else stale
        return ("是" if stale else "否") if self.context.get("xlsx") else stale


class ProgressReportSerializer(LuzhiSerializer):
    reported_by = serializers.CharField(source="reported_by.username", default="", read_only=True, label="报告人")

    class Meta:
        model = ProgressReport
        fields = ["id", "committee", "item", "progress", "note", "problems", "reported_by", "date"]
        read_only_fields = fields


class ProgressInputSerializer(serializers.Serializer):
    progress = serializers.JSONField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    problems = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class BoardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    special_committee = serializers.IntegerField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()
    stale = serializers.IntegerField()
    avg_progress = serializers.FloatField()


class MonthlyPlanSerializer(LuzhiSerializer):
    class Meta:
        model = MonthlyPlan
        fields = ["id", "committee", "special_committee", "month", "tasks", "submitted_by"]
        read_only_fields = ["committee", "submitted_by"]
