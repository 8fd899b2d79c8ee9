"""Forms of the members' channels; the services check the rules, the forms only the fields."""

from __future__ import annotations

from typing import Any

from django import forms

from luzhi.core.pages import ServiceModelForm, StyledForm
from luzhi.core.scoping import visible_to
from luzhi.org.models import Member, MemberGroup, Sector, SpecialCommittee
from luzhi.participation.models import ActivityGuest, Material, Notice, SelfReport, StudyEntry, Topic


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the services check each one's content and size."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def _files_field(label: str, accept: str) -> Any:  # a form field (named `files`, like BaseForm's attribute)
    return MultipleFileField(
        label=label,
        required=False,
        widget=MultipleFileInput(attrs={"accept": accept, "multiple": True}),
        help_text="可多选；每个文件不超过10MB。",
    )


class _AudienceForm(ServiceModelForm):
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, model in (("sector", Sector), ("special_committee", SpecialCommittee), ("group", MemberGroup)):
            self.fields[name].queryset = visible_to(model.objects.all(), user)
        if "members" in self.fields:
            self.fields["members"].queryset = visible_to(Member.objects.filter(status=Member.Status.ACTIVE), user)
            self.fields["members"].widget.attrs["size"] = 8


class NoticeForm(_AudienceForm):
    files = _files_field("附件", "image/*,.pdf,.doc,.docx,.xls,.xlsx,.wps,.ofd")

    class Meta:
        model = Notice
        fields = ["kind", "title", "body", "audience", "sector", "special_committee", "group", "members"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"members": "对象为“指定委员”时选择（按住 Ctrl 多选）。"}


class TopicForm(_AudienceForm):
    class Meta:
        model = Topic
        fields = ["title", "background", "materials", "audience", "sector", "special_committee", "group", "closes_on"]
        widgets = {
            "background": forms.Textarea(attrs={"rows": 5}),
            "materials": forms.Textarea(attrs={"rows": 3}),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [c for c in self.fields["audience"].choices if c[0] != "members"]


class PostForm(StyledForm):
    text = forms.CharField(label="我的建议", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(StyledForm):
    reason = forms.CharField(label="原因", max_length=500)


class SelfReportForm(ServiceModelForm):
    files = _files_field("照片或文档", "image/*,.pdf,.doc,.docx,.wps,.ofd")

    class Meta:
        model = SelfReport
        fields = ["kind", "date", "place", "content"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "content": forms.Textarea(attrs={"rows": 5}),
        }


class GuestForm(ServiceModelForm):
    class Meta:
        model = ActivityGuest
        fields = ["name", "organisation", "role", "title"]


class MaterialForm(ServiceModelForm):
    class Meta:
        model = Material
        fields = ["kind", "title", "author", "summary", "body", "reading_kind", "recommended", "effective_on"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 8}),
            "effective_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class StudyForm(ServiceModelForm):
    class Meta:
        model = StudyEntry
        fields = ["kind", "date", "text"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 3}),
        }
