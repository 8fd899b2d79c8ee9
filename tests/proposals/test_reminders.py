"""proposal_reminders: due within 7 days and overdue cases notify their units (and the office) once."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from luzhi.notifications.models import Notification
from luzhi.proposals.models import Proposal

pytestmark = pytest.mark.django_db(transaction=True)


def test_command_notifies_due_and_overdue_once(people: Any, case: Any) -> None:
    today = timezone.localdate()
    soon, late, later = case("assigned"), case("assigned"), case("assigned")
    Proposal.objects.filter(pk=soon.pk).update(due_date=today + dt.timedelta(days=5))
    Proposal.objects.filter(pk=late.pk).update(due_date=today - dt.timedelta(days=1))
    Notification.objects.all().delete()
    out = StringIO()
    call_command("proposal_reminders", stdout=out)
    assert "即将到期 1 件，已逾期 1 件" in out.getvalue()
    unit_titles = sorted(Notification.objects.filter(user=people.unit).values_list("kind", flat=True))
    assert unit_titles == ["proposal_due", "proposal_overdue"]
    assert Notification.objects.filter(user=people.co_unit).count() == 2
    assert list(Notification.objects.filter(user=people.office).values_list("kind", flat=True)) == ["proposal_overdue"]
    assert not Notification.objects.filter(link=f"/proposals/{later.pk}/").exists()
    call_command("proposal_reminders", stdout=StringIO())
    assert Notification.objects.count() == 5
