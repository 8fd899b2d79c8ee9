"""Forms of the proposal pages."""

from __future__ import annotations

from typing import Any

from django import forms

from luzhi.core.once import once_field
from luzhi.core.pages import VersionedModelForm
from luzhi.proposals.models import Proposal


class ProposalForm(VersionedModelForm):
    once = once_field()
    confirm_duplicate = forms.BooleanField(label="我确认这不是重复提交", required=False)

    class Meta:
        model = Proposal
        fields = ["title", "category", "submitter_type", "reason", "suggestions"]
        widgets = {
            "title": forms.TextInput(attrs={"class": "form-control", "placeholder": "关于……的建议"}),
            "category": forms.Select(attrs={"class": "form-select"}),
            "submitter_type": forms.Select(attrs={"class": "form-select"}),
            "reason": forms.Textarea(attrs={"class": "form-control", "rows": 6}),
            "suggestions": forms.Textarea(attrs={"class": "form-control", "rows": 6}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submitter_type"].choices = [
            (Proposal.SubmitterType.MEMBER, "委员个人"),
            (Proposal.SubmitterType.JOINT, "委员联名"),
        ]
