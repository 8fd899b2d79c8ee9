"""Pages of research: the year's topics, one topic's eight-step timeline, a new topic."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from luzhi.activities.models import Activity
from luzhi.core import clock
from luzhi.core.errors import WorkflowError
from luzhi.core.pages import add_service_errors, error_text, posted, query_year, rule_required
from luzhi.core.permissions import can
from luzhi.core.scoping import access_by_id
from luzhi.core.services import object_create
from luzhi.org.models import Member
from luzhi.org.selectors import acting_committee
from luzhi.research import permissions, workflow
from luzhi.research.forms import TopicForm
from luzhi.research.models import ResearchOutcome, ResearchTopic
from luzhi.research.permissions import may_run
from luzhi.research.selectors import topic_list, topic_timeline, year_overview
from luzhi.research.services import research_outcome_update, research_topic_advance


def _year(request: HttpRequest) -> int:
    return query_year(request, clock.today().year)


@rule_required(permissions.TOPICS)
def year_page(request: HttpRequest) -> HttpResponse:
    """All topics of a year and the step each stands at."""
    year = _year(request)
    context = year_overview(viewer=request.user, year=year)
    context.update(
        year=year,
        years=[year - 1, year, year + 1],
        can_create=can(request.user, permissions.TOPICS, "write"),
        total=len(workflow.STEPS),
    )
    return render(request, "research/year.html", context)


@rule_required(permissions.TOPICS, "write")
def topic_create_page(request: HttpRequest) -> HttpResponse:
    """Register a research topic of the year with its lead leader and special committee."""
    form = TopicForm(posted(request), viewer=request.user, initial={"year": _year(request)})
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "committee": acting_committee(viewer=request.user)}
        try:
            topic = object_create(actor=request.user, model=ResearchTopic, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记课题“{topic}”。")
            return redirect("research:topic", pk=topic.pk)
    return render(request, "research/topic_form.html", {"form": form})


_GUEST_IN_BRACKETS = re.compile(r"(.+?)[（(](.+)[）)]")


def _guest(line: str) -> dict[str, str]:
    """One line of the guests box: "姓名，单位" (or "姓名（单位）"); the service judges what it holds."""
    text = line.strip()
    if match := _GUEST_IN_BRACKETS.fullmatch(text):
        name, org = match.groups()
    else:
        name, _, org = re.sub("[，,、；;]", ",", text, count=1).partition(",")
    return {"name": name.strip(), "organisation": org.strip()}


def _advance_data(step: int, post: QueryDict) -> dict[str, Any]:
    """The advance body of API.md built from the page's form fields."""
    data: dict[str, Any] = {"step": step}
    if step in (1, 2, 8):
        field = workflow.STEPS[step].artefact
        data[field] = post.get(field, "")
    elif step == 3:
        others = [_guest(line) for line in post.get("others", "").splitlines() if line.strip()]
        data["group"] = {"members": post.getlist("members"), "others": others}
    elif step in (4, 6):
        field = workflow.STEPS[step].artefact
        data[field] = post.get(field, "")
    elif step == 5:
        data["visits"] = post.getlist("visits")
    elif step == 7:
        rows = zip(post.getlist("problem"), post.getlist("suggestion"), post.getlist("solution"), strict=False)
        data["report"] = post.get("report", "")
        data["outcomes"] = [
            {"problem": p, "suggestion": s, "solution": x} for p, s, x in rows if p.strip() or s.strip() or x.strip()
        ]
    return data


def _advance_choices(topic: ResearchTopic, viewer: Any) -> dict[str, Any]:
    """What the current step's form offers: the committee's members or the year's activities."""
    if topic.step == 3:
        members = Member.objects.filter(committee_id=topic.committee_id, status=Member.Status.ACTIVE)
        return {"members": members.only("id", "name").order_by("special_committee_id", "id")}
    if topic.step in workflow.STEP_KINDS:
        activities = Activity.objects.filter(
            committee_id=topic.committee_id, start__year=topic.year, kind__in=workflow.STEP_KINDS[topic.step]
        )
        return {"activities": activities.only("id", "title", "start", "days", "kind").order_by("-start", "-id")}
    return {}


@rule_required(permissions.TOPICS)
def topic_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One topic's eight steps (done / current / not yet), its outcomes and, for who runs it, the next step's form."""
    topic = access_by_id(request.user, ResearchTopic, pk, qs=topic_list(viewer=request.user))
    runs = may_run(request.user, topic) and can(request.user, permissions.ADVANCE, "write")
    errors: list[str] = []
    if request.method == "POST":
        if not runs:
            raise PermissionDenied("只有牵头领导、承办专委会和办公室可以推进该课题。")
        step = topic.step
        try:
            research_topic_advance(actor=request.user, topic=topic, data=_advance_data(step, request.POST))
        except ValidationError as exc:
            errors = exc.messages
        except WorkflowError as exc:
            messages.error(request, exc.message)
            return redirect("research:topic", pk=topic.pk)
        else:
            messages.success(request, f"已完成第{step}步：{workflow.STEPS[step].title}。")
            return redirect("research:topic", pk=topic.pk)
    context = {
        "topic": topic,
        "timeline": topic_timeline(topic=topic),
        "outcomes": list(topic.outcomes.all()),
        "runs": runs,
        "errors": errors,
        "posted": request.POST,
        "current": workflow.STEPS.get(topic.step),
        "adoptions": ResearchOutcome.Adoption.choices,
        **(_advance_choices(topic, request.user) if runs else {}),
    }
    return render(request, "research/topic.html", context)


@require_POST
@rule_required(permissions.ADVANCE, "write")
def outcome_update_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an outcome's adoption, instruction and implementation from the topic page."""
    outcome = access_by_id(request.user, ResearchOutcome, pk, qs=ResearchOutcome.objects.select_related("topic"))
    data = {
        "adoption": request.POST.get("adoption", ""),
        "instruction": request.POST.get("instruction", ""),
        "implemented": request.POST.get("implemented") == "on",
    }
    try:
        research_outcome_update(actor=request.user, outcome=outcome, data=data)
    except ValidationError as exc:
        messages.error(request, "未保存：" + error_text(exc))
    else:
        messages.success(request, "已更新成果的采纳与落实情况。")
    return redirect("research:topic", pk=outcome.topic_id)
