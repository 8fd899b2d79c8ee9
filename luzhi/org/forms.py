"""Forms of the organisation pages; every related-field choice is limited to the user's committee."""

from __future__ import annotations

from typing import Any

from django import forms

from luzhi.core.pages import ServiceModelForm, StyledForm, style_widgets
from luzhi.core.scoping import visible_to
from luzhi.org.filters import MemberFilter
from luzhi.org.models import (
    Liaison,
    Member,
    MemberGroup,
    PartyOrganization,
    Sector,
    SpecialCommittee,
    Term,
)


def _scope_choices(form: forms.BaseForm, viewer: Any) -> None:
    """Limit every model-choice field of the form to rows the viewer may see."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = visible_to(field.queryset, viewer)  # type: ignore[arg-type]  # every form's has one


class ScopedModelForm(ServiceModelForm):
    """A ServiceModelForm whose related-field choices come from the viewer's committee only."""

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scope_choices(self, viewer)
        style_widgets(self)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class MemberForm(ScopedModelForm):
    class Meta:
        model = Member
        fields = [
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "party",
            "position",
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


class LiaisonForm(ScopedModelForm):
    class Meta:
        model = Liaison
        fields = ["kind", "from_member", "to_member"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("from_member", "to_member"):
            field = self.fields[name]
            field.queryset = field.queryset.filter(status=Member.Status.ACTIVE).order_by("name")
            field.label_from_instance = _member_label


class PartyOrganizationForm(ScopedModelForm):
    class Meta:
        model = PartyOrganization
        fields = ["kind", "name", "parent", "members"]
        widgets = {"members": forms.SelectMultiple(attrs={"size": 12})}
        help_texts = {"members": "按住 Ctrl（手机上直接点选）可选择多名中共党员委员。"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = self.fields["members"]
        members.queryset = members.queryset.filter(party="cpc").order_by("name")
        members.label_from_instance = _member_label
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)


def _member_label(member: Member) -> str:
    return f"{member.name}（{member.get_position_display()}）"


class ImportForm(StyledForm):
    file = forms.FileField(label="名册文件（XLSX）", error_messages={"required": "请选择要导入的 XLSX 文件。"})
    create_accounts = forms.BooleanField(label="同时开通账号", required=False)


class RosterFilter(MemberFilter):
    """MemberFilter with its id filters shown as selects of the committee's own rows."""

    _SELECTS = {"sector": Sector, "special_committee": SpecialCommittee, "group": MemberGroup, "term": Term}

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.form.fields
        for name, model in self._SELECTS.items():
            rows = visible_to(model.objects.all(), viewer)
            fields[name] = forms.TypedChoiceField(
                label=fields[name].label,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "全部")] + [(row.pk, str(row)) for row in rows],
            )
        for name, choices in (
            ("position", Member.Position.choices),
            ("party", Member.Party.choices),
            ("status", Member.Status.choices),
            ("gender", Member.Gender.choices),
        ):
            fields[name] = forms.ChoiceField(label=fields[name].label, required=False, choices=[("", "全部"), *choices])
        fields["q"].widget.attrs.update(placeholder="姓名或工作单位", maxlength=50)
        style_widgets(self.form)
