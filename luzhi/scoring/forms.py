"""Forms of the scoring pages."""

from django import forms

from luzhi.core.pages import StyledForm


class AppealForm(StyledForm):
    entry = forms.CharField(widget=forms.HiddenInput, max_length=100)
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)
    reason = forms.CharField(label="申诉理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AcceptForm(StyledForm):
    points = forms.DecimalField(label="调整分值", max_digits=8, decimal_places=2, min_value=-1000, max_value=1000)
    reason = forms.CharField(label="处理意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RefuseForm(StyledForm):
    reason = forms.CharField(label="未采纳理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
