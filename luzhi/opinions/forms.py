"""Forms of the opinion pages: reports, handling steps, grassroots records, bulletins."""

from __future__ import annotations

from typing import Any

from django import forms

from luzhi.core.once import once_field
from luzhi.core.pages import StyledForm
from luzhi.core.scoping import visible_to
from luzhi.opinions.models import CONTENT_MAX, Level
from luzhi.org.models import Member, Station


class ReportForm(StyledForm):
    title = forms.CharField(label="标题", max_length=200)
    content = forms.CharField(
        label="正文",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=f"一事一报，情况、问题、建议，不超过{CONTENT_MAX}字。",
    )
    author = forms.ModelChoiceField(label="作者（委员）", queryset=Member.objects.none(), required=False)
    once = once_field()

    def __init__(self, *args: Any, user: Any, with_author: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_author:
            self.fields["author"].queryset = visible_to(Member.objects.all(), user).filter(status=Member.Status.ACTIVE)
        else:
            del self.fields["author"]


class AdoptForm(StyledForm):
    issue = forms.CharField(label="期号", max_length=50, required=False, help_text="如：2026年第5期")


class InstructionForm(StyledForm):
    level = forms.ChoiceField(label="批示层级", choices=[("", "请选择"), *Level.choices])
    leader = forms.CharField(label="批示领导", max_length=100)
    text = forms.CharField(label="批示内容", widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(StyledForm):
    reason = forms.CharField(label="不予采用的理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class SendForm(StyledForm):
    recipient = forms.CharField(label="报送单位", max_length=200, help_text="如：县委办公室、县政府办公室")


class GrassrootsForm(StyledForm):
    member = forms.ModelChoiceField(label="委员", queryset=Member.objects.none(), required=False)
    station = forms.ModelChoiceField(label="站室", queryset=Station.objects.none(), required=False)
    citizen = forms.CharField(label="群众", max_length=100, help_text="姓名或称呼、村组")
    demand = forms.CharField(label="诉求（原话记录）", widget=forms.Textarea(attrs={"rows": 5}))
    due_date = forms.DateField(
        label="回应期限", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="默认15天后"
    )
    follow_up = forms.CharField(label="跟进责任人", max_length=100, required=False)
    once = once_field()

    def __init__(self, *args: Any, user: Any, on_behalf: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = visible_to(Station.objects.all(), user)
        if on_behalf:
            self.fields["member"].queryset = visible_to(Member.objects.all(), user).filter(status=Member.Status.ACTIVE)
            self.fields["member"].required = True
        else:
            del self.fields["member"]


class RespondForm(StyledForm):
    text = forms.CharField(label="回应内容", widget=forms.Textarea(attrs={"rows": 3}))


class ToOpinionForm(StyledForm):
    title = forms.CharField(label="信息标题", max_length=200)


class BulletinForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    number = forms.IntegerField(label="期号", min_value=1, max_value=999)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label="刊名", max_length=100, initial="社情民意")
