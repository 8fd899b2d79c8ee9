from typing import Any

from rest_framework import serializers

from luzhi.core.api import LuzhiSerializer
from luzhi.research.models import ResearchOutcome, ResearchTopic


class ResearchOutcomeSerializer(LuzhiSerializer):
    class Meta:
        model = ResearchOutcome
        fields = [
            "id",
            "committee",
            "topic",
            "problem",
            "suggestion",
            "solution",
            "adoption",
            "instruction",
            "implemented",
        ]
        read_only_fields = ["committee", "topic", "problem", "suggestion", "solution"]


class ResearchTopicSerializer(LuzhiSerializer):
    step = serializers.IntegerField(read_only=True, label="当前步骤")
    group = serializers.SerializerMethodField(label="调研组")
    steps = serializers.JSONField(read_only=True, label="步骤记录")
    outcomes = serializers.SerializerMethodField(label="调研成果")

    class Meta:
        model = ResearchTopic
        fields = ["id", "committee", "year", "title", "lead", "special_committee", "step", "group", "steps", "outcomes"]
        read_only_fields = ["committee"]

    def get_group(self, obj: ResearchTopic) -> Any:
        members = sorted(m.pk for m in obj.group_members.all())
        if self.context.get("xlsx"):
            return "、".join(m.name for m in obj.group_members.all())
        return {"members": members, "others": obj.group_others}

    def get_outcomes(self, obj: ResearchTopic) -> Any:
        rows = list(obj.outcomes.all())
        if self.context.get("xlsx"):
            return len(rows)
        fields = ("id", "problem", "suggestion", "solution", "adoption", "instruction", "implemented")
        return [{f: getattr(o, f) for f in fields} for o in rows]

    def to_representation(self, instance: ResearchTopic) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("xlsx"):
            data["steps"] = len(instance.steps)
        return data
