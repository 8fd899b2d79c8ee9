"""The cadence report: periods, days spread over periods, who counts, status, fixed query count."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luzhi.activities.cadence import cadence_report
from luzhi.activities.models import Attendance, CadenceRule
from luzhi.org.models import Member
from tests import factories as f
from tests.activities import factories as af

pytestmark = pytest.mark.django_db
S = Attendance.Status
P, L, A, OBS = S.PRESENT, S.LEAVE, S.ABSENT, S.OBSERVER
TODAY = date(2026, 11, 25)


def only_rule(committee, **fields):
    CadenceRule.objects.filter(committee=committee).delete()
    defaults = {"name": "规则", "source": "activity", "scope": "committee", "measure": "count", "minimum": 1}
    return CadenceRule.objects.create(committee=committee, **{**defaults, **fields})


def cells(report, subject_id=None):
    rows = report["rules"][0]["rows"]
    row = rows[0] if subject_id is None else next(r for r in rows if r["subject"]["id"] == subject_id)
    return [(c["value"], c["status"]) for c in row["periods"]]


def test_new_committees_get_the_seed_rules(committee):
    names = list(CadenceRule.objects.filter(committee=committee).values_list("name", flat=True))
    assert len(names) == 14 and "党组会议每月至少1次" in names and "年撰一稿" in names


def test_monthly_committee_rule_met_missed_and_open(committee):
    only_rule(committee, kinds=["party_group"], period="month")
    af.ActivityFactory(committee=committee, kind="party_group", start=date(2026, 1, 31))
    af.ActivityFactory(committee=committee, kind="party_group", start=date(2026, 3, 1))
    af.ActivityFactory(committee=committee, kind="chair_meeting", start=date(2026, 2, 10))  # other kind
    report = cadence_report(committee=committee, year=2026, today=TODAY)
    got = cells(report)
    assert got[0] == (1, "met") and got[1] == (0, "missed") and got[2] == (1, "met")
    assert got[10] == (0, "open")  # November is not over on the 25th
    assert got[9] == (0, "missed")  # October is
    assert report["rules"][0]["rows"][0]["periods"][1]["end"] == date(2026, 2, 28)


def test_open_only_while_the_period_is_not_over(committee):
    only_rule(committee, kinds=["party_group"], period="month")
    assert cells(cadence_report(committee=committee, year=2026, today=date(2026, 2, 28)))[1] == (0, "open")
    assert cells(cadence_report(committee=committee, year=2026, today=date(2026, 3, 1)))[1] == (0, "missed")


def test_iso_weeks_across_new_year_and_study_tag(committee):
    only_rule(committee, kinds=["study", "party_group"], study="theory", period="week")
    # 2025-12-30 lies in ISO week 1 of 2026 (its Thursday is 2026-01-01).
    af.ActivityFactory(committee=committee, kind="study", start=date(2025, 12, 30), study=["theory"])
    af.ActivityFactory(committee=committee, kind="study", start=date(2026, 1, 6))  # no tag: does not count
    report = cadence_report(committee=committee, year=2026, today=TODAY)
    got = cells(report)
    assert len(got) == 53
    assert got[0] == (1, "met") and got[1] == (0, "missed")
    assert cells(cadence_report(committee=committee, year=2025, today=TODAY))[-1] == (0, "missed")


def test_leap_day_counts_in_february_and_the_first_quarter(committee):
    only_rule(committee, kinds=["standing_committee"], period="quarter")
    af.ActivityFactory(committee=committee, kind="standing_committee", start=date(2024, 2, 29))
    assert cells(cadence_report(committee=committee, year=2024, today=TODAY))[0] == (1, "met")


def test_days_spread_over_the_periods_an_activity_spans(committee):
    leader = f.MemberFactory(committee=committee, position=Member.Position.VICE_CHAIR)
    only_rule(committee, kinds=["immersive_research"], scope="each_leader", measure="days", minimum=2, period="quarter")
    spanning = af.ActivityFactory(
        committee=committee, kind="immersive_research", start=date(2026, 3, 30), end=date(2026, 4, 2)
    )
    inside = af.ActivityFactory(committee=committee, kind="immersive_research", start=date(2026, 5, 5))
    for activity in (spanning, inside):
        af.AttendanceFactory(activity=activity, member=leader, status=P)
    got = cells(cadence_report(committee=committee, year=2026, today=TODAY), leader.pk)
    assert got[0] == (2, "met")  # 30, 31 March
    assert got[1] == (3, "met")  # 1, 2 April + 5 May
    assert got[2] == (0, "missed")


def test_days_of_an_activity_from_the_year_before_count_in_january(committee):
    leader = f.MemberFactory(committee=committee, position=Member.Position.CHAIR)
    only_rule(committee, kinds=["research_visit"], scope="each_leader", measure="days", minimum=60, period="year")
    visit = af.ActivityFactory(
        committee=committee, kind="research_visit", start=date(2025, 12, 29), end=date(2026, 1, 9)
    )
    af.AttendanceFactory(activity=visit, member=leader, status=P)
    assert cells(cadence_report(committee=committee, year=2026, today=TODAY), leader.pk) == [(9, "open")]
    assert cells(cadence_report(committee=committee, year=2025, today=TODAY), leader.pk) == [(3, "missed")]


def test_fewer_field_days_than_calendar_days_are_counted_from_the_first_day(committee):
    leader = f.MemberFactory(committee=committee, position=Member.Position.CHAIR)
    only_rule(committee, kinds=["research_visit"], scope="each_leader", measure="days", minimum=1, period="month")
    visit = af.ActivityFactory(
        committee=committee, kind="research_visit", start=date(2026, 1, 30), end=date(2026, 2, 5), days=3
    )
    af.AttendanceFactory(activity=visit, member=leader, status=P)
    got = cells(cadence_report(committee=committee, year=2026, today=TODAY), leader.pk)
    assert got[0][0] == 2 and got[1][0] == 1


def test_only_present_counts_for_people(committee):
    members = [f.MemberFactory(committee=committee) for _ in range(5)]
    only_rule(committee, kinds=["group_activity"], scope="each_member", period="year")
    activity = af.ActivityFactory(committee=committee, kind="group_activity", start=date(2026, 5, 5))
    for member, status in zip(members, [P, L, A, OBS, Attendance.Status.INVITED], strict=True):
        af.AttendanceFactory(activity=activity, member=member, status=status)
    report = cadence_report(committee=committee, year=2026, today=date(2027, 1, 1))
    assert [cells(report, m.pk)[0] for m in members] == [(1, "met")] + [(0, "missed")] * 4


def test_inactive_members_and_groups_are_left_out(committee):
    active = f.MemberFactory(committee=committee, group=f.MemberGroupFactory(committee=committee))
    gone = f.MemberFactory(committee=committee, status=Member.Status.RESIGNED)
    empty_group = f.MemberGroupFactory(committee=committee)
    f.MemberFactory(committee=committee, group=empty_group, status=Member.Status.EXITED)
    only_rule(committee, source="reading", kinds=["essay"], scope="each_member", period="year")
    ids = [r["subject"]["id"] for r in cadence_report(committee=committee, year=2026)["rules"][0]["rows"]]
    assert active.pk in ids and gone.pk not in ids
    only_rule(committee, kinds=["group_activity"], scope="each_group", period="year")
    ids = [r["subject"]["id"] for r in cadence_report(committee=committee, year=2026)["rules"][0]["rows"]]
    assert ids == [active.group_id]


def test_group_rule_counts_each_groups_own_activities(committee):
    g1, g2 = f.MemberGroupFactory(committee=committee), f.MemberGroupFactory(committee=committee)
    for g in (g1, g2):
        f.MemberFactory(committee=committee, group=g)
    only_rule(committee, kinds=["group_activity"], scope="each_group", minimum=2, period="year")
    for day in (date(2026, 3, 1), date(2026, 9, 1)):
        af.ActivityFactory(committee=committee, kind="group_activity", group=g1, start=day)
    af.ActivityFactory(committee=committee, kind="group_activity", group=g2, start=date(2026, 3, 1))
    report = cadence_report(committee=committee, year=2026, today=date(2027, 1, 1))
    assert cells(report, g1.pk) == [(2, "met")] and cells(report, g2.pk) == [(1, "missed")]


def test_a_rule_edited_mid_year_reports_as_it_now_stands(committee):
    rule = only_rule(committee, kinds=["party_group"], period="month", minimum=1)
    af.ActivityFactory(committee=committee, kind="party_group", start=date(2026, 1, 5))
    assert cells(cadence_report(committee=committee, year=2026, today=TODAY))[0] == (1, "met")
    rule.minimum = 2
    rule.save()
    assert cells(cadence_report(committee=committee, year=2026, today=TODAY))[0] == (1, "missed")


def test_other_committees_records_never_count(committee, other_committee):
    only_rule(committee, kinds=["party_group"], period="year")
    af.ActivityFactory(committee=other_committee, kind="party_group", start=date(2026, 1, 5))
    assert cells(cadence_report(committee=committee, year=2026, today=TODAY)) == [(0, "open")]


def _populate(committee, n_members: int, n_activities: int) -> None:
    group = f.MemberGroupFactory(committee=committee)
    members = [
        f.MemberFactory(committee=committee, group=group, position="vice_chair" if i < 2 else "member")
        for i in range(n_members)
    ]
    for i in range(n_activities):
        kind = ["party_group", "immersive_research", "group_activity", "study"][i % 4]
        activity = af.ActivityFactory(
            committee=committee,
            kind=kind,
            start=date(2026, 1 + i % 12, 27),
            end=date(2026, 1 + i % 12, 27 + i % 4),
            study=["theory"],
            group=group,
        )
        for m in members:
            af.AttendanceFactory(activity=activity, member=m, status=P)
            af.ReadingLogFactory(member=m, date=activity.start)


def test_the_report_runs_a_fixed_number_of_queries(committee):
    """Seed rules of every scope: the count does not grow with members, activities or periods."""
    f.SpecialCommitteeFactory(committee=committee)
    _populate(committee, 3, 4)
    with CaptureQueriesContext(connection) as few:
        small = cadence_report(committee=committee, year=2026, today=TODAY)
    _populate(committee, 12, 12)
    with CaptureQueriesContext(connection) as many:
        big = cadence_report(committee=committee, year=2026, today=TODAY)
    assert len(few) == len(many) <= 6
    assert sum(len(r["rows"]) for r in big["rules"]) > sum(len(r["rows"]) for r in small["rules"])
    CadenceRule.objects.create(
        committee=committee,
        name="每个专委会",
        kinds=["study"],
        scope="each_special_committee",
        minimum=1,
        period="year",
    )
    with CaptureQueriesContext(connection) as more_rules:
        cadence_report(committee=committee, year=2026, today=TODAY)
    assert len(more_rules) == len(many) + 1  # one more kind of subject, not one more query per rule
