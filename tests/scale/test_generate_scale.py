"""manage.py generate_scale: valid, deterministic data that every main page can show."""

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from django.test import Client

from luzhi.accounts.models import User
from luzhi.activities.models import Activity, Attendance, ReadingLog
from luzhi.ledger.models import PlanItem
from luzhi.opinions.models import OpinionReport
from luzhi.org.models import Committee, Member
from luzhi.proposals.models import Proposal, Reply
from luzhi.research.models import ResearchTopic
from luzhi.scale import province as scale

pytestmark = pytest.mark.django_db
ROLES = ("office", "leader", "member", "unit")


def _fingerprint() -> list[Any]:
    """What the data says, without ids (sequences are not rolled back, so ids may shift)."""
    return [
        list(Committee.objects.order_by("id").values_list("name", "level", "parent__name")),
        list(Member.objects.order_by("id").values_list("committee__name", "name", "birth_date", "position", "phone")),
        list(Activity.objects.order_by("id").values_list("kind", "title", "start", "days")),
        list(Attendance.objects.order_by("id").values_list("member__name", "status")[:2000]),
        list(Proposal.objects.order_by("id").values_list("year", "number", "title", "status", "lead__name")),
        list(OpinionReport.objects.order_by("id").values_list("title", "status", "holder__name")),
        Attendance.objects.count(),
        ReadingLog.objects.count(),
    ]


def test_layout_scales_the_province_down() -> None:
    tree = scale.layout(100)
    assert [level for level, _ in tree].count("province") == 1
    assert [level for level, _ in tree].count("city") == 14
    assert [level for level, _ in tree].count("county") == 85
    assert all(tree[parent][0] == "city" for level, parent in tree if level == "county")
    assert [level for level, _ in scale.layout(3)] == ["province", "city", "county"]
    assert [level for level, _ in scale.layout(1)] == ["province"]
    with pytest.raises(ValueError):
        scale.layout(0)


def test_same_arguments_same_data() -> None:
    with transaction.atomic():
        call_command("generate_scale", committees=1, years=1, verbosity=0, stdout=io.StringIO())
        first = _fingerprint()
        transaction.set_rollback(True)
    assert not Committee.objects.exists()
    out = io.StringIO()
    call_command("generate_scale", committees=1, years=1, stdout=out)
    assert "[1/1]" in out.getvalue()  # progress is shown
    assert _fingerprint() == first
    assert len(first[1]) >= 150 and first[6] > 1000
    with pytest.raises(CommandError, match="已有"):
        call_command("generate_scale", committees=1, years=1, verbosity=0, stdout=io.StringIO())


def test_a_small_province_is_valid_and_every_main_page_shows_it() -> None:
    call_command("generate_scale", committees=3, years=1, verbosity=0, stdout=io.StringIO())
    county = Committee.objects.get(level="county")
    assert county.parent.level == "city" and county.parent.parent.name == scale.PROVINCE_NAME
    assert county.path == f"{county.parent.path}{county.pk}/"
    for committee in Committee.objects.all():
        assert 150 <= Member.objects.filter(committee=committee).count() <= 600, committee
        assert 180 <= Activity.objects.filter(committee=committee).count() <= 320, committee
    members = Member.objects.filter(committee=county).count()
    assert 150 <= members <= 300
    assert 100 <= Proposal.objects.filter(committee=county).count() <= 300
    assert Reply.objects.filter(proposal__committee=county).exists()
    assert 150 <= OpinionReport.objects.filter(committee=county).count() <= 300
    assert ResearchTopic.objects.filter(committee=county).exists()
    assert PlanItem.objects.filter(committee=county).exists()
    assert ReadingLog.objects.filter(committee=county).count() > members
    # Rows hang together: attendance in its activity's committee, of that committee's members.
    assert not Attendance.objects.exclude(committee_id=F("activity__committee_id")).exists()
    assert not Attendance.objects.exclude(member__committee_id=F("committee_id")).exists()
    # Generated rows take ids below the sequences: a record created afterwards through the ORM works.
    Member.objects.create(committee=county, name="新委员", gender="F")
    # Four logins per committee with the known password.
    assert set(User.objects.filter(committee=county).values_list("role", flat=True)) == set(ROLES)
    assert User.objects.get(username="s0002_office").check_password(scale.PASSWORD)

    pages = {
        "office": [
            "/",
            "/org/members/",
            "/proposals/",
            "/activities/",
            "/api/v1/members/",
            "/api/v1/activities/",
            "/api/v1/proposals/",
            "/api/v1/opinions/",
            "/api/v1/reading-logs/",
            "/api/v1/research-topics/",
            "/api/v1/plan-items/",
        ],
        "leader": ["/", "/proposals/", "/activities/", "/api/v1/proposals/"],
        "member": ["/", "/proposals/", "/activities/", "/api/v1/proposals/", "/api/v1/reading-logs/"],
        "unit": ["/", "/proposals/", "/api/v1/proposals/"],
    }
    for role, paths in pages.items():
        client = Client()
        client.force_login(User.objects.get(username=f"s0002_{role}"))
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (role, path, response.status_code)
            if role == "office" and path.startswith("/api/"):
                assert response.json()["count"] > 0, path
