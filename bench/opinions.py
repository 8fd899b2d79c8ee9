"""Opinion reads at the size of a busy county (600 reports a year, 300 forwarded up) and its city."""

import io
from collections.abc import Callable
from typing import Any

from django.test import Client

REPORTS = 600


def _grow(county: Any) -> None:
    from django.utils import timezone

    from luzhi.opinions.models import OpinionAdoption, OpinionHolding, OpinionReport
    from luzhi.org.models import Member

    have = OpinionReport.objects.filter(committee=county).count()
    members = list(Member.objects.filter(committee=county).order_by("id")[:100])
    city = county.parent
    new = OpinionReport.objects.bulk_create(
        OpinionReport(
            committee=county,
            holder=city if i % 2 else county,
            status="forwarded" if i % 2 else "submitted",
            title=f"关于第{i}个问题的建议",
            content="情况、问题与建议。" * 20,
            author=members[i % len(members)],
            submitted_at=timezone.now(),
        )
        for i in range(REPORTS - have)
    )
    OpinionHolding.objects.bulk_create(
        [OpinionHolding(report=r, committee=county) for r in new]
        + [OpinionHolding(report=r, committee=city) for r in new if r.holder_id == city.pk]
    )
    OpinionAdoption.objects.bulk_create(
        OpinionAdoption(report=r, committee=county, level="county", issue="第1期") for r in new[::3]
    )


def run(timed: Callable[..., dict[str, float]]) -> dict[str, dict[str, float]]:
    from django.core.management import call_command

    from luzhi.accounts.models import User
    from luzhi.org.models import Committee

    call_command("demo_data", verbosity=0, stdout=io.StringIO())
    county = Committee.objects.get(name="示例县政协")
    _grow(county)
    office, city = Client(), Client()
    office.force_login(User.objects.get(username="office"))
    city.force_login(User.objects.get(username="city_office"))
    return {
        "API /api/v1/opinions/?page_size=200 (county)": timed(office, "/api/v1/opinions/?page_size=200", 30),
        "API /api/v1/opinions/?page_size=200 (city, forwarded only)": timed(
            city, "/api/v1/opinions/?page_size=200", 30
        ),
        "office queue page /opinions/queue/": timed(office, "/opinions/queue/", 20),
        "statistics page /opinions/statistics/": timed(office, "/opinions/statistics/", 20),
        "grassroots overdue API": timed(office, "/api/v1/grassroots-records/?overdue=true", 30),
    }
