"""Committee A never sees, changes or links to committee B's rows, by any route."""

import pytest

from luzhi.core.models import AuditEntry
from luzhi.org.models import Committee, Member
from tests import factories as f
from tests.api.conftest import read_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(users, api):
    return api(users["office"])


def test_another_committees_member_is_not_in_the_list(office, org_a, org_b):
    ids = [m["id"] for m in office.get("/api/v1/members/?page_size=200").json()["results"]]
    assert org_a.member.pk in ids
    assert org_b.member.pk not in ids
    assert not set(ids) & set(Member.objects.filter(committee=org_b.committee).values_list("id", flat=True))


def test_another_committees_member_is_404_on_detail_history_and_restore(office, org_a, org_b):
    theirs = org_b.member
    history_id = theirs.history.first().history_id
    assert office.get(f"/api/v1/members/{theirs.pk}/").status_code == 404
    assert office.get(f"/api/v1/members/{theirs.pk}/history/").status_code == 404
    assert office.patch(f"/api/v1/members/{theirs.pk}/", {"workplace": "x"}, format="json").status_code == 404
    response = office.post(f"/api/v1/members/{theirs.pk}/restore/", {"history_id": history_id}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}
    assert Member.objects.get(pk=theirs.pk).workplace == theirs.workplace


def test_another_committees_version_cannot_be_restored_onto_ours(office, org_a, org_b):
    their_version = org_b.member.history.first().history_id
    response = office.post(f"/api/v1/members/{org_a.member.pk}/restore/", {"history_id": their_version}, format="json")
    assert response.status_code == 400


def test_the_export_holds_only_our_members(office, org_a, org_b):
    rows = read_xlsx(office.get("/api/v1/members/?format=xlsx").content)
    names = {row[rows[0].index("姓名")] for row in rows[1:]}
    assert org_a.member.name in names
    assert org_b.member.name not in names and org_b.cpc_member.name not in names


def test_filtering_by_another_committees_sector_finds_nothing(office, org_a, org_b):
    response = office.get(f"/api/v1/members/?sector={org_b.sector.pk}")
    assert response.status_code == 200
    assert response.json()["count"] == 0
    rows = read_xlsx(office.get(f"/api/v1/members/?sector={org_b.sector.pk}&format=xlsx").content)
    assert len(rows) == 1  # the header only


def test_another_committees_sector_cannot_be_attached(office, org_a, org_b):
    url = f"/api/v1/members/{org_a.member.pk}/"
    response = office.patch(url, {"sector": org_b.sector.pk}, format="json")
    assert response.status_code == 400
    assert "sector" in response.json()
    assert Member.objects.get(pk=org_a.member.pk).sector_id == org_a.sector.pk
    count = Member.objects.count()
    response = office.post("/api/v1/members/", {"name": "越界", "gender": "M", "group": org_b.group.pk}, format="json")
    assert response.status_code == 400 and "group" in response.json()
    assert Member.objects.count() == count


def test_a_liaison_with_another_committees_member_is_rejected(office, org_a, org_b):
    before = org_a.committee.pk, Member.objects.count()
    response = office.post(
        "/api/v1/liaisons/",
        {"kind": "party_to_nonparty", "from_member": org_a.cpc_member.pk, "to_member": org_b.member.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "to_member" in response.json()
    assert (org_a.committee.pk, Member.objects.count()) == before


def test_a_superuser_cannot_mix_committees_either(superuser, api, org_a, org_b):
    response = api(superuser).post(
        "/api/v1/liaisons/",
        {
            "kind": "party_to_nonparty",
            "from_member": org_a.cpc_member.pk,
            "to_member": org_b.member.pk,
            "committee": org_a.committee.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    response = api(superuser).patch(f"/api/v1/members/{org_a.member.pk}/", {"sector": org_b.sector.pk}, format="json")
    assert response.status_code == 400 and "sector" in response.json()


def test_the_audit_log_shows_only_our_committees_entries(users, api, org_a, org_b):
    ours = AuditEntry.objects.filter(committee_id=org_a.committee.pk)
    theirs = AuditEntry.objects.filter(committee_id=org_b.committee.pk)
    assert ours.exists() and theirs.exists()
    auditor = api(users["auditor"])
    listed = auditor.get("/api/v1/audit/?page_size=200").json()
    assert listed["count"] == ours.count()
    assert {e["committee"] for e in listed["results"]} == {org_a.committee.pk}
    by_object = auditor.get(f"/api/v1/audit/?model=org.member&object_id={org_b.member.pk}").json()
    assert by_object["count"] == 0
    assert auditor.get(f"/api/v1/audit/{theirs.first().pk}/").status_code == 404


def test_users_of_another_committee_are_invisible_to_the_sysadmin(users, api, make_user, other_committee):
    theirs = make_user("office", other_committee)
    sysadmin = api(users["sysadmin"])
    ids = [u["id"] for u in sysadmin.get("/api/v1/users/?page_size=200").json()["results"]]
    assert theirs.pk not in ids and users["office"].pk in ids
    assert sysadmin.get(f"/api/v1/users/{theirs.pk}/").status_code == 404
    assert sysadmin.patch(f"/api/v1/users/{theirs.pk}/", {"is_active": False}, format="json").status_code == 404


def test_a_member_user_of_another_committee_cannot_be_linked(users, api, org_b):
    response = api(users["sysadmin"]).post(
        "/api/v1/users/",
        {"username": "mixed", "password": "Mixed#2026ok", "role": "member", "member": org_b.member.pk},
        format="json",
    )
    assert response.status_code == 400 and "member" in response.json()


def test_upper_committees_see_their_subtree_but_a_county_never_sees_its_sibling(
    committee, other_committee, make_user, api
):
    city, province = committee.parent, committee.parent.parent
    other_city = f.CommitteeFactory(name="另一市政协", level=Committee.Level.CITY, parent=province)
    far_county = f.CommitteeFactory(name="远县政协", level=Committee.Level.COUNTY, parent=other_city)

    def seen(user_committee):
        client = api(make_user("office", user_committee))
        return {c["id"] for c in client.get("/api/v1/committees/?page_size=200").json()["results"]}

    assert seen(province) == {
        province.pk,
        city.pk,
        committee.pk,
        other_committee.pk,
        other_city.pk,
        far_county.pk,
    }
    assert seen(city) == {province.pk, city.pk, committee.pk, other_committee.pk}
    assert seen(committee) == {province.pk, city.pk, committee.pk}
    assert other_committee.pk not in seen(committee)


def test_a_county_cannot_change_its_upper_committee(users, api, committee):
    sysadmin = api(users["sysadmin"])
    response = sysadmin.patch(f"/api/v1/committees/{committee.parent_id}/", {"name": "改名"}, format="json")
    assert response.status_code == 403
    assert Committee.objects.get(pk=committee.parent_id).name == "示例市政协"


def test_a_city_sysadmin_creates_counties_only_under_itself(make_user, api, committee, other_committee):
    city = committee.parent
    client = api(make_user("sysadmin", city))
    response = client.post("/api/v1/committees/", {"name": "新县", "level": "county", "parent": city.pk}, format="json")
    assert response.status_code == 201
    assert Committee.objects.get(pk=response.json()["id"]).path == f"{city.path}{response.json()['id']}/"
    response = client.post(
        "/api/v1/committees/", {"name": "越级", "level": "city", "parent": city.parent_id}, format="json"
    )
    assert response.status_code == 400 and "parent" in response.json()


def test_a_unit_sees_only_its_own_unit(users, api, org_a):
    client = api(users["unit"])
    listed = client.get("/api/v1/units/").json()
    assert [u["id"] for u in listed["results"]] == [users["unit"].unit_id]
    assert client.get(f"/api/v1/units/{org_a.unit.pk}/").status_code == 404
    assert client.get(f"/api/v1/units/{org_a.unit.pk}/history/").status_code == 404
