"""The inbox moved to the notifications app, which keeps this table (core_notification) and its rows."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_audit_grant_and_reset"),
        ("notifications", "0001_initial"),
        ("scoring", "0003_notification_delivery_moved"),
    ]

    operations = [
        # Mail deliveries are recorded per channel now (notifications.Delivery).
        migrations.RemoveField(model_name="notification", name="emailed_at"),
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Notification")]),
    ]
