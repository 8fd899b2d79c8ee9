"""Forms of the activity pages; related choices come from the viewer's committee only."""

from __future__ import annotations

from typing import Any

from django import forms

from luzhi.activities.models import Activity, ReadingLog
from luzhi.org.forms import ScopedModelForm
from luzhi.org.models import Member


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

    class Meta:
        model = Activity
        fields = ["kind", "title", "start", "end", "days", "location", "station", "special_committee", "group"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].required = False
        self.fields["study"].widget.attrs.pop("class", None)
        if self.instance.pk:
            self.initial["study"] = self.instance.study
            self.initial["participants"] = list(self.instance.attendance.values_list("member_id", flat=True))


class ReadingLogForm(ScopedModelForm):
    class Meta:
        model = ReadingLog
        fields = ["kind", "title", "date"]


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label="请假事由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )


class InviteForm(forms.Form):
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
