"""No lost updates: an edit made from a version someone else has changed since is refused, nothing saved."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from luzhi.core.models import AuditEntry
from luzhi.core.scoping import STALE_MESSAGE, StaleEdit
from luzhi.core.services import object_update
from luzhi.org.forms import MemberForm
from luzhi.org.models import Member, Sector
from tests import factories as f


@pytest.fixture
def member(committee: Any) -> Member:
    return f.MemberFactory(committee=committee, workplace="县一中")


@pytest.mark.django_db
class TestApi:
    def test_the_version_is_shown_and_moves_on_with_each_save(self, api: Any, users: Any, member: Member) -> None:
        office = api(users["office"])
        assert office.get(f"/api/v1/members/{member.pk}/").json()["version"] == 1
        response = office.patch(f"/api/v1/members/{member.pk}/", {"workplace": "县医院", "version": 1}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["version"] == 2
        member.refresh_from_db()
        assert (member.workplace, member.version) == ("县医院", 2)

    def test_a_stale_patch_is_409_and_saves_nothing(self, api: Any, users: Any, member: Member) -> None:
        office = api(users["office"])
        first = office.patch(f"/api/v1/members/{member.pk}/", {"workplace": "县医院", "version": 1}, format="json")
        assert first.status_code == 200
        audits = AuditEntry.objects.count()
        stale = office.patch(f"/api/v1/members/{member.pk}/", {"workplace": "县三中", "version": 1}, format="json")
        assert stale.status_code == 409
        assert stale.json() == {"detail": STALE_MESSAGE}
        member.refresh_from_db()
        assert (member.workplace, member.version) == ("县医院", 2)
        assert AuditEntry.objects.count() == audits

    def test_two_editors_who_read_the_same_version_only_the_first_wins(
        self, api: Any, users: Any, make_user: Any, committee: Any, member: Member
    ) -> None:
        alice, bob = api(users["office"]), api(make_user("office", committee))
        read_a = alice.get(f"/api/v1/members/{member.pk}/").json()
        read_b = bob.get(f"/api/v1/members/{member.pk}/").json()
        put = {k: v for k, v in read_a.items() if k not in {"id", "is_leader"}}
        saved = alice.put(f"/api/v1/members/{member.pk}/", {**put, "workplace": "甲的修改"}, format="json")
        assert saved.status_code == 200, saved.json()
        refused = bob.patch(
            f"/api/v1/members/{member.pk}/", {"phone": "13900000000", "version": read_b["version"]}, format="json"
        )
        assert refused.status_code == 409
        member.refresh_from_db()
        assert member.workplace == "甲的修改"
        assert member.phone != "13900000000"

    def test_if_match_header_carries_the_version(self, api: Any, users: Any, member: Member) -> None:
        office = api(users["office"])
        url = f"/api/v1/members/{member.pk}/"
        assert office.patch(url, {"workplace": "甲"}, format="json", HTTP_IF_MATCH='"1"').status_code == 200
        stale = office.patch(url, {"workplace": "乙"}, format="json", HTTP_IF_MATCH='W/"1"')
        assert stale.status_code == 409
        assert office.patch(url, {"workplace": "乙"}, format="json", HTTP_IF_MATCH="bogus").status_code == 409
        member.refresh_from_db()
        assert member.workplace == "甲"

    def test_without_a_version_an_edit_still_works(self, api: Any, users: Any, member: Member) -> None:
        # API.md clients that never send `version` keep working (last write wins for them).
        office = api(users["office"])
        response = office.patch(f"/api/v1/members/{member.pk}/", {"workplace": "县医院"}, format="json")
        assert response.status_code == 200
        assert response.json()["version"] == 2

    def test_a_new_row_starts_at_version_1_whatever_is_sent(self, api: Any, users: Any) -> None:
        office = api(users["office"])
        response = office.post(
            "/api/v1/members/",
            {
                "name": "新委员",
                "gender": "F",
                "ethnicity": "汉族",
                "party": "none",
                "position": "member",
                "status": "active",
                "version": 9,
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["version"] == 1
        assert Member.objects.get(pk=response.json()["id"]).version == 1

    def test_a_bad_version_is_400(self, api: Any, users: Any, member: Member) -> None:
        office = api(users["office"])
        response = office.patch(f"/api/v1/members/{member.pk}/", {"workplace": "x", "version": "abc"}, format="json")
        assert response.status_code == 400
        assert "version" in response.json()


@pytest.mark.django_db
class TestPages:
    def _posted(self, member: Member, viewer: Any) -> dict[str, Any]:
        """What the browser sends back for the edit form as it was rendered."""
        form = MemberForm(instance=member, viewer=viewer)
        return {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}

    def test_the_edit_form_carries_the_version(self, client: Any, users: Any, member: Member) -> None:
        client.force_login(users["office"])
        html = client.get(f"/org/members/{member.pk}/edit/").content.decode()
        assert 'type="hidden" name="version" value="1"' in html

    def test_a_stale_submit_shows_the_message_and_saves_nothing(
        self, client: Any, users: Any, make_user: Any, committee: Any, member: Member
    ) -> None:
        office = users["office"]
        client.force_login(office)
        data = self._posted(member, office)
        assert data["version"] == 1
        object_update(
            actor=make_user("office", committee),
            instance=Member.objects.get(pk=member.pk),
            data={"workplace": "别人改的"},
        )
        response = client.post(f"/org/members/{member.pk}/edit/", {**data, "workplace": "我改的"})
        assert response.status_code == 200
        assert STALE_MESSAGE in response.content.decode()
        member.refresh_from_db()
        assert (member.workplace, member.version) == ("别人改的", 2)

    def test_a_current_submit_saves(self, client: Any, users: Any, member: Member) -> None:
        office = users["office"]
        client.force_login(office)
        response = client.post(
            f"/org/members/{member.pk}/edit/", {**self._posted(member, office), "workplace": "我改的"}
        )
        assert response.status_code == 302
        member.refresh_from_db()
        assert (member.workplace, member.version) == ("我改的", 2)


@pytest.mark.django_db
class TestModel:
    def test_a_copy_read_before_anothers_save_cannot_overwrite_it(self, committee: Any) -> None:
        sector = f.SectorFactory(committee=committee, name="经济界")
        first, second = Sector.objects.get(pk=sector.pk), Sector.objects.get(pk=sector.pk)
        first.name = "经济界别"
        first.save()
        second.name = "工商界"
        with pytest.raises(StaleEdit):
            second.save()
        assert second.version == 1  # the refused copy keeps the version it was read at
        sector.refresh_from_db()
        assert (sector.name, sector.version) == ("经济界别", 2)

    def test_save_with_update_fields_moves_the_version_too(self, committee: Any) -> None:
        sector = f.SectorFactory(committee=committee, name="经济界")
        sector.name = "经济界别"
        sector.save(update_fields=["name"])
        assert Sector.objects.get(pk=sector.pk).version == 2

    def test_the_audit_does_not_list_the_version(self, users: Any, member: Member) -> None:
        object_update(actor=users["office"], instance=member, data={"workplace": "县医院"})
        entry = AuditEntry.objects.filter(model="org.member", object_id=str(member.pk)).latest("id")
        assert entry.changes == {"workplace": ["县一中", "县医院"]}
        created = AuditEntry.objects.filter(model="org.member", object_id=str(member.pk)).earliest("id")
        assert "version" not in created.changes

    def test_restoring_an_old_version_moves_the_version_forward(self, api: Any, users: Any, member: Member) -> None:
        office = api(users["office"])
        first = member.history.earliest("history_id").history_id
        office.patch(f"/api/v1/members/{member.pk}/", {"workplace": "县医院"}, format="json")
        response = office.post(f"/api/v1/members/{member.pk}/restore/", {"history_id": first}, format="json")
        assert response.status_code == 200, response.json()
        member.refresh_from_db()
        assert (member.workplace, member.version) == ("县一中", 3)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_editors_cannot_both_win(committee: Any, make_user: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database per write, so two editors cannot save at once; run on PostgreSQL")
    member = f.MemberFactory(committee=committee, workplace="县一中")
    editors = [make_user("office", committee) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(editor: Any, workplace: str) -> None:
        try:
            mine = Member.objects.get(pk=member.pk)  # each thread reads on its own connection
            barrier.wait(timeout=10)
            object_update(actor=editor, instance=mine, data={"workplace": workplace, "version": mine.version})
            outcomes[workplace] = "saved"
        except StaleEdit:
            outcomes[workplace] = "refused"
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcomes[workplace] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(e, w)) for e, w in zip(editors, ["甲", "乙"], strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values()) == ["refused", "saved"], outcomes
    winner = next(w for w, o in outcomes.items() if o == "saved")
    member.refresh_from_db()
    assert (member.workplace, member.version) == (winner, 2)
    assert member.history.count() == 2  # the creation and the one edit that won
