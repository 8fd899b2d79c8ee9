"""The delivery record moved to the notifications app (its rows were copied by notifications 0002)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0002_row_version"),
        ("notifications", "0002_copy_old_deliveries"),
    ]

    operations = [migrations.DeleteModel(name="NotificationDelivery")]
