"""Reads of research, scoped to the viewer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from luzhi.activities.models import Activity
from luzhi.core.scoping import visible_to
from luzhi.org.models import Member
from luzhi.research import workflow
from luzhi.research.models import ResearchOutcome, ResearchTopic


def topic_list(*, viewer: Any) -> QuerySet[ResearchTopic]:
    """Return the research topics the viewer may see with lead, committee, group and outcomes loaded."""
    qs = ResearchTopic.objects.select_related("lead", "special_committee").prefetch_related(
        Prefetch("group_members", queryset=Member.objects.order_by("id")),
        Prefetch("outcomes", queryset=ResearchOutcome.objects.order_by("id")),
    )
    return visible_to(qs, viewer).order_by("-year", "id")


def year_overview(*, viewer: Any, year: int) -> dict[str, Any]:
    """Return the year's topics (without their outcomes) and how many stand at each step."""
    topics = visible_to(ResearchTopic.objects.filter(year=year), viewer)
    rows = (
        topics.select_related("lead", "special_committee")
        .annotate(
            outcome_count=Count("outcomes"),
            adopted_count=Count("outcomes", filter=~Q(outcomes__adoption__in=["pending", "not_adopted"])),
        )
        .order_by("special_committee__name", "id")
    )
    at_step = dict(topics.order_by().values_list("step").annotate(n=Count("id")))
    steps = [{"step": s, "title": s_.title, "count": at_step.get(s, 0)} for s, s_ in workflow.STEPS.items()]
    steps.append({"step": workflow.DONE, "title": "已完成", "count": at_step.get(workflow.DONE, 0)})
    return {"topics": rows, "steps": steps}


def topic_timeline(*, topic: ResearchTopic) -> list[dict[str, Any]]:
    """Return the eight steps of a topic, each done / current / not yet, with date and artefact resolved."""
    ids: set[int] = set()
    for record in topic.steps:
        art = record["artefact"]
        ids.update(a for a in (art.get("briefing"), art.get("discussion"), *art.get("visits", [])) if a)
    activities = Activity.objects.filter(committee_id=topic.committee_id).in_bulk(ids) if ids else {}
    members = {m.pk: m for m in topic.group_members.all()}
    timeline = []
    for number, step in workflow.STEPS.items():
        record = topic.step_record(number)
        state = "done" if record else ("current" if number == topic.step else "todo")
        entry: dict[str, Any] = {"number": number, "step": step, "state": state, "record": record}
        if record:
            art = record["artefact"]
            entry["completed_at"] = date.fromisoformat(record["completed_at"])
            entry["activities"] = [
                activities[a]
                for a in (art.get("briefing"), art.get("discussion"), *art.get("visits", []))
                if a in activities
            ]
            entry["members"] = [members[m] for m in art.get("members", []) if m in members]
            entry["others"] = art.get("others", [])
            entry["text"] = art.get("plan") or art.get("plan_document") or art.get("report") or art.get("evaluation")
        timeline.append(entry)
    return timeline
