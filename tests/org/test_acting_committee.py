"""Which committee a user acts for: one rule (committee_acted_for) behind pages, the API base and scoring."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from luzhi.org.selectors import acting_committee, committee_acted_for, committee_id_acted_for

pytestmark = pytest.mark.django_db


def test_an_account_acts_for_its_own_committee_whatever_it_names(committee, other_committee, users):
    assert committee_acted_for(viewer=users["office"], requested=other_committee.pk) == committee
    assert acting_committee(viewer=users["office"]) == committee
    assert committee_id_acted_for(viewer=users["office"], requested=other_committee.pk) == committee.pk


def test_a_superuser_acts_for_the_only_county_or_the_one_named(committee, superuser):
    assert committee_acted_for(viewer=superuser) == committee
    assert committee_acted_for(viewer=superuser, requested=str(committee.parent_id)) == committee.parent
    assert committee_id_acted_for(viewer=superuser, requested=committee.parent_id) == committee.parent_id


@pytest.mark.parametrize("requested", ["999999", "abc", "-1"])
def test_a_superuser_naming_no_committee_that_exists_is_told_so(committee, superuser, requested):
    with pytest.raises(ValidationError) as caught:
        committee_acted_for(viewer=superuser, requested=requested)
    assert caught.value.message_dict == {"committee": ["所属政协不存在。"]}


def test_with_two_counties_a_superuser_must_name_one(committee, other_committee, superuser, api):
    with pytest.raises(ValidationError) as caught:
        committee_acted_for(viewer=superuser)
    assert caught.value.message_dict == {"committee": ["请指定所属政协。"]}
    with pytest.raises(Http404):
        acting_committee(viewer=superuser)
    client = api(superuser)
    assert client.get("/api/v1/scores/?year=2026").json() == {"committee": ["请指定所属政协。"]}
    assert "committee" not in client.get(f"/api/v1/scores/?year=2026&committee={other_committee.pk}").json()
