"""The chain the opinion tests walk: county → city → province, and a sibling county."""

from typing import Any

import pytest

from luzhi.core.roles import Role
from luzhi.opinions import services
from luzhi.opinions.models import OpinionReport


@pytest.fixture
def city(committee):
    return committee.parent


@pytest.fixture
def province(committee):
    return committee.parent.parent


@pytest.fixture
def offices(committee, other_committee, make_user) -> dict[str, Any]:
    """One office user per committee of the chain, plus the sibling county's."""
    return {
        "county": make_user(Role.OFFICE, committee),
        "city": make_user(Role.OFFICE, committee.parent),
        "province": make_user(Role.OFFICE, committee.parent.parent),
        "sibling": make_user(Role.OFFICE, other_committee),
    }


@pytest.fixture
def member_user(committee, make_user):
    return make_user(Role.MEMBER, committee)


@pytest.fixture
def report(committee, member_user) -> OpinionReport:
    """A report a county member submitted."""
    return services.opinion_submit(
        actor=member_user,
        committee=committee,
        title="关于农村饮水安全的建议",
        content="部分村组自来水水压不足。\n建议加快管网改造。",
        author=member_user.member,
    )
