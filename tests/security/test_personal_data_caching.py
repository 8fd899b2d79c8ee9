"""Responses with personal data are kept by no cache, and a record's history names roles, not accounts."""

import pytest

from luzhi.org.models import Member
from luzhi.org.selectors import member_history
from tests import factories as f
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.mark.parametrize("path", ["/", "/org/members/", "/proposals/", "/accounts/audit/"])
def test_pages_are_not_stored(client, users, path):
    verified_login(client, users["auditor" if "audit" in path else "office"])
    response = client.get(path)
    assert response.status_code == 200
    assert _no_store(response), response.get("Cache-Control")


def test_a_members_detail_page_and_api_record_are_not_stored(client, api, committee, users):
    member = f.MemberFactory(committee=committee, phone="13812341234")
    client.force_login(users["office"])
    assert _no_store(client.get(f"/org/members/{member.pk}/"))
    for path in (f"/api/v1/members/{member.pk}/", "/api/v1/members/?format=xlsx", "/api/v1/me/"):
        response = api(users["office"]).get(path)
        assert response.status_code == 200 and _no_store(response), path


def test_redirects_to_login_and_the_login_page_are_not_stored_either(client):
    assert _no_store(client.get("/org/members/"))
    assert _no_store(client.get("/login/"))


@pytest.fixture
def edited(committee, users, api):
    """A member record the office created and changed through the API."""
    office = api(users["office"])
    member_id = office.post("/api/v1/members/", {"name": "历史甲", "gender": "M"}, format="json").json()["id"]
    assert office.patch(f"/api/v1/members/{member_id}/", {"ethnicity": "回族"}, format="json").status_code == 200
    return Member.objects.get(pk=member_id)


@pytest.mark.parametrize("role", ["member", "leader", "committee_staff"])
def test_a_non_office_reader_of_a_history_sees_the_role_not_the_account(users, api, edited, role):
    response = api(users[role]).get(f"/api/v1/members/{edited.pk}/history/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["user"] for row in rows] == ["办公室", "办公室"]
    assert users["office"].username not in response.content.decode()


def test_the_office_and_a_superuser_still_see_which_account_changed_it(users, superuser, api, edited):
    for viewer in (users["office"], superuser):
        rows = api(viewer).get(f"/api/v1/members/{edited.pk}/history/").json()["results"]
        assert {row["user"] for row in rows} == {users["office"].username}


def test_the_member_page_history_names_as_the_viewer_may_know(users, edited):
    assert {v["by"] for v in member_history(member=edited, viewer=users["office"])} == {users["office"].username}
    assert {v["by"] for v in member_history(member=edited, viewer=users["leader"])} == {"办公室"}
