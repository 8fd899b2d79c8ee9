from typing import Any

from rest_framework import serializers

from luzhi.core import clock
from luzhi.core.api import LuzhiSerializer
from luzhi.ledger.models import MonthlyPlan, Plan, PlanItem, ProgressReport


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
