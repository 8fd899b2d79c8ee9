"""Factories of the ledger: a plan, its items and progress reports."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from luzhi.ledger.models import Plan, PlanItem, ProgressReport
from luzhi.org.models import Member
from tests import factories as f


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    committee = factory.SubFactory(f.CommitteeFactory)
    year = 2026
    title = factory.Sequence(lambda n: f"2026年度协商工作计划{n}")
    approved_at = date(2026, 2, 10)


class PlanItemFactory(DjangoModelFactory):
    class Meta:
        model = PlanItem

    committee = factory.SubFactory(f.CommitteeFactory)
    plan = factory.SubFactory(PlanFactory, committee=factory.SelfAttribute("..committee"))
    kind = PlanItem.Kind.RESEARCH
    origin = PlanItem.Origin.PARTY
    title = factory.Sequence(lambda n: f"督办事项{n}")
    lead = factory.SubFactory(
        f.MemberFactory, committee=factory.SelfAttribute("..committee"), position=Member.Position.VICE_CHAIR
    )
    responsible = factory.SubFactory(f.SpecialCommitteeFactory, committee=factory.SelfAttribute("..committee"))
    deadline = date(2026, 10, 31)
    progress = 0


class ProgressReportFactory(DjangoModelFactory):
    class Meta:
        model = ProgressReport

    committee = factory.SelfAttribute("item.committee")
    item = factory.SubFactory(PlanItemFactory)
    progress = 50
    date = date(2026, 5, 10)
