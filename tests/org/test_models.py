"""The organisation models' own rules, as full_clean() enforces them for every front door."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from luzhi.org.models import Committee, Liaison, Member, PartyOrganization, Term
from tests import factories as f

pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


class TestCommittee:
    def test_a_lower_committee_must_have_a_lower_level_than_its_parent(self):
        city = f.CommitteeFactory(level=Committee.Level.CITY)
        assert "level" in errors_of(Committee(name="错层", level=Committee.Level.CITY, parent=city))
        assert "level" in errors_of(Committee(name="倒挂", level=Committee.Level.PROVINCE, parent=city))
        Committee(name="县", level=Committee.Level.COUNTY, parent=city).full_clean()

    def test_a_committee_cannot_rise_to_the_level_of_its_children(self):
        city = f.CommitteeFactory(level=Committee.Level.CITY)
        f.CommitteeFactory(level=Committee.Level.COUNTY, parent=city)
        city.level = Committee.Level.COUNTY
        assert "level" in errors_of(city)

    def test_a_committee_cannot_be_its_own_parent_or_its_descendants_child(self):
        province = f.CommitteeFactory(level=Committee.Level.PROVINCE)
        city = f.CommitteeFactory(level=Committee.Level.CITY, parent=province)
        province.parent = province
        assert "parent" in errors_of(province)
        province.parent = city
        assert "parent" in errors_of(province)

    def test_path_follows_the_tree_and_moves_the_whole_subtree_when_reparented(self):
        province = f.CommitteeFactory(level=Committee.Level.PROVINCE)
        city_a = f.CommitteeFactory(level=Committee.Level.CITY, parent=province)
        city_b = f.CommitteeFactory(level=Committee.Level.CITY, parent=province)
        county = f.CommitteeFactory(level=Committee.Level.COUNTY, parent=city_a)
        assert county.path == f"/{province.pk}/{city_a.pk}/{county.pk}/"

        county.parent = city_b
        county.save()
        assert Committee.objects.get(pk=county.pk).path == f"/{province.pk}/{city_b.pk}/{county.pk}/"

        other_province = f.CommitteeFactory(level=Committee.Level.PROVINCE)
        city_b.parent = other_province
        city_b.save()
        county.refresh_from_db()
        assert county.path == f"/{other_province.pk}/{city_b.pk}/{county.pk}/"
        assert county.ancestor_ids() == [other_province.pk, city_b.pk, county.pk]
        assert set(Committee.objects.filter(path__startswith=city_b.path)) == {city_b, county}


class TestTerm:
    def test_a_term_ends_after_it_starts(self):
        committee = f.CommitteeFactory()
        same_day = Term(committee=committee, number=10, start=date(2022, 1, 1), end=date(2022, 1, 1))
        assert "end" in errors_of(same_day)
        Term(committee=committee, number=10, start=date(2022, 1, 1), end=date(2027, 1, 1)).full_clean()

    def test_term_names_read_in_chinese(self):
        assert [str(Term(number=n)) for n in (9, 10, 13, 21, 120)] == [
            "第九届",
            "第十届",
            "第十三届",
            "第二十一届",
            "第120届",
        ]


class TestMember:
    def test_relations_must_belong_to_the_members_committee(self):
        mine, theirs = f.CommitteeFactory(), f.CommitteeFactory()
        member = f.MemberFactory.build(
            committee=mine,
            sector=f.SectorFactory(committee=theirs),
            special_committee=f.SpecialCommitteeFactory(committee=theirs),
            group=f.MemberGroupFactory(committee=theirs),
            term=f.TermFactory(committee=theirs),
        )
        assert set(errors_of(member)) >= {"sector", "special_committee", "group", "term"}

    def test_name_and_birth_date_are_unique_within_a_committee(self):
        first = f.MemberFactory(name="王芳", birth_date=date(1970, 5, 1))
        twin = f.MemberFactory.build(committee=first.committee, name="王芳", birth_date=date(1970, 5, 1))
        assert "该委员已存在" in str(errors_of(twin))
        f.MemberFactory.build(committee=first.committee, name="王芳", birth_date=date(1971, 5, 1)).full_clean()
        f.MemberFactory.build(committee=f.CommitteeFactory(), name="王芳", birth_date=date(1970, 5, 1)).full_clean()

    @pytest.mark.parametrize(
        ("position", "leader", "standing"),
        [
            (Member.Position.CHAIR, True, True),
            (Member.Position.VICE_CHAIR, True, True),
            (Member.Position.SECRETARY_GENERAL, True, True),
            (Member.Position.STANDING, False, True),
            (Member.Position.MEMBER, False, False),
        ],
    )
    def test_leaders_are_the_chair_meeting(self, position, leader, standing):
        member = Member(position=position)
        assert (member.is_leader, member.is_standing) == (leader, standing)

    def test_a_bad_phone_is_rejected(self):
        assert "phone" in errors_of(f.MemberFactory.build(committee=f.CommitteeFactory(), phone="12345"))


class TestLiaison:
    @pytest.fixture
    def people(self):
        committee = f.CommitteeFactory()

        def make(**kw):
            return f.MemberFactory(committee=committee, **kw)

        return committee, {
            "cpc": make(party="cpc"),
            "cdl": make(party="cdl"),
            "chair": make(position=Member.Position.CHAIR, party="cpc"),
            "standing": make(position=Member.Position.STANDING),
            "member": make(position=Member.Position.MEMBER),
        }

    @pytest.mark.parametrize(
        ("kind", "giver", "receiver", "bad"),
        [
            (Liaison.Kind.PARTY_TO_NONPARTY, "cpc", "cdl", None),
            (Liaison.Kind.PARTY_TO_NONPARTY, "cdl", "member", "from_member"),
            (Liaison.Kind.PARTY_TO_NONPARTY, "chair", "cpc", "to_member"),
            (Liaison.Kind.LEADER_TO_STANDING, "chair", "standing", None),
            (Liaison.Kind.LEADER_TO_STANDING, "standing", "standing2", "from_member"),
            (Liaison.Kind.LEADER_TO_STANDING, "chair", "member", "to_member"),
            (Liaison.Kind.STANDING_TO_MEMBER, "standing", "member", None),
            (Liaison.Kind.STANDING_TO_MEMBER, "chair", "member", None),
            (Liaison.Kind.STANDING_TO_MEMBER, "member", "cdl", "from_member"),
            (Liaison.Kind.STANDING_TO_MEMBER, "standing", "standing2", "to_member"),
        ],
    )
    def test_each_kind_fixes_who_may_give_and_receive(self, people, kind, giver, receiver, bad):
        committee, p = people
        p["standing2"] = f.MemberFactory(committee=committee, position=Member.Position.STANDING)
        liaison = Liaison(committee=committee, kind=kind, from_member=p[giver], to_member=p[receiver])
        if bad is None:
            liaison.full_clean()
        else:
            assert bad in errors_of(liaison)

    def test_nobody_liaises_with_themselves(self, people):
        committee, p = people
        liaison = Liaison(
            committee=committee,
            kind=Liaison.Kind.STANDING_TO_MEMBER,
            from_member=p["standing"],
            to_member=p["standing"],
        )
        assert errors_of(liaison) == {"to_member": ["不能联系自己。"]}

    def test_both_sides_belong_to_the_liaisons_committee(self, people):
        committee, p = people
        outsider = f.MemberFactory(party="cdl")
        liaison = Liaison(
            committee=committee, kind=Liaison.Kind.PARTY_TO_NONPARTY, from_member=p["cpc"], to_member=outsider
        )
        assert "to_member" in errors_of(liaison)

    def test_receivers_are_the_active_members_on_the_receiving_side(self, people):
        committee, p = people
        f.MemberFactory(committee=committee, party="cdl", status=Member.Status.RESIGNED)
        receivers = set(Liaison.receivers(Liaison.Kind.PARTY_TO_NONPARTY, Member.objects.filter(committee=committee)))
        assert receivers == {p["cdl"], p["standing"], p["member"]}


class TestPartyOrganization:
    def test_the_parent_belongs_to_the_same_committee(self):
        parent = f.PartyOrganizationFactory()
        child = PartyOrganization(committee=f.CommitteeFactory(), kind="branch", name="支部", parent=parent)
        assert "parent" in errors_of(child)

    def test_no_organisation_is_its_own_ancestor(self):
        top = f.PartyOrganizationFactory(kind=PartyOrganization.Kind.PARTY_GROUP)
        branch = f.PartyOrganizationFactory(committee=top.committee, parent=top)
        top.parent = top
        assert "parent" in errors_of(top)
        top.parent = branch
        assert "parent" in errors_of(top)
        PartyOrganization.objects.get(pk=branch.pk).full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("born", "message"), [(date(2030, 1, 1), "出生日期不能晚于今天"), (date(1899, 1, 1), "不能早于1900年")]
)
def test_a_birth_date_that_cannot_be_true_is_refused_naming_the_field(born, message):
    member = f.MemberFactory.build(committee=f.CommitteeFactory(), birth_date=born)
    with pytest.raises(ValidationError) as caught:
        member.full_clean()
    assert message in str(caught.value.message_dict["birth_date"])
