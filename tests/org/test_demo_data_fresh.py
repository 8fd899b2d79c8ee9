"""manage.py demo_data on an empty database: reproducible, and --if-empty keeps existing data.

These tests need a database without the demo, so they are not in test_demo_data.py, whose
module loads the demo once for all its tests.
"""

from typing import Any

import pytest

from luzhi.accounts.models import User
from luzhi.org.demo import COUNTY_NAME, demo_plan
from luzhi.org.models import Committee, Member
from tests import factories as f
from tests.org.test_demo_data import run_demo_data, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def first_run(demo_database: Any, django_db_blocker: Any) -> dict[str, list[Any]]:
    """What the run on an empty database of tests/demo_db.py wrote (the demo database of this process)."""
    with django_db_blocker.unblock(), demo_database.use():
        return snapshot()


class TestRepeatability:
    def test_the_plan_is_the_same_every_time(self):
        assert demo_plan() == demo_plan()

    def test_two_runs_on_empty_databases_write_identical_data(self, first_run, db):
        """The second run is `--if-empty` (what `make run` calls): on an empty database it loads the
        whole demo, and exactly what the plain run of tests/demo_db.py wrote (one load, not two)."""
        assert not Committee.objects.exists()
        out = run_demo_data("--if-empty")
        assert "未载入" not in out and Committee.objects.filter(name=COUNTY_NAME).exists()
        second = snapshot()
        assert first_run["members"]
        assert first_run == second


class TestIfEmpty:
    def test_if_empty_does_nothing_when_a_committee_exists(self, db):
        f.CommitteeFactory(name="某县政协")
        out = run_demo_data("--if-empty")
        assert Committee.objects.count() == 1
        assert not Member.objects.exists()
        assert not User.objects.exists()
        assert "未载入" in out
