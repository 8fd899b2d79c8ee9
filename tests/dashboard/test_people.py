"""People are credited by their real names on pages ({{ user|person }}), without a query per row."""

import pytest
from django.test import Client
from django.utils import timezone

from luzhi.accounts.models import User
from luzhi.activities.models import LeaveRequest
from luzhi.dashboard.templatetags.people import person
from tests.scoring import factories as sf

pytestmark = pytest.mark.django_db


def test_person_is_the_members_name_or_the_full_name(users, django_assert_num_queries):
    member_user = User.objects.select_related("member").get(pk=users["member"].pk)
    office = users["office"]
    office.first_name, office.last_name = "明", "李"
    office.save()
    with django_assert_num_queries(0):
        assert person(member_user) == member_user.member.name
        assert person(office) == office.get_full_name()
        assert person(None) == ""
    bare = User.objects.get(pk=users["office"].pk)
    bare.first_name = bare.last_name = ""
    assert person(bare) == bare.username


def test_a_decided_leave_shows_who_decided_by_name(users, committee):
    office = users["office"]
    office.first_name, office.last_name = "明", "李"
    office.save()
    member = users["member"].member
    act = sf.activity(committee, "consultation_monthly", timezone.localdate())
    LeaveRequest.objects.create(
        committee=committee,
        activity=act,
        member=member,
        reason="出差",
        status="approved",
        decided_by=office,
        decided_at=timezone.now(),
    )
    client = Client()
    client.force_login(office)
    html = client.get("/activities/leave/?all=1").content.decode()
    assert office.get_full_name() in html
