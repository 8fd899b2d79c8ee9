"""Forms of the research pages."""

from __future__ import annotations

from typing import Any

from luzhi.core.pages import ServiceModelForm
from luzhi.core.scoping import visible_to
from luzhi.org.models import Member, SpecialCommittee
from luzhi.research.models import ResearchTopic


class TopicForm(ServiceModelForm):
    class Meta:
        model = ResearchTopic
        fields = ["year", "title", "lead", "special_committee"]

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leaders = Member.objects.filter(position__in=Member.LEADER_POSITIONS, status=Member.Status.ACTIVE)
        self.fields["lead"].queryset = visible_to(leaders, viewer).order_by("id")
        self.fields["special_committee"].queryset = visible_to(SpecialCommittee.objects.all(), viewer)
