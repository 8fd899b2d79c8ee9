"""The demo county's two years of activities: deterministic, idempotent, red and green cells."""

from collections import Counter
from datetime import date

import pytest

from luzhi.activities import demo, hall
from luzhi.activities.cadence import cadence_report
from luzhi.activities.models import Activity
from luzhi.org.models import Committee

pytestmark = pytest.mark.django_db


def test_demo_years_show_met_and_missed_and_load_once(demo_loaded):
    county = Committee.objects.get(name="示例县政协")
    assert demo.demo_load(county=county) == Counter()
    statuses = Counter()
    for year in (2025, 2026):
        report = cadence_report(committee=county, year=year, today=demo.TODAY)
        for rule in report["rules"]:
            statuses.update(c["status"] for row in rule["rows"] for c in row["periods"])
        party = next(r for r in report["rules"] if r["name"] == "党组会议每月至少1次")
        if year == 2025:
            assert party["rows"][0]["periods"][7]["status"] == "missed"  # August 2025
            leaders = next(r for r in report["rules"] if r["name"].startswith("主席会议成员年内基层调研"))
            assert any(row["periods"][0]["status"] == "missed" for row in leaders["rows"])
    assert statuses["met"] and statuses["missed"] and statuses["open"]
    assert date(2026, 11, 25) == demo.TODAY
    # The meeting that voted shows its last agenda item and the results on the hall screen.
    held = Activity.objects.filter(committee=county, votes__isnull=False).distinct().get()
    assert held.current_item is not None and held.current_item.activity_id == held.pk
    screen = hall.screen_fragment(activity=held)
    assert held.current_item.title in screen and 'data-vote="closed"' in screen and "data-outcome" in screen
