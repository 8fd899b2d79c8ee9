"""Bad input is 400 (or 404/405) with API.md's error shape, nothing is saved, and never a 500."""

import json

import pytest

from luzhi.accounts.models import User
from luzhi.org.models import Committee, Liaison, Member, PartyOrganization, Sector, Term
from tests import factories as f

pytestmark = pytest.mark.django_db

TEN_MB = "名" * (10 * 1024 * 1024 // 3)


@pytest.fixture
def office(users, api):
    return api(users["office"])


def assert_400(response, field: str | None = None) -> dict:
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert isinstance(body, dict) and body
    if field is None:
        assert "detail" in body or all(isinstance(v, list) for v in body.values())
    else:
        assert field in body and isinstance(body[field], list), body
    return body


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/terms/", {"number": "十", "start": "2022-01-01", "end": "2027-01-01"}, "number"),
        ("/api/v1/terms/", {"number": 10, "start": "2022-01-01"}, "end"),
        ("/api/v1/terms/", {"number": 10, "start": "2023-02-30", "end": "2027-01-01"}, "start"),
        ("/api/v1/terms/", {"number": 10, "start": "2027-01-01", "end": "2022-01-01"}, "end"),
        ("/api/v1/terms/", {"number": 10**20, "start": "2022-01-01", "end": "2027-01-01"}, "number"),
        ("/api/v1/terms/", {"number": -1, "start": "2022-01-01", "end": "2027-01-01"}, "number"),
        ("/api/v1/sectors/", {}, "name"),
        ("/api/v1/sectors/", {"name": TEN_MB}, "name"),
        ("/api/v1/sectors/", {"name": ["a"]}, "name"),
        ("/api/v1/sectors/", {"name": "a\u0000b"}, "name"),
        ("/api/v1/stations/", {"name": "站", "kind": "castle"}, "kind"),
        ("/api/v1/members/", {"name": "李四"}, "gender"),
        ("/api/v1/members/", {"name": "李四", "gender": "X"}, "gender"),
        ("/api/v1/members/", {"name": "李四", "gender": "M", "party": "martian"}, "party"),
        ("/api/v1/members/", {"name": "李四", "gender": "M", "position": "king"}, "position"),
        ("/api/v1/members/", {"name": "李四", "gender": "M", "status": "dead"}, "status"),
        ("/api/v1/members/", {"name": "李四", "gender": "M", "birth_date": "2023-02-30"}, "birth_date"),
        ("/api/v1/members/", {"name": "李四", "gender": "M", "birth_date": "01/02/1980"}, "birth_date"),
        ("/api/v1/members/", {"name": "李四", "gender": "M", "phone": "110"}, "phone"),
        ("/api/v1/members/", {"name": "李四", "gender": "M", "sector": "abc"}, "sector"),
        ("/api/v1/members/", {"name": "李四", "gender": "M", "sector": 10**20}, "sector"),
        ("/api/v1/members/", {"name": "李四", "gender": "M", "is_leader": True, "sector": -5}, "sector"),
        (
            "/api/v1/liaisons/",
            {"kind": "party_to_nonparty", "from_member": None, "to_member": None},
            "from_member",
        ),
        ("/api/v1/party-organizations/", {"kind": "branch", "name": "支部", "members": "all"}, "members"),
        ("/api/v1/committees/", {"name": "县", "level": "galaxy"}, "level"),
    ],
)
def test_bad_fields_are_400_and_nothing_is_saved(office, users, api, committee, url, body, field):
    client = api(users["sysadmin"]) if "committees" in url else office
    models = (Term, Sector, Member, Liaison, PartyOrganization, Committee)
    before = [m.objects.count() for m in models]
    assert_400(client.post(url, body, format="json"), field)
    assert [m.objects.count() for m in models] == before


def test_a_duplicate_is_400(office, committee):
    f.SectorFactory(committee=committee, name="经济界")
    body = assert_400(office.post("/api/v1/sectors/", {"name": "经济界"}, format="json"))
    assert "同名界别已存在。" in json.dumps(body, ensure_ascii=False)
    assert Sector.objects.filter(name="经济界").count() == 1


def test_a_duplicate_member_is_400(office, committee):
    f.MemberFactory(committee=committee, name="李四", birth_date="1980-01-02")
    response = office.post(
        "/api/v1/members/", {"name": "李四", "gender": "M", "birth_date": "1980-01-02"}, format="json"
    )
    assert "该委员已存在" in json.dumps(assert_400(response), ensure_ascii=False)


def test_a_ten_megabyte_update_changes_nothing(office, committee):
    member = f.MemberFactory(committee=committee, name="李四")
    assert_400(office.patch(f"/api/v1/members/{member.pk}/", {"name": TEN_MB}, format="json"), "name")
    assert Member.objects.get(pk=member.pk).name == "李四"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"[1, 2]", "application/json"),
        (b'"text"', "application/json"),
        (b"\xff\xfe\x00{", "application/json"),
        (b'{"name": ', "application/json"),
        (b"name=x", "text/csv"),
        (b"[" * 100000, "application/json"),
    ],
    ids=["list", "string", "not-utf8", "truncated", "unknown-type", "nested-deep"],
)
@pytest.mark.parametrize(
    "url",
    ["/api/v1/sectors/", "restore", "/api/v1/auth/token/", "/api/v1/security-settings/", "/api/v1/users/"],
)
def test_bodies_that_are_not_json_objects(users, api, committee, body, content_type, url):
    sector = f.SectorFactory(committee=committee)
    role = {"/api/v1/security-settings/": "secadmin", "/api/v1/users/": "sysadmin"}.get(url, "office")
    client = api(users[role])
    if url == "restore":
        url = f"/api/v1/sectors/{sector.pk}/restore/"
    method = client.put if "security" in url else client.post
    before = Sector.objects.count(), User.objects.count()
    assert_400(method(url, body, content_type=content_type))
    assert (Sector.objects.count(), User.objects.count()) == before


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/members/99999999999999999999/",
        "/api/v1/members/-1/",
        "/api/v1/members/abc/",
        "/api/v1/members/1.5/",
        "/api/v1/committees/99999999999999999999/",
        "/api/v1/users/99999999999999999999/",
        "/api/v1/audit/99999999999999999999/",
        "/api/v1/lockouts/99999999999999999999/unlock/",
        "/api/v1/members/99999999999999999999/history/",
        "/api/v1/members/?page=99",
    ],
)
def test_ids_that_cannot_exist_are_404(users, api, url):
    role = "auditor" if "audit" in url else "secadmin" if "lockouts" in url else "superuser"
    client = api(users.get(role) or User.objects.create_superuser("root", "r@example.com", f.PASSWORD))
    response = client.post(url) if url.endswith("unlock/") else client.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"} or "detail" in response.json()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("sector=abc", "sector"),
        ("sector=99999999999999999999", "sector"),
        ("sector=1.5", "sector"),
        ("position=king", "position"),
        ("party=martian", "party"),
        ("status=dead", "status"),
        ("q=%00", "q"),
    ],
)
def test_bad_list_parameters_are_400(office, query, field):
    assert_400(office.get(f"/api/v1/members/?{query}"), field)
    if field == "page":
        return  # an export is not paginated
    response = office.get(f"/api/v1/members/?{query}&format=xlsx")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()


def test_page_size_is_capped_at_200_and_bad_sizes_fall_back(office, committee):
    f.MemberFactory.create_batch(205, committee=committee)
    assert len(office.get("/api/v1/members/?page_size=1000").json()["results"]) == 200
    assert len(office.get("/api/v1/members/?page_size=-1").json()["results"]) == 50
    assert len(office.get("/api/v1/members/?page_size=abc").json()["results"]) == 50
    body = office.get("/api/v1/members/?page_size=100&page=2").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert (
        body["count"] == Member.objects.filter(committee=committee).count()
        and len(body["results"]) == 100
        and body["previous"]
        and body["next"]
    )


def test_the_liaison_coverage_needs_a_known_kind(office):
    assert_400(office.get("/api/v1/liaisons/coverage/"), "kind")
    assert_400(office.get("/api/v1/liaisons/coverage/?kind=everyone"), "kind")


def test_a_committee_cannot_be_its_own_parent(superuser, users, api, committee):
    response = api(superuser).patch(f"/api/v1/committees/{committee.pk}/", {"parent": committee.pk}, format="json")
    assert_400(response, "parent")
    response = api(users["sysadmin"]).patch(
        f"/api/v1/committees/{committee.pk}/", {"parent": committee.pk}, format="json"
    )
    assert_400(response, "parent")
    assert Committee.objects.get(pk=committee.pk).parent_id == committee.parent_id


def test_a_party_organisation_cannot_be_its_own_parent(office, committee):
    org = f.PartyOrganizationFactory(committee=committee)
    child = f.PartyOrganizationFactory(committee=committee, parent=org)
    assert_400(office.patch(f"/api/v1/party-organizations/{org.pk}/", {"parent": org.pk}, format="json"), "parent")
    assert_400(office.patch(f"/api/v1/party-organizations/{org.pk}/", {"parent": child.pk}, format="json"), "parent")


def test_a_committee_in_use_is_not_deleted(superuser, api, committee):
    response = api(superuser).delete(f"/api/v1/committees/{committee.parent_id}/")
    assert response.status_code == 409
    assert "detail" in response.json()


def test_restore_needs_a_version_of_this_object(office, committee):
    sector = f.SectorFactory(committee=committee)
    url = f"/api/v1/sectors/{sector.pk}/restore/"
    for body in (
        {},
        {"history_id": "abc"},
        {"history_id": 10**30},
        {"history_id": True},
        {"history_id": [1]},
    ):
        assert_400(office.post(url, body, format="json"), "history_id")


@pytest.mark.parametrize(
    "body",
    [
        {"username": "x", "password": "short", "role": "office"},
        {"username": "x", "password": "Long#enough1", "role": "emperor"},
        {"username": "x", "password": "Long#enough1", "role": "member"},
        {"username": "x", "password": "Long#enough1", "role": "unit"},
        {"username": "x", "role": "office"},
        {"username": "", "password": "Long#enough1", "role": "office"},
    ],
)
def test_bad_users_are_400(users, api, body):
    before = User.objects.count()
    assert_400(api(users["sysadmin"]).post("/api/v1/users/", body, format="json"))
    assert User.objects.count() == before


def test_a_users_role_link_is_checked_on_update(users, api):
    response = api(users["sysadmin"]).put(
        f"/api/v1/users/{users['unit'].pk}/",
        {"username": "unit-x", "role": "unit", "unit": None},
        format="json",
    )
    assert_400(response, "unit")
    assert User.objects.get(pk=users["unit"].pk).username == users["unit"].username


@pytest.mark.parametrize("minutes", [0, 4, 481, "abc", None, 10**20])
def test_bad_security_settings_are_400(users, api, minutes):
    client = api(users["secadmin"])
    assert_400(client.put("/api/v1/security-settings/", {"session_idle_minutes": minutes}, format="json"))
    assert client.get("/api/v1/security-settings/").json() == {"session_idle_minutes": 30}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "a"},
        {"username": ["a"], "password": "b"},
        {"username": "a" * 100000, "password": "b"},
    ],
)
def test_bad_token_requests_are_400(api, db, body):
    assert_400(api(None).post("/api/v1/auth/token/", body, format="json"))


def test_an_unknown_format_is_404_not_500(office):
    assert office.get("/api/v1/members/?format=pdf").status_code == 404


def test_an_unacceptable_accept_header_is_400(office):
    assert office.get("/api/v1/members/", HTTP_ACCEPT="text/csv").status_code == 400


WEIRD = [
    None,
    "",
    "\u0000",
    "名" * 300,
    10**20,
    -1,
    1.5,
    [],
    {},
    True,
    "2023-02-30",
    [10**20],
    {"id": 1},
    "../",
]

VALID = {
    "terms": {"number": 12, "start": "2022-01-01", "end": "2027-01-01"},
    "sectors": {"name": "新界别"},
    "stations": {"name": "新站", "kind": "studio", "location": "镇"},
    "members": {
        "name": "新人",
        "gender": "M",
        "birth_date": "1980-01-01",
        "party": "cdl",
        "position": "member",
        "status": "active",
        "phone": "13900001111",
        "ethnicity": "汉族",
        "workplace": "x",
    },
    "liaisons": {"kind": "party_to_nonparty"},
    "party-organizations": {"kind": "branch", "name": "新支部", "members": []},
    "users": {"username": "fuzz", "password": "Fuzz#2026pass", "role": "office"},
    "committees": {"name": "新县", "level": "county"},
}


@pytest.mark.parametrize("resource", list(VALID))
def test_no_field_value_makes_a_500(users, api, org_a, resource):
    """Every field of every writable resource, set to each odd value, is answered without a crash."""
    role = {"users": "sysadmin", "committees": "sysadmin"}.get(resource, "office")
    client = api(users[role])
    body = dict(VALID[resource])
    if resource == "liaisons":
        body.update(from_member=org_a.cpc_member.pk, to_member=org_a.member.pk)
    if resource == "committees":
        body["parent"] = org_a.committee.parent_id
    target = {
        "members": org_a.member,
        "liaisons": org_a.liaison,
        "party-organizations": org_a.party_org,
        "terms": org_a.term,
        "sectors": org_a.sector,
        "stations": org_a.station,
        "users": users["office"],
        "committees": org_a.committee,
    }[resource]
    for field in [*body, "id", "committee", "sector", "parent"]:
        for value in WEIRD:
            for response in (
                client.post(f"/api/v1/{resource}/", {**body, field: value}, format="json"),
                client.patch(f"/api/v1/{resource}/{target.pk}/", {field: value}, format="json"),
            ):
                assert response.status_code in (200, 201, 400), (field, value, response.content[:200])


@pytest.mark.parametrize("path", ["/api/v1/members/-1.5e-200/", "/api/v1/study-entries/1.5/restore/", "/api/v1/nope/"])
def test_a_path_no_route_takes_is_a_json_404(office, path):
    response = office.post(path, {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}


def test_a_page_no_route_takes_is_still_the_404_page(client, users):
    client.force_login(users["office"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
