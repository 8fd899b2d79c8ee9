"""Every write through every door, and every login, leaves an audit entry (who, what, before/after)."""

import pytest
from django.core.management import call_command

from luzhi.core.models import AuditEntry
from luzhi.org.models import Member, Sector
from tests import factories as f
from tests.api.conftest import read_xlsx, xlsx_file
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db


def last(**filters) -> AuditEntry:
    return AuditEntry.objects.filter(**filters).order_by("-id").first()


class TestApi:
    def test_create_update_delete_record_the_user_and_the_values(self, users, api, committee):
        office = api(users["office"])
        sector_id = office.post("/api/v1/sectors/", {"name": "文艺界"}, format="json").json()["id"]
        created = last(model="org.sector", object_id=str(sector_id))
        assert (created.action, created.via, created.user, created.committee_id) == (
            "create",
            "api",
            users["office"],
            committee.pk,
        )
        assert created.changes["name"] == [None, "文艺界"]

        office.patch(f"/api/v1/sectors/{sector_id}/", {"name": "文化艺术界"}, format="json")
        updated = last(model="org.sector", object_id=str(sector_id))
        assert updated.action == "update"
        assert updated.changes == {"name": ["文艺界", "文化艺术界"]}

        assert office.delete(f"/api/v1/sectors/{sector_id}/").status_code == 204
        deleted = last(model="org.sector", object_id=str(sector_id))
        assert (deleted.action, deleted.user) == ("delete", users["office"])
        assert deleted.changes["name"] == ["文化艺术界", None]

    def test_an_update_that_changes_nothing_leaves_no_entry(self, users, api, committee):
        sector = f.SectorFactory(committee=committee, name="经济界")
        before = AuditEntry.objects.count()
        api(users["office"]).patch(f"/api/v1/sectors/{sector.pk}/", {"name": "经济界"}, format="json")
        assert AuditEntry.objects.count() == before

    def test_a_rejected_write_leaves_no_entry(self, users, api, committee):
        before = AuditEntry.objects.count()
        response = api(users["office"]).post("/api/v1/members/", {"name": "x" * 51, "gender": "M"}, format="json")
        assert response.status_code == 400
        assert AuditEntry.objects.count() == before

    def test_restore_brings_back_the_old_values_and_says_so(self, users, api, committee):
        member = f.MemberFactory(committee=committee, workplace="县一中")
        first_version = member.history.order_by("history_id").first().history_id
        office = api(users["office"])
        office.patch(f"/api/v1/members/{member.pk}/", {"workplace": "县医院", "position": "standing"}, format="json")
        response = office.post(f"/api/v1/members/{member.pk}/restore/", {"history_id": first_version}, format="json")
        assert response.status_code == 200
        assert response.json()["workplace"] == "县一中"
        member.refresh_from_db()
        assert (member.workplace, member.position) == ("县一中", "member")
        entry = last(model="org.member", object_id=str(member.pk))
        assert (entry.action, entry.via, entry.user) == ("restore", "restore", users["office"])
        assert entry.changes["workplace"] == ["县医院", "县一中"]
        versions = office.get(f"/api/v1/members/{member.pk}/history/").json()["results"]
        assert [v["action"] for v in versions] == ["update", "update", "create"]

    def test_a_restore_that_no_longer_fits_the_rules_is_400(self, users, api, committee):
        member = f.MemberFactory(committee=committee, name="赵六", birth_date="1970-01-01")
        first_version = member.history.first().history_id
        office = api(users["office"])
        office.patch(f"/api/v1/members/{member.pk}/", {"name": "赵七"}, format="json")
        f.MemberFactory(committee=committee, name="赵六", birth_date="1970-01-01")
        response = office.post(f"/api/v1/members/{member.pk}/restore/", {"history_id": first_version}, format="json")
        assert response.status_code == 400
        assert Member.objects.get(pk=member.pk).name == "赵七"

    def test_the_auditor_reads_an_objects_entries_and_the_sysadmin_cannot(self, users, api, committee):
        member = f.MemberFactory(committee=committee)
        api(users["office"]).patch(f"/api/v1/members/{member.pk}/", {"workplace": "县医院"}, format="json")
        url = f"/api/v1/audit/?model=org.member&object_id={member.pk}"
        response = api(users["auditor"]).get(url)
        assert response.status_code == 200
        entries = response.json()["results"]
        assert [e["action"] for e in entries] == ["update", "create"]
        assert entries[0]["user"] == users["office"].username
        assert entries[0]["changes"] == {"workplace": ["", "县医院"]}
        assert {"at", "user", "action", "model", "object_id", "changes"} <= set(entries[0])
        assert api(users["sysadmin"]).get(url).status_code == 403
        assert api(users["auditor"]).get("/api/v1/audit/?action=nonsense").status_code == 400


def test_the_django_admin_is_audited(client, superuser, committee):
    verified_login(client, superuser)
    response = client.post("/admin/org/sector/add/", {"committee": committee.pk, "name": "农业界"})
    assert response.status_code == 302
    sector = Sector.objects.get(name="农业界")
    created = last(model="org.sector", object_id=str(sector.pk))
    assert (created.action, created.via, created.user) == ("create", "admin", superuser)

    client.post(f"/admin/org/sector/{sector.pk}/change/", {"committee": committee.pk, "name": "农业和农村界"})
    assert last(model="org.sector", object_id=str(sector.pk)).changes == {"name": ["农业界", "农业和农村界"]}

    client.post(f"/admin/org/sector/{sector.pk}/delete/", {"post": "yes"})
    deleted = last(model="org.sector", object_id=str(sector.pk))
    assert (deleted.action, deleted.via, deleted.user) == ("delete", "admin", superuser)


def test_the_audit_log_is_not_in_the_admin(client, superuser):
    from django.contrib import admin

    assert AuditEntry not in admin.site._registry
    verified_login(client, superuser)
    assert client.get("/admin/core/auditentry/").status_code == 404


def test_an_import_leaves_one_entry_per_member(users, api, committee):
    office = api(users["office"])
    header = read_xlsx(office.get("/api/v1/members/import-template/").content)[0]
    upload = xlsx_file([header, ["李四", "女"], ["王五", "男"]])
    assert office.post("/api/v1/members/import/", {"file": upload}, format="multipart").status_code == 201
    entries = AuditEntry.objects.filter(model="org.member", via="import")
    assert entries.count() == 2
    assert {e.user for e in entries} == {users["office"]}
    assert {e.changes["name"][1] for e in entries} == {"李四", "王五"}


def test_a_management_command_is_audited(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Admin#2026pass")
    call_command("createsuperuser", "--noinput", username="bootstrap", email="root@example.com", verbosity=0)
    entry = last(model="accounts.user", action="create")
    assert (entry.via, entry.object_repr, entry.user) == ("command", "bootstrap", None)


class TestLogins:
    def test_page_login_logout_and_failed_login(self, client, users):
        user = users["member"]
        client.post("/login/", {"username": user.username, "password": "wrong-password"})
        failed = last(action="login_failed")
        assert (failed.username, failed.via, failed.user) == (user.username, "page", user)

        assert client.post("/login/", {"username": user.username, "password": f.PASSWORD}).status_code == 302
        login = last(action="login")
        assert (login.user, login.via, login.committee_id) == (user, "page", user.committee_id)

        client.post("/logout/")
        assert last(action="logout").user == user

    def test_token_login_and_failed_token_login(self, api, users):
        user = users["office"]
        client = api(None)
        response = client.post("/api/v1/auth/token/", {"username": user.username, "password": "nope"}, format="json")
        assert response.status_code == 400
        failed = last(action="login_failed")
        assert (failed.user, failed.via) == (user, "api")

        response = client.post(
            "/api/v1/auth/token/", {"username": user.username, "password": f.PASSWORD}, format="json"
        )
        assert response.status_code == 200
        assert (last(action="login").user, last(action="login").via) == (user, "api")
        token = response.json()["token"]
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get("/api/v1/me/").json()["username"] == user.username
        client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
        assert client.get("/api/v1/me/").status_code == 401

    def test_an_unknown_username_is_recorded_without_a_user(self, api, db):
        api(None).post("/api/v1/auth/token/", {"username": "ghost", "password": "whatever"}, format="json")
        failed = last(action="login_failed")
        assert (failed.username, failed.user, failed.committee_id) == ("ghost", None, None)

    def test_five_failures_lock_the_account(self, api, users):
        user, client = users["office"], api(None)
        for _ in range(5):
            client.post("/api/v1/auth/token/", {"username": user.username, "password": "nope"}, format="json")
        response = client.post(
            "/api/v1/auth/token/", {"username": user.username, "password": f.PASSWORD}, format="json"
        )
        assert response.status_code == 403
        lockouts = api(users["secadmin"]).get("/api/v1/lockouts/").json()["results"]
        assert [entry["username"] for entry in lockouts] == [user.username]
        unlocked = api(users["secadmin"]).post(f"/api/v1/lockouts/{lockouts[0]['id']}/unlock/")
        assert unlocked.status_code == 200
        response = client.post(
            "/api/v1/auth/token/", {"username": user.username, "password": f.PASSWORD}, format="json"
        )
        assert response.status_code == 200


def test_account_writes_are_audited_without_the_password(users, api, committee):
    response = api(users["sysadmin"]).post(
        "/api/v1/users/", {"username": "clerk", "password": "Clerk#2026ok", "role": "office"}, format="json"
    )
    assert response.status_code == 201
    entry = last(model="accounts.user", object_id=str(response.json()["id"]), action="create")
    assert (entry.user, entry.committee_id) == (users["sysadmin"], committee.pk)
    assert entry.changes["role"] == [None, "office"]
    assert "password" not in entry.changes and "Clerk#2026ok" not in str(entry.changes)
    assert "pbkdf2" not in str(entry.changes) and "md5" not in str(entry.changes)


def test_security_settings_changes_are_audited(users, api, committee):
    assert (
        api(users["secadmin"])
        .put("/api/v1/security-settings/", {"session_idle_minutes": 15}, format="json")
        .status_code
        == 200
    )
    entry = last(model="accounts.securitysettings")
    assert (entry.user, entry.via, entry.changes["session_idle_minutes"][1]) == (users["secadmin"], "api", 15)
    audit = api(users["auditor"]).get("/api/v1/audit/?model=accounts.securitysettings").json()
    assert audit["count"] >= 1
