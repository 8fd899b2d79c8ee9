from functools import cached_property
from typing import Any

from django.urls import reverse
from rest_framework import serializers

from luzhi.core.api import LuzhiSerializer, ScopedRelatedField
from luzhi.org.models import Member
from luzhi.proposals.models import Evaluation, Proposal, Reply, Supervision


class ReplySerializer(serializers.ModelSerializer):
    file = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = ["id", "unit", "category", "text", "file", "file_name", "replied_at", "on_time", "round"]
        read_only_fields = ["file_name"]

    def get_file(self, obj: Reply) -> str | None:
        return reverse("proposals:reply-file", args=[obj.pk]) if obj.file else None


class EvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evaluation
        fields = ["id", "reply", "member", "rating", "comment", "created_at"]


class SupervisionSerializer(serializers.ModelSerializer):
    leader_name = serializers.CharField(source="leader.name", read_only=True)

    class Meta:
        model = Supervision
        fields = ["id", "proposal", "leader", "leader_name", "date", "note"]


class ProposalSerializer(LuzhiSerializer):
    cosigners = ScopedRelatedField(
        queryset=Member.objects.all(), many=True, required=False, write_only=True, label="联名委员"
    )
    confirmed_cosigners = serializers.SerializerMethodField(label="已确认联名")
    declined_cosigners = serializers.SerializerMethodField(label="已谢绝联名")
    attachments = serializers.SerializerMethodField(label="附件")
    units = serializers.SerializerMethodField(label="承办单位")
    replies = serializers.SerializerMethodField(label="答复")
    evaluations = serializers.SerializerMethodField(label="评价")

    class Meta:
        model = Proposal
        fields = [
            "id",
            "committee",
            "year",
            "number",
            "title",
            "reason",
            "suggestions",
            "category",
            "submitter_type",
            "sector",
            "special_committee",
            "party_group",
            "lead",
            "cosigners",
            "confirmed_cosigners",
            "declined_cosigners",
            "attachments",
            "status",
            "units",
            "assigned_at",
            "due_date",
            "replied_at",
            "replied_on_time",
            "is_key",
            "supervisor",
            "rating",
            "review_reason",
            "merged_into",
            "replies",
            "evaluations",
        ]
        read_only_fields = [
            "committee",
            "year",
            "number",
            "lead",
            "status",
            "assigned_at",
            "due_date",
            "replied_at",
            "replied_on_time",
            "is_key",
            "supervisor",
            "rating",
            "review_reason",
            "merged_into",
        ]

    def get_confirmed_cosigners(self, obj: Proposal) -> list[int]:
        return [c.member_id for c in obj.cosignatures.all() if c.confirmed_at is not None]

    def get_declined_cosigners(self, obj: Proposal) -> list[int]:
        return [c.member_id for c in obj.cosignatures.all() if c.declined_at is not None]

    def get_attachments(self, obj: Proposal) -> list[dict[str, Any]]:
        return [
            {"id": a.pk, "name": a.name, "size": a.size, "url": reverse("proposals:attachment", args=[a.pk])}
            for a in obj.attachments.all()
        ]

    def get_units(self, obj: Proposal) -> Any:
        if self.context.get("xlsx"):
            return [f"{u.unit.name}（{u.get_role_display()}）" for u in obj.units.all()]
        return [{"unit": u.unit_id, "role": u.role, "name": u.unit.name} for u in obj.units.all()]

    def get_replies(self, obj: Proposal) -> Any:
        if self.context.get("xlsx"):
            return [f"{r.category}类 {r.replied_at:%Y-%m-%d}" for r in obj.replies.all()]
        return [self._reply_child.to_representation(r) for r in obj.replies.all()]

    def get_evaluations(self, obj: Proposal) -> Any:
        if self.context.get("xlsx"):
            return [e.get_rating_display() for e in obj.evaluations.all()]
        return [self._evaluation_child.to_representation(e) for e in obj.evaluations.all()]

    # One nested serializer per list, not one per proposal: building a ModelSerializer's fields
    # costs more than serialising the few replies or ratings of a proposal.
    @cached_property
    def _reply_child(self) -> ReplySerializer:
        return ReplySerializer(context=self.context)

    @cached_property
    def _evaluation_child(self) -> EvaluationSerializer:
        return EvaluationSerializer(context=self.context)

    def to_representation(self, instance: Proposal) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["cosigners"] = [c.member_id for c in instance.cosignatures.all()]
        if self.context.get("xlsx"):
            data["lead"] = str(instance.lead)
            data["supervisor"] = str(instance.supervisor or "")
            # The latest rating is kept as the evaluation's code (basically_satisfied): a sheet reads 基本满意.
            data["rating"] = dict(Evaluation.Rating.choices).get(instance.rating, instance.rating) or None
        return data


class ProposalFields(serializers.Serializer):
    """Only to document the action bodies in the schema."""

    decision = serializers.ChoiceField(["accept", "reject", "convert_opinion", "convert_letter", "merge"])
    reason = serializers.CharField(required=False)
    merge_into = serializers.IntegerField(required=False)
