"""Account rules: each role's required link, and the password policy."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from luzhi.accounts.models import User
from luzhi.core.roles import Role
from luzhi.org.models import Member
from tests import factories as f

pytestmark = pytest.mark.django_db


def errors_of(user: User) -> dict:
    with pytest.raises(ValidationError) as caught:
        user.full_clean(exclude=["password"])
    return caught.value.message_dict


@pytest.fixture
def org(committee):
    return {
        "leader": f.MemberFactory(committee=committee, position=Member.Position.CHAIR),
        "member": f.MemberFactory(committee=committee),
        "unit": f.UnitFactory(committee=committee),
        "special_committee": f.SpecialCommitteeFactory(committee=committee),
    }


@pytest.mark.parametrize(
    ("role", "link"),
    [
        (Role.LEADER, "member"),
        (Role.MEMBER, "member"),
        (Role.UNIT, "unit"),
        (Role.COMMITTEE_STAFF, "special_committee"),
    ],
)
def test_a_role_needs_its_link(committee, org, role, link):
    assert link in errors_of(User(username="x", role=role, committee=committee))
    key = "leader" if role == Role.LEADER else link
    User(username="x", role=role, committee=committee, **{link: org[key]}).full_clean(exclude=["password"])


def test_a_leader_account_needs_a_member_of_the_chair_meeting(committee, org):
    user = User(username="x", role=Role.LEADER, committee=committee, member=org["member"])
    assert "member" in errors_of(user)


def test_links_must_be_in_the_users_committee(committee, other_committee):
    user = User(username="x", role=Role.UNIT, committee=committee, unit=f.UnitFactory(committee=other_committee))
    assert errors_of(user)["unit"] == ["只能关联本政协的记录。"]


def test_a_user_needs_a_role_and_a_committee(db):
    assert {"role", "committee"} <= set(errors_of(User(username="x")))


def test_admin_roles_need_no_link(committee):
    for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR, Role.OFFICE):
        User(username="x", role=role, committee=committee).full_clean(exclude=["password"])


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Ab1!", False),  # too short
        ("abcdefghij", False),  # one class
        ("abcdefgh12", False),  # two classes
        ("Abcdefgh12", True),  # three classes, ten characters
        ("abcdefg#12", True),
        ("Abc#12", False),  # three classes but short
    ],
)
def test_password_policy_ten_characters_of_three_classes(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)
