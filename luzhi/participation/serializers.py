from __future__ import annotations

from typing import Any

from rest_framework import serializers

from luzhi.core.api import LuzhiSerializer
from luzhi.participation.models import (
    ActivityGuest,
    Evidence,
    Material,
    Notice,
    NoticeAttachment,
    NoticeReceipt,
    Post,
    SelfReport,
    StudyEntry,
    Theme,
    Topic,
)

_FILES = serializers.ListField(
    child=serializers.FileField(allow_empty_file=True), required=False, write_only=True, label="附件"
)


class AttachmentSerializer(LuzhiSerializer):
    url = serializers.SerializerMethodField(label="下载地址")

    class Meta:
        model = NoticeAttachment
        fields = ["id", "name", "size", "url"]

    def get_url(self, obj: NoticeAttachment) -> str:
        return f"/participation/files/notice/{obj.pk}/"


class NoticeSerializer(LuzhiSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True, label="附件")
    files = _FILES
    recipient_count = serializers.IntegerField(read_only=True, label="接收人数")
    read_count = serializers.IntegerField(read_only=True, label="已读人数")
    read_at = serializers.DateTimeField(source="my_read_at", read_only=True, allow_null=True, label="本人阅读时间")

    class Meta:
        model = Notice
        fields = [
            "id",
            "committee",
            "kind",
            "title",
            "body",
            "audience",
            "sector",
            "special_committee",
            "group",
            "members",
            "files",
            "attachments",
            "published_at",
            "recipient_count",
            "read_count",
            "read_at",
            "reminders",
        ]
        read_only_fields = ["committee", "published_at", "reminders"]


class ReceiptSerializer(LuzhiSerializer):
    name = serializers.CharField(source="member.name", read_only=True, label="姓名")

    class Meta:
        model = NoticeReceipt
        fields = ["member", "name", "read_at", "reminded_at"]
        read_only_fields = fields


class TopicSerializer(LuzhiSerializer):
    is_open = serializers.SerializerMethodField(label="进行中")
    post_count = serializers.IntegerField(read_only=True, label="建议数")
    participant_count = serializers.IntegerField(read_only=True, label="参与人数")

    class Meta:
        model = Topic
        fields = [
            "id",
            "committee",
            "title",
            "background",
            "materials",
            "audience",
            "sector",
            "special_committee",
            "group",
            "closes_on",
            "closed_at",
            "is_open",
            "post_count",
            "participant_count",
            "created_at",
        ]
        read_only_fields = ["committee", "closed_at", "created_at"]

    def get_is_open(self, obj: Topic) -> Any:
        value = obj.is_open()
        return ("是" if value else "否") if self.context.get("xlsx") else value


class PostSerializer(LuzhiSerializer):
    topic = serializers.IntegerField(source="topic_id", label="议题")
    author_name = serializers.CharField(source="author.name", read_only=True, label="委员")
    # A field named like Field.parent (the serializer it belongs to).
    parent = serializers.IntegerField(  # type: ignore[assignment]
        source="parent_id", required=False, allow_null=True, label="回复"
    )

    class Meta:
        model = Post
        fields = [
            "id",
            "committee",
            "topic",
            "author",
            "author_name",
            "parent",
            "text",
            "created_at",
            "theme",
            "hidden",
            "hidden_reason",
            "proposal",
            "opinion",
        ]
        read_only_fields = [
            "committee",
            "author",
            "created_at",
            "theme",
            "hidden",
            "hidden_reason",
            "proposal",
            "opinion",
        ]


class ThemeSerializer(LuzhiSerializer):
    class Meta:
        model = Theme
        fields = ["id", "committee", "topic", "name", "order"]
        read_only_fields = ["committee"]


class EvidenceSerializer(LuzhiSerializer):
    url = serializers.SerializerMethodField(label="下载地址")

    class Meta:
        model = Evidence
        fields = ["id", "name", "kind", "size", "url"]

    def get_url(self, obj: Evidence) -> str:
        return f"/participation/files/evidence/{obj.pk}/"


class SelfReportSerializer(LuzhiSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True, label="委员")
    evidence = EvidenceSerializer(many=True, read_only=True, label="佐证材料")
    files = _FILES

    class Meta:
        model = SelfReport
        fields = [
            "id",
            "committee",
            "member",
            "member_name",
            "kind",
            "date",
            "place",
            "content",
            "files",
            "evidence",
            "status",
            "created_at",
            "reviewed_at",
            "return_reason",
        ]
        read_only_fields = ["committee", "member", "status", "created_at", "reviewed_at", "return_reason"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ThemeChoiceSerializer(serializers.Serializer):
    theme = serializers.IntegerField(allow_null=True)


class ConvertSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class GuestSerializer(LuzhiSerializer):
    class Meta:
        model = ActivityGuest
        fields = ["id", "committee", "activity", "name", "organisation", "role", "title"]
        read_only_fields = ["committee"]


class MaterialSerializer(LuzhiSerializer):
    url = serializers.SerializerMethodField(label="文件")
    read_count = serializers.IntegerField(read_only=True, label="读")
    talk_count = serializers.IntegerField(read_only=True, label="讲")
    review_count = serializers.IntegerField(read_only=True, label="评")

    class Meta:
        model = Material
        fields = [
            "id",
            "committee",
            "kind",
            "title",
            "author",
            "summary",
            "body",
            "url",
            "reading_kind",
            "recommended",
            "recommended_on",
            "effective_on",
            "read_count",
            "talk_count",
            "review_count",
        ]
        read_only_fields = ["committee"]

    def get_url(self, obj: Material) -> str | None:
        return f"/participation/files/library/{obj.pk}/" if obj.file else None


class StudyEntrySerializer(LuzhiSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True, label="委员")

    class Meta:
        model = StudyEntry
        fields = ["id", "committee", "material", "member", "member_name", "kind", "date", "text", "reading_log"]
        read_only_fields = ["committee", "member", "reading_log"]
