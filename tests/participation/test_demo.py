"""The demo county's channels: notices partly read, an open and a closed topic, self-reports of each fate."""

import pytest

from luzhi.org.demo import demo_data_load
from luzhi.participation.models import ActivityGuest, Material, Notice, NoticeReceipt, Post, SelfReport, Topic

pytestmark = pytest.mark.django_db


def test_demo_channels_have_the_expected_mix_and_load_once(demo_loaded):
    first = demo_loaded
    assert first["participation.notice"] == 3
    receipts = NoticeReceipt.objects.all()
    assert receipts.filter(read_at__isnull=False).exists() and receipts.filter(read_at__isnull=True).exists()
    topics = list(Topic.objects.all())
    assert sorted(t.is_open() for t in topics) == [False, True]
    assert Post.objects.filter(hidden=True).count() == 1 and Post.objects.filter(theme__isnull=False).exists()
    assert set(SelfReport.objects.values_list("status", flat=True)) == {"verified", "returned", "pending"}
    assert ActivityGuest.objects.exists() and Material.objects.filter(recommended=True).count() == 2
    second = demo_data_load().created
    assert not any(label.startswith("participation.") for label in second)
    assert Notice.objects.count() == 3
