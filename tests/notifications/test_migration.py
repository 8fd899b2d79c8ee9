"""From an existing database: the inbox rows stay (same table), the old delivery records are carried over."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _migrations_on(settings):
    """The suite runs with --no-migrations (pytest-django hides every migration module); this test reads them."""
    settings.MIGRATION_MODULES = {}


BEFORE = [("core", "0005_audit_grant_and_reset"), ("scoring", "0002_row_version"), ("org", "0002_row_version")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    loader = MigrationExecutor(connection).loader
    return loader.project_state(list(loader.applied_migrations)).apps


def test_messages_and_their_deliveries_survive_the_move():
    try:
        old = _migrate([*BEFORE, ("notifications", None)])
        Committee = old.get_model("org", "Committee")
        User = old.get_model("accounts", "User")
        OldNotification = old.get_model("core", "Notification")
        OldDelivery = old.get_model("scoring", "NotificationDelivery")
        committee = Committee.objects.create(name="迁移县政协", level="county")
        user = User.objects.create(username="old", committee_id=committee.pk, role="office", email="o@example.com")
        first = OldNotification.objects.create(user_id=user.pk, kind="x", title="旧消息", key="k1")
        OldNotification.objects.create(user_id=user.pk, kind="x", title="未读旧消息", key="k2")
        OldDelivery.objects.create(notification_id=first.pk, channel="mail", ok=True)
        OldDelivery.objects.create(notification_id=first.pk, channel="webhook", ok=False, error="无人接收")

        new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        Notification = new.get_model("notifications", "Notification")
        Delivery = new.get_model("notifications", "Delivery")
        assert sorted(Notification.objects.values_list("title", flat=True)) == ["旧消息", "未读旧消息"]
        assert sorted(Delivery.objects.values_list("channel", "status", "target", "committee_id")) == [
            ("email", "sent", "o@example.com", committee.pk),
            ("webhook", "skipped", "", committee.pk),
        ]
        Notification.objects.create(user_id=user.pk, kind="x", title="新消息", key="k3")  # the table takes new rows
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
