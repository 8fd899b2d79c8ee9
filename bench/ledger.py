"""The ledger and research at the size of a busy year: 400 plan items with monthly reports, the 16 demo topics."""

import io
import random
from collections.abc import Callable
from datetime import date
from typing import Any

from django.test import Client

ITEMS = 400


def _grow_plan(county: Any) -> None:
    """Bulk-add items (and eight monthly reports each) to the demo plan until it holds ITEMS."""
    from luzhi.core import clock
    from luzhi.ledger.models import Plan, PlanItem, ProgressReport
    from luzhi.org.models import Member, SpecialCommittee

    year = clock.today().year
    plan = Plan.objects.get(committee=county, year=year)
    have = PlanItem.objects.filter(plan=plan).count()
    leaders = [m for m in Member.objects.filter(committee=county) if m.is_leader]
    specials = list(SpecialCommittee.objects.filter(committee=county))
    rng = random.Random(400)
    items = PlanItem.objects.bulk_create(
        PlanItem(
            committee=county,
            plan=plan,
            kind=rng.choice(PlanItem.Kind.values),
            origin=rng.choice(PlanItem.Origin.values),
            title=f"督办事项{i}",
            lead=rng.choice(leaders),
            responsible=rng.choice(specials),
            deadline=date(year, rng.randint(1, 12), 28),
            progress=rng.choice([0, 20, 45, 70, 90, 100]),
            last_report_at=date(year, rng.randint(3, 11), 10),
        )
        for i in range(ITEMS - have)
    )
    ProgressReport.objects.bulk_create(
        ProgressReport(committee=county, item=item, progress=min(100, item.progress * m // 11), date=date(year, m, 10))
        for item in items
        for m in range(3, 11)
    )


def run(timed: Callable[..., dict[str, float]]) -> dict[str, dict[str, float]]:
    from django.core.management import call_command

    from luzhi.accounts.models import User
    from luzhi.core import clock
    from luzhi.org.models import Committee

    call_command("demo_data", verbosity=0, stdout=io.StringIO())
    county = Committee.objects.get(name="示例县政协")
    _grow_plan(county)
    year = clock.today().year
    client = Client()
    client.force_login(User.objects.get(username="office"))
    return {
        f"API board /plan-items/board/ ({ITEMS} items)": timed(client, f"/api/v1/plan-items/board/?year={year}", 50),
        "API plan items ?year= page_size=200": timed(client, f"/api/v1/plan-items/?year={year}&page_size=200", 30),
        "API plan items ?status=overdue": timed(client, f"/api/v1/plan-items/?year={year}&status=overdue", 50),
        "plan page /ledger/ (50 per page)": timed(client, f"/ledger/?year={year}", 50),
        "board page with monthly chart /ledger/board/": timed(client, f"/ledger/board/?year={year}", 30),
        "board A3 PDF /ledger/board/pdf/": timed(client, f"/ledger/board/pdf/?year={year}", 5),
        "research year page /research/": timed(client, "/research/?year=2026", 50),
        "API research topics ?year=2026": timed(client, "/api/v1/research-topics/?year=2026", 50),
    }
