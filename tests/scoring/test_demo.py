"""The demo: rule sets for 2025 and 2026, appeals for show, idempotent."""

import io

import pytest
from django.core.management import call_command

from luzhi.scoring.models import ScoreAppeal, ScoreRuleSet

pytestmark = pytest.mark.django_db


def test_demo_loads_rule_sets_and_is_idempotent(demo_loaded):
    assert demo_loaded["scoring.scoreruleset"] == 2
    assert set(ScoreRuleSet.objects.values_list("year", flat=True)) == {2025, 2026}
    counts = (ScoreRuleSet.objects.count(), ScoreAppeal.objects.count())
    call_command("demo_data", verbosity=0, stdout=io.StringIO())
    assert (ScoreRuleSet.objects.count(), ScoreAppeal.objects.count()) == counts


def test_the_demo_year_reads_like_a_real_committees(demo_loaded):
    """Most members 合格 or better, a handful on the warning list (issue #17: 177 of 215 were 不合格)."""
    from luzhi.core import clock
    from luzhi.org.models import Committee
    from luzhi.scoring.ledger import scores, warnings

    county = Committee.objects.get(name="示例县政协")
    year = clock.today().year
    board = scores(committee_id=county.pk, year=year)
    good = [row for row in board if row["grade"] in ("excellent", "qualified")]
    assert len(board) > 200
    assert len(good) >= 0.7 * len(board), (len(good), len(board))
    assert 1 <= len(warnings(committee_id=county.pk, year=year)) <= 20
