"""The cadence report of a large county over ten years: 300 members, ~3,000 activities, ~100,000 attendance rows."""

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.test import Client

MEMBERS = 300
YEARS = range(2017, 2027)
PER_YEAR = 300
SEATS = 33  # invited per activity on average: ~100,000 attendance rows over ten years


def _build(committee: Any) -> None:
    from luzhi.activities.models import Activity, Attendance, ReadingLog
    from luzhi.org.models import Member, MemberGroup

    rng = random.Random(7)
    groups = [
        MemberGroup.objects.get_or_create(committee=committee, name=f"第{i}委员小组（基准）")[0] for i in range(5)
    ]
    positions = ["chair", "vice_chair", "vice_chair", "vice_chair", "secretary_general"] + ["standing"] * 40
    Member.objects.bulk_create(
        Member(
            committee=committee,
            name=f"基准委员{i}",
            gender="M",
            position=positions[i] if i < len(positions) else "member",
            group=groups[i % 5],
            phone=f"137{i:08d}",
        )
        for i in range(MEMBERS)
    )
    members = list(Member.objects.filter(committee=committee, name__startswith="基准委员").values_list("id", flat=True))
    kinds = [
        "party_group",
        "chair_meeting",
        "standing_committee",
        "study",
        "research_visit",
        "immersive_research",
        "group_activity",
        "consensus",
        "inspection",
        "consultation_sector",
    ]
    activities = []
    for year in YEARS:
        for n in range(PER_YEAR):
            start = date(year, 1, 1) + timedelta(days=rng.randrange(360))
            days = rng.choice([1, 1, 1, 2, 3, 5])
            kind = kinds[n % len(kinds)]
            activities.append(
                Activity(
                    committee=committee,
                    kind=kind,
                    title=f"基准活动{year}-{n}",
                    start=start,
                    end=start + timedelta(days=days - 1),
                    days=days,
                    study=["theory", "law_of_month"] if kind == "study" else [],
                    group=groups[n % 5] if kind == "group_activity" else None,
                )
            )
    Activity.objects.bulk_create(activities, batch_size=1000)
    ids = list(Activity.objects.filter(committee=committee, title__startswith="基准活动").values_list("id", flat=True))
    rows = []
    for activity_id in ids:
        for member_id in rng.sample(members, SEATS):
            rows.append(
                Attendance(
                    committee=committee,
                    activity_id=activity_id,
                    member_id=member_id,
                    status=rng.choice(["present"] * 8 + ["leave", "absent"]),
                )
            )
    Attendance.objects.bulk_create(rows, batch_size=5000)
    logs = [
        ReadingLog(
            committee=committee,
            member_id=member_id,
            kind=rng.choice(["article", "article", "talk", "book"]),
            title="基准阅读",
            date=date(year, 1, 1) + timedelta(days=rng.randrange(360)),
        )
        for year in YEARS
        for member_id in members
        for _ in range(20)
    ]
    ReadingLog.objects.bulk_create(logs, batch_size=5000)


def run(timed: Callable[..., dict[str, float]]) -> dict[str, dict[str, float]]:
    from luzhi.accounts.models import User
    from luzhi.core.roles import Role
    from luzhi.org.models import Committee

    committee = Committee.objects.create(name="基准县政协", level=Committee.Level.COUNTY)
    _build(committee)
    office = User.objects.create(username="bench-activities-office", role=Role.OFFICE, committee=committee)
    client = Client()
    client.force_login(office)
    return {
        "cadence report API, 2026 (13 seed rules)": timed(client, "/api/v1/cadence/report/?year=2026", 20),
        "cadence report API, 2020": timed(client, "/api/v1/cadence/report/?year=2020", 20),
        "cadence report page /activities/cadence/": timed(client, "/activities/cadence/?year=2026", 10),
        "activities API list, filtered by year": timed(client, "/api/v1/activities/?year=2025&page_size=200", 20),
        "activity calendar page (a month)": timed(client, "/activities/?year=2025&month=6", 20),
    }
