"""Factories of research: topics and the activities their steps point at."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from luzhi.activities.models import Activity
from luzhi.org.models import Member
from luzhi.research.models import ResearchTopic
from tests import factories as f


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    committee = factory.SubFactory(f.CommitteeFactory)
    kind = Activity.Kind.RESEARCH_VISIT
    title = factory.Sequence(lambda n: f"实地调研{n}")
    start = date(2026, 5, 10)
    end = date(2026, 5, 11)


class ResearchTopicFactory(DjangoModelFactory):
    class Meta:
        model = ResearchTopic

    committee = factory.SubFactory(f.CommitteeFactory)
    year = 2026
    title = factory.Sequence(lambda n: f"调研课题{n}")
    lead = factory.SubFactory(
        f.MemberFactory, committee=factory.SelfAttribute("..committee"), position=Member.Position.VICE_CHAIR
    )
    special_committee = factory.SubFactory(f.SpecialCommitteeFactory, committee=factory.SelfAttribute("..committee"))
