"""Factories of the activities app."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from luzhi.activities.models import Activity, Attendance, LeaveRequest, ReadingLog
from tests.factories import CommitteeFactory, MemberFactory


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    committee = factory.SubFactory(CommitteeFactory)
    kind = Activity.Kind.PARTY_GROUP
    title = factory.Sequence(lambda n: f"活动{n}")
    start = dt.date(2025, 3, 10)
    end = factory.SelfAttribute("start")


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    activity = factory.SubFactory(ActivityFactory)
    committee = factory.SelfAttribute("activity.committee")
    member = factory.SubFactory(MemberFactory, committee=factory.SelfAttribute("..committee"))
    status = Attendance.Status.INVITED


class ReadingLogFactory(DjangoModelFactory):
    class Meta:
        model = ReadingLog

    member = factory.SubFactory(MemberFactory)
    committee = factory.SelfAttribute("member.committee")
    kind = ReadingLog.Kind.ARTICLE
    title = factory.Sequence(lambda n: f"文章{n}")
    date = dt.date(2025, 3, 10)


class LeaveRequestFactory(DjangoModelFactory):
    class Meta:
        model = LeaveRequest

    activity = factory.SubFactory(ActivityFactory)
    committee = factory.SelfAttribute("activity.committee")
    member = factory.SubFactory(MemberFactory, committee=factory.SelfAttribute("..committee"))
    reason = "出差在外"
