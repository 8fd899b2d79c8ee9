"""Forms of the activity pages; related choices come from the viewer's committee only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from luzhi.activities.models import Activity, ReadingLog, Vote
from luzhi.core.pages import PlainForm
from luzhi.ledger.models import PlanItem
from luzhi.org.forms import ScopedModelForm
from luzhi.org.models import Committee, Member, SpecialCommittee

DATETIME_INPUTS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class SignInForm(PlainForm):
    code = forms.RegexField(
        label="签到码",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "签到码是会场屏幕上的6位数字。", "required": "请输入签到码。"},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6, "class": "form-control"}
        ),
    )


class ActivityForm(ScopedModelForm):
    study = forms.MultipleChoiceField(
        label="学习内容", choices=Activity.Study.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    participants = forms.ModelMultipleChoiceField(
        label="参加委员",
        queryset=Member.objects.filter(status=Member.Status.ACTIVE).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="可在保存后按专委会、小组、界别或全体常委批量邀请。",
    )

    starts_at = forms.DateTimeField(
        label="开始时间",
        required=False,
        input_formats=DATETIME_INPUTS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="会议请填写时间；全天活动（如视察）只填日期。",
    )
    ends_at = forms.DateTimeField(
        label="结束时间",
        required=False,
        input_formats=DATETIME_INPUTS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "start",
            "end",
            "days",
            "location",
            "station",
            "special_committee",
            "group",
        ]
        labels = {"location": "会场/地点"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].required = False
        self.fields["start"].required = False
        self.fields["end"].required = False
        self.fields["study"].widget.attrs.pop("class", None)
        if self.instance.pk:
            self.initial["study"] = self.instance.study
            self.initial["participants"] = list(self.instance.attendance.values_list("member_id", flat=True))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if ends_at and not starts_at:
            self.add_error("starts_at", "请同时填写开始时间。")
        elif starts_at:
            data["start"] = timezone.localdate(starts_at)
            data["end"] = timezone.localdate(ends_at or starts_at)
            data["ends_at"] = ends_at or starts_at
        elif not data.get("start") and "start" not in self.errors:
            self.add_error("start", "请填写开始日期（全天活动）或开始时间（会议）。")
        elif not data.get("end") and "end" not in self.errors:
            data["end"] = data.get("start")
        return data


class ReadingLogForm(ScopedModelForm):
    class Meta:
        model = ReadingLog
        fields = ["kind", "title", "date"]


class LeaveForm(PlainForm):
    reason = forms.CharField(
        label="请假事由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )


class InviteForm(PlainForm):
    by = forms.ChoiceField(
        label="批量邀请",
        choices=[
            ("special_committee", "按专委会"),
            ("group", "按委员小组"),
            ("sector", "按界别"),
            ("standing", "全体常委"),
            ("all", "全体委员"),
        ],
    )
    id = forms.IntegerField(required=False, min_value=1)


class VoteForm(PlainForm):
    title = forms.CharField(label="表决事项", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=Vote.Kind.choices)
    method = forms.ChoiceField(label="方式", choices=Vote.Method.choices)
    threshold = forms.ChoiceField(label="通过标准", choices=Vote.Threshold.choices, initial="majority_of_electorate")
    options = forms.CharField(
        label="候选人",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="选举时填写，每行一人；决议表决留空。",
    )
    max_choices = forms.IntegerField(label="应选人数", required=False, min_value=1, max_value=200)

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("options", "").splitlines() if line.strip()]


class DecisionForm(PlainForm):
    """A decision (议定事项) of a meeting."""

    text = forms.CharField(
        label="议定事项",
        max_length=1000,
        error_messages={"required": "请填写议定事项。", "max_length": "不能超过1000字。"},
    )
    responsible = forms.CharField(
        label="责任单位（人）", max_length=200, required=False, error_messages={"max_length": "不能超过200字。"}
    )
    due = forms.DateField(label="完成时限", required=False, error_messages={"invalid": "请填写日期（年-月-日）。"})


class DecisionPlanItemForm(PlainForm):
    """Turning a decision into a ledger plan item: its lead, responsible special committee, kind and deadline."""

    lead = forms.ModelChoiceField(
        label="牵头领导", queryset=Member.objects.none(), error_messages={"required": "请选择牵头领导。"}
    )
    responsible = forms.ModelChoiceField(
        label="责任专委会", queryset=SpecialCommittee.objects.none(), error_messages={"required": "请选择责任专委会。"}
    )
    kind = forms.ChoiceField(label="类型", choices=PlanItem.Kind.choices, initial=PlanItem.Kind.OTHER)
    deadline = forms.DateField(label="完成时限", required=False, error_messages={"invalid": "请填写日期（年-月-日）。"})

    def __init__(self, *args: Any, committee: Committee, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the meeting's own committee: a forged id of another committee is "not a valid choice".
        self.fields["lead"].queryset = Member.objects.filter(committee=committee)  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = SpecialCommittee.objects.filter(committee=committee)  # type: ignore[attr-defined]
        for name in ("lead", "responsible"):
            self.fields[name].error_messages["invalid_choice"] = f"请从本政协中选择{self.fields[name].label}。"


def _count_errors(label: str) -> dict[str, str]:
    """Plain messages for a whole number from 1 to 999 (Django's own say "确保该值大于或等于1")."""
    return {
        "required": f"请填写{label}。",
        "invalid": f"{label}应为整数。",
        "min_value": f"{label}至少为1。",
        "max_value": f"{label}不能超过999。",
    }


class HallForm(PlainForm):
    """The hall of a meeting for its seating: name, rows, seats per row and an optional aisle."""

    hall = forms.CharField(
        label="会场名称",
        max_length=100,
        error_messages={"required": "请填写会场名称。", "max_length": "不能超过100字。"},
    )
    rows = forms.IntegerField(label="排数", min_value=1, max_value=999, error_messages=_count_errors("排数"))
    seats_per_row = forms.IntegerField(
        label="每排座位数", min_value=1, max_value=999, error_messages=_count_errors("每排座位数")
    )
    aisle_after = forms.IntegerField(
        label="过道位置", min_value=1, max_value=999, required=False, error_messages=_count_errors("过道位置")
    )
