"""Who may handle a report: permissions.may — the holding committee's office — and the services enforce it."""

import pytest
from django.core.exceptions import PermissionDenied

from luzhi.opinions import permissions, services
from luzhi.opinions.permissions import HANDLING_STEPS

pytestmark = pytest.mark.django_db


def test_only_the_holders_office_may_handle(report, offices, member_user, superuser):
    for step in HANDLING_STEPS:
        who = {name for name, user in offices.items() if permissions.may(user, step, report)}
        assert who == {"county"}, step
        assert not permissions.may(member_user, step, report)
        assert permissions.may(superuser, step, report)
    services.opinion_forward(actor=offices["county"], report=report)
    assert {name for name, user in offices.items() if permissions.may(user, "adopt", report)} == {"city"}


def test_the_services_refuse_anyone_else(report, offices, member_user):
    with pytest.raises(PermissionDenied, match="只有持有这篇信息的政协办公室可以处理。"):
        services.opinion_adopt(actor=offices["city"], report=report, issue="第1期")
    with pytest.raises(PermissionDenied):
        services.opinion_reject(actor=member_user, report=report, reason="不采用")
    report.refresh_from_db()
    assert report.status == "submitted" and not report.adoptions.exists()


def test_an_unknown_step_is_a_programming_error(report, offices):
    with pytest.raises(ValueError):
        permissions.may(offices["county"], "fly", report)
