from django.db import migrations


class Migration(migrations.Migration):
    """knox's own migrations create knox_authtoken although DeviceToken replaces its model.

    Nothing reads it, and on PostgreSQL its foreign key to accounts_user stops the test database
    being flushed (TRUNCATE of a referenced table), so it goes.
    """

    dependencies = [
        ("accounts", "0004_device_tokens"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS knox_authtoken", reverse_sql=migrations.RunSQL.noop)]
