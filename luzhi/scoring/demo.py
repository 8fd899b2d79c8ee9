"""Demo scoring: the default rule set for 2025 and 2026, and appeals for show (one answered, one pending).

Runs after the other apps' demos (settings order), so the demo member's ledger has entries to appeal.
Idempotent: rule sets are matched by year and appeals are only added while the member has none.
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction

from luzhi.accounts.models import User
from luzhi.core.roles import Role
from luzhi.org.models import Committee
from luzhi.scoring import rules, services
from luzhi.scoring.ledger import member_ledger
from luzhi.scoring.models import ScoreAppeal, ScoreRuleSet

YEARS = (2025, 2026)


@transaction.atomic
def demo_load(*, county: Committee) -> Counter:
    """Add the demo rule sets and appeals to the county, once."""
    created: Counter = Counter()
    office = User.objects.filter(committee=county, role=Role.OFFICE).order_by("id").first()
    for year in YEARS:
        if not ScoreRuleSet.objects.filter(committee=county, year=year).exists():
            services.rule_set_create(
                actor=office,
                committee=county,
                year=year,
                data={
                    "items": rules.DEFAULT_ITEMS,
                    "grades": rules.DEFAULT_GRADES,
                    "shared_caps": rules.DEFAULT_SHARED_CAPS,
                    "warnings": rules.DEFAULT_WARNINGS,
                },
            )
            created["scoring.scoreruleset"] += 1
    member_user = User.objects.filter(username="member", committee=county).select_related("member").first()
    if office is None or member_user is None or member_user.member is None:
        return created
    member = member_user.member
    if ScoreAppeal.objects.filter(member=member).exists():
        return created
    year = max(YEARS)
    entries = [e for e in member_ledger(member=member, year=year) if e.code != rules.ADJUSTMENT]
    if not entries:
        return created
    answered = services.appeal_create(
        actor=member_user,
        member=member,
        year=year,
        entry=entries[0].key,
        reason="该次活动本人实际参加并作了发言，请核实。",
    )
    services.appeal_refuse(actor=office, appeal=answered, reason="经核对签到表和会议记录，发言已另行计分，维持原记录。")
    created["scoring.scoreappeal"] += 1
    if len(entries) > 1:
        services.appeal_create(
            actor=member_user, member=member, year=year, entry=entries[-1].key, reason="记录日期有误，请核实。"
        )
        created["scoring.scoreappeal"] += 1
    return created
