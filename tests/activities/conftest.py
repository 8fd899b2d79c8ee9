"""Fixtures of the activities tests."""

from collections.abc import Callable
from typing import Any

import pytest

from luzhi.activities.models import Activity, Attendance
from luzhi.org.models import Committee, Member
from tests.activities import factories as af


@pytest.fixture
def activity_with(committee: Committee) -> Callable[..., Activity]:
    """activity_with(members, statuses=None, **fields) — an activity with these members invited (or recorded)."""

    def make(members: list[Member] = (), statuses: list[str] | None = None, **fields: Any) -> Activity:
        activity = af.ActivityFactory(committee=committee, **fields)
        for i, member in enumerate(members):
            status = statuses[i] if statuses else Attendance.Status.INVITED
            af.AttendanceFactory(activity=activity, committee=committee, member=member, status=status)
        return activity

    return make
