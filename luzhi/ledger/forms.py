"""Forms of the ledger's pages: plan, plan item, progress report, monthly plan."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from luzhi.core.pages import ServiceModelForm, StyledForm
from luzhi.core.scoping import visible_to
from luzhi.ledger.models import Plan, PlanItem
from luzhi.ledger.permissions import is_office
from luzhi.org.models import Member, SpecialCommittee


class ProgressForm(StyledForm):
    progress = forms.IntegerField(label="进度（%）", min_value=0, max_value=100)
    note = forms.CharField(label="进展情况", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    problems = forms.CharField(
        label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class MonthlyPlanForm(StyledForm):
    special_committee = forms.ModelChoiceField(label="专委会", queryset=SpecialCommittee.objects.none())
    tasks = forms.CharField(label="工作安排（每行一项）", widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = visible_to(SpecialCommittee.objects.all(), viewer)
        if not is_office(viewer):
            qs = qs.filter(pk=viewer.special_committee_id)
        self.fields["special_committee"].queryset = qs


class PlanForm(ServiceModelForm):
    class Meta:
        model = Plan
        fields = ["year", "title", "approved_at", "approved_by"]
        widgets = {"approved_at": forms.DateInput(attrs={"type": "date"})}


class PlanItemForm(ServiceModelForm):
    milestone_lines = forms.CharField(
        label="进度安排（每行：节点名称，YYYY-MM-DD）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = PlanItem
        fields = ["plan", "kind", "origin", "title", "lead", "responsible", "deadline"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leaders = Member.objects.filter(position__in=Member.LEADER_POSITIONS, status=Member.Status.ACTIVE)
        self.fields["plan"].queryset = visible_to(Plan.objects.all(), viewer)
        self.fields["lead"].queryset = visible_to(leaders, viewer).order_by("id")
        self.fields["responsible"].queryset = visible_to(SpecialCommittee.objects.all(), viewer)
        if self.instance.pk and not self.is_bound:
            self.initial["milestone_lines"] = "\n".join(f"{m['title']}，{m['due']}" for m in self.instance.milestones)

    def clean_milestone_lines(self) -> list[dict[str, str]]:
        milestones = []
        for n, line in enumerate(self.cleaned_data["milestone_lines"].splitlines(), start=1):
            if line.strip():
                title, _, due = line.replace("，", ",").rpartition(",")
                if not title.strip():
                    raise ValidationError(f"第{n}行应为“节点名称，YYYY-MM-DD”。")
                milestones.append({"title": title.strip(), "due": due.strip()})
        return milestones
