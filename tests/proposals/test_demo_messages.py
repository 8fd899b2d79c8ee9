"""The demo's messages agree with its cases: an assignment message gives the case's own deadline."""

import pytest

from luzhi.core.clock import cn_date
from luzhi.notifications.models import Notification
from luzhi.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_every_demo_assignment_message_gives_the_proposals_real_deadline(demo_loaded):
    notes = list(Notification.objects.filter(kind="proposal_assigned"))
    assert notes
    due = dict(Proposal.objects.filter(due_date__isnull=False).values_list("pk", "due_date"))
    for note in notes:
        pk = int(note.key.split(":")[1])
        assert note.body == f"请于{cn_date(due[pk])}前办理答复。", note.title
        assert note.created_at.date() < due[pk]
