import pytest
from axes.models import AccessAttempt

from luzhi.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _lock(client, username):
    for _ in range(5):
        client.post("/login/", {"username": username, "password": "Wrong#password1"})


def test_unlock_through_the_api_is_audited(api, client, users):
    member = users["member"]
    _lock(client, member.username)
    attempt = AccessAttempt.objects.get(username=member.username)
    response = api(users["secadmin"]).post(f"/api/v1/lockouts/{attempt.pk}/unlock/")
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(username=member.username).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UNLOCK)
    assert entry.user == users["secadmin"]
    assert entry.object_id == str(member.pk)
    assert entry.committee_id == member.committee_id
