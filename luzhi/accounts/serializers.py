from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import cached_property
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.request import Request

from luzhi.accounts.bulk import BulkResult
from luzhi.accounts.models import DeviceToken, SecuritySettings, User
from luzhi.core.api import LuzhiSerializer
from luzhi.core.logging import mask_field
from luzhi.core.models import AuditEntry
from luzhi.core.roles import Role

# How an audited change was made (core.audit._via), as a sheet names it.
VIA_LABELS = {
    "api": "接口",
    "page": "页面",
    "admin": "后台管理",
    "import": "导入",
    "restore": "恢复",
    "command": "服务器命令",
}


def _model_name(label: str) -> str:
    """`notifications.groupchannel` as its verbose name (群聊推送渠道); an unknown label as it is."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def _readable_changes(label: str, changes: Any) -> Any:
    """The before → after pairs of an audit row with field verbose names: 名称：（空）→ 示例群."""
    if not isinstance(changes, dict):
        return changes
    try:
        model: Any = apps.get_model(label)
    except (LookupError, ValueError):
        model = None

    def name(field: str) -> str:
        try:
            return str(model._meta.get_field(field.removesuffix("_id")).verbose_name) if model else field
        except FieldDoesNotExist:
            return field

    def text(value: Any) -> str:
        return "（空）" if value in (None, "", [], {}) else str(value)

    parts = []
    for field, pair in changes.items():
        if isinstance(pair, (list, tuple)) and len(pair) == 2:
            parts.append(f"{name(field)}：{text(pair[0])} → {text(pair[1])}")
        else:
            parts.append(f"{name(field)}：{text(pair)}")
    return "；".join(parts)


class UserSerializer(LuzhiSerializer):
    password = serializers.CharField(
        write_only=True, required=False, label="密码", max_length=128, style={"input_type": "password"}
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "password",
            "role",
            "committee",
            "member",
            "unit",
            "special_committee",
            "is_active",
            "last_login",
        ]
        read_only_fields = ["last_login"]
        extra_kwargs = {"role": {"required": True, "allow_blank": False}}


class MeSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "role",
            "committee",
            "member",
            "unit",
            "special_committee",
            "is_superuser",
            "must_change_password",
        ]

    def get_role(self, user: User) -> str:
        return user.role or ("sysadmin" if user.is_superuser else "")


class DeviceSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(label="当前设备")

    class Meta:
        model = DeviceToken
        fields = ["id", "name", "created", "last_used", "expiry", "current"]
        extra_kwargs = {"created": {"label": "登录时间"}, "expiry": {"label": "过期时间"}}

    def get_current(self, token: DeviceToken) -> bool:
        request = self.context.get("request")
        return getattr(getattr(request, "auth", None), "pk", None) == token.pk


class OfficeGrantSerializer(serializers.ModelSerializer):
    granted_by = serializers.CharField(source="username", label="授予人")
    account = serializers.CharField(source="object_repr", label="账号")
    account_id = serializers.CharField(source="object_id", label="账号编号")
    previous_role = serializers.SerializerMethodField(label="原角色")

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "granted_by", "account", "account_id", "previous_role", "via", "ip"]

    def get_previous_role(self, entry: AuditEntry) -> str | None:
        pair = entry.changes.get("role") if isinstance(entry.changes, dict) else None
        role = pair[0] if isinstance(pair, list) and pair else None
        if self.context.get("xlsx") and role is not None:
            return str(dict(Role.choices).get(role, role) or "（无）")
        return role

    def to_representation(self, instance: AuditEntry) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("xlsx"):
            data["via"] = VIA_LABELS.get(data["via"], data["via"])
        return data


class SecuritySettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = SecuritySettings
        fields = ["session_idle_minutes"]
        extra_kwargs = {"session_idle_minutes": {"required": True}}  # a PUT without it is 400, not a 500


class AuditEntrySerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="username", label="用户")
    committee = serializers.IntegerField(source="committee_id", label="所属政协")

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "committee",
            "at",
            "user",
            "action",
            "model",
            "object_id",
            "object_repr",
            "changes",
            "via",
            "ip",
        ]

    def to_representation(self, instance: AuditEntry) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["changes"] = masked_changes(data.get("changes"))
        if self.context.get("xlsx"):
            # A sheet for people: names, labels and field names instead of ids and codes.
            committee = instance.committee_id
            data["committee"] = self._committee_names.get(committee) if committee is not None else None
            data["action"] = instance.get_action_display()
            data["model"] = _model_name(instance.model)
            data["changes"] = _readable_changes(instance.model, data["changes"])
            data["via"] = VIA_LABELS.get(instance.via, instance.via)
        return data

    @cached_property
    def _committee_names(self) -> dict[int, str]:
        """Every committee's name, read once for the whole sheet (committee_id is no foreign key)."""
        from luzhi.org.models import Committee

        return dict(Committee.objects.values_list("pk", "name"))


def masked_changes(changes: Any) -> Any:
    """The audit log's before/after values with phone, birth date and ID numbers masked.

    Only the auditor reads the audit log, and personal data in full is for the office alone.
    """
    if not isinstance(changes, dict):
        return changes
    return {
        name: [mask_field(name, v) for v in pair] if isinstance(pair, (list, tuple)) else mask_field(name, pair)
        for name, pair in changes.items()
    }


class MemberAccountsRequestSerializer(serializers.Serializer):
    committee = serializers.IntegerField(help_text="所属政协编号")
    members = serializers.ListField(child=serializers.IntegerField(), required=False, help_text="委员编号")
    all_active = serializers.BooleanField(required=False, help_text="本政协全部在任委员")


class MemberAccountsResultSerializer(serializers.Serializer):
    created = inline_serializer(
        "MemberAccountCreated",
        {
            "member": serializers.IntegerField(),
            "user": serializers.IntegerField(),
            "username": serializers.CharField(),
            "sms": serializers.BooleanField(help_text="初始密码已通过短信发送（否则见账号通知书）"),
        },
        many=True,
    )
    skipped = serializers.ListField(child=serializers.IntegerField(), help_text="已有账号而跳过的委员编号")
    letters = serializers.URLField(allow_null=True, help_text="账号通知书 PDF（24小时内可下载），无则为 null")


def member_accounts_response(request: Request, result: BulkResult) -> dict[str, Any]:
    letters = result.letters
    return {
        "created": result.created,
        "skipped": result.skipped,
        "letters": request.build_absolute_uri(f"/api/v1/account-letters/{letters.pk}/") if letters else None,
    }
