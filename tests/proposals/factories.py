import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from luzhi.proposals.models import Proposal
from tests.factories import CommitteeFactory, MemberFactory


class ProposalFactory(DjangoModelFactory):
    class Meta:
        model = Proposal

    committee = factory.SubFactory(CommitteeFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.Sequence(lambda n: f"关于第{n}项民生事项的建议")
    reason = "群众反映强烈，亟待解决。"
    suggestions = "建议有关部门研究解决。"
    category = Proposal.Category.SOCIAL
    lead = factory.SubFactory(MemberFactory, committee=factory.SelfAttribute("..committee"))
    status = Proposal.Status.DRAFT
