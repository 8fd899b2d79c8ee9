"""Forms of the proposal pages."""

from __future__ import annotations

from typing import Any

from django import forms

from luzhi.core.once import once_field
from luzhi.core.pages import VersionedModelForm
from luzhi.core.scoping import visible_to
from luzhi.core.text import pinyin_key
from luzhi.org.models import Member
from luzhi.proposals.models import Cosignature, Proposal


def search_key(name: str) -> str:
    """What a list's filter box matches: the name, its pinyin and its initials (县住建局 → xzjj)."""
    syllables = pinyin_key(name)[0].split()
    return f"{name} {''.join(syllables)} {''.join(s[0] for s in syllables if s)}".lower()


class ProposalForm(VersionedModelForm):
    once = once_field()
    confirm_duplicate = forms.BooleanField(label="我确认这不是重复提交", required=False)
    cosigners = forms.ModelMultipleChoiceField(
        label="联名委员", queryset=Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

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

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submitter_type"].choices = [
            (Proposal.SubmitterType.MEMBER, "委员个人"),
            (Proposal.SubmitterType.JOINT, "委员联名"),
        ]
        self.fields["category"].choices = [("", "请选择"), *Proposal.Category.choices]
        self.fields["category"].error_messages["required"] = "请选择类别。"
        # Cosigners are members of the same committee, active, other than the lead.
        members = (
            visible_to(Member.objects.all(), user)
            .filter(status=Member.Status.ACTIVE)
            .exclude(pk=getattr(user, "member_id", None) or 0)
        )
        self.fields["cosigners"].queryset = members
        invited: set[int] = set()
        if self.is_bound:
            invited = {int(v) for v in self.data.getlist("cosigners") if str(v).isdigit()}  # type: ignore[attr-defined]  # a QueryDict
        elif self.instance.pk:
            invited = set(
                self.instance.cosignatures.filter(source=Cosignature.Source.COSIGN).values_list("member_id", flat=True)
            )
            self.initial["cosigners"] = sorted(invited)
        self.cosigner_rows = [
            {"pk": m.pk, "name": m.name, "search": search_key(m.name), "checked": m.pk in invited}
            for m in sorted(members, key=lambda m: pinyin_key(m.name))
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("submitter_type") == Proposal.SubmitterType.JOINT and not cleaned.get("cosigners"):
            self.add_error("cosigners", "委员联名请至少邀请一位联名委员。")
        return cleaned
