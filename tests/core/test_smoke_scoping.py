import pytest

from luzhi.core.scoping import visible_to
from luzhi.org.models import Member
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_committee_sees_only_its_own_members(committee, other_committee, make_user):
    mine = f.MemberFactory(committee=committee)
    theirs = f.MemberFactory(committee=other_committee)
    office = make_user("office", committee)
    visible = set(visible_to(Member.objects.all(), office))
    assert mine in visible
    assert theirs not in visible


def test_a_unit_sees_no_members(committee, make_user):
    f.MemberFactory(committee=committee)
    unit_user = make_user("unit", committee)
    assert not visible_to(Member.objects.all(), unit_user).exists()
