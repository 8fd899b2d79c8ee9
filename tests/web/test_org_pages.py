"""Committee, reference lists, party organisations and liaisons pages."""

import pytest

from luzhi.core.models import AuditEntry
from luzhi.org.models import Liaison, PartyOrganization, Sector, Station, Term
from tests import factories as f

pytestmark = pytest.mark.django_db


# ---- committee ---------------------------------------------------------------------------


def test_committee_page_shows_parent_chain_and_children(committee, other_committee, users, page):
    f.CommitteeFactory(name="下级乡镇政协", level="county", parent=committee)
    html = page(users["member"]).get("/org/").content.decode()
    assert "示例县政协" in html and "示例市政协" in html and "示例省政协" in html
    assert "另一县政协" not in html


def test_committee_page_is_closed_to_the_auditor(users, page):
    assert page(users["auditor"]).get("/org/").status_code == 403


# ---- reference lists (one generic view class) ---------------------------------------------


def test_office_creates_edits_and_deletes_a_sector(committee, users, page):
    client = page(users["office"])
    assert client.post("/org/sectors/", {"name": "新界别"}).status_code == 302
    sector = Sector.objects.get(committee=committee, name="新界别")
    assert client.post(f"/org/sectors/{sector.pk}/edit/", {"name": "改名界别"}).status_code == 302
    sector.refresh_from_db()
    assert sector.name == "改名界别"
    assert client.post(f"/org/sectors/{sector.pk}/delete/").status_code == 302
    assert not Sector.objects.filter(pk=sector.pk).exists()
    actions = set(AuditEntry.objects.filter(model="org.sector", object_id=str(sector.pk)).values_list("action", "via"))
    assert actions == {("create", "page"), ("update", "page"), ("delete", "page")}


def test_readers_see_the_list_but_may_not_write(committee, users, page):
    f.SectorFactory(committee=committee, name="可见界别")
    client = page(users["member"])
    html = client.get("/org/sectors/").content.decode()
    assert "可见界别" in html and "新增界别" not in html
    assert client.post("/org/sectors/", {"name": "偷偷加"}).status_code == 403
    assert not Sector.objects.filter(name="偷偷加").exists()
    assert page(users["unit"]).get("/org/sectors/").status_code == 403
    assert page(users["unit"]).get("/org/units/").status_code == 200


def test_another_committees_row_is_404(other_committee, users, page):
    theirs = f.SectorFactory(committee=other_committee)
    client = page(users["office"])
    assert client.get(f"/org/sectors/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/org/sectors/{theirs.pk}/delete/").status_code == 404
    assert Sector.objects.filter(pk=theirs.pk).exists()


def test_duplicate_and_bad_reference_rows_show_chinese_errors(committee, users, page):
    f.SectorFactory(committee=committee, name="重复界别")
    client = page(users["office"])
    html = client.post("/org/sectors/", {"name": "重复界别"}).content.decode()
    assert "同名界别已存在" in html
    assert Sector.objects.filter(name="重复界别").count() == 1
    html = client.post("/org/terms/", {"number": "11", "start": "2023-02-30", "end": "2028-01-01"}).content.decode()
    assert "开始日期不是有效的日期" in html
    html = client.post("/org/terms/", {"number": "11", "start": "2028-01-01", "end": "2023-01-01"}).content.decode()
    assert "结束日期必须晚于开始日期" in html
    assert not Term.objects.filter(number=11).exists()


def test_deleting_a_referenced_row_explains_why_not(committee, users, page):
    sector = f.SectorFactory(committee=committee, name="有人用的界别")
    f.MemberFactory(committee=committee, sector=sector)
    response = page(users["office"]).post(f"/org/sectors/{sector.pk}/delete/", follow=True)
    assert "仍被其他记录引用，不能删除" in response.content.decode()
    assert Sector.objects.filter(pk=sector.pk).exists()


def test_stations_and_terms_use_the_same_pages(committee, users, page):
    client = page(users["office"])
    client.post("/org/stations/", {"name": "城关站", "kind": "workstation", "location": "城关镇"})
    assert Station.objects.filter(committee=committee, name="城关站").exists()
    client.post("/org/terms/", {"number": "10", "start": "2021-12-01", "end": "2026-11-30"})
    html = client.get("/org/terms/").content.decode()
    assert "2021年12月1日" in html and "第十届" in html


# ---- party organisations -------------------------------------------------------------------


def test_party_page_shows_the_tree_and_the_uncovered_cpc_members(committee, users, page):
    group = f.PartyOrganizationFactory(committee=committee, kind="party_group", name="县政协党组")
    branch = f.PartyOrganizationFactory(committee=committee, kind="branch", name="机关支部", parent=group)
    inside = f.MemberFactory(committee=committee, name="支部里的党员", party="cpc")
    f.MemberFactory(committee=committee, name="还没编入的党员", party="cpc")
    branch.members.add(inside)
    html = page(users["member"]).get("/org/party/").content.decode()
    assert html.index("县政协党组") < html.index("机关支部")
    assert "支部里的党员" in html
    assert "还没编入的党员" in html and "1 / 2" in html


def test_office_creates_a_party_organisation_with_members(committee, other_committee, users, page):
    mine = f.MemberFactory(committee=committee, party="cpc")
    theirs = f.MemberFactory(committee=other_committee, party="cpc")
    client = page(users["office"])
    response = client.post("/org/party/new/", {"kind": "branch", "name": "新支部", "members": [mine.pk, theirs.pk]})
    assert response.status_code == 200  # the other committee's member is not a valid choice
    assert not PartyOrganization.objects.filter(name="新支部").exists()
    response = client.post("/org/party/new/", {"kind": "branch", "name": "新支部", "members": [mine.pk]})
    assert response.status_code == 302
    org = PartyOrganization.objects.get(name="新支部")
    assert list(org.members.all()) == [mine] and org.committee == committee


def test_party_writes_are_for_the_office(committee, other_committee, users, page):
    assert page(users["leader"]).get("/org/party/new/").status_code == 403
    assert page(users["sysadmin"]).get("/org/party/").status_code == 403
    theirs = f.PartyOrganizationFactory(committee=other_committee)
    assert page(users["office"]).get(f"/org/party/{theirs.pk}/edit/").status_code == 404


def test_deleting_a_party_organisation_with_children_is_refused(committee, users, page):
    parent = f.PartyOrganizationFactory(committee=committee, kind="party_group")
    f.PartyOrganizationFactory(committee=committee, parent=parent)
    response = page(users["office"]).post(f"/org/party/{parent.pk}/delete/", follow=True)
    assert "不能删除" in response.content.decode()
    assert PartyOrganization.objects.filter(pk=parent.pk).exists()


# ---- liaisons -------------------------------------------------------------------------------


def test_liaison_page_lists_pairs_by_kind_and_coverage(committee, users, page):
    pair = f.LiaisonFactory(committee=committee)
    f.MemberFactory(committee=committee, name="无人联系", party="cdl")
    client = page(users["member"])
    html = client.get("/org/liaisons/?kind=party_to_nonparty").content.decode()
    assert pair.from_member.name in html
    assert "无人联系" in html  # listed as uncovered
    assert "党员委员联系党外委员" in html and "常委联系委员" in html
    assert list(client.get("/org/liaisons/?kind=party_to_nonparty").context["page"]) == [pair]
    assert list(client.get("/org/liaisons/?kind=leader_to_standing").context["page"]) == []


def test_liaison_add_errors_are_chinese_and_nothing_is_saved(committee, users, page):
    nonparty = f.MemberFactory(committee=committee, party="cdl")
    other = f.MemberFactory(committee=committee, party="cdl")
    response = page(users["office"]).post(
        "/org/liaisons/", {"kind": "party_to_nonparty", "from_member": nonparty.pk, "to_member": other.pk}
    )
    assert response.status_code == 200
    assert "联系人必须是中共党员委员" in response.content.decode()
    assert not Liaison.objects.exists()


def test_office_adds_and_deletes_a_liaison(committee, users, page):
    cpc = f.MemberFactory(committee=committee, party="cpc")
    nonparty = f.MemberFactory(committee=committee, party="cdl")
    client = page(users["office"])
    data = {"kind": "party_to_nonparty", "from_member": cpc.pk, "to_member": nonparty.pk}
    assert client.post("/org/liaisons/", data).status_code == 302
    liaison = Liaison.objects.get()
    assert liaison.committee == committee
    assert "这对联系关系已存在" in client.post("/org/liaisons/", data).content.decode()
    assert client.post(f"/org/liaisons/{liaison.pk}/delete/").status_code == 302
    assert not Liaison.objects.exists()


def test_liaison_writes_are_for_the_office_and_the_committee(committee, other_committee, users, page):
    theirs = f.LiaisonFactory(committee=other_committee)
    assert page(users["unit"]).get("/org/liaisons/").status_code == 403
    assert page(users["leader"]).post(f"/org/liaisons/{theirs.pk}/delete/").status_code == 403
    assert page(users["office"]).post(f"/org/liaisons/{theirs.pk}/delete/").status_code == 404
    assert Liaison.objects.filter(pk=theirs.pk).exists()


def test_the_station_list_links_each_station_to_its_page(client, users):
    from tests.factories import StationFactory

    station = StationFactory(committee=users["office"].committee, name="城关镇委员工作站")
    client.force_login(users["member"])
    body = client.get("/org/stations/").content.decode()
    assert f'href="/org/station/{station.pk}/"' in body
