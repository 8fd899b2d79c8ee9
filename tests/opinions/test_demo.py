"""The demo chain: forwarded, adopted and instructed at three levels; idempotent."""

from luzhi.core.roles import Role
from luzhi.opinions.demo import demo_load
from luzhi.opinions.models import Bulletin, GrassrootsRecord, OpinionAdoption, OpinionReport
from tests import factories as f


def test_demo_chain(committee, make_user):
    for _ in range(10):
        f.MemberFactory(committee=committee)
    f.StationFactory(committee=committee)
    make_user(Role.OFFICE, committee)
    member_user = make_user(Role.MEMBER, committee, username="member")
    city_office = make_user(Role.OFFICE, committee.parent, username="city_office")
    make_user(Role.OFFICE, committee.parent.parent, username="province_office")

    created = demo_load(county=committee)
    assert created["opinions.opinionreport"] == 7
    top = OpinionReport.objects.get(author=member_user.member)
    assert [a.level for a in top.adoptions.all()] == ["county", "city", "province"]
    assert top.instructions.get().level == "city"
    assert top.original_content and top.edited_at
    statuses = set(OpinionReport.objects.values_list("status", flat=True))
    assert statuses == {"adopted", "forwarded", "rejected", "submitted"}
    assert OpinionReport.objects.filter(holder=committee.parent, status="forwarded").exists()
    assert GrassrootsRecord.objects.filter(status="responded").count() == 2
    assert sum(r.is_overdue for r in GrassrootsRecord.objects.all()) == 2
    assert Bulletin.objects.get().entries.count() == OpinionAdoption.objects.filter(committee=committee).count()
    # The city office sees only what came up to it.
    from luzhi.opinions.selectors import opinion_list

    assert opinion_list(viewer=city_office).count() == 3

    assert demo_load(county=committee) == {}
    assert OpinionReport.objects.count() == 7
