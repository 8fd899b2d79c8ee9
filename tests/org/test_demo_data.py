"""manage.py demo_data: the demo committee is complete, idempotent and valid.

The demo is loaded once for the module and rolled back after it; each test runs in its own
savepoint (the `db` fixture), so one test's edits do not reach the next. The runs that need an
empty database are in test_demo_data_fresh.py.
"""

from collections import Counter
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command

from luzhi.accounts.models import User
from luzhi.core.models import AuditEntry
from luzhi.core.roles import Role
from luzhi.org.demo import COUNTY, COUNTY_NAME, DEMO_PASSWORD
from luzhi.org.models import (
    Committee,
    Liaison,
    Member,
    MemberGroup,
    PartyOrganization,
    Sector,
    SpecialCommittee,
    Station,
    Unit,
)
from luzhi.org.selectors import liaison_coverage, party_coverage

pytestmark = pytest.mark.django_db

DEMOCRATIC = {"rcck", "cdl", "cndca", "capd", "cpwdp", "czgp", "jiusan", "tdsgl"}


def run_demo_data(*args: str) -> str:
    out = StringIO()
    call_command("demo_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _loaded(demo_database: Any, django_db_blocker: Any) -> Iterator[str]:
    """The command's run on an empty database (once per process, tests/demo_db.py); its output.

    Rolled back after the module; test_demo_data_fresh.py runs it on empty databases itself."""
    with django_db_blocker.unblock(), demo_database.use() as output:
        yield output


@pytest.fixture
def demo(_loaded: str, db: Any) -> Committee:
    return Committee.objects.get(name=COUNTY_NAME)


def row_counts() -> dict[str, int]:
    models = [
        Committee,
        Member,
        Liaison,
        PartyOrganization,
        Sector,
        SpecialCommittee,
        MemberGroup,
        Unit,
        Station,
    ]
    counts = {m.__name__: m.objects.count() for m in models}
    counts["User"] = User.objects.count()
    counts["PartyOrganization.members"] = PartyOrganization.members.through.objects.count()
    return counts


def snapshot() -> dict[str, list[Any]]:
    """Everything the demo writes, by natural key rather than by id."""
    return {
        "committees": list(Committee.objects.order_by("path").values_list("name", "level", "region_code")),
        "members": list(
            Member.objects.order_by("id").values_list(
                "committee__name",
                "name",
                "gender",
                "ethnicity",
                "birth_date",
                "party",
                "position",
                "sector__name",
                "special_committee__name",
                "group__name",
                "term__number",
                "workplace",
                "phone",
                "status",
            )
        ),
        "liaisons": list(Liaison.objects.order_by("id").values_list("kind", "from_member__name", "to_member__name")),
        "party_orgs": [
            (o.kind, o.name, o.parent.name if o.parent else None, sorted(m.name for m in o.members.all()))
            for o in PartyOrganization.objects.order_by("id")
        ],
        "users": list(
            User.objects.order_by("username").values_list(
                "username", "role", "committee__name", "member__name", "unit__name", "special_committee__name"
            )
        ),
        "stations": list(Station.objects.order_by("id").values_list("name", "kind", "location")),
    }


class TestWhatItBuilds:
    def test_the_county_has_its_whole_organisation(self, demo):
        members = Member.objects.filter(committee=demo)
        assert 210 <= members.count() <= 230
        assert SpecialCommittee.objects.filter(committee=demo).count() == 8
        assert list(MemberGroup.objects.filter(committee=demo).values_list("name", flat=True)) == [
            "第一委员小组",
            "第二委员小组",
            "第三委员小组",
            "第四委员小组",
            "第五委员小组",
        ]
        assert Unit.objects.filter(committee=demo).count() == len(COUNTY["units"])
        assert Sector.objects.filter(committee=demo).count() == len(COUNTY["sectors"])
        assert set(Station.objects.filter(committee=demo).values_list("kind", flat=True)) == set(Station.Kind.values)
        assert demo.parent.name == "示例市政协"
        assert demo.parent.parent.name == "示例省政协"
        assert demo.level == Committee.Level.COUNTY

    def test_the_leadership_and_standing_committee_have_their_usual_sizes(self, demo):
        positions = Counter(Member.objects.filter(committee=demo).values_list("position", flat=True))
        assert positions[Member.Position.CHAIR] == 1
        assert positions[Member.Position.VICE_CHAIR] == 4
        assert positions[Member.Position.SECRETARY_GENERAL] == 1
        assert 30 <= positions[Member.Position.STANDING] <= 40

    def test_the_members_look_like_a_real_roster(self, demo):
        members = list(Member.objects.filter(committee=demo))
        total = len(members)
        assert len({m.name for m in members}) == total
        assert not any(m.name.startswith("委员") for m in members)
        assert 0.2 <= sum(m.gender == "F" for m in members) / total <= 0.4
        assert 0.33 <= sum(m.party == "cpc" for m in members) / total <= 0.43
        assert sum(m.ethnicity == "汉族" for m in members) / total >= 0.75
        assert {m.ethnicity for m in members} <= set(COUNTY["ethnicities_common_in_gansu"])
        assert len({m.ethnicity for m in members}) >= 4
        assert len({m.phone for m in members}) == total
        assert all(m.workplace for m in members)
        assert {m.status for m in members} >= {Member.Status.RESIGNED, Member.Status.EXITED}
        assert 1 <= sum(m.status != Member.Status.ACTIVE for m in members) <= 8

    def test_parties_fit_their_sectors(self, demo):
        members = Member.objects.filter(committee=demo).select_related("sector")
        by_sector: dict[str, set[str]] = {}
        for m in members:
            by_sector.setdefault(m.sector.name, set()).add(m.party)
        assert by_sector["中国共产党"] == {"cpc"}
        assert by_sector["民主党派"] <= DEMOCRATIC
        assert by_sector["无党派人士"] == {"non_party"}
        assert "cpc" not in by_sector["宗教界"]

    def test_ordinary_members_sit_in_a_group_and_a_special_committee(self, demo):
        ordinary = Member.objects.filter(committee=demo).exclude(position__in=Member.LEADER_POSITIONS)
        assert not ordinary.filter(group=None).exists()
        assert not ordinary.filter(special_committee=None).exists()
        assert not Member.objects.filter(committee=demo, term=None).exists()

    def test_every_demo_member_passes_full_clean(self, demo):
        members = list(Member.objects.all())
        assert len(members) >= 210  # the county's roster and its upper committees'
        for member in members:
            member.full_clean()

    def test_each_liaison_kind_leaves_a_few_receivers_uncovered(self, demo):
        office = User.objects.get(username="office")
        for kind in Liaison.Kind.values:
            coverage = liaison_coverage(viewer=office, kind=kind)
            assert 3 <= len(coverage["uncovered"]) <= 6, kind
            assert coverage["covered"] >= 0.8 * coverage["total"], kind

    def test_every_liaison_passes_its_rules(self, demo):
        liaisons = list(Liaison.objects.select_related("from_member", "to_member"))
        assert {liaison.kind for liaison in liaisons} == set(Liaison.Kind.values)
        for liaison in liaisons:
            liaison.full_clean()

    def test_party_organisations_cover_most_but_not_all_cpc_members(self, demo):
        kinds = Counter(PartyOrganization.objects.filter(committee=demo).values_list("kind", flat=True))
        assert kinds[PartyOrganization.Kind.PARTY_GROUP] == 1
        assert kinds[PartyOrganization.Kind.OFFICE_PARTY_GROUP] == 1
        assert kinds[PartyOrganization.Kind.BRANCH] >= 3
        party_group = PartyOrganization.objects.get(committee=demo, kind=PartyOrganization.Kind.PARTY_GROUP)
        assert set(party_group.members.values_list("party", flat=True)) == {"cpc"}
        assert party_group.members.filter(position=Member.Position.CHAIR).exists()
        coverage = party_coverage(viewer=User.objects.get(username="office"))
        assert 1 <= len(coverage["uncovered"]) <= 6
        assert coverage["covered"] >= 0.9 * coverage["total"]

    def test_the_upper_committees_have_members_and_an_office(self, demo):
        for committee in (demo.parent, demo.parent.parent):
            assert Member.objects.filter(committee=committee).count() >= 3
            assert User.objects.filter(committee=committee, role=Role.OFFICE).exists()
        assert User.objects.get(username="city_office").committee == demo.parent

    def test_every_write_is_in_the_history_and_the_audit(self, demo):
        assert Member.history.filter(history_type="+").count() == Member.objects.count()
        assert Liaison.history.filter(history_type="+").count() == Liaison.objects.count()
        assert AuditEntry.objects.filter(model="org.member", action="create").count() == Member.objects.count()


class TestLogins:
    def test_one_user_per_role_in_the_county(self, demo):
        roles = Counter(User.objects.filter(committee=demo).values_list("role", flat=True))
        assert roles == Counter(Role.values)

    def test_users_are_linked_as_their_role_needs(self, demo):
        assert User.objects.get(username="leader").member.is_leader
        assert User.objects.get(username="member").member.position == Member.Position.MEMBER
        assert User.objects.get(username="member").member.status == Member.Status.ACTIVE
        assert User.objects.get(username="unit").unit.name == "县教育局"
        assert User.objects.get(username="staff").special_committee.name == "提案委员会"
        for user in User.objects.all():
            user.full_clean()

    def test_the_demo_password_meets_the_policy(self):
        validate_password(DEMO_PASSWORD)

    def test_every_demo_user_can_log_in(self, demo, client):
        usernames = list(User.objects.values_list("username", flat=True))
        assert {
            "sysadmin",
            "secadmin",
            "auditor",
            "office",
            "staff",
            "leader",
            "member",
            "unit",
            "city_office",
        } <= set(usernames)
        for username in usernames:
            response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 302, username
            assert client.session.get("_auth_user_id") == str(User.objects.get(username=username).pk)
            client.logout()

    def test_the_command_prints_one_login_line_per_user(self, demo, _loaded):
        out = _loaded  # the output of the run on the empty database
        usernames = list(User.objects.values_list("username", flat=True))
        assert len(usernames) >= len(Role.values)
        for username in usernames:
            assert any(username in line and DEMO_PASSWORD in line for line in out.splitlines()), username


class TestRepeatability:
    def test_a_second_run_adds_and_changes_nothing(self, demo):
        before, audit_before = row_counts(), AuditEntry.objects.count()
        data_before = snapshot()
        out = run_demo_data()
        assert "没有新增" in out
        assert row_counts() == before
        assert AuditEntry.objects.count() == audit_before
        assert snapshot() == data_before

    def test_a_second_run_fills_in_what_is_missing_and_keeps_edits(self, demo):
        Liaison.objects.filter(kind=Liaison.Kind.LEADER_TO_STANDING).first().delete()
        office = Member.objects.filter(committee=demo, position=Member.Position.MEMBER).first()
        office.workplace = "县政协办公室改过的单位"
        office.save()
        before = Liaison.objects.count()
        run_demo_data()
        assert Liaison.objects.count() == before + 1
        office.refresh_from_db()
        assert office.workplace == "县政协办公室改过的单位"
