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
