import pytest

from luzhi.notifications.models import Notification
from luzhi.notifications.services import notify, unread_count

pytestmark = pytest.mark.django_db


def test_notify_stores_one_message_per_user_once_per_key(users, django_capture_on_commit_callbacks):
    office, member = users["office"], users["member"]
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[office, member, member], kind="test", title="开会通知", key="activity:1:invite")
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[member], kind="test", title="开会通知", key="activity:1:invite")
    assert Notification.objects.filter(key="activity:1:invite").count() == 2
    assert unread_count(member) == 1


def test_nothing_is_stored_when_the_transaction_rolls_back(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(users=[users["member"]], kind="test", title="x", key="k")
    assert len(callbacks) == 1
    assert Notification.objects.count() == 0


def test_the_old_deployment_wide_webhook_is_reported_not_silently_ignored(settings):
    from luzhi.notifications.apps import old_webhook_setting

    assert old_webhook_setting() == []
    settings.LUZHI_NOTIFY_WEBHOOK_URL = "https://hooks.example.com/x"
    (warning,) = old_webhook_setting()
    assert warning.id == "luzhi.notifications.W001" and "群聊推送" in warning.hint
