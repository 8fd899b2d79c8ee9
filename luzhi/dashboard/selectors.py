"""The year at a glance for the office and leaders: every figure an SQL aggregate with a link to its records."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.urls import reverse

from luzhi.activities.cadence import cadence_summary
from luzhi.activities.models import Activity
from luzhi.core.scoping import visible_to
from luzhi.opinions.selectors import opinion_statistics
from luzhi.org.models import Committee
from luzhi.proposals.models import Proposal
from luzhi.proposals.selectors import proposal_stats
from luzhi.scoring import ledger, rules
from luzhi.scoring.models import ScoreRuleSet

LEVEL_LABELS = dict(Committee.Level.choices)


def _activities(viewer: Any, year: int) -> dict[str, Any]:
    held = dict(
        visible_to(Activity.objects.filter(start__year=year), viewer)
        .annotate(month=ExtractMonth("start"))
        .order_by()
        .values_list("month")
        .annotate(n=Count("id"))
    )
    base = reverse("activities:activity-list")
    per_rule = []
    for rule in cadence_summary(committee=viewer.committee, year=year):
        cells = rule["cells"]
        whole = sum(cells.values()) or 1
        # Shares, not counts: a weekly rule per member has thousands of cells, a yearly one a handful.
        per_rule.append(
            {"name": rule["name"], **{k: round(100 * cells[k] / whole, 1) for k in ("met", "missed", "open")}}
        )
    return {
        "months": [f"{m}月" for m in range(1, 13)],
        "held": [held.get(m, 0) for m in range(1, 13)],
        "links": [f"{base}?year={year}&month={m}" for m in range(1, 13)],
        "cadence": per_rule,
        "cadence_link": f"{reverse('activities:cadence')}?year={year}",
        "total": sum(held.values()),
    }


def _proposals(viewer: Any, year: int) -> dict[str, Any]:
    stats = proposal_stats(viewer=viewer, year=year)
    labels = dict(Proposal.Status.choices)
    base = reverse("proposals:list")
    rows = [(s, labels[s], n) for s, n in stats["by_status"].items() if s in labels]
    return {
        "labels": [label for _, label, _ in rows],
        "values": [n for _, _, n in rows],
        "links": [f"{base}?year={year}&status={s}" for s, _, _ in rows],
        "total": stats["total"],
        "on_time_rate": round(stats["on_time_rate"] * 100, 1),
        "satisfaction_rate": round(stats["satisfaction_rate"] * 100, 1),
        "stats_link": f"{reverse('proposals:stats')}?year={year}",
    }


def _opinions(viewer: Any, year: int) -> dict[str, Any]:
    stats = opinion_statistics(viewer=viewer, year=year)
    link = f"{reverse('opinions:statistics')}?year={year}"
    levels = list(stats["adoptions_by_level"])
    return {
        "labels": [LEVEL_LABELS[lv] for lv in levels],
        "adopted": [stats["adoptions_by_level"][lv] for lv in levels],
        "instructed": [stats["instructions_by_level"].get(lv, 0) for lv in levels],
        "links": [link] * len(levels),
        "total": stats["total"],
        "link": link,
    }


def _research(viewer: Any, year: int) -> dict[str, Any]:
    from luzhi.research.selectors import year_overview

    steps = year_overview(viewer=viewer, year=year)["steps"]
    link = f"{reverse('research:year')}?year={year}"
    return {
        "labels": [f"{s['step']}. {s['title']}" if s["step"] <= 8 else s["title"] for s in steps],
        "values": [s["count"] for s in steps],
        "links": [link] * len(steps),
        "total": sum(s["count"] for s in steps),
        "link": link,
    }


def _ledger(viewer: Any, year: int) -> dict[str, Any]:
    from luzhi.ledger.selectors import board

    rows = board(viewer=viewer, year=year)
    return {
        "total": sum(r["total"] for r in rows),
        "overdue": sum(r["overdue"] for r in rows),
        "stale": sum(r["stale"] for r in rows),
        "link": f"{reverse('ledger:board')}?year={year}",
    }


def _scores(viewer: Any, year: int) -> dict[str, Any]:
    committee_id = viewer.committee_id
    rule_set = ScoreRuleSet.objects.filter(committee_id=committee_id, year=year).first()
    idle = ledger.idle_members(committee_id=committee_id, year=year)
    base = reverse("scoring:scores")
    result: dict[str, Any] = {
        "idle": idle,
        "idle_link": f"{base}?year={year}&idle=1",
        "rule_set": rule_set is not None,
        "link": f"{base}?year={year}",
    }
    if rule_set is None:
        return result
    board = ledger.scores(committee_id=committee_id, year=year, rule_set=rule_set)
    grades = Counter(r["grade"] for r in board)
    top = max((r["total"] for r in board), default=0)
    width = 10
    buckets = Counter(int(r["total"] // width) for r in board)
    low = min(buckets, default=0)
    high = max(max(buckets, default=0), int(top // width))
    result.update(
        grade_labels=[rules.GRADE_LABELS[g] for g in rules.GRADE_LABELS],
        grade_values=[grades.get(g, 0) for g in rules.GRADE_LABELS],
        grade_links=[f"{base}?year={year}&grade={g}" for g in rules.GRADE_LABELS],
        bucket_labels=[f"{b * width}–{b * width + width}" for b in range(low, high + 1)],
        bucket_values=[buckets.get(b, 0) for b in range(low, high + 1)],
        count=len(board),
    )
    return result


def year_dashboard(*, viewer: Any, year: int) -> dict[str, Any]:
    """Every figure of the dashboard for the viewer's committee and year."""
    return {
        "year": year,
        "activities": _activities(viewer, year),
        "proposals": _proposals(viewer, year),
        "opinions": _opinions(viewer, year),
        "research": _research(viewer, year),
        "ledger": _ledger(viewer, year),
        "scores": _scores(viewer, year),
    }
