"""Keep the record of what the old mail/webhook channels sent (scoring.NotificationDelivery → Delivery)."""

from django.db import migrations


def copy(apps, schema_editor):
    Old = apps.get_model("scoring", "NotificationDelivery")
    Notification = apps.get_model("notifications", "Notification")
    Delivery = apps.get_model("notifications", "Delivery")
    rows = Old.objects.order_by("id").values("notification_id", "channel", "delivered_at", "ok", "error")
    batch = []
    for row in rows.iterator(chunk_size=2000):
        batch.append(row)
        if len(batch) == 2000:
            _write(batch, Notification, Delivery)
            batch = []
    _write(batch, Notification, Delivery)


def _write(batch, Notification, Delivery):
    notes = Notification.objects.select_related("user").in_bulk([r["notification_id"] for r in batch])
    new = []
    for row in batch:
        note = notes.get(row["notification_id"])
        if note is None:
            continue
        channel = "email" if row["channel"] == "mail" else "webhook"
        new.append(
            Delivery(
                committee_id=note.user.committee_id,
                notification_id=note.pk,
                user_id=note.user_id,
                channel=channel,
                key=f"n:{note.pk}:{channel}",
                target=note.user.email if channel == "email" else "",
                kind=note.kind,
                title=note.title,
                body=note.body,
                link=note.link,
                status="sent" if row["ok"] else "skipped",
                attempts=1,
                error=row["error"],
                last_attempt_at=row["delivered_at"],
                sent_at=row["delivered_at"] if row["ok"] else None,
            )
        )
    Delivery.objects.bulk_create(new, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("scoring", "0002_row_version"),
    ]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
