"""The demo county's plan (as in 民乐) and research topics (as in 肃北): a realistic mix, loaded once."""

import pytest

from luzhi.activities.models import Activity
from luzhi.ledger.models import MonthlyPlan, PlanItem
from luzhi.org.demo import demo_data_load
from luzhi.research.models import ResearchTopic

pytestmark = pytest.mark.django_db


def test_demo_plan_and_topics_have_the_expected_mix_and_load_once(demo_loaded):
    # The demo was loaded by the real clock (tests/demo_db.py), so its fates are read by it too.
    first = demo_loaded
    assert first["ledger.planitem"] == 30 and first["research.researchtopic"] == 16
    items = list(PlanItem.objects.with_status())
    states = {s: sum(1 for i in items if i.state == s) for s in PlanItem.Status.values}
    assert states["done"] >= 5 and states["overdue"] >= 3 and states["in_progress"] >= 10
    assert sum(1 for i in items if i.is_stale) >= 3
    assert all(i.reports.exists() for i in items)
    steps = set(ResearchTopic.objects.values_list("step", flat=True))
    assert steps == set(range(1, 10))  # every step in use, some topics finished
    finished = ResearchTopic.objects.filter(step=9)
    assert not finished.filter(outcomes__adoption="pending").exists()
    visits = Activity.objects.filter(kind__in=Activity.RESEARCH_KINDS, attendance__status="present")
    assert visits.exists()
    assert MonthlyPlan.objects.exists()
    second = demo_data_load().created
    assert not any(label.startswith(("ledger.", "research.")) for label in second)
