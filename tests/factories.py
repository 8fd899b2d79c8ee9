"""factory_boy factories for every model; exposed as fixtures in conftest."""

import factory
from factory.django import DjangoModelFactory

from luzhi.accounts.models import User
from luzhi.core.roles import Role
from luzhi.org.models import (
    Committee,
    Liaison,
    Member,
    MemberGroup,
    PartyOrganization,
    Sector,
    SpecialCommittee,
    Station,
    Term,
    Unit,
)

PASSWORD = "Test#2026pass"


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"测试{n}县政协")
    level = Committee.Level.COUNTY
    parent = None


class TermFactory(DjangoModelFactory):
    class Meta:
        model = Term

    committee = factory.SubFactory(CommitteeFactory)
    number = factory.Sequence(lambda n: 10 + n)
    start = factory.Faker("date_between", start_date="-5y", end_date="-4y")
    end = factory.Faker("date_between", start_date="+1y", end_date="+2y")


class _Named(DjangoModelFactory):
    committee = factory.SubFactory(CommitteeFactory)


class SectorFactory(_Named):
    class Meta:
        model = Sector

    name = factory.Sequence(lambda n: f"界别{n}")


class SpecialCommitteeFactory(_Named):
    class Meta:
        model = SpecialCommittee

    name = factory.Sequence(lambda n: f"专委会{n}")


class MemberGroupFactory(_Named):
    class Meta:
        model = MemberGroup

    name = factory.Sequence(lambda n: f"第{n}委员小组")


class UnitFactory(_Named):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"县第{n}局")


class StationFactory(_Named):
    class Meta:
        model = Station

    name = factory.Sequence(lambda n: f"第{n}委员工作站")
    kind = Station.Kind.WORKSTATION
    location = "城关镇"


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"委员{n}")
    gender = Member.Gender.MALE
    ethnicity = "汉族"
    birth_date = factory.Faker("date_of_birth", minimum_age=30, maximum_age=65)
    party = "none"
    position = Member.Position.MEMBER
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    status = Member.Status.ACTIVE


class LiaisonFactory(DjangoModelFactory):
    class Meta:
        model = Liaison

    committee = factory.SubFactory(CommitteeFactory)
    kind = Liaison.Kind.PARTY_TO_NONPARTY
    from_member = factory.SubFactory(MemberFactory, committee=factory.SelfAttribute("..committee"), party="cpc")
    to_member = factory.SubFactory(MemberFactory, committee=factory.SelfAttribute("..committee"), party="cdl")


class PartyOrganizationFactory(DjangoModelFactory):
    class Meta:
        model = PartyOrganization

    committee = factory.SubFactory(CommitteeFactory)
    kind = PartyOrganization.Kind.BRANCH
    name = factory.Sequence(lambda n: f"第{n}党支部")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.OFFICE
    committee = factory.SubFactory(CommitteeFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's signature
        if create:
            obj.save()
