"""API.md's conventions: health, schema and docs, list shape, XLSX export of every list, masking."""

import io
import re

import pytest
from axes.models import AccessAttempt
from openpyxl import load_workbook

from luzhi.org.models import Member
from tests import factories as f
from tests.api.conftest import read_xlsx

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")

# Every list of the foundation, and a role that may read it.
LISTS = [
    ("committees", "office"),
    ("terms", "office"),
    ("sectors", "office"),
    ("special-committees", "office"),
    ("member-groups", "office"),
    ("units", "office"),
    ("stations", "office"),
    ("members", "office"),
    ("liaisons", "office"),
    ("party-organizations", "office"),
    ("users", "sysadmin"),
    ("audit", "auditor"),
    ("lockouts", "secadmin"),
]


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_schema_and_docs_are_served_without_a_cdn(users, client):
    client.force_login(users["member"])
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/members/import/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(not s.startswith(("http:", "https:", "//")) for s in sources)
    assert "cdn" not in html.lower()


@pytest.fixture
def rows(org_a, org_b, users):
    AccessAttempt.objects.create(
        username=users["member"].username,
        ip_address="10.0.0.1",
        user_agent="t",
        failures_since_start=2,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
    )
    return org_a


@pytest.mark.parametrize(("resource", "role"), LISTS)
def test_every_list_exports_the_same_rows_with_chinese_headers(rows, users, api, resource, role):
    client = api(users[role])
    listed = client.get(f"/api/v1/{resource}/?page_size=200")
    assert listed.status_code == 200
    assert set(listed.json()) == {"count", "next", "previous", "results"}
    exported = client.get(f"/api/v1/{resource}/?format=xlsx")
    assert exported.status_code == 200
    assert exported["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f'filename="{resource}' in exported["Content-Disposition"] or "filename=" in exported["Content-Disposition"]
    sheet = read_xlsx(exported.content)
    header, body = sheet[0], sheet[1:]
    assert all(CJK.search(h) for h in header), header
    assert header[-1] == "编号"  # the id, kept last for re-import
    assert [r[-1] for r in body] == [r["id"] for r in listed.json()["results"]]
    assert len(body) == listed.json()["count"] > 0


def test_the_export_follows_the_filters(rows, users, api, committee):
    f.MemberFactory(committee=committee, position=Member.Position.STANDING, name="常委甲")
    client = api(users["office"])
    listed = client.get("/api/v1/members/?position=standing").json()["results"]
    exported = read_xlsx(client.get("/api/v1/members/?position=standing&format=xlsx").content)[1:]
    assert [r[-1] for r in exported] == [m["id"] for m in listed]
    assert len(listed) == Member.objects.filter(committee=committee, position="standing").count() >= 2
    assert {r[1] for r in exported} >= {"常委甲"}
    exported = read_xlsx(client.get("/api/v1/members/?q=常委甲&format=xlsx").content)[1:]
    assert [r[1] for r in exported] == ["常委甲"]


def test_members_export_shows_labels_and_names(rows, users, api, committee):
    member = rows.member
    member.term = rows.term
    member.save()
    sheet = read_xlsx(api(users["office"]).get(f"/api/v1/members/?format=xlsx&sector={rows.sector.pk}").content)
    header = sheet[0]
    assert header[:5] == ["所属政协", "姓名", "性别", "民族", "出生日期"] and header[-1] == "编号"
    row = dict(zip(header, next(r for r in sheet[1:] if r[-1] == member.pk), strict=True))
    assert row["所属政协"] == committee.name
    assert row["性别"] == "男"
    assert row["政治面貌"] == "中国民主同盟（民盟）"
    assert row["职务"] == "委员"
    assert row["状态"] == "在任"
    assert row["主席会议成员"] == "否"
    assert row["界别"] == rows.sector.name
    assert row["届次"] == str(rows.term)
    assert row["手机号码"] == "13812341234"


def test_liaisons_and_party_organisations_export_names(rows, users, api):
    client = api(users["office"])
    liaison = dict(zip(*read_xlsx(client.get("/api/v1/liaisons/?format=xlsx").content)[:2], strict=True))
    assert liaison["类型"] == "党员委员联系党外委员"
    assert (liaison["联系人"], liaison["联系对象"]) == (rows.cpc_member.name, rows.member.name)
    rows.party_org.members.set([rows.cpc_member, rows.member])
    org = dict(zip(*read_xlsx(client.get("/api/v1/party-organizations/?format=xlsx").content)[:2], strict=True))
    assert org["党员委员"] == f"{rows.cpc_member.name}、{rows.member.name}"
    assert org["类型"] == "党支部"


def test_a_history_exports_too(rows, users, api):
    sheet = read_xlsx(api(users["office"]).get(f"/api/v1/members/{rows.member.pk}/history/?format=xlsx").content)
    assert sheet[0] == ["版本号", "时间", "用户", "操作"]
    assert sheet[1][3] == "新建"  # a sheet for people; the JSON keeps "create"


def test_errors_asked_for_as_xlsx_are_json(users, api):
    for client, status in ((api(None), 401), (api(users["unit"]), 403)):
        response = client.get("/api/v1/members/?format=xlsx")
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()
        assert "Content-Disposition" not in response


class TestMasking:
    """Phone numbers and birth dates are the office's to see (个人信息保护)."""

    @pytest.fixture
    def member(self, committee):
        from datetime import date

        return f.MemberFactory(committee=committee, phone="13812341234", birth_date=date(1975, 3, 1))

    @pytest.mark.parametrize("role", ["sysadmin", "committee_staff", "leader", "member"])
    def test_masked_for_everyone_but_the_office(self, users, api, member, role):
        client = api(users[role])
        detail = client.get(f"/api/v1/members/{member.pk}/").json()
        assert (detail["phone"], detail["birth_date"]) == ("138****1234", "1975-**-**")
        listed = next(m for m in client.get("/api/v1/members/").json()["results"] if m["id"] == member.pk)
        assert (listed["phone"], listed["birth_date"]) == ("138****1234", "1975-**-**")
        sheet = read_xlsx(client.get("/api/v1/members/?format=xlsx").content)
        row = dict(zip(sheet[0], next(r for r in sheet[1:] if r[-1] == member.pk), strict=True))
        assert (row["手机号码"], row["出生日期"]) == ("138****1234", "1975-**-**")
        assert "13812341234" not in str(sheet)

    def test_the_office_and_the_superuser_see_them(self, users, superuser, api, member):
        for user in (users["office"], superuser):
            client = api(user)
            detail = client.get(f"/api/v1/members/{member.pk}/").json()
            assert (detail["phone"], detail["birth_date"]) == ("13812341234", "1975-03-01")
            sheet = load_workbook(io.BytesIO(client.get("/api/v1/members/?format=xlsx").content)).worksheets[0]
            values = [c.value for r in sheet.iter_rows() for c in r]
            assert "13812341234" in values

    def test_a_masked_reader_gets_no_history_values(self, users, api, member):
        versions = api(users["member"]).get(f"/api/v1/members/{member.pk}/history/").json()["results"]
        assert "13812341234" not in str(versions)


def test_me_tells_the_caller_who_they_are(users, api):
    me = api(users["leader"]).get("/api/v1/me/").json()
    assert me["role"] == "leader"
    assert me["committee"] == users["leader"].committee_id
    assert me["member"] == users["leader"].member_id


def test_the_superuser_is_sysadmin_in_me(superuser, api):
    assert api(superuser).get("/api/v1/me/").json()["role"] == "sysadmin"
