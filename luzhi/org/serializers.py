from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luzhi.core.api import DateField, LuzhiSerializer
from luzhi.core.permissions import can
from luzhi.org import permissions
from luzhi.org.models import (
    Committee,
    Liaison,
    Member,
    MemberGroup,
    PartyOrganization,
    Sector,
    SpecialCommittee,
    Station,
    Term,
    Unit,
)


class CommitteeSerializer(LuzhiSerializer):
    # A committee belongs to itself, so that every object carries `committee` (API.md).
    committee = serializers.IntegerField(source="pk", read_only=True, label="所属政协")

    class Meta:
        model = Committee
        fields = ["id", "committee", "name", "level", "parent", "region_code"]

    def to_representation(self, instance: Committee) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("xlsx"):
            data["committee"] = instance.name  # a sheet names the committee, as every other list does
        return data


class TermSerializer(LuzhiSerializer):
    class Meta:
        model = Term
        fields = ["id", "committee", "number", "start", "end"]
        read_only_fields = ["committee"]


def _named(model_class: type) -> type[LuzhiSerializer]:
    meta = type(
        "Meta",
        (),
        {"model": model_class, "fields": ["id", "committee", "name"], "read_only_fields": ["committee"]},
    )
    return type(f"{model_class.__name__}Serializer", (LuzhiSerializer,), {"Meta": meta})


SectorSerializer = _named(Sector)
SpecialCommitteeSerializer = _named(SpecialCommittee)
MemberGroupSerializer = _named(MemberGroup)
UnitSerializer = _named(Unit)


class StationSerializer(LuzhiSerializer):
    class Meta:
        model = Station
        fields = ["id", "committee", "name", "kind", "location"]
        read_only_fields = ["committee"]


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


@extend_schema_field({"type": "string", "description": "手机号码；办公室以外的角色看到 138****1234"})
class MaskedPhoneField(serializers.CharField):
    """The phone as the schema states it: masked for every role but office (see to_representation)."""


@extend_schema_field({"type": "string", "description": "YYYY-MM-DD；办公室以外的角色看到 YYYY-**-**"})
class MaskedDateField(DateField):
    """The birth date as the schema states it: masked for every role but office."""


class MemberSerializer(LuzhiSerializer):
    is_leader = serializers.BooleanField(read_only=True, label="主席会议成员")
    masked_fields = {"phone": MaskedPhoneField, "birth_date": MaskedDateField}

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type, dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if field_name in self.masked_fields:
            # The masked value would not pass the phone pattern in the schema; full_clean still checks input.
            kwargs.pop("validators", None)
            return self.masked_fields[field_name], kwargs
        return field_class, kwargs

    class Meta:
        model = Member
        fields = [
            "id",
            "committee",
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "party",
            "position",
            "is_leader",
            "sector",
            "special_committee",
            "group",
            "term",
            "workplace",
            "phone",
            "status",
            "wecom_userid",
            "dingtalk_userid",
        ]
        read_only_fields = ["committee"]

    def to_representation(self, instance: Member) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not can(request.user, permissions.PERSONAL_DATA):
            if data.get("phone"):
                data["phone"] = mask_phone(data["phone"])
            if data.get("birth_date"):
                data["birth_date"] = f"{str(data['birth_date'])[:4]}-**-**"
            # Personal contact accounts, like the phone: the office's to see.
            for name in ("wecom_userid", "dingtalk_userid"):
                if data.get(name):
                    data[name] = "***"
        return data


class LiaisonSerializer(LuzhiSerializer):
    class Meta:
        model = Liaison
        fields = ["id", "committee", "kind", "from_member", "to_member"]
        read_only_fields = ["committee"]


class PartyOrganizationSerializer(LuzhiSerializer):
    class Meta:
        model = PartyOrganization
        fields = ["id", "committee", "kind", "name", "parent", "members"]
        read_only_fields = ["committee"]


class CoverageSerializer(serializers.Serializer):
    kind = serializers.CharField()
    covered = serializers.IntegerField()
    total = serializers.IntegerField()
    uncovered = serializers.ListField(child=serializers.IntegerField())


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()
